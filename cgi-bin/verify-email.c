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
#include "reply.h"

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
	int			 rc;

	if ((rc = reply_counted(r, p, LIMIT_MAIL, "too many mail requests "
	    "from this address; try again later")) != 1)
		return rc == 0;
	if (!u->email_verified &&
	    mailtoken_send(MAIL_VERIFY, u->id, u->email) == -1)
		return 0;
	return reply_message(p, 202, u->email_verified ?
	    "the address is already verified" :
	    "a verification link has been mailed to the address");
}

static int
verify_confirm(struct req *r, struct resp *p)
{
	enum redeem	 rc;
	int64_t		 uid;

	rc = account_email_verify(r->params[FIELD_TOKEN].str, &uid);
	return reply_confirmed(p, rc, uid);
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
