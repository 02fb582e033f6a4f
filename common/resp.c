/*
 * Responses.  Handlers fill in a struct resp; this file alone turns it
 * into headers and a body, and alone knows the contract's error shape.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "io.h"
#include "resp.h"

/* The contract's error table: status, "error" code, default message. */
static const struct {
	int		 status;
	const char	*code;
	const char	*message;
} errs[ERR__MAX] = {
	/* ERR_INVALID_REQUEST */
	{ 400, "invalid_request", "the request is malformed" },
	/* ERR_INVALID_CREDENTIALS: one message, no hint which part. */
	{ 401, "invalid_credentials", "wrong email, username or password" },
	/* ERR_INVALID_TOKEN */
	{ 401, "invalid_token", "the token is missing, malformed, expired "
	    "or revoked" },
	/* ERR_FORBIDDEN */
	{ 403, "forbidden", "not allowed" },
	/* ERR_NOT_FOUND */
	{ 404, "not_found", "no such resource" },
	/* ERR_METHOD_NOT_ALLOWED */
	{ 405, "method_not_allowed", "method not allowed here" },
	/* ERR_CONFLICT */
	{ 409, "conflict", "already taken" },
	/* ERR_PAYLOAD_TOO_LARGE */
	{ 413, "payload_too_large", "the body is over the size limit" },
	/* ERR_UNSUPPORTED_MEDIA_TYPE */
	{ 415, "unsupported_media_type", "send the body as application/json" },
	/* ERR_TOO_MANY_REQUESTS */
	{ 429, "too_many_requests", "too many failed logins; try again later" },
	/* ERR_INTERNAL */
	{ 500, "internal_error", "internal error" },
	/* ERR_UNAVAILABLE */
	{ 503, "service_unavailable", "the service is busy; try again" },
};

