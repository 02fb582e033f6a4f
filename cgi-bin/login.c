/*
 * POST /login (and POST /token): check a password and open a session.
 * 200 with a token response; 401 invalid_credentials, the same answer
 * and the same bcrypt work whether the account exists or not; 429 with
 * Retry-After once the account (by email or username alike) or the
 * client address has failed too often (common/throttle.c).
 *
 * An account with a second factor gets no session for its password:
 * 200 {"mfa_required": true, "mfa_token", "expires_in"}, and
 * POST /login/mfa {mfa_token, code or recovery_code} opens it, with
 * the same token response (and in cookie mode the same cookies).  A
 * wrong code is 401 invalid_credentials naming the field and counts as
 * a wrong password does; a bad mfa_token is 401 invalid_token.
 */
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "mfa.h"
#include "reply.h"

enum {
	FIELD_EMAIL,
	FIELD_USERNAME,
	FIELD_PASSWORD,
	FIELD_MFA_TOKEN,
	FIELD_CODE,
	FIELD_RECOVERY,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "email", valid_email, NULL },		/* FIELD_EMAIL */
	{ "username", valid_username, "user" },	/* FIELD_USERNAME */
	{ "password", valid_password, NULL },	/* FIELD_PASSWORD */
	{ "mfa_token", valid_token, NULL },	/* FIELD_MFA_TOKEN */
	{ "code", valid_code, NULL },		/* FIELD_CODE */
	{ "recovery_code", valid_code, NULL },	/* FIELD_RECOVERY */
};

/* A login's answer: its session's tokens, or why there is none. */
static int
answer(struct resp *p, enum proof pr, const char *field, int64_t retry,
    struct tokens *t)
{
	int	 ok;

	if ((ok = reply_proof(p, pr, NULL, field, retry)) != 1)
		return ok == 0;
	ok = reply_tokens(p, 200, t);
	tokens_free(t);
	return ok;
}

/*
 * The password was right and a second factor is due: 200 with the
 * mfa_token that carries the login on, and no session yet.
 */
static int
second_factor_due(struct req *r, struct resp *p, int64_t id)
{
	struct json_object	*o;
	char			 token[REFRESH_LEN + 1];
	int			 ok = 0;

	if (mfa_challenge_issue(id, r->ip, r->user_agent, token) == -1 ||
	    (o = json_object_new_object()) == NULL)
		goto out;
	json_object_object_add(o, "mfa_required", json_object_new_boolean(1));
	json_object_object_add(o, "mfa_token", json_object_new_string(token));
	json_object_object_add(o, "expires_in",
	    json_object_new_int(MFA_TOKEN_TTL));
	ok = resp_reply(p, 200, o);
out:
	explicit_bzero(token, sizeof(token));
	return ok;
}

static int
login_post(struct req *r, struct resp *p)
{
	const struct param	*email = &r->params[FIELD_EMAIL];
	const struct param	*name = &r->params[FIELD_USERNAME];
	struct tokens		 t;
	enum proof		 pr;
	int64_t			 id, retry;

	if (!email->set && !name->set)
		return resp_fail(p, ERR_INVALID_REQUEST, "email",
		    "email or username is required");
	pr = account_login(email->set ? email->str : NULL,
	    name->set ? name->str : NULL, r->params[FIELD_PASSWORD].str,
	    r->ip, r->user_agent, &t, &id, &retry);
	if (pr == PROOF_SECOND)
		return second_factor_due(r, p, id);
	return answer(p, pr, NULL, retry, &t);
}

/* POST /login/mfa: the second factor of a login, code or recovery_code. */
static int
login_mfa_post(struct req *r, struct resp *p)
{
	const struct param	*code = &r->params[FIELD_CODE];
	const struct param	*rec = &r->params[FIELD_RECOVERY];
	const char		*field = code->set ? "code" : "recovery_code";
	struct tokens		 t;
	enum proof		 pr;
	int64_t			 retry;

	if (code->set == rec->set)
		return resp_fail(p, ERR_INVALID_REQUEST, "code",
		    "send code or recovery_code (one of them)");
	pr = account_login_mfa(r->params[FIELD_MFA_TOKEN].str,
	    code->set ? code->str : rec->str, rec->set, r->ip, r->user_agent,
	    &t, &retry);
	return answer(p, pr, field, retry, &t);
}

static const struct route routes[] = {
	{ METHOD_POST, "/login", ACCESS_PUBLIC,
	    F(FIELD_EMAIL) | F(FIELD_USERNAME) | F(FIELD_PASSWORD),
	    F(FIELD_PASSWORD), login_post },
	{ METHOD_POST, "/token", ACCESS_PUBLIC,
	    F(FIELD_EMAIL) | F(FIELD_USERNAME) | F(FIELD_PASSWORD),
	    F(FIELD_PASSWORD), login_post },
	{ METHOD_POST, "/login/mfa", ACCESS_PUBLIC,
	    F(FIELD_MFA_TOKEN) | F(FIELD_CODE) | F(FIELD_RECOVERY),
	    F(FIELD_MFA_TOKEN), login_mfa_post },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
