/*
 * Responses: the table of every error the service answers, the setters
 * handlers fill a struct resp with, and the one writer that turns it
 * into a status line, headers and a body (jsonout.c writes the JSON).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "io.h"
#include "jsonout.h"
#include "response.h"
#include "util.h"

/* Each error: status, "error" code, default message, what it adds. */
static const struct {
	int		 status;
	const char	*code;
	const char	*message;
	const char	*challenge;	/* WWW-Authenticate, or NULL */
	int		 retry;		/* Retry-After: 1 */
} errs[ERR__MAX] = {
	/* ERR_INVALID_REQUEST */
	{ 400, "invalid_request", "the request is malformed", NULL, 0 },
	/* ERR_INVALID_CREDENTIALS: one message, no hint which part. */
	{ 401, "invalid_credentials", "wrong email, username or password",
	    NULL, 0 },
	/* ERR_INVALID_TOKEN */
	{ 401, "invalid_token", "the token is missing, malformed, expired "
	    "or revoked", "Bearer error=\"invalid_token\"", 0 },
	/* ERR_INVALID_CLIENT: a resource server's credentials (RFC 6749 5.2). */
	{ 401, "invalid_client", "the client credentials are missing or "
	    "wrong", "Basic realm=\"fcgi-auth\"", 0 },
	/* ERR_FORBIDDEN */
	{ 403, "forbidden", "not allowed", NULL, 0 },
	/* ERR_NOT_FOUND */
	{ 404, "not_found", "no such resource", NULL, 0 },
	/* ERR_METHOD_NOT_ALLOWED */
	{ 405, "method_not_allowed", "method not allowed here", NULL, 0 },
	/* ERR_TIMEOUT */
	{ 408, "invalid_request", "the request took too long", NULL, 0 },
	/* ERR_CONFLICT */
	{ 409, "conflict", "already taken", NULL, 0 },
	/* ERR_LENGTH_REQUIRED */
	{ 411, "invalid_request", "a request body needs Content-Length",
	    NULL, 0 },
	/* ERR_PAYLOAD_TOO_LARGE */
	{ 413, "payload_too_large", "the body is over the size limit", NULL,
	    0 },
	/* ERR_UNSUPPORTED_MEDIA_TYPE */
	{ 415, "unsupported_media_type", "send the body as application/json",
	    NULL, 0 },
	/* ERR_EXPECTATION_FAILED */
	{ 417, "invalid_request", "Expect is not supported", NULL, 0 },
	/* ERR_TOO_MANY_REQUESTS */
	{ 429, "too_many_requests", "too many failed logins; try again later",
	    NULL, 0 },
	/* ERR_INTERNAL */
	{ 500, "internal_error", "internal error", NULL, 0 },
	/* ERR_NOT_IMPLEMENTED */
	{ 501, "not_implemented", "unknown method", NULL, 0 },
	/* ERR_UNAVAILABLE */
	{ 503, "service_unavailable", "the service is busy; try again", NULL,
	    1 },
};

