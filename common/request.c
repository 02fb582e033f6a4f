/*
 * Reading a request: its method, the path to route, the client's
 * address, the bearer token, cookies and query parameters, from the
 * CGI variables of the connection (io.c).  Each variable is looked up
 * once per request: libfcgi scans the whole list for every lookup.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "io.h"
#include "request.h"
#include "util.h"

static const char *const methods[METHOD__MAX] = {
	"GET",		/* METHOD_GET */
	"POST",		/* METHOD_POST */
	"PUT",		/* METHOD_PUT */
	"PATCH",	/* METHOD_PATCH */
	"DELETE",	/* METHOD_DELETE */
	"OPTIONS",	/* METHOD_OPTIONS */
	NULL,		/* METHOD_ANY */
};

/* A method's name, for Allow. */
const char *
req_method_name(enum method m)
{

	return methods[m];
}

/* A CGI variable of the current request, or NULL. */
const char *
req_env(const char *name)
{

	return io_env(name);
}

/* The method of the request; HEAD counts as GET (*head set). */
static enum method
method_of(const char *m, int *head)
{
	size_t	 i;

	*head = m != NULL && strcmp(m, "HEAD") == 0;
	if (*head)
		return METHOD_GET;
	for (i = 0; m != NULL && i < METHOD_ANY; i++)
		if (strcmp(m, methods[i]) == 0)
			return (enum method)i;
	return METHOD__MAX;
}

/* Does the last segment of a URL path name a program file? */
static int
is_program(const char *url)
{
	const char	*base = strrchr(url, '/');
	size_t		 n;

	base = base != NULL ? base + 1 : url;
	n = strlen(base);
	return (n > 5 && strcmp(base + n - 5, ".fcgi") == 0) ||
	    (n > 4 && strcmp(base + n - 4, ".cgi") == 0);
}

/*
 * The length of the folder that serves the API, from SCRIPT_NAME when
 * it names the program's own file under the .htaccess layout
 * ("/auth/cgi-bin/login.fcgi": "/auth"), or 0.
 */
static size_t
folder_of(const char *sn)
{
	const char	*base = strrchr(sn, '/');
	size_t		 n;

	if (base == NULL || base - sn < 8)
		return 0;
	n = (size_t)(base - sn) - 8;
	return strncmp(sn + n, "/cgi-bin", 8) == 0 ? n : 0;
}

/*
 * The path to route and the path the API is served under, from the
 * CGI variables, as RFC 3875 splits a URL: SCRIPT_NAME where the
 * application is mounted, PATH_INFO the path within it.
 *
 *   lighttpd.conf ("/" key):       ""     + "/login"
 *   a prefix (lighttpd "/auth" key, Apache AliasMatch with $1):
 *                                  "/auth" + "/login"
 *   Apache AliasMatch to the file: "/login" + ""
 *   .htaccess rewrites:            "/auth/cgi-bin/login.fcgi" + "/login"
 *
 * So the path is PATH_INFO when there is one or when SCRIPT_NAME names
 * the program's file (no route ends in ".fcgi" or ".cgi"), SCRIPT_NAME
 * otherwise; the base is SCRIPT_NAME in front of a PATH_INFO, or the
 * folder above cgi-bin/ when SCRIPT_NAME names the program's file.  A
 * path too long is "" (no route), and so is a base.
 */
static void
path_of(struct req_store *st, const char **path, const char **base)
{
	const char	*sn = io_env("SCRIPT_NAME");
	const char	*pi = io_env("PATH_INFO");
	size_t		 n;

	if (sn == NULL)
		sn = "";
	if (pi == NULL)
		pi = "";
	if (is_program(sn))
		n = folder_of(sn);
	else if (*pi != '\0')
		n = strlen(sn);
	else {
		pi = sn;
		n = 0;
	}
	while (n > 0 && sn[n - 1] == '/')
		n--;
	*path = strlen(pi) <= PATH_MAX_LEN ? pi : "";
	*base = "";
	if (n <= PATH_MAX_LEN) {
		memcpy(st->base, sn, n);
		st->base[n] = '\0';
		*base = st->base;
	}
}

/*
 * The last hop of X-Forwarded-For (the one the trusted proxy added)
 * into out, or NULL if there is none or it is not an address.
 */
