/*
 * Accounts.  Every password check, a login's or a re-authentication's,
 * goes through the same steps: the account's and the address's
 * counters first (throttle.c), then bcrypt, then the count taken back
 * if the password was right.  A name nobody has costs a dummy bcrypt
 * check and is counted like an account, so the answer and its timing
 * tell nothing.  A code of a second factor (mfa.c) is a guess like a
 * password and goes through the same counters; for an account with a
 * second factor, a right password takes back only its own count, and
 * the account's failures are forgotten once both factors are proved.
 *
 * The changes that could hand an account to someone else are here too,
 * each in one transaction: a new password ends the other sessions and
 * voids a pending email change; a new email of one's own waits for its
 * confirmation from the new mailbox, the old one told.
 */
#include <string.h>

#include "account.h"
#include "audit.h"
#include "config.h"
#include "db.h"
#include "metrics.h"
#include "mfa.h"
#include "notice.h"
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

/* What a right attempt does to the counters it went through. */
enum settle {
	SETTLE_CLEAR,	/* the account is proved: its failures forgotten */
	SETTLE_SESSION,	/* the same, by the session the login opens */
	SETTLE_UNCOUNT,	/* a second factor is due: this attempt's count
			   alone taken back */
};

/* A right attempt behind the counters of th, settled as s says. */
static enum proof
right(const struct throttle *th, enum settle s)
{
	int	 rc = 1;

	if (s == SETTLE_CLEAR)
		rc = throttle_clear(th);
	else if (s == SETTLE_UNCOUNT)
		rc = throttle_uncount(th);
	return rc == 1 ? PROOF_OK : PROOF_ERROR;
}

/*
 * Check pw against hash (NULL: no such account) behind the counters of
 * th, settled as right() says.  A wrong or throttled attempt is noted in
 * the audit log for account uid, or for a name nobody has (uid 0) by
 * its throttle key, never the name.  Returns what it found, with
 * *retry set when throttled.
 */
static enum proof
prove(const struct throttle *th, int64_t uid, const char *hash,
    const char *pw, enum settle settle, int64_t *retry)
{
	enum proof	 rc;

	*retry = 0;
	switch (throttle_check(th, retry)) {
	case -1:
		return PROOF_ERROR;
	case 0:
		rc = PROOF_THROTTLED;
		break;
	default:
		if (pw_verify(pw, hash))
			return right(th, settle);
		rc = PROOF_WRONG;
	}
	if (audit_note(rc == PROOF_WRONG ? AUDIT_LOGIN_FAILURE :
	    AUDIT_LOGIN_THROTTLED, uid, th->account) == -1)
		return PROOF_ERROR;
	return rc;
}

/*
 * Check code, a second factor of account uid of the kind given, behind
 * the counters of th, exactly as a password, settled as right() says.  A
 * wrong code is noted as mfa.failure, a throttled one as
 * login.throttled.  Returns PROOF_OK, PROOF_CODE_WRONG,
 * PROOF_THROTTLED (*retry set) or PROOF_ERROR.
 */
static enum proof
prove_code(const struct throttle *th, int64_t uid, const char *code,
    enum mfa_kind kind, enum settle settle, int64_t *retry)
{
	enum proof	 rc;

	*retry = 0;
	switch (throttle_check(th, retry)) {
	case -1:
		return PROOF_ERROR;
	case 0:
		rc = PROOF_THROTTLED;
		break;
	default:
		switch (mfa_verify(uid, code, kind)) {
		case 1:
			return right(th, settle);
		case 0:
			rc = PROOF_CODE_WRONG;
			break;
		default:
			return PROOF_ERROR;
		}
	}
	if (audit_note(rc == PROOF_CODE_WRONG ? AUDIT_MFA_FAILURE :
	    AUDIT_LOGIN_THROTTLED, uid, th->account) == -1)
		return PROOF_ERROR;
	return rc;
}

/* Does account uid have a second factor enabled?  1, 0, -1. */
static int
second_factor(int64_t uid)
{
	int	 st;

	return (st = mfa_state(uid)) == -1 ? -1 : st == MFA_ACTIVE;
}

/* Count a login's outcome on its metric. */
static void
count_login(enum proof rc)
{

	if (rc == PROOF_WRONG || rc == PROOF_CODE_WRONG)
		metrics_add(METRIC_LOGIN_FAILURE, 1);
	else if (rc == PROOF_THROTTLED)
		metrics_add(METRIC_LOGIN_THROTTLED, 1);
}

