/*
 * GET /users: every user, a page at a time, in order of id (admins).
 * GET /users/{id} (and GET /user/{id}): one user (self or admin).
 * PATCH /users/{id}: set role and email_verified (admins).
 * DELETE /users/{id}: the user goes, and with them their sessions and
 * tokens (self with the password, or an admin).
 * Demoting or deleting the last admin is refused with 409: the first
 * admin is made with authctl, and the API must not lose the last one.
 */
#include <limits.h>

#include "api.h"

#define LIMIT_DEFAULT	50
#define LIMIT_MAX	200

enum {
	FIELD_ROLE,
	FIELD_VERIFIED,
	FIELD_PASSWORD,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "role", valid_role, NULL },			/* FIELD_ROLE */
	{ "email_verified", valid_bool, NULL },		/* FIELD_VERIFIED */
	{ "password", valid_password, NULL },		/* FIELD_PASSWORD */
};

/* user_each() callback: append u's resource to the JSON array arg. */
static int
add_user(const struct user *u, void *arg)
{
	struct json_object	*o;

	if ((o = user_json(u)) == NULL ||
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
	if (!api_query_long(r, "limit", LIMIT_DEFAULT, 1, LIMIT_MAX, &limit))
		return api_fail(p, ERR_INVALID_REQUEST, "limit",
		    "limit must be a whole number from 1 to 200");
	if (!api_query_long(r, "offset", 0, 0, LONG_MAX, &offset))
		return api_fail(p, ERR_INVALID_REQUEST, "offset",
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
	return api_reply(p, 200, o);
}

/*
 * Read, check and write in one transaction, so two admins demoting
 * each other at once cannot both succeed.  An empty body changes
 * nothing and answers the user as they are.
 */
static int
users_patch(struct req *r, struct resp *p)
{
	const struct param	*role = &r->params[FIELD_ROLE];
	const struct param	*verified = &r->params[FIELD_VERIFIED];
	struct user		 u;
	int			 rc = 0;

	if (db_begin() == -1)
		return 0;
	switch (user_load(r->id, &u)) {
	case 0:
		rc = api_fail(p, ERR_NOT_FOUND, NULL, "no such user");
		/* FALLTHROUGH */
	case -1:
		goto out;
	}

	/* Demoting the last admin would leave nobody to manage users. */
	if (role->set && strcmp(role->str, "admin") != 0) {
		switch (user_last_admin(&u)) {
		case 1:
			rc = api_fail(p, ERR_CONFLICT, "role", "this is the "
			    "last admin; make another admin first");
			/* FALLTHROUGH */
		case -1:
			goto out;
		}
	}

	if ((role->set || verified->set) &&
	    (user_set(r->id, role->set ? role->str : NULL,
	    verified->set ? verified->flag : -1) != 1 ||
	    user_load(r->id, &u) != 1))
		goto out;
	if (db_commit() == -1)
		return 0;
	return api_reply(p, 200, user_json(&u));
out:
	db_rollback();
	return rc;
}

/*
 * Deleting one's own account needs one's password, checked as a login
 * is (counted, throttled), so a stolen access token alone cannot do
 * it.  An admin deleting another user needs none; a password sent
 * anyway is checked (it is always the caller's own).
 */
static int
users_delete(struct req *r, struct resp *p)
{
	const struct param	*pw = &r->params[FIELD_PASSWORD];
	struct user		 u;
	enum proof		 pr;
	int64_t			 retry;
	int			 ok, rc = 0;

	if (!api_self_or_admin(r))
		return api_fail(p, ERR_FORBIDDEN, NULL,
		    "only an admin may delete another user");
	if (r->id == r->auth.user.id && !pw->set)
		return api_fail(p, ERR_INVALID_REQUEST, "password",
		    "password is required to delete your own account");

	/* Check the password before taking the write lock: bcrypt is slow. */
	if (pw->set) {
		pr = account_prove(r->auth.user.id, pw->str, r->ip, &retry);
		if ((ok = api_proof(p, pr, "password", retry)) != 1)
			return ok == 0;
	}

	if (db_begin() == -1)
		return 0;
	switch (user_load(r->id, &u)) {
	case 0:
		rc = api_fail(p, ERR_NOT_FOUND, NULL, "no such user");
		/* FALLTHROUGH */
	case -1:
		goto out;
	}
	switch (user_last_admin(&u)) {
	case 1:
		rc = api_fail(p, ERR_CONFLICT, NULL, "this is the last admin; "
		    "make another admin first");
		/* FALLTHROUGH */
	case -1:
		goto out;
	}
	if (user_delete(r->id) != 1 || db_commit() == -1)
		goto out;
	if (r->id == r->auth.user.id)
		api_cookies_clear(p);
	return api_reply(p, 204, NULL);
out:
	db_rollback();
	return rc;
}

static const struct route routes[] = {
	{ METHOD_GET, "/users", ACCESS_ADMIN, 0, 0, users_list },
	{ METHOD_GET, "/users/{id}", ACCESS_BEARER, 0, 0, api_user_get },
	{ METHOD_PATCH, "/users/{id}", ACCESS_ADMIN,
	    F(FIELD_ROLE) | F(FIELD_VERIFIED), 0, users_patch },
	{ METHOD_DELETE, "/users/{id}", ACCESS_BEARER, F(FIELD_PASSWORD), 0,
	    users_delete },
	{ METHOD_GET, "/user/{id}", ACCESS_BEARER, 0, 0, api_user_get },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
