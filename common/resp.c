/*
 * Responses.  Handlers fill in a struct resp; this file alone turns it
 * into headers and a body, and alone knows the contract's error shape.
 */
#include <stdarg.h>
#include <stdio.h>
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
		cookie_set(p, COOKIE_REFRESH, t->refresh, cfg->refresh_ttl);
		if (t->fgp[0] != '\0')
			cookie_set(p, COOKIE_FGP, t->fgp, cfg->refresh_ttl);
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
 * Write the response: status, the headers every answer carries, the
 * handler's headers, then the body unless the request was HEAD.
 */
void
resp_write(const struct resp *p, int head)
{
	char		 hdr[8192];
	const char	*body = NULL;
	size_t		 len = 0, i;
	int		 n;

	n = snprintf(hdr, sizeof(hdr), "Status: %d %s\r\n"
	    "Content-Type: application/json\r\n"
	    "Cache-Control: no-store\r\n"
	    "Pragma: no-cache\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n", p->status, reason(p->status));
	for (i = 0; i < p->nheaders && n > 0 && (size_t)n < sizeof(hdr); i++)
		n += snprintf(hdr + n, sizeof(hdr) - (size_t)n, "%s: %s\r\n",
		    p->headers[i].name, p->headers[i].value);
	if (n < 0 || (size_t)n + 3 > sizeof(hdr)) {
		LOG("response headers too long");
		return;
	}
	memcpy(hdr + n, "\r\n", 3);
	io_write(hdr, (size_t)n + 2);

	if (p->body != NULL && !head) {
		body = json_object_to_json_string_length(p->body,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &len);
		io_write(body, len);
		io_write("\n", 1);
	}
}