/*
 * Open user uid's session for a login from address ip and agent ua,
 * made by amr, that went through the counters of th (forgotten in the
 * session's transaction): t gets its tokens.  PROOF_OK or PROOF_ERROR.
 */
static enum proof
open_session(int64_t uid, const char *ip, const char *ua, const char *amr,
    const struct throttle *th, struct tokens *t)
{

	return session_open(uid, ip, ua, amr, th, t) == 1 ? PROOF_OK :
	    PROOF_ERROR;
}

/*
 * A login by email (or else username) and password from address ip
 * and agent ua.  The account is counted by its id whichever name was
 * used, so guesses by email and by username add up.  Returns PROOF_OK
 * with its session open (t filled), PROOF_SECOND with *uid set when
 * the account has a second factor (account_login_mfa() goes on), or
 * why not (*retry set when throttled).
 */
enum proof
account_login(const char *email, const char *username, const char *pw,
    const char *ip, const char *ua, struct tokens *t, int64_t *uid,
    int64_t *retry)
{
	struct throttle	 th;
	char		 hash[HASH_MAX];
	enum proof	 rc;
	int		 found, mfa = 0;

	*uid = 0;
	if ((found = user_find_login(email, username, uid, hash, &mfa)) == -1)
		return PROOF_ERROR;
	if (!found) {
		*uid = 0;
		mfa = 0;
	}
	throttle_password(&th, *uid, email != NULL ? email : username, ip);
	rc = prove(&th, *uid, found ? hash : NULL, pw,
	    mfa ? SETTLE_UNCOUNT : SETTLE_SESSION, retry);
	if (rc == PROOF_OK) {
		upgrade(*uid, pw, hash);
		rc = mfa ? PROOF_SECOND :
		    open_session(*uid, ip, ua, AMR_PWD, &th, t);
	}
	count_login(rc);
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(&th, sizeof(th));
	return rc;
}

/*
 * The second step of a login: mfa_token token, issued to this client
 * (address ip, agent ua) when its password was right, and code, a
 * second factor of the account (with recovery, a recovery code only),
 * checked as a password is.  A right one spends the token and opens
 * the session, which forgets the account's failures.  Returns PROOF_OK
 * with t filled, or why not (*retry set when throttled).
 */
enum proof
account_login_mfa(const char *token, const char *code, int recovery,
    const char *ip, const char *ua, struct tokens *t, int64_t *retry)
{
	struct throttle	 th;
	enum proof	 rc;
	int64_t		 uid;
	int		 w;

	*retry = 0;
	if ((w = mfa_challenge_find(token, ip, ua, &uid)) != 1)
		return w == 0 ? PROOF_TOKEN_INVALID : PROOF_ERROR;
	throttle_password(&th, uid, NULL, ip);
	rc = prove_code(&th, uid, code, recovery ? MFA_RECOVERY : MFA_CODE,
	    SETTLE_SESSION, retry);
	if (rc == PROOF_OK && (w = mfa_challenge_spend(token)) != 1)
		rc = w == 0 ? PROOF_TOKEN_INVALID : PROOF_ERROR;
	if (rc == PROOF_OK)
		rc = open_session(uid, ip, ua, AMR_PWD_OTP, &th, t);
	count_login(rc);
	explicit_bzero(&th, sizeof(th));
	return rc;
}

/*
 * Re-authentication: is pw user uid's own password, and, when the
 * account has a second factor, code (NULL: none sent) a code of it,
 * asked before a change that could hand the account to someone else?
 * Without a code where one is due, nothing is checked.  Each is
 * counted against the account exactly as a login's, and a wrong one
 * recorded as a failed login (login.failure, mfa.failure), so a stolen
 * access token is no faster an oracle than the login form, nor a
 * quieter one.  A right proof is the caller's session sid's latest
 * (its tokens' auth_time).  Returns PROOF_OK, or why not.
 */
enum proof
account_prove(int64_t uid, int64_t sid, const char *pw, const char *code,
    const char *ip, int64_t *retry)
{
	struct throttle	 th;
	char		 hash[HASH_MAX];
	enum proof	 rc;
	int		 found, mfa;

	*retry = 0;
	if ((mfa = second_factor(uid)) == -1)
		return PROOF_ERROR;
	if (mfa && code == NULL)
		return PROOF_CODE_NEEDED;
	if ((found = user_hash_get(uid, hash)) == -1)
		return PROOF_ERROR;
	throttle_password(&th, uid, NULL, ip);
	rc = prove(&th, uid, found ? hash : NULL, pw,
	    mfa ? SETTLE_UNCOUNT : SETTLE_CLEAR, retry);
	explicit_bzero(hash, sizeof(hash));
	if (rc == PROOF_OK && mfa)
		rc = prove_code(&th, uid, code, MFA_CODE, SETTLE_CLEAR, retry);
	if (rc == PROOF_OK && session_proved(uid, sid) == -1)
		rc = PROOF_ERROR;
	explicit_bzero(&th, sizeof(th));
	return rc;
}

