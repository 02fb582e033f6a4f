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
#include <string.h>

#include "api.h"
#include "config.h"
#include "reply.h"

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
	const char	*email = r->params[FIELD_EMAIL].str;
	struct user	 u;
	int		 found;

	if ((found = reply_counted(r, p, LIMIT_MAIL, "too many mail "
	    "requests from this address; try again later")) != 1)
		return found == 0;
	/* Known or not, the same work and the same answer. */
	if ((found = user_find_email(email, &u)) == -1 ||
	    mailtoken_send(MAIL_RESET, found ? u.id : 0, email) == -1)
		return 0;
	return reply_message(p, 202, "if the address has an account, a reset "
	    "link has been mailed to it");
}

static int
reset_confirm(struct req *r, struct resp *p)
{
	const char		*token = r->params[FIELD_TOKEN].str;
	const struct param	*new = &r->params[FIELD_NEW];
	struct user		 u;
	enum redeem		 rc;
	const char		*why;
	char			 hash[HASH_MAX];
	int64_t			 uid;
	int			 n;

	/* A token that cannot work costs no bcrypt. */
	if ((rc = mailtoken_check(MAIL_RESET, token, &uid)) != REDEEM_OK)
		return reply_redeem(p, rc);
	if (user_load(uid, &u) != 1)
		return 0;
	if ((why = pw_personal(new->str, new->len, u.email,
	    u.username)) != NULL)
		return resp_fail(p, ERR_INVALID_REQUEST, "new_password", why);
	if (pw_hash(new->str, cfg->bcrypt_cost, hash) == -1)
		return 0;
	rc = account_password_reset(token, hash, &n);
	explicit_bzero(hash, sizeof(hash));
	if (rc != REDEEM_OK)
		return reply_redeem(p, rc);
	/* Every session of the user is gone; this browser's too, if any. */
	browser_clear(p);
	return reply_revoked(p, n);
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
