/*
 * POST /verify-email (bearer): mails the caller a single-use link to
 * confirm their address; 202.  An address already verified gets no
 * mail, nor one over MAIL_PER_HOUR mails an hour; the answer is 202
 * all the same.  429 past AUTH_MAIL_PER_HOUR requests from one client
 * address in an hour.
 * POST /verify-email/confirm {token} (no auth): marks the address the
 * token was mailed to as verified and uses up the token; 200 with the
 * user resource.  A token that is unknown, used, expired, of the other
 * kind, or mailed to an address the account no longer has is 400 on
 * field "token".
 */
#include "api.h"

enum {
	FIELD_TOKEN,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "token", valid_token, NULL },		/* FIELD_TOKEN */
};

static int
verify_post(struct req *r, struct resp *p)
{
	const struct user	*u = &r->auth.user;
	struct json_object	*o;
	int64_t			 retry;
	int			 rc;

	if ((rc = throttle_request(LIMIT_MAIL, r->ip, &retry)) != 1)
		return rc == 0 ? api_throttled(p, retry, "too many mail "
		    "requests from this address; try again later") : 0;
	if (!u->email_verified &&
	    mailtoken_send(MAIL_VERIFY, u->id, u->email) == -1)
		return 0;
	if ((o = json_object_new_object()) == NULL)
		return 0;
	json_object_object_add(o, "message", json_object_new_string(
	    u->email_verified ? "the address is already verified" :
	    "a verification link has been mailed to the address"));
	return api_reply(p, 202, o);
}

static int
verify_confirm(struct req *r, struct resp *p)
{
	struct user	 u;
	enum redeem	 rc;
	char		 email[EMAIL_MAX + 1];
	int64_t		 uid;

	if (db_begin() == -1)
		return 0;
	if ((rc = mailtoken_redeem(MAIL_VERIFY, r->params[FIELD_TOKEN].str,
	    &uid, email)) != REDEEM_OK) {
		db_rollback();
		return mailtoken_refuse(p, rc);
	}
	/* The address is the one mailed: the redeem checked, under lock. */
	if (user_email_verified(uid) == -1 || db_commit() == -1 ||
	    user_load(uid, &u) != 1)
		return 0;
	return api_reply(p, 200, user_json(&u));
}

static const struct route routes[] = {
	{ METHOD_POST, "/verify-email", ACCESS_BEARER, 0, 0, verify_post },
	{ METHOD_POST, "/verify-email/confirm", ACCESS_PUBLIC,
	    F(FIELD_TOKEN), F(FIELD_TOKEN), verify_confirm },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
