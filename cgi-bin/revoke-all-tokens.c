/*
 * POST /revoke-all-tokens: revoke every session of the caller, the
 * current one included, each recorded as session.revoked.
 * 200 {"revoked": n}.
 */
#include "api.h"
#include "reply.h"

static int
revoke_all_post(struct req *r, struct resp *p)
{
	int	 n;

	if ((n = session_revoke_all(r->auth.user.id)) == -1)
		return 0;
	browser_clear(p);
	return reply_revoked(p, n);
}

static const struct route routes[] = {
	{ METHOD_POST, "/revoke-all-tokens", ACCESS_BEARER, 0, 0,
	    revoke_all_post },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), NULL, 0);
}