/*
 * The first code of user uid's pending enrolment (whose password was
 * proved when it began), checked as a password is; a right one takes
 * back only its own count.  Returns PROOF_OK, or why not.
 */
enum proof
account_prove_enrolment(int64_t uid, const char *code, const char *ip,
    int64_t *retry)
{
	struct throttle	 th;
	enum proof	 rc;

	throttle_password(&th, uid, NULL, ip);
	rc = prove_code(&th, uid, code, MFA_ENROLLING, SETTLE_UNCOUNT, retry);
	explicit_bzero(&th, sizeof(th));
	return rc;
}

/*
 * Store a new password hash for user uid and revoke every session of
 * the user but keep (0: all of them), inside the caller's transaction,
 * so that the new password and the end of the old sessions are one
 * change.  A pending email change is voided with them, as are logins
 * waiting for their second factor: whoever asked for them knew the old
 * password, which may be how the owner lost it.
 * Returns the number of sessions revoked, or -1.
 */
int
account_password_store(int64_t uid, const char *hash, int64_t keep)
{

	if (user_hash_set(uid, hash) == -1 ||
	    mailtoken_drop(MAIL_EMAIL, uid) == -1 ||
	    mfa_challenge_drop(uid) == -1)
		return -1;
	return session_revoke_user(uid, keep);
}

/*
 * account_password_store() in a transaction of its own: the caller's
 * new password (hashed) and the end of every session but keep,
 * recorded as password.changed; once committed, the owner is told by
 * mail.  Returns the number of sessions revoked, or -1.
 */
int
account_password_change(int64_t uid, const char *hash, int64_t keep)
{
	struct user	 u;
	int		 n;

	if (db_begin() == -1)
		return -1;
	if (user_load(uid, &u) != 1 ||
	    (n = account_password_store(uid, hash, keep)) == -1 ||
	    audit_record(AUDIT_PASSWORD_CHANGED, uid, keep) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		return -1;
	}
	notice_mail(NOTICE_PASSWORD_CHANGED, u.email, NULL);
	return n;
}

/*
 * A password reset: use up the mailed token and set the new password
 * (hashed) in one transaction, ending every session of the user,
 * recorded as password.reset, so two confirms racing for one token
 * cannot both win.  Once committed, the address is told.  Returns
 * REDEEM_OK with *revoked set, or why the token does not work.
 */
enum redeem
account_password_reset(const char *token, const char *hash, int *revoked)
{
	char		 email[EMAIL_MAX + 1];
	enum redeem	 rc;
	int64_t		 uid;

	if (db_begin() == -1)
		return REDEEM_ERROR;
	if ((rc = mailtoken_redeem(MAIL_RESET, token, &uid, email)) ==
	    REDEEM_OK && ((*revoked = account_password_store(uid, hash, 0)) ==
	    -1 || audit_record(AUDIT_PASSWORD_RESET, uid, 0) == -1 ||
	    db_commit() == -1))
		rc = REDEEM_ERROR;
	if (rc != REDEEM_OK)
		db_rollback();
	else
		notice_mail(NOTICE_PASSWORD_RESET, email, NULL);
	return rc;
}

/*
 * The new email of a change, inside its transaction: at once for an
 * admin's change of another user (email.changed), else pending
 * (email.change_requested), its token issued into m to be mailed once
 * committed.  An address another user has is refused now, as it would
 * be at confirmation.
 */
static enum change
change_email(const struct account_change *c, struct mailtoken *m)
{
	struct user	 other;
	int		 rc;

	if (!c->pending) {
		rc = user_email_set(c->uid, c->email);
		if (rc == DB_DONE)
			return audit_record(AUDIT_EMAIL_CHANGED, c->uid, 0) ==
			    1 ? CHANGE_DONE : CHANGE_FAILED;
		return rc == DB_CONFLICT ? CHANGE_EMAIL_TAKEN : CHANGE_FAILED;
	}
	if ((rc = user_find_email(c->email, &other)) != 0)
		return rc == 1 ? CHANGE_EMAIL_TAKEN : CHANGE_FAILED;
	switch (mailtoken_issue(MAIL_EMAIL, c->uid, c->email, m)) {
	case 0:
		return CHANGE_MAIL_LIMIT;
	case 1:
		return audit_record(AUDIT_EMAIL_CHANGE_REQUESTED, c->uid, 0) ==
		    1 ? CHANGE_DONE : CHANGE_FAILED;
	}
	return CHANGE_FAILED;
}

