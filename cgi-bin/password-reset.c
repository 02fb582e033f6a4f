/*
 * POST /password-reset {email}: 202 with the same body whether or not
 * the address has an account; if it has, a single-use reset link is
 * mailed (at most MAIL_PER_HOUR mails to an address per hour).  429
 * with Retry-After past AUTH_MAIL_PER_HOUR requests from one client
 * address in an hour.
 * POST /password-reset/confirm {token, new_password}: sets the
 * password, uses up the token and revokes every session of the user,
 * in one transaction; 200 {"revoked": n}.  A token that is unknown,
 * used, expired or of the other kind is 400 on field "token".
 */
#include "api.h"

enum {
	FIELD_EMAIL,
	FIELD_TOKEN,
	FIELD_NEW,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "email", valid_email, NULL },			/* FIELD_EMAIL */
	{ "token", valid_token, NULL },			/* FIELD_TOKEN */
	{ "new_password", valid_new_password, NULL },	/* FIELD_NEW */
};

static int
reset_post(struct req *r, struct resp *p)
{
	const char		*email = r->params[FIELD_EMAIL].str;
	struct json_object	*o;
	struct user		 u;
	int64_t			 retry;
	int			 found;

	if ((found = throttle_request(LIMIT_MAIL, r->ip, &retry)) != 1)
		return found == 0 ? api_throttled(p, retry, "too many mail "
		    "requests from this address; try again later") : 0;
	/* Known or not, the same work and the same answer. */
	if ((found = user_find_email(email, &u)) == -1 ||
	    mailtoken_send(MAIL_RESET, found ? u.id : 0, email) == -1 ||
	    (o = json_object_new_object()) == NULL)
		return 0;
	json_object_object_add(o, "message", json_object_new_string(
	    "if the address has an account, a reset link has been mailed "
	    "to it"));
	return api_reply(p, 202, o);
}

static int
reset_confirm(struct req *r, struct resp *p)
{
	const char		*token = r->params[FIELD_TOKEN].str;
	const struct param	*new = &r->params[FIELD_NEW];
	struct json_object	*o;
	struct user		 u;
	enum redeem		 rc;
	const char		*why;
	char			 hash[HASH_MAX], email[EMAIL_MAX + 1];
	int64_t			 uid;
	int			 n = -1, done = 0;

	/* A token that cannot work costs no bcrypt. */
	if ((rc = mailtoken_check(MAIL_RESET, token, &uid)) != REDEEM_OK)
		return mailtoken_refuse(p, rc);
	if (user_load(uid, &u) != 1)
		return 0;
	if ((why = pw_personal(new->str, new->len, u.email,
	    u.username)) != NULL)
		return api_fail(p, ERR_INVALID_REQUEST, "new_password", why);
	if (pw_hash(new->str, cfg->bcrypt_cost, hash) == -1)
		return 0;

	/* Redeemed under the lock: two confirms may race for one token. */
	if (db_begin() == 0 &&
	    (rc = mailtoken_redeem(MAIL_RESET, token, &uid, email)) ==
	    REDEEM_OK && (n = account_password_store(uid, hash, 0)) >= 0)
		done = db_commit() == 0;
	explicit_bzero(hash, sizeof(hash));
	if (!done) {
		db_rollback();
		return rc == REDEEM_OK ? 0 : mailtoken_refuse(p, rc);
	}
	if ((o = json_object_new_object()) == NULL)
		return 0;
	json_object_object_add(o, "revoked", json_object_new_int(n));
	/* Every session of the user is gone; this browser's too, if any. */
	api_cookies_clear(p);
	return api_reply(p, 200, o);
}

static const struct route routes[] = {
	{ METHOD_POST, "/password-reset", ACCESS_PUBLIC,
	    F(FIELD_EMAIL), F(FIELD_EMAIL), reset_post },
	{ METHOD_POST, "/password-reset/confirm", ACCESS_PUBLIC,
	    F(FIELD_TOKEN) | F(FIELD_NEW), F(FIELD_TOKEN) | F(FIELD_NEW),
	    reset_confirm },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
