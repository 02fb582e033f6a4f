/*
 * whoami.fcgi: a FastCGI program behind fcgi-auth's authorizer,
 * answering with the variables the web server handed it for the
 * request, as JSON (null: not set), as examples/private/whoami.cgi
 * does for a CGI script.  They come as the request's FastCGI
 * parameters, beside REQUEST_URI and the HTTP_* ones, on lighttpd and
 * on Apache's mod_fcgid alike; a client sending headers of those names
 * gets HTTP_* parameters, never these.
 *
 *	cc -o whoami.fcgi whoami.c -lfcgi
 */
#include <stddef.h>

#include <fcgiapp.h>

static const char *const names[] = {
	"AUTH_USER_ID", "AUTH_USER_ROLE", "AUTH_USER_EMAIL", "AUTH_SESSION_ID",
};

/* Write s as the body of a JSON string: no quote, backslash or control. */
static void
string(FCGX_Stream *out, const char *s)
{

	for (; *s != '\0'; s++)
		if (*s == '"' || *s == '\\')
			FCGX_FPrintF(out, "\\%c", *s);
		else if ((unsigned char)*s >= 0x20)
			FCGX_PutChar(*s, out);
}

int
main(void)
{
	FCGX_Request	 r;
	const char	*v;
	unsigned int	 i;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutS("Status: 200 OK\r\nContent-Type: application/json\r\n"
		    "Cache-Control: no-store\r\n\r\n", r.out);
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			FCGX_FPrintF(r.out, "%s\"%s\":", i == 0 ? "{" : ",",
			    names[i]);
			if ((v = FCGX_GetParam(names[i], r.envp)) == NULL)
				FCGX_PutS("null", r.out);
			else {
				FCGX_PutChar('"', r.out);
				string(r.out, v);
				FCGX_PutChar('"', r.out);
			}
		}
		FCGX_PutS("}\n", r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}
