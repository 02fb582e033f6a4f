/*
 * The caller's second factor, TOTP (RFC 6238: SHA-1, 6 digits, 30 s):
 *
 * POST /mfa/totp {current_password}: a new secret, pending: 200
 * {"secret", "otpauth_uri"} for the authenticator app (a pending one
 * before it is replaced); 409 while a factor is enabled.
 * POST /mfa/totp/confirm {code}: the app's first code enables it: 200
 * {"recovery_codes": [10 codes]}, shown this once; 409 with nothing
 * pending.
 * DELETE /mfa/totp {current_password, code}: 204; 404 without a
 * factor (a pending one goes with current_password alone).
 *
 * The password is checked as a login's (401, then 429), and so is a
 * code: a wrong one is 401 invalid_credentials naming "code", counted.
 * Enabling and removing are recorded (mfa.enabled, mfa.disabled) and
 * told to the account's address by mail.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "db.h"
#include "mfa.h"
#include "reply.h"

enum {
	FIELD_CURRENT,
	FIELD_CODE,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "current_password", valid_password, NULL },	/* FIELD_CURRENT */
	{ "code", valid_code, NULL },			/* FIELD_CODE */
};

/* 409: the factor is not in the state this change needs. */
static int
state_conflict(struct resp *p, int state)
{

	return resp_fail(p, ERR_CONFLICT, NULL, state == MFA_ACTIVE ?
	    "a second factor is enabled already; remove it first" :
	    "no second factor is being enrolled; POST /mfa/totp first");
}

/* The enrolment's answer: its secret and URI, shown this once. */
static int
enrolled(struct resp *p, const struct mfa_enrolment *e)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return 0;
	json_object_object_add(o, "secret", json_object_new_string(e->secret));
	json_object_object_add(o, "otpauth_uri",
	    json_object_new_string(e->uri));
	return resp_reply(p, 200, o);
}

static int
totp_post(struct req *r, struct resp *p)
{
	const struct user	*u = &r->auth.user;
	struct mfa_enrolment	 e;
	enum proof		 pr;
	int64_t			 retry;
	int			 rc;

	if ((rc = mfa_state(u->id)) == -1)
		return 0;
	if (rc == MFA_ACTIVE)
		return state_conflict(p, rc);
	pr = account_prove(u->id, r->auth.sid, r->params[FIELD_CURRENT].str,
	    NULL, r->ip, &retry);
	if ((rc = reply_proof(p, pr, "current_password", "code", retry)) != 1)
		return rc == 0;
	switch (mfa_enroll(u->id, u->email, &e)) {
	case DB_DONE:
		break;
	case DB_CONFLICT:
		return state_conflict(p, MFA_ACTIVE);
	default:
		return 0;
	}
	rc = enrolled(p, &e);
	free(e.uri);
	explicit_bzero(&e, sizeof(e));
	return rc;
}

/* The recovery codes of a factor just enabled. */
static int
recovery_codes(struct resp *p,
    char codes[MFA_RECOVERY_N][MFA_RECOVERY_LEN + 1])
{
	struct json_object	*o, *list;
	size_t			 i;

	if ((o = json_object_new_object()) == NULL)
		return 0;
	if ((list = json_object_new_array()) == NULL) {
		json_object_put(o);
		return 0;
	}
	json_object_object_add(o, "recovery_codes", list);
	for (i = 0; i < MFA_RECOVERY_N; i++)
		json_object_array_add(list, json_object_new_string(codes[i]));
	return resp_reply(p, 200, o);
}

static int
confirm_post(struct req *r, struct resp *p)
{
	const struct user	*u = &r->auth.user;
	char			 codes[MFA_RECOVERY_N][MFA_RECOVERY_LEN + 1];
	enum proof		 pr;
	int64_t			 retry;
	int			 rc;

	if ((rc = mfa_state(u->id)) == -1)
		return 0;
	if (rc != MFA_PENDING)
		return state_conflict(p, rc);
	pr = account_prove_enrolment(u->id, r->params[FIELD_CODE].str, r->ip,
	    &retry);
	if ((rc = reply_proof(p, pr, NULL, "code", retry)) != 1)
		return rc == 0;
	if ((rc = mfa_activate(u->id, codes)) != 1)
		return rc == 0 ? state_conflict(p, MFA_NONE) : 0;
	rc = recovery_codes(p, codes);
	explicit_bzero(codes, sizeof(codes));
	return rc;
}

static int
totp_delete(struct req *r, struct resp *p)
{
	const struct user	*u = &r->auth.user;
	const struct param	*code = &r->params[FIELD_CODE];
	enum proof		 pr;
	int64_t			 retry;
	int			 rc;

	if ((rc = mfa_state(u->id)) == -1)
		return 0;
	if (rc == MFA_NONE)
		return resp_fail(p, ERR_NOT_FOUND, NULL,
		    "the account has no second factor");
	pr = account_prove(u->id, r->auth.sid, r->params[FIELD_CURRENT].str,
	    code->set ? code->str : NULL, r->ip, &retry);
	if ((rc = reply_proof(p, pr, "current_password", "code", retry)) != 1)
		return rc == 0;
	if (mfa_remove(u->id, NULL) == -1)
		return 0;
	return resp_reply(p, 204, NULL);
}

static const struct route routes[] = {
	{ METHOD_POST, "/mfa/totp", ACCESS_BEARER, F(FIELD_CURRENT),
	    F(FIELD_CURRENT), totp_post },
	{ METHOD_DELETE, "/mfa/totp", ACCESS_BEARER,
	    F(FIELD_CURRENT) | F(FIELD_CODE), F(FIELD_CURRENT), totp_delete },
	{ METHOD_POST, "/mfa/totp/confirm", ACCESS_BEARER, F(FIELD_CODE),
	    F(FIELD_CODE), confirm_post },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
