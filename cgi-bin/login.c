/*
 * POST /login (and POST /token): check a password and open a session.
 * 200 with a token response; 401 invalid_credentials, the same answer
 * and the same bcrypt work whether the account exists or not; 429 with
 * Retry-After once the account or the client address has failed too
 * often (common/throttle.c), before any account is looked up.
 */
#include "api.h"

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

/*
 * The password pw was right for user id, whose stored hash is old: if
 * old is not bcrypt at the configured cost, store a new hash that is.
 * A failure only costs the upgrade, not the login, so it is logged.
 */
static void
upgrade(int64_t id, const char *pw, const char *old)
{
	char	 hash[HASH_MAX];

	if (pw_cost(old) == cfg->bcrypt_cost)
		return;
	if (pw_hash(pw, cfg->bcrypt_cost, hash) == -1 ||
	    user_hash_upgrade(id, old, hash) == -1)
		LOG("user %lld: hash not upgraded", (long long)id);
	explicit_bzero(hash, sizeof(hash));
}

static int
login_post(struct req *r, struct resp *p)
{
	const struct param	*email = &r->params[FIELD_EMAIL];
	const struct param	*name = &r->params[FIELD_USERNAME];
	const char		*pw = r->params[FIELD_PASSWORD].str;
	struct throttle		 th;
	struct user		 u;
	struct tokens		 t;
	char			 hash[HASH_MAX];
	int64_t			 id, retry;
	int			 found, ok;

	if (!email->set && !name->set)
		return api_fail(p, ERR_INVALID_REQUEST, "email",
		    "email or username is required");

	/* Throttled: no lookup, no bcrypt, one answer for every account. */
	throttle_init(&th, email->set ? email->str : name->str, r->ip);
	switch (throttle_check(&th, &retry)) {
	case -1:
		return 0;
	case 0:
		api_fail(p, ERR_TOO_MANY_REQUESTS, NULL, NULL);
		api_header(p, "Retry-After", "%lld", (long long)retry);
		return 1;
	}

	found = user_find_login(email->set ? email->str : NULL,
	    name->set ? name->str : NULL, &id, hash);
	if (found == -1)
		return 0;
	ok = pw_verify(pw, found ? hash : NULL);
	if (!found || !ok) {
		explicit_bzero(hash, sizeof(hash));
		return api_fail(p, ERR_INVALID_CREDENTIALS, NULL, NULL);
	}
	if (throttle_clear(&th) == -1) {
		explicit_bzero(hash, sizeof(hash));
		return 0;
	}
	upgrade(id, pw, hash);
	explicit_bzero(hash, sizeof(hash));

	if (user_load(id, &u) != 1 ||
	    session_open(&u, r->ip, r->user_agent, &t) == -1)
		return 0;
	ok = api_tokens(p, 200, &t);
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
