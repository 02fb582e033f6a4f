/*
 * POST /email-change/confirm {token} (no auth): make the address the
 * token was mailed to the account's email, verified, and use up the
 * token; 200 with the user resource.  409 if another account took the
 * address meanwhile (the token stays unused).  A token that is
 * unknown, used, expired, of another kind, or voided by a password
 * change since, is 400 on field "token".
 */
#include "api.h"
#include "reply.h"

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
	enum redeem	 rc;
	int64_t		 uid;

	rc = account_email_confirm(r->params[FIELD_TOKEN].str, &uid);
	return reply_confirmed(p, rc, uid);
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
