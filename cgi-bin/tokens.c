/*
 * GET /tokens: the caller's active sessions, newest first.
 * DELETE /tokens/{id}: revoke one of them, recorded as session.revoked;
 * another user's is 404.
 */
#include <json-c/json.h>

#include "api.h"

/* What session_each() hands its sessions to. */
struct list {
	struct json_object	*array;
	int64_t			 current;
};

/* Append one session to the list, as the contract shows it. */
static int
add_session(const struct session *s, void *arg)
{
	struct list		*l = arg;
	struct json_object	*o;
	char			 t[RFC3339_LEN];

	if ((o = json_object_new_object()) == NULL ||
	    json_object_array_add(l->array, o) != 0) {
		json_object_put(o);
		return -1;
	}
	json_object_object_add(o, "id", json_object_new_int64(s->id));
	util_rfc3339(s->created_at, t);
	json_object_object_add(o, "created_at", json_object_new_string(t));
	util_rfc3339(s->last_used_at, t);
	json_object_object_add(o, "last_used_at", json_object_new_string(t));
	util_rfc3339(s->expires_at, t);
	json_object_object_add(o, "expires_at", json_object_new_string(t));
	json_object_object_add(o, "ip", json_object_new_string(s->ip));
	json_object_object_add(o, "user_agent",
	    json_object_new_string(s->user_agent));
	json_object_object_add(o, "current",
	    json_object_new_boolean(s->id == l->current));
	return 0;
}

static int
tokens_get(struct req *r, struct resp *p)
{
	struct list		 l = { NULL, r->auth.sid };
	struct json_object	*o = NULL;

	if ((l.array = json_object_new_array()) == NULL ||
	    session_each(r->auth.user.id, add_session, &l) == -1 ||
	    (o = json_object_new_object()) == NULL) {
		json_object_put(l.array);
		return 0;
	}
	json_object_object_add(o, "tokens", l.array);
	return resp_reply(p, 200, o);
}

static int
tokens_delete(struct req *r, struct resp *p)
{

	switch (session_close(r->auth.user.id, r->id, AUDIT_SESSION_REVOKED)) {
	case 1:
		if (r->id == r->auth.sid)
			browser_clear(p);
		return resp_reply(p, 204, NULL);
	case 0:
		return resp_fail(p, ERR_NOT_FOUND, NULL, "no such session");
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
