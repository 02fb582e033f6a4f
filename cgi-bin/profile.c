/*
 * GET /profile/{id}: the user resource (self or admin).
 * PUT /profile/{id}: change email, username and password (self or
 * admin), all or nothing.  Any change needs current_password, the
 * caller's own (an admin proves the admin's), checked as a login is
 * (401, then 429 from the throttle), and a caller with a second factor
 * also sends code (400 naming it if missing, 401 if wrong, counted
 * alike).  A password change revokes the
 * user's other sessions (all of them when an admin changes another
 * user's).  A new email of one's own is pending until confirmed from
 * the address (202 with "pending_email"; the old address is told); an
 * admin's change of another user's email applies at once.  Username
 * null clears it.  409 names the field whose value another user has.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "config.h"
#include "reply.h"

enum {
	FIELD_EMAIL,
	FIELD_USERNAME,
	FIELD_PASSWORD,
	FIELD_CURRENT,
	FIELD_CODE,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "email", valid_email, NULL },			/* FIELD_EMAIL */
	{ "username", valid_username_or_null, "user" },	/* FIELD_USERNAME */
	{ "password", valid_new_password, NULL },	/* FIELD_PASSWORD */
	{ "current_password", valid_password, NULL },	/* FIELD_CURRENT */
	{ "code", valid_code, NULL },			/* FIELD_CODE */
};

/*
 * Check what needs no lock: the caller's proof and the new password,
 * hashed into hash (bcrypt is slow).  u is the user as it is.  Returns
 * 1 to go on, 0 with the response set, -1 on internal error.
 */
static int
prove(struct req *r, struct resp *p, const struct user *u,
    char hash[HASH_MAX])
{
	const struct param	*email = &r->params[FIELD_EMAIL];
	const struct param	*name = &r->params[FIELD_USERNAME];
	const struct param	*pw = &r->params[FIELD_PASSWORD];
	const struct param	*cur = &r->params[FIELD_CURRENT];
	const struct param	*code = &r->params[FIELD_CODE];
	const char		*why;
	enum proof		 pr;
	int64_t			 retry;
	int			 rc;

	if (!cur->set) {
		resp_fail(p, ERR_INVALID_REQUEST, "current_password",
		    "current_password is required to change the profile");
		return 0;
	}
	if (pw->set && (why = pw_personal(pw->str, pw->len,
	    email->set ? email->str : u->email,
	    name->set ? name->str : u->username)) != NULL) {
		resp_fail(p, ERR_INVALID_REQUEST, "password", why);
		return 0;
	}
	pr = account_prove(r->auth.user.id, r->auth.sid, cur->str,
	    code->set ? code->str : NULL, r->ip, &retry);
	if ((rc = reply_proof(p, pr, "current_password", "code",
	    retry)) == 1 &&
	    pw->set && pw_hash(pw->str, cfg->bcrypt_cost, hash) == -1)
		rc = -1;
	return rc;
}

/* Map a change to the answer: the user (202 with pending_email), 409 ... */
static int
answer(struct resp *p, enum change rc, const struct account_change *c,
    const struct user *u)
{
	struct json_object	*o;

	switch (rc) {
	case CHANGE_DONE:
		break;
	case CHANGE_MISSING:
		return resp_fail(p, ERR_NOT_FOUND, NULL, "no such user");
	case CHANGE_EMAIL_TAKEN:
		return resp_fail(p, ERR_CONFLICT, "email", "email already taken");
	case CHANGE_USERNAME_TAKEN:
		return resp_fail(p, ERR_CONFLICT, "username",
		    "username already taken");
	case CHANGE_MAIL_LIMIT:
		return reply_throttled(p, 3600, "too many mails to that "
		    "address; try again later");
	default:
		return 0;
	}
	if (c->email == NULL || !c->pending)
		return reply_user(p, 200, u);
	if ((o = reply_user_json(u)) == NULL)
		return 0;
	json_object_object_add(o, "pending_email",
	    json_object_new_string(c->email));
	return resp_reply(p, 202, o);
}

static int
profile_put(struct req *r, struct resp *p)
{
	const struct param	*email = &r->params[FIELD_EMAIL];
	const struct param	*name = &r->params[FIELD_USERNAME];
	struct account_change	 c;
	struct user		 u;
	char			 hash[HASH_MAX] = "";
	int			 rc;

	if (!reply_self_or_admin(r))
		return resp_fail(p, ERR_FORBIDDEN, NULL,
		    "only an admin may change another user's profile");
	if ((rc = reply_user_load(r, p, &u)) != 1)
		return rc == 0;
	memset(&c, 0, sizeof(c));
	c.uid = r->id;
	c.keep = r->id == r->auth.user.id ? r->auth.sid : 0;
	/* The same address in another case is no change. */
	if (email->set && strcmp(email->str, u.email) != 0)
		c.email = email->str;
	c.pending = r->id == r->auth.user.id;
	c.rename = name->set;
	c.username = name->str;
	if ((email->set || name->set || r->params[FIELD_PASSWORD].set) &&
	    (rc = prove(r, p, &u, hash)) != 1)
		return rc == 0;
	c.hash = hash[0] != '\0' ? hash : NULL;
	rc = answer(p, account_change(&c, &u), &c, &u);
	explicit_bzero(hash, sizeof(hash));
	return rc;
}

static const struct route routes[] = {
	{ METHOD_GET, "/profile/{id}", ACCESS_BEARER, 0, 0, reply_user_get },
	{ METHOD_PUT, "/profile/{id}", ACCESS_BEARER,
	    F(FIELD_EMAIL) | F(FIELD_USERNAME) | F(FIELD_PASSWORD) |
	    F(FIELD_CURRENT) | F(FIELD_CODE), 0, profile_put },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
