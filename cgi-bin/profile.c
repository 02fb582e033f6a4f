/*
 * GET /profile/{id}: the user resource (self or admin).
 * PUT /profile/{id}: change email, username and password (self or
 * admin), all or nothing.  Any change needs current_password, the
 * caller's own (an admin proves the admin's), checked as a login is
 * (401, then 429 from the throttle).  A password change revokes the
 * user's other sessions (all of them when an admin changes another
 * user's).  A new email of one's own is pending until confirmed from
 * the address (202 with "pending_email"; the old address is told); an
 * admin's change of another user's email applies at once.  Username
 * null clears it.  409 names the field whose value another user has.
 */
#include "api.h"
#include "notice.h"

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

/* What one PUT changes, worked out before the write lock. */
struct change {
	int		 self;		/* the caller's own profile */
	int		 pending;	/* a new email, to be confirmed */
	char		 hash[HASH_MAX];	/* the new password's, or "" */
	struct mailtoken mail;		/* the confirmation, once committed */
};

/*
 * Check what needs no lock: who may change what, the caller's proof
 * and the new password, hashed (bcrypt is slow).  Returns 1 to go on
 * with c filled, 0 with the response set, -1 on internal error.
 */
static int
prepare(struct req *r, struct resp *p, const struct user *u, struct change *c)
{
	const struct param	*email = &r->params[FIELD_EMAIL];
	const struct param	*name = &r->params[FIELD_USERNAME];
	const struct param	*pw = &r->params[FIELD_PASSWORD];
	const struct param	*cur = &r->params[FIELD_CURRENT];
	const char		*why;
	enum proof		 pr;
	int64_t			 retry;
	int			 rc;

	c->self = r->id == r->auth.user.id;
	c->pending = c->self && email->set && strcmp(email->str, u->email) != 0;
	if (!email->set && !name->set && !pw->set)
		return 1;
	if (!cur->set) {
		api_fail(p, ERR_INVALID_REQUEST, "current_password",
		    "current_password is required to change the profile");
		return 0;
	}
	if (pw->set && (why = pw_personal(pw->str, pw->len,
	    email->set ? email->str : u->email,
	    name->set ? name->str : u->username)) != NULL) {
		api_fail(p, ERR_INVALID_REQUEST, "password", why);
		return 0;
	}
	pr = account_prove(r->auth.user.id, cur->str, r->ip, &retry);
	rc = api_proof(p, pr, "current_password", retry);
	if (rc == 1 && pw->set &&
	    pw_hash(pw->str, cfg->bcrypt_cost, c->hash) == -1)
		rc = -1;
	return rc;
}

/*
 * Map a failed write of field to the answer: 0 with a 409 naming the
 * field when another user has the value, else -1 (internal error).
 */
static int
taken(struct resp *p, int rc, const char *field)
{
	char	 why[64];

	if (rc != DB_CONFLICT)
		return -1;
	snprintf(why, sizeof(why), "%s already taken", field);
	api_fail(p, ERR_CONFLICT, field, why);
	return 0;
}

/*
 * The new email: at once for an admin's change of another user, else
 * pending, its token issued now and mailed once committed.  An address
 * another user has is 409 now, as it would be at confirmation.
 * Returns 1 to go on, 0 with the response set, -1 on internal error.
 */
static int
change_email(struct req *r, struct resp *p, struct change *c)
{
	const char	*email = r->params[FIELD_EMAIL].str;
	struct user	 other;
	int		 rc;

	if (!c->pending)
		return (rc = user_email_set(r->id, email)) == DB_DONE ? 1 :
		    taken(p, rc, "email");
	if ((rc = user_find_email(email, &other)) != 0)
		return rc == 1 ? taken(p, DB_CONFLICT, "email") : -1;
	if ((rc = mailtoken_issue(MAIL_EMAIL, r->id, email, &c->mail)) == 0)
		api_throttled(p, 3600, "too many mails to that address; "
		    "try again later");
	return rc;
}

/*
 * Write every change in one transaction, so a 409 on the username
 * undoes the rest.  Returns 1 with u reloaded, 0 with the response
 * set, -1 on internal error; the transaction is closed either way.
 */
static int
apply(struct req *r, struct resp *p, struct change *c, struct user *u)
{
	const struct param	*email = &r->params[FIELD_EMAIL];
	const struct param	*name = &r->params[FIELD_USERNAME];
	int			 rc = -1, w;

	if (db_begin() == -1)
		return -1;
	if (name->set && (w = user_name_set(r->id, name->str)) != DB_DONE) {
		rc = taken(p, w, "username");
		goto out;
	}
	if (c->hash[0] != '\0' && account_password_store(r->id, c->hash,
	    c->self ? r->auth.sid : 0) == -1)
		goto out;
	if (email->set && (rc = change_email(r, p, c)) != 1)
		goto out;
	rc = -1;
	switch (user_load(r->id, u)) {
	case 0:
		/* Deleted since the first look. */
		api_fail(p, ERR_NOT_FOUND, NULL, "no such user");
		rc = 0;
		/* FALLTHROUGH */
	case -1:
		goto out;
	}
	rc = db_commit() == 0 ? 1 : -1;
out:
	if (rc != 1)
		db_rollback();
	return rc;
}

/* The answer: the user, with "pending_email" (202) while it waits. */
static int
answer(struct resp *p, const struct user *u, const struct change *c)
{
	struct json_object	*o;

	if ((o = user_json(u)) == NULL)
		return 0;
	if (!c->pending)
		return api_reply(p, 200, o);
	json_object_object_add(o, "pending_email",
	    json_object_new_string(c->mail.to));
	return api_reply(p, 202, o);
}

static int
profile_put(struct req *r, struct resp *p)
{
	struct change	 c;
	struct user	 u;
	char		 old[EMAIL_MAX + 1];
	int		 rc, ok;

	memset(&c, 0, sizeof(c));
	if (!api_self_or_admin(r))
		return api_fail(p, ERR_FORBIDDEN, NULL,
		    "only an admin may change another user's profile");
	switch (user_load(r->id, &u)) {
	case 0:
		return api_fail(p, ERR_NOT_FOUND, NULL, "no such user");
	case -1:
		return 0;
	}
	snprintf(old, sizeof(old), "%s", u.email);
	if ((rc = prepare(r, p, &u, &c)) == 1)
		rc = apply(r, p, &c, &u);
	explicit_bzero(c.hash, sizeof(c.hash));
	if (rc != 1) {
		explicit_bzero(&c.mail, sizeof(c.mail));
		return rc == 0;
	}
	if ((ok = answer(p, &u, &c)) && c.pending) {
		/*
		 * Committed: the new address gets its link, the old one a
		 * notice.  A mail that cannot be queued is logged; the
		 * change can be asked for again.
		 */
		notice_mail(NOTICE_EMAIL_CHANGE, old, c.mail.to);
		mailtoken_mail(&c.mail);
	}
	explicit_bzero(&c.mail, sizeof(c.mail));
	return ok;
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
