/*
 * GET /profile/{id}: the user resource (self or admin).
 * PUT /profile/{id}: change email, username and password (self or
 * admin), all or nothing.  A password change needs current_password
 * unless an admin changes another user's, and revokes the user's other
 * sessions (all of them when an admin changes another user's).
 * A new email is unverified; username null clears the username.
 * 409 names the field whose value another user has.
 */
#include "api.h"

enum {
	FIELD_EMAIL,
	FIELD_USERNAME,
	FIELD_PASSWORD,
	FIELD_CURRENT,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "email", valid_email, NULL },			/* FIELD_EMAIL */
	{ "username", valid_username_or_null, "user" },	/* FIELD_USERNAME */
	{ "password", valid_new_password, NULL },	/* FIELD_PASSWORD */
	{ "current_password", valid_password, NULL },	/* FIELD_CURRENT */
};

/*
 * Check current_password, when sent, against the user's password.
 * Returns 1 if it matches or was not sent, 0 with the response set,
 * -1 on internal error.
 */
static int
check_current(const struct req *r, struct resp *p)
{
	const struct param	*cur = &r->params[FIELD_CURRENT];
	int			 ok;

	if (!cur->set)
		return 1;
	if ((ok = user_password_ok(r->id, cur->str)) == 0)
		api_fail(p, ERR_INVALID_CREDENTIALS, "current_password",
		    "the current password is wrong");
	return ok;
}

/* Map a failed user_*_set() to 409 naming field, or to a 500. */
static int
taken(struct resp *p, int rc, const char *field, const char *message)
{

	return rc == DB_CONFLICT ? api_fail(p, ERR_CONFLICT, field, message) : 0;
}

/*
 * The passwords are checked and the new one hashed before the write
 * lock is taken (bcrypt is slow); the writes then run in one
 * transaction, so a 409 on the username undoes the email change.
 */
static int
profile_put(struct req *r, struct resp *p)
{
	const struct param	*email = &r->params[FIELD_EMAIL];
	const struct param	*name = &r->params[FIELD_USERNAME];
	const struct param	*pw = &r->params[FIELD_PASSWORD];
	struct user		 u;
	char			 hash[HASH_MAX] = "";
	int			 self = r->id == r->auth.user.id;
	int			 rc = 0, w;

	if (!api_self_or_admin(r))
		return api_fail(p, ERR_FORBIDDEN, NULL,
		    "only an admin may change another user's profile");
	switch (user_load(r->id, &u)) {
	case 0:
		return api_fail(p, ERR_NOT_FOUND, NULL, "no such user");
	case -1:
		return 0;
	}

	/* Only an admin changing another user's password needs no proof. */
	if (pw->set && self && !r->params[FIELD_CURRENT].set)
		return api_fail(p, ERR_INVALID_REQUEST, "current_password",
		    "current_password is required to change the password");
	if ((w = check_current(r, p)) != 1)
		return w == 0;
	if (pw->set && pw_hash(pw->str, cfg->bcrypt_cost, hash) == -1)
		return 0;

	if (db_begin() == -1)
		goto out;
	if (email->set && (w = user_email_set(r->id, email->str)) != DB_DONE) {
		rc = taken(p, w, "email", "email already taken");
		goto out;
	}
	if (name->set && (w = user_name_set(r->id, name->str)) != DB_DONE) {
		rc = taken(p, w, "username", "username already taken");
		goto out;
	}
	/* A new password ends every other session of the user. */
	if (pw->set && (user_hash_set(r->id, hash) == -1 ||
	    session_revoke_user(r->id, self ? r->auth.sid : 0) == -1))
		goto out;
	switch (user_load(r->id, &u)) {
	case 0:
		/* Deleted since the first look. */
		rc = api_fail(p, ERR_NOT_FOUND, NULL, "no such user");
		/* FALLTHROUGH */
	case -1:
		goto out;
	}
	if (db_commit() == -1)
		goto out;
	explicit_bzero(hash, sizeof(hash));
	return api_reply(p, 200, user_json(&u));
out:
	explicit_bzero(hash, sizeof(hash));
	db_rollback();
	return rc;
}

static const struct route routes[] = {
	{ METHOD_GET, "/profile/{id}", ACCESS_BEARER, 0, 0, api_user_get },
	{ METHOD_PUT, "/profile/{id}", ACCESS_BEARER,
	    F(FIELD_EMAIL) | F(FIELD_USERNAME) | F(FIELD_PASSWORD) |
	    F(FIELD_CURRENT), 0, profile_put },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