/*
 * The writes of a change, inside its transaction, the user held from
 * the start; u gets the result.
 */
static enum change
change_locked(const struct account_change *c, struct user *u,
    char old[EMAIL_MAX + 1], struct mailtoken *m)
{
	enum change	 rc;
	int		 w;

	if ((w = user_lock(c->uid, u)) != 1)
		return w == 0 ? CHANGE_MISSING : CHANGE_FAILED;
	memcpy(old, u->email, EMAIL_MAX + 1);
	if (c->rename && (w = user_name_set(c->uid, c->username)) != DB_DONE)
		return w == DB_CONFLICT ? CHANGE_USERNAME_TAKEN : CHANGE_FAILED;
	if (c->hash != NULL &&
	    (account_password_store(c->uid, c->hash, c->keep) == -1 ||
	    audit_record(AUDIT_PASSWORD_CHANGED, c->uid, 0) == -1))
		return CHANGE_FAILED;
	if (c->email != NULL && (rc = change_email(c, m)) != CHANGE_DONE)
		return rc;
	return user_load(c->uid, u) == 1 ? CHANGE_DONE : CHANGE_FAILED;
}

/*
 * Change a profile, all or nothing, in one transaction with its audit
 * entries: a taken username undoes the new email and password.  Once
 * committed, a pending email's confirmation goes to the new address
 * and a notice to the old one, as does a notice of a new password (a
 * mail that cannot be queued is logged; the change can be asked for
 * again).  u gets the user as it now is.
 */
enum change
account_change(const struct account_change *c, struct user *u)
{
	struct mailtoken	 m;
	char			 old[EMAIL_MAX + 1];
	enum change		 rc = CHANGE_FAILED;

	memset(&m, 0, sizeof(m));
	if (db_begin() == -1)
		return CHANGE_FAILED;
	if ((rc = change_locked(c, u, old, &m)) == CHANGE_DONE &&
	    db_commit() == -1)
		rc = CHANGE_FAILED;
	if (rc != CHANGE_DONE)
		db_rollback();
	else {
		if (c->hash != NULL)
			notice_mail(NOTICE_PASSWORD_CHANGED, old, NULL);
		if (c->email != NULL && c->pending) {
			notice_mail(NOTICE_EMAIL_CHANGE, old, c->email);
			mailtoken_mail(&m);
		}
	}
	explicit_bzero(&m, sizeof(m));
	return rc;
}

/*
 * Verify an address with the token mailed to it, in one transaction.
 * Returns REDEEM_OK with *uid set, or why the token does not work.
 */
enum redeem
account_email_verify(const char *token, int64_t *uid)
{
	char		 email[EMAIL_MAX + 1];
	enum redeem	 rc;

	if (db_begin() == -1)
		return REDEEM_ERROR;
	/* The address is the one mailed: the redeem checked, under lock. */
	if ((rc = mailtoken_redeem(MAIL_VERIFY, token, uid, email)) ==
	    REDEEM_OK && (user_email_verified(*uid) != 1 || db_commit() == -1))
		rc = REDEEM_ERROR;
	if (rc != REDEEM_OK)
		db_rollback();
	return rc;
}

/*
 * Confirm a new address with the token mailed to it: it becomes the
 * account's email, verified, recorded as email.changed, in one
 * transaction.  Returns REDEEM_OK
 * with *uid set, REDEEM_TAKEN if another account took the address
 * meanwhile (the token stays unused), or why the token does not work.
 */
enum redeem
account_email_confirm(const char *token, int64_t *uid)
{
	char		 email[EMAIL_MAX + 1];
	enum redeem	 rc;
	int		 w;

	if (db_begin() == -1)
		return REDEEM_ERROR;
	if ((rc = mailtoken_redeem(MAIL_EMAIL, token, uid, email)) ==
	    REDEEM_OK) {
		if ((w = user_email_confirm(*uid, email)) != DB_DONE)
			rc = w == DB_CONFLICT ? REDEEM_TAKEN : REDEEM_ERROR;
		else if (audit_record(AUDIT_EMAIL_CHANGED, *uid, 0) == -1 ||
		    db_commit() == -1)
			rc = REDEEM_ERROR;
	}
	if (rc != REDEEM_OK)
		db_rollback();
	return rc;
}
