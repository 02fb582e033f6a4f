/*
 * POST /login (and POST /token): check a password and open a session.
 * 200 with a token response; 401 invalid_credentials, the same answer
 * and the same bcrypt work whether the account exists or not; 429 with
 * Retry-After once the account (by email or username alike) or the
 * client address has failed too often (common/throttle.c).
 */
#include "api.h"
#include "reply.h"

enum {
	FIELD_EMAIL,
	FIELD_USERNAME,
	FIELD_PASSWORD,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "email", valid_email, NULL },		/* FIELD_EMAIL */
	{ "username", valid_username, "user" },	/* FIELD_USERNAME */
	{ "password", valid_password, NULL },	/* FIELD_PASSWORD */
};

static int
login_post(struct req *r, struct resp *p)
{
	const struct param	*email = &r->params[FIELD_EMAIL];
	const struct param	*name = &r->params[FIELD_USERNAME];
	struct user		 u;
	struct tokens		 t;
	enum proof		 pr;
	int64_t			 id, retry;
	int			 ok;

	if (!email->set && !name->set)
		return resp_fail(p, ERR_INVALID_REQUEST, "email",
		    "email or username is required");
	pr = account_login(email->set ? email->str : NULL,
	    name->set ? name->str : NULL, r->params[FIELD_PASSWORD].str,
	    r->ip, &id, &retry);
	if ((ok = reply_proof(p, pr, NULL, retry)) != 1)
		return ok == 0;
	if (user_load(id, &u) != 1 ||
	    session_open(&u, r->ip, r->user_agent, &t) == -1)
		return 0;
	ok = reply_tokens(p, 200, &t);
	tokens_free(&t);
	return ok;
}

static const struct route routes[] = {
	{ METHOD_POST, "/login", ACCESS_PUBLIC,
	    F(FIELD_EMAIL) | F(FIELD_USERNAME) | F(FIELD_PASSWORD),
	    F(FIELD_PASSWORD), login_post },
	{ METHOD_POST, "/token", ACCESS_PUBLIC,
	    F(FIELD_EMAIL) | F(FIELD_USERNAME) | F(FIELD_PASSWORD),
	    F(FIELD_PASSWORD), login_post },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
