/*
 * Accounts.  Every password check, a login's or a re-authentication's,
 * goes through the same steps: the account's and the address's
 * counters first (throttle.c), then bcrypt, then the count taken back
 * if the password was right.  A name nobody has costs a dummy bcrypt
 * check and is counted like an account, so the answer and its timing
 * tell nothing.  None of these functions opens a transaction the
 * caller must close; account_password_store() runs inside the caller's.
 */
#include <string.h>

#include "account.h"
#include "config.h"
#include "mailtoken.h"
#include "pw.h"
#include "session.h"
#include "throttle.h"
#include "user.h"
#include "util.h"

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

/*
 * Check pw against hash (NULL: no such account) behind the counters of
 * th.  Returns what it found, with *retry set when throttled.
 */
static enum proof
prove(const struct throttle *th, const char *hash, const char *pw,
    int64_t *retry)
{

	*retry = 0;
	switch (throttle_check(th, retry)) {
	case -1:
		return PROOF_ERROR;
	case 0:
		return PROOF_THROTTLED;
	}
	if (!pw_verify(pw, hash))
		return PROOF_WRONG;
	return throttle_clear(th) == 0 ? PROOF_OK : PROOF_ERROR;
}

/*
 * A login by email (or else username) and password from address ip.
 * The account is counted by its id whichever name was used, so guesses
 * by email and by username add up.  Returns PROOF_OK with *uid set,
 * or why not (*retry set when throttled).
 */
enum proof
account_login(const char *email, const char *username, const char *pw,
    const char *ip, int64_t *uid, int64_t *retry)
{
	struct throttle	 th;
	char		 hash[HASH_MAX];
	enum proof	 rc;
	int		 found;

	*uid = 0;
	if ((found = user_find_login(email, username, uid, hash)) == -1)
		return PROOF_ERROR;
	if (!found)
		*uid = 0;
	throttle_password(&th, *uid, email != NULL ? email : username, ip);
	rc = prove(&th, found ? hash : NULL, pw, retry);
	if (rc == PROOF_OK)
		upgrade(*uid, pw, hash);
	explicit_bzero(hash, sizeof(hash));
	return rc;
}

/*
 * Re-authentication: is pw user uid's own password, asked before a
 * change that could hand the account to someone else?  Counted against
 * the account exactly as a login is, so a stolen access token is no
 * faster a password oracle than the login form.
 */
enum proof
account_prove(int64_t uid, const char *pw, const char *ip, int64_t *retry)
{
	struct throttle	 th;
	char		 hash[HASH_MAX];
	enum proof	 rc;
	int		 found;

	if ((found = user_hash_get(uid, hash)) == -1)
		return PROOF_ERROR;
	throttle_password(&th, uid, NULL, ip);
	rc = prove(&th, found ? hash : NULL, pw, retry);
	explicit_bzero(hash, sizeof(hash));
	return rc;
}

/*
 * Store a new password hash for user uid and revoke every session of
 * the user but keep (0: all of them), inside the caller's transaction,
 * so that the new password and the end of the old sessions are one
 * change.  A pending email change is voided with them: whoever asked
 * for it knew the old password, which may be how the owner lost it.
 * Returns the number of sessions revoked, or -1.
 */
int
account_password_store(int64_t uid, const char *hash, int64_t keep)
{

	if (user_hash_set(uid, hash) == -1 ||
	    mailtoken_drop(MAIL_EMAIL, uid) == -1)
		return -1;
	return session_revoke_user(uid, keep);
}