static const char *
forwarded(char out[64])
{
	const char	*xff = io_env("HTTP_X_FORWARDED_FOR"), *last;
	size_t		 n;

	if (xff == NULL)
		return NULL;
	last = strrchr(xff, ',');
	last = last != NULL ? last + 1 : xff;
	last += strspn(last, " \t");
	n = strspn(last, "0123456789abcdefABCDEF.:");
	if (n == 0 || n >= 64 || last[n + strspn(last + n, " \t")] != '\0')
		return NULL;
	memcpy(out, last, n);
	out[n] = '\0';
	return out;
}

/*
 * The client's address: REMOTE_ADDR, or with AUTH_TRUST_PROXY the last
 * hop of X-Forwarded-For (the one the trusted proxy added).
 */
static const char *
ip_of(char out[64])
{
	const char	*addr = io_env("REMOTE_ADDR");

	if (cfg->trust_proxy && forwarded(out) != NULL)
		return out;
	return addr != NULL ? addr : "";
}

/* Is ip a loopback address (127/8, ::1, or 127/8 mapped to IPv6)? */
static int
is_loopback(const char *ip)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;

	if (inet_pton(AF_INET, ip, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, ip, &a6) != 1)
		return 0;
	if (IN6_IS_ADDR_V4MAPPED(&a6))
		return a6.s6_addr[12] == 127;
	return IN6_IS_ADDR_LOOPBACK(&a6);
}

/*
 * Did the request come from this machine?  Its client address, as
 * ip_of() reads it, is loopback.  Behind a trusted proxy REMOTE_ADDR
 * is the proxy's own (often loopback for every client), so there only
 * the proxy's word counts: the last hop of X-Forwarded-For, never
 * REMOTE_ADDR alone.  Returns 1 or 0.
 */
int
req_loopback(const struct req *r)
{
	char	 buf[64];

	if (cfg->trust_proxy)
		return forwarded(buf) != NULL && is_loopback(buf);
	return is_loopback(r->ip);
}

/* The token of "Authorization: Bearer <token>", or NULL. */
static const char *
bearer_of(void)
{
	const char	*h = io_env("HTTP_AUTHORIZATION");

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	h += strspn(h, " ");
	return *h != '\0' ? h : NULL;
}

/*
 * Fill r from the current request's variables; its strings point into
 * the variables or into st.  *head is set for HEAD (served as GET).
 */
void
req_read(struct req *r, struct req_store *st, int *head)
{

	r->method = method_of(io_env("REQUEST_METHOD"), head);
	path_of(st, &r->path, &r->base);
	if ((r->query = io_env("QUERY_STRING")) == NULL)
		r->query = "";
	r->ip = ip_of(st->ip);
	if ((r->user_agent = io_env("HTTP_USER_AGENT")) == NULL)
		r->user_agent = "";
	r->bearer = bearer_of();
	r->origin = io_env("HTTP_ORIGIN");
}

/*
 * Copy the value of cookie name from the Cookie header into out.
 * Returns 1 if it is there (the first one) and fits, else 0.
 */
int
req_cookie(const char *name, char *out, size_t outsz)
{
	const char	*c = io_env("HTTP_COOKIE");
	size_t		 nlen = strlen(name), n;

	while (c != NULL && *c != '\0') {
		c += strspn(c, " \t;");
		n = strcspn(c, ";");
		if (n > nlen && strncmp(c, name, nlen) == 0 && c[nlen] == '=') {
			n -= nlen + 1;
			while (n > 0 && (c[nlen + n] == ' ' || c[nlen + n] == '\t'))
				n--;
			if (n >= outsz)
				return 0;
			memcpy(out, c + nlen + 1, n);
			out[n] = '\0';
			return 1;
		}
		c += n;
	}
	return 0;
}

/* Is the parameter list p (len bytes: ";q=0.5;..."), q=0? */
static int
q_zero(const char *p, size_t len)
{
	size_t	 n, i;

	while (len > 0) {
		n = strcspn(p, ";");
		n = n < len ? n : len;
		i = strspn(p, " \t");
		if (n > i + 2 && strncasecmp(p + i, "q=", 2) == 0) {
			for (i += 2; i < n && (p[i] == '0' || p[i] == '.'); i++)
				;
			return i == n || p[i] == ' ' || p[i] == '\t';
		}
		p += n < len ? n + 1 : n;
		len -= n < len ? n + 1 : n;
	}
	return 0;
}

