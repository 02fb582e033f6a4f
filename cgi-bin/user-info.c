/*
 * GET /user-info (and GET /me, GET /get-resource): the caller's user
 * resource.  The verified request path: one token check, one query.
 */
#include "api.h"
#include "reply.h"

static int
user_info_get(struct req *r, struct resp *p)
{

	return reply_user(p, 200, &r->auth.user);
}

static const struct route routes[] = {
	{ METHOD_GET, "/user-info", ACCESS_BEARER, 0, 0, user_info_get },
	{ METHOD_GET, "/me", ACCESS_BEARER, 0, 0, user_info_get },
	{ METHOD_GET, "/get-resource", ACCESS_BEARER, 0, 0, user_info_get },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), NULL, 0);
}
