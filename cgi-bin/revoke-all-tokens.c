/*
 * POST /revoke-all-tokens: revoke every session of the caller, the
 * current one included.  200 {"revoked": n}.
 */
#include "api.h"

static int
revoke_all_post(struct req *r, struct resp *p)
{
	struct json_object	*o;
	int			 n;

	if ((n = session_revoke_user(r->auth.user.id, 0)) == -1 ||
	    (o = json_object_new_object()) == NULL)
		return 0;
	json_object_object_add(o, "revoked", json_object_new_int(n));
	api_cookies_clear(p);
	return api_reply(p, 200, o);
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
