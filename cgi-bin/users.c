/*
 * GET /users: every user, a page at a time, in order of id (admins).
 * GET /users/{id} (and GET /user/{id}): one user (self or admin).
 * PATCH /users/{id}: set role and email_verified (admins).
 * DELETE /users/{id}: the user goes, and with them their sessions and
 * tokens (self with the password, and code with a second factor, or an
 * admin).
 * Demoting or deleting the last admin is refused with 409: the first
 * admin is made with authctl, and the API must not lose the last one.
 */
#include <limits.h>

#include <json-c/json.h>

#include "api.h"
#include "reply.h"

#define LIMIT_DEFAULT	50
#define LIMIT_MAX	200

enum {
	FIELD_ROLE,
	FIELD_VERIFIED,
	FIELD_PASSWORD,
	FIELD_CODE,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "role", valid_role, NULL },			/* FIELD_ROLE */
	{ "email_verified", valid_bool, NULL },		/* FIELD_VERIFIED */
	{ "password", valid_password, NULL },		/* FIELD_PASSWORD */
	{ "code", valid_code, NULL },			/* FIELD_CODE */
};

/* user_each() callback: append u's resource to the JSON array arg. */
static int
add_user(const struct user *u, void *arg)
{
	struct json_object	*o;

	if ((o = reply_user_json(u)) == NULL ||
	    json_object_array_add(arg, o) != 0) {
		json_object_put(o);
		return -1;
	}
	return 0;
}

static int
users_list(struct req *r, struct resp *p)
{
	struct json_object	*o = NULL, *list = NULL;
	long			 limit, offset;
	int64_t			 total;

	/* Check the query before any work. */
	if (!req_query_long(r, "limit", LIMIT_DEFAULT, 1, LIMIT_MAX, &limit))
		return resp_fail(p, ERR_INVALID_REQUEST, "limit",
		    "limit must be a whole number from 1 to 200");
	if (!req_query_long(r, "offset", 0, 0, LONG_MAX, &offset))
		return resp_fail(p, ERR_INVALID_REQUEST, "offset",
		    "offset must be a whole number, 0 or more");

	if ((list = json_object_new_array()) == NULL ||
	    user_each(limit, offset, add_user, list) == -1 ||
	    user_count(&total) == -1 ||
	    (o = json_object_new_object()) == NULL) {
		json_object_put(list);
		return 0;
	}
	json_object_object_add(o, "users", list);
	json_object_object_add(o, "total", json_object_new_int64(total));
	return resp_reply(p, 200, o);
}

/* Map an admin's change to the answer: the user, 404 or 409. */
static int
changed(struct resp *p, enum user_change rc, const struct user *u,
    const char *field)
{

	switch (rc) {
	case USER_CHANGED:
		return u != NULL ? reply_user(p, 200, u) :
		    resp_reply(p, 204, NULL);
	case USER_MISSING:
		return resp_fail(p, ERR_NOT_FOUND, NULL, "no such user");
	case USER_LAST_ADMIN:
		return resp_fail(p, ERR_CONFLICT, field, "this is the last "
		    "admin; make another admin first");
	default:
		return 0;
	}
}

/* An empty body changes nothing and answers the user as they are. */
static int
users_patch(struct req *r, struct resp *p)
{
	const struct param	*role = &r->params[FIELD_ROLE];
	const struct param	*verified = &r->params[FIELD_VERIFIED];
	struct user		 u;

	return changed(p, user_update(r->id, role->set ? role->str : NULL,
	    verified->set ? verified->flag : -1, &u), &u, "role");
}

/*
 * Deleting one's own account needs one's password, and code with a
 * second factor, checked as a login is (counted, throttled), so a
 * stolen access token alone cannot do it.  An admin deleting another
 * user needs none; a password sent anyway is checked (it is always the
 * caller's own), with the caller's code.
 */
static int
users_delete(struct req *r, struct resp *p)
{
	const struct param	*pw = &r->params[FIELD_PASSWORD];
	const struct param	*code = &r->params[FIELD_CODE];
	enum user_change	 rc;
	enum proof		 pr;
	int64_t			 retry;
	int			 ok;

	if (!reply_self_or_admin(r))
		return resp_fail(p, ERR_FORBIDDEN, NULL,
		    "only an admin may delete another user");
	if (r->id == r->auth.user.id && !pw->set)
		return resp_fail(p, ERR_INVALID_REQUEST, "password",
		    "password is required to delete your own account");
	if (pw->set) {
		pr = account_prove(r->auth.user.id, r->auth.sid, pw->str,
		    code->set ? code->str : NULL, r->ip, &retry);
		if ((ok = reply_proof(p, pr, "password", "code",
		    retry)) != 1)
			return ok == 0;
	}
	if ((rc = user_remove(r->id)) == USER_CHANGED &&
	    r->id == r->auth.user.id)
		browser_clear(p);
	return changed(p, rc, NULL, NULL);
}

static const struct route routes[] = {
	{ METHOD_GET, "/users", ACCESS_ADMIN, 0, 0, users_list },
	{ METHOD_GET, "/users/{id}", ACCESS_BEARER, 0, 0, reply_user_get },
	{ METHOD_PATCH, "/users/{id}", ACCESS_ADMIN,
	    F(FIELD_ROLE) | F(FIELD_VERIFIED), 0, users_patch },
	{ METHOD_DELETE, "/users/{id}", ACCESS_BEARER,
	    F(FIELD_PASSWORD) | F(FIELD_CODE), 0, users_delete },
	{ METHOD_GET, "/user/{id}", ACCESS_BEARER, 0, 0, reply_user_get },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