static const char *
reason(int status)
{
	static const struct {
		int		 status;
		const char	*text;
	} reasons[] = {
		{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
		{ 204, "No Content" }, { 400, "Bad Request" },
		{ 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 408, "Request Timeout" }, { 409, "Conflict" },
		{ 411, "Length Required" }, { 413, "Content Too Large" },
		{ 415, "Unsupported Media Type" },
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

/*
 * Add a response header.  Values are formatted into a fixed buffer;
 * CR and LF are replaced so no value can start a header of its own.
 * Returns 1, or 0 if there is no room.
 */
int
api_header(struct resp *p, const char *name, const char *fmt, ...)
{
	struct header	*h;
	va_list		 ap;
	char		*c;

	if (p->nheaders == RESP_HEADERS) {
		LOG("too many headers; %s dropped", name);
		return 0;
	}
	h = &p->headers[p->nheaders++];
	h->name = name;
	va_start(ap, fmt);
	vsnprintf(h->value, sizeof(h->value), fmt, ap);
	va_end(ap);
	for (c = h->value; (c = strpbrk(c, "\r\n")) != NULL; c++)
		*c = ' ';
	return 1;
}

/*
 * Set the response: status and body (owned from now on; NULL for none).
 * Returns 1, or 0 when a body was due but could not be made.
 */
int
api_reply(struct resp *p, int status, struct json_object *body)
{

	json_object_put(p->body);
	p->status = status;
	p->body = body;
	return body != NULL || status == 204;
}

/*
 * Set an error response of the contract's shape, the only place it is
 * made: {"error": code, "message": text, "field": name}, field
 * optional.  Returns 1.
 */
int
api_fail_status(struct resp *p, int status, const char *code,
    const char *field, const char *message)
{
	struct json_object	*o = json_object_new_object();

	if (o != NULL) {
		json_object_object_add(o, "error", json_object_new_string(code));
		json_object_object_add(o, "message",
		    json_object_new_string(message));
		if (field != NULL)
			json_object_object_add(o, "field",
			    json_object_new_string(field));
	}
	api_reply(p, status, o);
	if (strcmp(code, "invalid_token") == 0)
		api_header(p, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
	if (status == 503)
		api_header(p, "Retry-After", "1");
	return 1;
}

/*
 * Set one of the contract's errors; message NULL takes its default.
 * Returns 1, so a handler can "return api_fail(...)".
 */
int
api_fail(struct resp *p, enum err e, const char *field, const char *message)
{

	return api_fail_status(p, errs[e].status, errs[e].code, field,
	    message != NULL ? message : errs[e].message);
}

/*
 * Set a cookie the way the contract wants every one of ours: __Host-
 * prefixed (so no subdomain can set or shadow it), Secure, HttpOnly (no
 * script can read it), SameSite=Strict (never sent cross-site).
 */
static void
cookie_set(struct resp *p, const char *name, const char *value, long maxage)
{

	api_header(p, "Set-Cookie", "%s=%s; Path=/; Secure; HttpOnly; "
	    "SameSite=Strict; Max-Age=%ld%s", name, value, maxage,
	    maxage > 0 ? "" : "; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
}

/*
 * Answer with a token response.  In cookie mode the refresh token and
 * the fingerprint travel only as cookies, and tokens_json() leaves the
 * refresh token out of the body.  Returns as api_reply().
 */
int
api_tokens(struct resp *p, int status, const struct tokens *t)
{

	if (cfg->cookie_mode) {
		cookie_set(p, COOKIE_REFRESH, t->refresh,
		    tokens_refresh_left(t));
		if (t->fgp[0] != '\0')
			cookie_set(p, COOKIE_FGP, t->fgp,
			    tokens_refresh_left(t));
	}
	return api_reply(p, status, tokens_json(t));
}

/*
 * In cookie mode, tell the browser to drop both cookies: Max-Age=0, and
 * an Expires in the past for clients that read only that.
 */
void
api_cookies_clear(struct resp *p)
{

	if (!cfg->cookie_mode)
		return;
	cookie_set(p, COOKIE_REFRESH, "", 0);
	cookie_set(p, COOKIE_FGP, "", 0);
}

/*
 * The JSON text of a response body, written here rather than by
 * json_object_to_json_string_length(), whose printbuf grew by realloc()
 * and escaped byte by byte: a tenth of a verified request.  The output
 * is the same, byte for byte (tests/unit/test_resp.c): json-c's PLAIN
 * form without escaping '/'.  The buffer is kept for the next request.
 */
static char	*text;
static size_t	 textlen, textsize;
static int	 textfail;	/* out of memory: json-c writes it instead */

/* Append len bytes of s to text. */
static void
add(const char *s, size_t len)
{
	char	*n;
	size_t	 size;

	if (len > textsize - textlen) {
		size = textsize > 0 ? textsize : 1024;
		while (size - textlen < len)
			size *= 2;
		if ((n = realloc(text, size)) == NULL) {
			textfail = 1;
			return;
		}
		text = n;
		textsize = size;
	}
	memcpy(text + textlen, s, len);
	textlen += len;
}

/* Append s as a JSON string, escaped as json-c escapes it. */
static void
add_string(const char *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	char			 esc[6] = { '\\', 'u', '0', '0' };
	size_t			 i, from = 0;
	unsigned char		 c;

	add("\"", 1);
	for (i = 0; i < len; i++) {
		if ((c = (unsigned char)s[i]) >= 0x20 && c != '"' && c != '\\')
			continue;
		add(s + from, i - from);
		from = i + 1;
		switch (c) {
		case '"':
			add("\\\"", 2);
			break;
		case '\\':
			add("\\\\", 2);
			break;
		case '\b':
			add("\\b", 2);
			break;
		case '\f':
			add("\\f", 2);
			break;
		case '\n':
			add("\\n", 2);
			break;
		case '\r':
			add("\\r", 2);
			break;
		case '\t':
			add("\\t", 2);
			break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			add(esc, 6);
			break;
		}
	}
	add(s + from, len - from);
	add("\"", 1);
}

/* Append x in decimal (snprintf() took more than the rest of a user). */
static void
add_int(int64_t x)
{
	char		 buf[24], *p = buf + sizeof(buf);
	uint64_t	 u = x < 0 ? -(uint64_t)x : (uint64_t)x;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (x < 0)
		*--p = '-';
	add(p, (size_t)(buf + sizeof(buf) - p));
}

/* Append the JSON of v (NULL is null). */
static void
add_json(struct json_object *v)
{
	struct json_object_iterator	 it, end;
	const char			*k;
	size_t				 i, n;
	int64_t				 x;

	switch (json_object_get_type(v)) {
	case json_type_null:
		add("null", 4);
		break;
	case json_type_boolean:
		if (json_object_get_boolean(v))
			add("true", 4);
		else
			add("false", 5);
		break;
	case json_type_int:
		/* INT64_MAX may stand for a larger unsigned value. */
		if ((x = json_object_get_int64(v)) != INT64_MAX) {
			add_int(x);
			break;
		}
		/* FALLTHROUGH */
	case json_type_double:
		/* Rare here: json-c's own formatting of numbers. */
		k = json_object_to_json_string_length(v,
		    JSON_C_TO_STRING_PLAIN, &n);
		add(k, n);
		break;
	case json_type_string:
		add_string(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		break;
	case json_type_object:
		add("{", 1);
		it = json_object_iter_begin(v);
		end = json_object_iter_end(v);
		for (i = 0; !json_object_iter_equal(&it, &end); i++) {
			if (i > 0)
				add(",", 1);
			k = json_object_iter_peek_name(&it);
			add_string(k, strlen(k));
			add(":", 1);
			add_json(json_object_iter_peek_value(&it));
			json_object_iter_next(&it);
		}
		add("}", 1);
		break;
	case json_type_array:
		add("[", 1);
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			if (i > 0)
				add(",", 1);
			add_json(json_object_array_get_idx(v, i));
		}
		add("]", 1);
		break;
	}
}

/*
 * The JSON text of body, as json-c's PLAIN form without '/' escaped.
 * Returns it (valid until the next call) with *len set.
 */
const char *
resp_json(struct json_object *body, size_t *len)
{

	textlen = 0;
	textfail = 0;
	add_json(body);
	if (textfail)
		return json_object_to_json_string_length(body,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    len);
	*len = textlen;
	return text;
}

/* The headers every answer carries, after the status line. */
static const char	 common_headers[] =
	"Content-Type: application/json\r\n"
	"Cache-Control: no-store\r\n"
	"Pragma: no-cache\r\n"
	"X-Content-Type-Options: nosniff\r\n"
	"X-Frame-Options: DENY\r\n";

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
 * Write the response: status, the headers every answer carries, the
 * handler's headers, then the body unless the request was HEAD.  The
 * header block is put together with memcpy(), not snprintf(), which
 * cost a tenth of a verified request's instructions.
 */
void
resp_write(const struct resp *p, int head)
{
	char		 hdr[8192], code[4];
	const char	*body = NULL, *why;
	size_t		 len = 0, n = 0, i;
	int		 status = p->status, ok;

	if (status < 100 || status > 599)
		status = 500;
	code[0] = (char)('0' + status / 100);
	code[1] = (char)('0' + status / 10 % 10);
	code[2] = (char)('0' + status % 10);
	code[3] = ' ';
	why = reason(status);
	ok = put(hdr, sizeof(hdr), &n, "Status: ", 8) &&
	    put(hdr, sizeof(hdr), &n, code, 4) &&
	    put(hdr, sizeof(hdr), &n, why, strlen(why)) &&
	    put(hdr, sizeof(hdr), &n, "\r\n", 2) &&
	    put(hdr, sizeof(hdr), &n, common_headers,
	    sizeof(common_headers) - 1);
	for (i = 0; ok && i < p->nheaders; i++)
		ok = put(hdr, sizeof(hdr), &n, p->headers[i].name,
		    strlen(p->headers[i].name)) &&
		    put(hdr, sizeof(hdr), &n, ": ", 2) &&
		    put(hdr, sizeof(hdr), &n, p->headers[i].value,
		    strlen(p->headers[i].value)) &&
		    put(hdr, sizeof(hdr), &n, "\r\n", 2);
	if (!ok || !put(hdr, sizeof(hdr), &n, "\r\n", 2)) {
		LOG("response headers too long");
		return;
	}
	io_write(hdr, n);

	if (p->body != NULL && !head) {
		body = resp_json(p->body, &len);
		io_write(body, len);
		io_write("\n", 1);
	}
}
