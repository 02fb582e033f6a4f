/*
 * The answers several programs share: the user resource, the token
 * response, and the statuses that domain results map to, written once
 * (cgit's ui-shared.c).
 */
#include <string.h>

#include <json-c/json.h>

#include "reply.h"
#include "config.h"
#include "util.h"

/*
 * Add a member whose name is a string constant: json-c then neither
 * copies the key nor looks for an earlier one of the same name.
 */
static void
add(struct json_object *o, const char *key, struct json_object *v)
{

	json_object_object_add_ex(o, key, v, JSON_C_OBJECT_ADD_KEY_IS_NEW |
	    JSON_C_OBJECT_KEY_IS_CONSTANT);
}

/* The user resource of the contract.  Returns NULL on failure. */
struct json_object *
reply_user_json(const struct user *u)
{
	struct json_object	*o;
	char			 created[RFC3339_LEN], updated[RFC3339_LEN];

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	util_rfc3339(u->created_at, created);
	util_rfc3339(u->updated_at, updated);
	add(o, "id", json_object_new_int64(u->id));
	add(o, "email", json_object_new_string(u->email));
	add(o, "username", u->username[0] == '\0' ? NULL :
	    json_object_new_string(u->username));
	add(o, "role", json_object_new_string(u->role));
	add(o, "email_verified", json_object_new_boolean(u->email_verified));
	add(o, "mfa_enabled", json_object_new_boolean(u->mfa_enabled));
	add(o, "created_at", json_object_new_string(created));
	add(o, "updated_at", json_object_new_string(updated));
	return o;
}

/* Answer with the user resource. */
int
reply_user(struct resp *p, int status, const struct user *u)
{

	return resp_reply(p, status, reply_user_json(u));
}

/*
 * Whether the caller may act on the user named by the path's {id}:
 * that user themselves, or an admin (the role from the database, never
 * the token's claim).  Returns 1 or 0.
 */
int
reply_self_or_admin(const struct req *r)
{

	return r->id == r->auth.user.id || user_is_admin(&r->auth.user);
}

/*
 * Load the user the path names, or answer 404.  Returns 1 with u
 * filled, 0 with the response set, -1 on error.
 */
int
reply_user_load(struct req *r, struct resp *p, struct user *u)
{
	int	 rc;

	if ((rc = user_load(r->id, u)) == 0)
		resp_fail(p, ERR_NOT_FOUND, NULL, "no such user");
	return rc;
}

/*
 * The handler of GET /users/{id}, GET /user/{id} and GET /profile/{id}:
 * the user resource, for the user themselves or an admin.  Another
 * user's id is 403 for a non-admin whether or not that user exists, so
 * the answer does not tell which ids are taken.
 */
int
reply_user_get(struct req *r, struct resp *p)
{
	struct user	 u;
	int		 rc;

	if (!reply_self_or_admin(r))
		return resp_fail(p, ERR_FORBIDDEN, NULL,
		    "only an admin may see another user");
	if ((rc = reply_user_load(r, p, &u)) != 1)
		return rc == 0;
	return reply_user(p, 200, &u);
}

/*
 * Answer with a token response.  In cookie mode the refresh token and
 * the fingerprint travel only as cookies (browser.c), and the refresh
 * token is left out of the body.
 */
int
reply_tokens(struct resp *p, int status, const struct tokens *t)
{
	struct json_object	*o;

	browser_tokens(p, t);
	if ((o = json_object_new_object()) == NULL)
		return 0;
	json_object_object_add(o, "access_token",
	    json_object_new_string(t->access));
	json_object_object_add(o, "token_type", json_object_new_string("Bearer"));
	json_object_object_add(o, "expires_in",
	    json_object_new_int64(cfg->access_ttl));
	if (!cfg->cookie_mode)
		json_object_object_add(o, "refresh_token",
		    json_object_new_string(t->refresh));
	json_object_object_add(o, "refresh_expires_in",
	    json_object_new_int64(tokens_left(t)));
	return resp_reply(p, status, o);
}