/*
 * Does the Accept header name the media type type itself (such as
 * "text/html"), with a q above 0?  Wildcards do not count: a browser
 * asking for a page names text/html, an API client does not.
 * Returns 1 or 0.
 */
int
req_accepts(const char *type)
{
	const char	*a = io_env("HTTP_ACCEPT");
	size_t		 tlen = strlen(type), n, m;

	while (a != NULL && *a != '\0') {
		a += strspn(a, " \t,");
		n = strcspn(a, ",");
		m = strcspn(a, ";,");
		while (m > 0 && (a[m - 1] == ' ' || a[m - 1] == '\t'))
			m--;
		if (m == tlen && strncasecmp(a, type, tlen) == 0 &&
		    !q_zero(a + strcspn(a, ";,"), n - strcspn(a, ";,")))
			return 1;
		a += n;
	}
	return 0;
}

/*
 * A whole-number query parameter name in [min, max], or def when it is
 * absent.  Returns 1, or 0 if it is present but not such a number.
 */
int
req_query_long(const struct req *r, const char *name, long def, long min,
    long max, long *out)
{
	const char	*q = r->query, *v;
	char		 num[24];
	size_t		 nlen = strlen(name), vlen;

	*out = def;
	while (*q != '\0') {
		vlen = strcspn(q, "&");
		if (strncmp(q, name, nlen) == 0 && q[nlen] == '=') {
			v = q + nlen + 1;
			if ((size_t)(v - q) > vlen ||
			    vlen - nlen - 1 >= sizeof(num))
				return 0;
			memcpy(num, v, vlen - nlen - 1);
			num[vlen - nlen - 1] = '\0';
			return util_parse_long(num, min, max, out);
		}
		q += vlen;
		q += *q == '&';
	}
	return 1;
}

/*
 * The value of query parameter name, as sent (not decoded: the values
 * this is for need no escapes), into out.  Returns 1 if it is there
 * and fits, 0 if it is absent, -1 if it is too long.
 */
int
req_query_text(const struct req *r, const char *name, char *out,
    size_t size)
{
	const char	*q = r->query;
	size_t		 nlen = strlen(name), vlen;

	while (*q != '\0') {
		vlen = strcspn(q, "&");
		if (strncmp(q, name, nlen) == 0 && q[nlen] == '=') {
			vlen -= nlen + 1;
			if (vlen >= size)
				return -1;
			memcpy(out, q + nlen + 1, vlen);
			out[vlen] = '\0';
			return 1;
		}
		q += vlen;
		q += *q == '&';
	}
	return 0;
}

/* Longest Basic credentials read: a client name and secret, escaped. */
#define BASIC_MAX	1024

/* Form-decode len bytes of in into out (size bytes), no NUL.  1 or 0. */
static int
credential(const char *in, size_t len, char *out, size_t size)
{
	long	 n;

	if (len >= size || (n = util_form_decode(in, len, out)) < 0 ||
	    memchr(out, '\0', (size_t)n) != NULL)
		return 0;
	out[n] = '\0';
	return 1;
}

/*
 * The credentials of "Authorization: Basic ..." (RFC 7617): the user
 * (a client name) and password (its secret), each form-urldecoded
 * first, as RFC 6749 2.3.1 has clients encode them before base64.
 * Returns 1 with id and secret set, or 0 if there are none or they
 * are malformed.
 */
int
req_basic(char *id, size_t idsz, char *secret, size_t secsz)
{
	const char	*h = io_env("HTTP_AUTHORIZATION");
	unsigned char	 raw[BASIC_MAX];
	const char	*colon;
	size_t		 len;
	long		 n;
	int		 rc = 0;

	if (h == NULL || strncasecmp(h, "Basic ", 6) != 0)
		return 0;
	h += 6;
	h += strspn(h, " ");
	len = strcspn(h, " ");
	if (h[len + strspn(h + len, " ")] != '\0' ||
	    len > sizeof(raw) / 3 * 4 ||
	    (n = util_base64_decode(h, len, raw)) < 0)
		return 0;
	if ((colon = memchr(raw, ':', (size_t)n)) != NULL)
		rc = credential((const char *)raw, (size_t)(colon -
		    (const char *)raw), id, idsz) && credential(colon + 1,
		    (size_t)((const char *)raw + n - colon - 1), secret, secsz);
	explicit_bzero(raw, sizeof(raw));
	return rc;
}
