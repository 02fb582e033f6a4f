/*
 * POST /logout: revoke the caller's session, its access and refresh
 * tokens with it, recorded as logout.  204.
 */
#include "api.h"

static int
logout_post(struct req *r, struct resp *p)
{

	if (session_close(r->auth.user.id, r->auth.sid, AUDIT_LOGOUT) == -1)
		return 0;
	browser_clear(p);
	return resp_reply(p, 204, NULL);
}

static const struct route routes[] = {
	{ METHOD_POST, "/logout", ACCESS_BEARER, 0, 0, logout_post },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), NULL, 0);
}