/* 200 {"revoked": n}: the sessions a change ended. */
int
reply_revoked(struct resp *p, int n)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return 0;
	json_object_object_add(o, "revoked", json_object_new_int(n));
	return resp_reply(p, 200, o);
}

/* status {"message": text}. */
int
reply_message(struct resp *p, int status, const char *text)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return 0;
	json_object_object_add(o, "message", json_object_new_string(text));
	return resp_reply(p, status, o);
}

/*
 * Answer a request refused by a throttle: 429 with Retry-After (at
 * least 1 s) and message (NULL: the table's).
 */
int
reply_throttled(struct resp *p, int64_t retry, const char *message)
{

	resp_fail(p, ERR_TOO_MANY_REQUESTS, NULL, message);
	return resp_header(p, "Retry-After", "%lld",
	    (long long)(retry > 0 ? retry : 1));
}

/*
 * Count the request against limit l for its address, or answer 429
 * with message.  Returns 1 to go on, 0 with the response set, -1.
 */
int
reply_counted(struct req *r, struct resp *p, enum limit l,
    const char *message)
{
	int64_t	 retry;
	int	 rc;

	if ((rc = throttle_request(l, r->ip, &retry)) == 0)
		reply_throttled(p, retry, message);
	return rc;
}

/*
 * Map a password and second factor check to the answer: 1 to go on
 * (proved), or 0 with 401 invalid_credentials naming field, the
 * password's (NULL: none, as at login), or code, the second factor's;
 * 400 naming code when one is due; 401 invalid_token naming mfa_token;
 * or 429.  -1 on internal error.
 */
int
reply_proof(struct resp *p, enum proof rc, const char *field,
    const char *code, int64_t retry)
{

	switch (rc) {
	case PROOF_OK:
		return 1;
	case PROOF_WRONG:
		resp_fail(p, ERR_INVALID_CREDENTIALS, field, field == NULL ?
		    NULL : "the password is wrong");
		return 0;
	case PROOF_CODE_NEEDED:
		resp_fail(p, ERR_INVALID_REQUEST, code, "the account has a "
		    "second factor: send a current code or a recovery code");
		return 0;
	case PROOF_CODE_WRONG:
		resp_fail(p, ERR_INVALID_CREDENTIALS, code,
		    "the code is wrong or was used already");
		return 0;
	case PROOF_TOKEN_INVALID:
		resp_fail(p, ERR_INVALID_TOKEN, "mfa_token", "the mfa_token "
		    "is invalid, expired or used; log in again");
		return 0;
	case PROOF_THROTTLED:
		reply_throttled(p, retry, NULL);
		return 0;
	default:
		return -1;
	}
}

/*
 * Answer a mailed token that did not work: 400 on field "token" saying
 * why, or 409 for an address another account took.  Returns 1, or 0
 * for REDEEM_ERROR (an internal failure).
 */
int
reply_redeem(struct resp *p, enum redeem rc)
{
	static const char *const whys[] = {
		"the token is valid",			/* REDEEM_OK */
		"the token is not valid",		/* REDEEM_UNKNOWN */
		"the token has already been used",	/* REDEEM_USED */
		"the token has expired; ask for a new one",
							/* REDEEM_EXPIRED */
		/* One string, in parentheses: clang's fuzzer build warns of
		 * a concatenation in an array otherwise. */
		("the token was sent to an address the account no longer "
		    "has"),				/* REDEEM_MOVED */
		"email already taken",			/* REDEEM_TAKEN */
	};

	if (rc == REDEEM_ERROR)
		return 0;
	if (rc == REDEEM_TAKEN)
		return resp_fail(p, ERR_CONFLICT, "email", whys[rc]);
	return resp_fail(p, ERR_INVALID_REQUEST, "token", whys[rc]);
}

/*
 * Answer a mailed token's confirmation: the user it confirmed, or why
 * the token did not work (reply_redeem()).
 */
int
reply_confirmed(struct resp *p, enum redeem rc, int64_t uid)
{
	struct user	 u;

	if (rc != REDEEM_OK)
		return reply_redeem(p, rc);
	if (user_load(uid, &u) != 1)
		return 0;
	return reply_user(p, 200, &u);
}