/* The standard reason phrase (Apache passes ours on verbatim). */
static const char *
reason(int status)
{
	static const struct {
		int		 status;
		const char	*text;
	} reasons[] = {
		{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
		{ 204, "No Content" }, { 302, "Found" },
		{ 400, "Bad Request" },
		{ 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 408, "Request Timeout" }, { 409, "Conflict" },
		{ 411, "Length Required" }, { 413, "Content Too Large" },
		{ 415, "Unsupported Media Type" },
		{ 417, "Expectation Failed" },
		{ 429, "Too Many Requests" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 503, "Service Unavailable" },
	};
	size_t	 i;

	for (i = 0; i < nitems(reasons); i++)
		if (reasons[i].status == status)
			return reasons[i].text;
	return status < 500 ? "Bad Request" : "Internal Server Error";
}

/* An empty response, before the handler fills it. */
void
resp_init(struct resp *p)
{

	/* Not memset: its 8 KiB of header buffers are read only up to
	 * nheaders. */
	p->status = 0;
	p->body = NULL;
	p->text = NULL;
	p->textlen = 0;
	p->type = NULL;
	p->cache = NULL;
	p->bare = 0;
	p->nheaders = 0;
}

/* Drop the body set so far, for another answer. */
static void
answer_free(struct resp *p)
{

	json_object_put(p->body);
	p->body = NULL;
	/* Most answers are JSON: no free() call for them. */
	if (p->text != NULL) {
		free(p->text);
		p->text = NULL;
	}
	p->textlen = 0;
	p->type = NULL;
	p->bare = 0;
}

/* Release the body and the headers; safe to call more than once. */
void
resp_free(struct resp *p)
{
	size_t	 i;

	answer_free(p);
	for (i = 0; i < p->nheaders; i++) {
		free(p->headers[i].big);
		p->headers[i].big = NULL;
	}
	p->nheaders = 0;
}

/*
 * Add a response header.  Values are formatted into a fixed buffer;
 * CR and LF are replaced so no value can start a header of its own.
 * Returns 1 (a header that does not fit is dropped and logged).
 */
int
resp_header(struct resp *p, const char *name, const char *fmt, ...)
{
	struct header	*h;
	va_list		 ap;
	char		*c;
	int		 n;

	if (p->nheaders == RESP_HEADERS) {
		LOG("too many headers; %s dropped", name);
		return 1;
	}
	h = &p->headers[p->nheaders++];
	h->name = name;
	h->big = NULL;
	va_start(ap, fmt);
	n = vsnprintf(h->value, sizeof(h->value), fmt, ap);
	va_end(ap);
	/* Rare and longer (a cookie holding a token): on the heap. */
	if (n >= (int)sizeof(h->value)) {
		if ((h->big = malloc((size_t)n + 1)) == NULL) {
			LOG("out of memory; %s dropped", name);
			p->nheaders--;
			return 1;
		}
		va_start(ap, fmt);
		vsnprintf(h->big, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	c = h->big != NULL ? h->big : h->value;
	for (; (c = strpbrk(c, "\r\n")) != NULL; c++)
		*c = ' ';
	return 1;
}

/*
 * Set the response: status and body (owned from now on; NULL for none).
 * Returns 1, or 0 when a body was due but could not be made (a handler
 * returning it then fails with a 500).
 */
int
resp_reply(struct resp *p, int status, struct json_object *body)
{

	answer_free(p);
	p->status = status;
	p->body = body;
	return body != NULL || status == 204;
}

/*
 * Set a response whose body is not JSON: status, len bytes of text
 * (malloc'd, owned from now on) as type (a string constant, such as
 * "text/plain; version=0.0.4").  Any other answer set later, an error
 * included, is JSON again.  Returns 1.
 */
int
resp_text(struct resp *p, int status, const char *type, char *text,
    size_t len)
{

	answer_free(p);
	p->status = status;
	p->text = text;
	p->textlen = len;
	p->type = type;
	return 1;
}

/*
 * Let this answer be cached, as Cache-Control value says (a string
 * constant), instead of "no-store" and "Pragma: no-cache".  Returns 1.
 */
int
resp_cache(struct resp *p, const char *value)
{

	p->cache = value;
	return 1;
}

/*
 * Answer with status and the handler's headers alone: no type, no
 * body, none of the headers every other answer carries.  This is an
 * authorizer's 200, whose headers Apache's mod_fcgid hands on to the
 * client with the protected page.  Any answer set later is a full one
 * again.  Returns 1.
 */
int
resp_bare(struct resp *p, int status)
{

	answer_free(p);
	p->status = status;
	p->bare = 1;
	return 1;
}

/*
 * Set error e, the only place the error shape is made: {"error": code,
 * "message": text, "field": name}, field optional, message NULL for the
 * table's; with the headers the error carries.  Returns 1.
 */
int
resp_fail(struct resp *p, enum err e, const char *field, const char *message)
{
	struct json_object	*o = json_object_new_object();

	if (o != NULL) {
		json_object_object_add(o, "error",
		    json_object_new_string(errs[e].code));
		json_object_object_add(o, "message", json_object_new_string(
		    message != NULL ? message : errs[e].message));
		if (field != NULL)
			json_object_object_add(o, "field",
			    json_object_new_string(field));
	}
	resp_reply(p, errs[e].status, o);
	if (errs[e].challenge != NULL)
		resp_header(p, "WWW-Authenticate", "%s", errs[e].challenge);
	if (errs[e].retry)
		resp_header(p, "Retry-After", "1");
	return 1;
}

/* The headers every answer carries, after the status line and type. */
static const char	 common_headers[] =
	"X-Content-Type-Options: nosniff\r\n"
	"X-Frame-Options: DENY\r\n";

/* And unless the answer may be cached (resp_cache()). */
static const char	 no_store[] =
	"Cache-Control: no-store\r\n"
	"Pragma: no-cache\r\n";

/*
 * Append len bytes of s to the block b of size bytes, *n of them used.
 * Returns 1, or 0 (nothing appended) when they do not fit.
 */
static int
put(char *b, size_t size, size_t *n, const char *s, size_t len)
{

	if (len > size - *n)
		return 0;
	memcpy(b + *n, s, len);
	*n += len;
	return 1;
}

/*
 * Put "Content-Length: len\r\n" into b (size bytes, *n used).  Under
 * FastCGI the web server passes it on, so the client need not wait for
 * a chunked end, and a HEAD answer says what GET would send.
 */
static int
put_length(char *b, size_t size, size_t *n, size_t len)
{
	char	 digits[24];
	size_t	 i = sizeof(digits);

	do
		digits[--i] = (char)('0' + len % 10);
	while ((len /= 10) > 0);
	return put(b, size, n, "Content-Length: ", 16) &&
	    put(b, size, n, digits + i, sizeof(digits) - i) &&
	    put(b, size, n, "\r\n", 2);
}

/*
 * The status line and headers of p into hdr (size bytes), put together
 * with memcpy(), not snprintf(): every answer goes through here.  A
 * bare answer has the status and the handler's headers alone; one with
 * a body (of len bytes, sent or not) says its length.
 * Returns their length, or 0 if they do not fit (logged).
 */
static size_t
head_of(const struct resp *p, const char *body, size_t len, char *hdr,
    size_t size)
{
	const struct header	*h;
	const char		*why, *v;
	const char		*type = p->type != NULL ? p->type :
				    "application/json";
	char			 code[4];
	size_t			 n = 0, i;
	int			 status = p->status, ok;

	if (status < 100 || status > 599)
		status = 500;
	code[0] = (char)('0' + status / 100);
	code[1] = (char)('0' + status / 10 % 10);
	code[2] = (char)('0' + status % 10);
	code[3] = ' ';
	why = reason(status);
	ok = put(hdr, size, &n, "Status: ", 8) && put(hdr, size, &n, code, 4) &&
	    put(hdr, size, &n, why, strlen(why)) &&
	    put(hdr, size, &n, "\r\n", 2);
	if (!p->bare)
		ok = ok && put(hdr, size, &n, "Content-Type: ", 14) &&
		    put(hdr, size, &n, type, strlen(type)) &&
		    put(hdr, size, &n, "\r\n", 2) &&
		    put(hdr, size, &n, common_headers,
		    sizeof(common_headers) - 1);
	if (!p->bare && p->cache == NULL)
		ok = ok && put(hdr, size, &n, no_store, sizeof(no_store) - 1);
	else if (!p->bare)
		ok = ok && put(hdr, size, &n, "Cache-Control: ", 15) &&
		    put(hdr, size, &n, p->cache, strlen(p->cache)) &&
		    put(hdr, size, &n, "\r\n", 2);
	for (i = 0; ok && i < p->nheaders; i++) {
		h = &p->headers[i];
		v = h->big != NULL ? h->big : h->value;
		ok = put(hdr, size, &n, h->name, strlen(h->name)) &&
		    put(hdr, size, &n, ": ", 2) &&
		    put(hdr, size, &n, v, strlen(v)) &&
		    put(hdr, size, &n, "\r\n", 2);
	}
	if (!p->bare && body != NULL)
		ok = ok && put_length(hdr, size, &n, len);
	if (!ok || !put(hdr, size, &n, "\r\n", 2)) {
		LOG("response headers too long");
		return 0;
	}
	return n;
}

/*
 * Write the response: status, its type (JSON unless resp_text() set
 * another), the headers every answer carries, the handler's headers,
 * then the body unless the request was HEAD.
 */
void
resp_write(const struct resp *p, int head)
{
	char		 hdr[8192];
	const char	*body = NULL;
	size_t		 n, len = 0, nl = 0;

	if (p->text != NULL) {
		body = p->text;
		len = p->textlen;
	} else if (p->body != NULL) {
		body = jsonout(p->body, &len);
		nl = 1;
	}
	if ((n = head_of(p, body, len + nl, hdr, sizeof(hdr))) == 0)
		return;
	io_write(hdr, n);
	if (head || body == NULL)
		return;
	io_write(body, len);
	if (nl)
		io_write("\n", 1);
}
