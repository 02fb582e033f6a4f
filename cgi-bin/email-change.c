/*
 * POST /email-change/confirm {token} (no auth): make the address the
 * token was mailed to the account's email, verified, and use up the
 * token; 200 with the user resource.  409 if another account took the
 * address meanwhile (the token stays unused).  A token that is
 * unknown, used, expired or of another kind is 400 on field "token".
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
email_change_confirm(struct req *r, struct resp *p)
{
	struct user	 u;
	enum redeem	 rc;
	char		 email[EMAIL_MAX + 1];
	int64_t		 uid;
	int		 w;

	if (db_begin() == -1)
		return 0;
	if ((rc = mailtoken_redeem(MAIL_EMAIL, r->params[FIELD_TOKEN].str,
	    &uid, email)) != REDEEM_OK) {
		db_rollback();
		return mailtoken_refuse(p, rc);
	}
	if ((w = user_email_confirm(uid, email)) != DB_DONE) {
		db_rollback();
		return w == DB_CONFLICT ? api_fail(p, ERR_CONFLICT, "email",
		    "email already taken") : 0;
	}
	if (db_commit() == -1 || user_load(uid, &u) != 1)
		return 0;
	return api_reply(p, 200, user_json(&u));
}

static const struct route routes[] = {
	{ METHOD_POST, "/email-change/confirm", ACCESS_PUBLIC,
	    F(FIELD_TOKEN), F(FIELD_TOKEN), email_change_confirm },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
