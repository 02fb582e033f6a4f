/*
 * GET /tokens: the caller's active sessions, newest first.
 * DELETE /tokens/{id}: revoke one of them; another user's is 404.
 */
#include "api.h"

static int
tokens_get(struct req *r, struct resp *p)
{
	struct json_object	*o, *list;

	if ((list = session_list(r->auth.user.id, r->auth.sid)) == NULL)
		return 0;
	if ((o = json_object_new_object()) == NULL) {
		json_object_put(list);
		return 0;
	}
	json_object_object_add(o, "tokens", list);
	return api_reply(p, 200, o);
}

static int
tokens_delete(struct req *r, struct resp *p)
{

	switch (session_revoke(r->auth.user.id, r->id)) {
	case 1:
		if (r->id == r->auth.sid)
			api_cookies_clear(p);
		return api_reply(p, 204, NULL);
	case 0:
		return api_fail(p, ERR_NOT_FOUND, NULL, "no such session");
	}
	return 0;
}

static const struct route routes[] = {
	{ METHOD_GET, "/tokens", ACCESS_BEARER, 0, 0, tokens_get },
	{ METHOD_DELETE, "/tokens/{id}", ACCESS_BEARER, 0, 0, tokens_delete },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), NULL, 0);
}
