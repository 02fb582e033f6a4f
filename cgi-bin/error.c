/*
 * Every path no program owns, and the web server's own errors
 * (lighttpd's server.error-handler, Apache's ErrorDocument): the
 * contract's JSON error instead of an HTML page.  Both servers pass
 * the status they meant in REDIRECT_STATUS; a plain request that
 * landed here gets 404 (Apache's rewrites set REDIRECT_STATUS 200).
 */
#include "api.h"

/* The servers' statuses and the contract's answer to each. */
static const struct {
	int		 in;
	int		 out;
	const char	*code;
	const char	*message;
} answers[] = {
	{ 400, 400, "invalid_request", "the request is malformed" },
	{ 403, 403, "forbidden", "not allowed" },
	{ 405, 405, "method_not_allowed", "method not allowed here" },
	{ 408, 408, "invalid_request", "the request took too long" },
	{ 411, 411, "invalid_request", "a request body needs Content-Length" },
	{ 413, 413, "payload_too_large", "the body is over the size limit" },
	{ 414, 400, "invalid_request", "the URL is too long" },
	{ 417, 417, "invalid_request", "Expect is not supported" },
	{ 431, 400, "invalid_request", "the request headers are too large" },
	{ 501, 501, "not_implemented", "unknown method" },
	{ 503, 503, "service_unavailable", "the service is starting or busy" },
};

static int
error_any(struct req *r, struct resp *p)
{
	long	 status = 404;
	size_t	 i;

	(void)r;
	if (!util_parse_long(api_env("REDIRECT_STATUS"), 400, 599, &status))
		status = 404;
	for (i = 0; i < nitems(answers); i++)
		if (answers[i].in == status)
			return api_fail_status(p, answers[i].out,
			    answers[i].code, NULL, answers[i].message);
	if (status >= 500)
		return api_fail(p, ERR_INTERNAL, NULL, NULL);
	return api_fail(p, ERR_NOT_FOUND, NULL, NULL);
}

static const struct route routes[] = {
	{ METHOD_ANY, "*", ACCESS_PUBLIC, 0, 0, error_any },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), NULL, 0);
}
