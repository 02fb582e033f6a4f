/*
 * Every path no program owns, and the web server's own errors
 * (lighttpd's server.error-handler, Apache's ErrorDocument): the
 * contract's JSON error instead of an HTML page.  Both servers pass
 * the status they meant in REDIRECT_STATUS; a plain request that
 * landed here gets 404 (Apache's rewrites set REDIRECT_STATUS 200).
 */
#include "api.h"

/* The servers' statuses and the contract's error for each. */
static const struct {
	int		 status;
	enum err	 err;
	const char	*message;	/* NULL: the error's own */
} answers[] = {
	{ 400, ERR_INVALID_REQUEST, NULL },
	{ 403, ERR_FORBIDDEN, NULL },
	{ 405, ERR_METHOD_NOT_ALLOWED, NULL },
	{ 408, ERR_TIMEOUT, NULL },
	{ 411, ERR_LENGTH_REQUIRED, NULL },
	{ 413, ERR_PAYLOAD_TOO_LARGE, NULL },
	{ 414, ERR_INVALID_REQUEST, "the URL is too long" },
	{ 417, ERR_EXPECTATION_FAILED, NULL },
	{ 431, ERR_INVALID_REQUEST, "the request headers are too large" },
	{ 501, ERR_NOT_IMPLEMENTED, NULL },
	{ 503, ERR_UNAVAILABLE, "the service is starting or busy" },
};

static int
error_any(struct req *r, struct resp *p)
{
	long	 status = 404;
	size_t	 i;

	(void)r;
	if (!util_parse_long(req_env("REDIRECT_STATUS"), 400, 599, &status))
		status = 404;
	for (i = 0; i < nitems(answers); i++)
		if (answers[i].status == status)
			return resp_fail(p, answers[i].err, NULL,
			    answers[i].message);
	return resp_fail(p, status >= 500 ? ERR_INTERNAL : ERR_NOT_FOUND, NULL,
	    NULL);
}

static const struct route routes[] = {
	{ METHOD_ANY, "*", ACCESS_PUBLIC, 0, 0, error_any },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), NULL, 0);
}
