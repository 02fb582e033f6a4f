/*
 * Accounts: proving a password and a second factor (logins and
 * re-authentication, all through the throttle) and the changes that
 * could hand an account to someone else.  account_password_store() needs the caller's
 * transaction and records nothing; the other changes open their own
 * and record their audit entries in it (password.changed,
 * password.reset, email.change_requested, email.changed), their
 * notices mailed once it committed.  A wrong or throttled password is
 * noted on its own (login.failure, login.throttled), as is a wrong
 * code (mfa.failure).
 */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <stdint.h>

#include "mailtoken.h"
#include "user.h"

struct tokens;

/* What a password (and second factor) check found. */
enum proof {
	PROOF_OK,		/* right, and the account's failures cleared */
	PROOF_WRONG,		/* wrong (or no such account): counted */
	PROOF_THROTTLED,	/* too many failures: not even checked */
	PROOF_ERROR,
	PROOF_SECOND,		/* a login's password is right; its second
				   factor is due (failures not cleared) */
	PROOF_CODE_NEEDED,	/* the account has a second factor and no
				   code came: nothing checked, nothing counted */
	PROOF_CODE_WRONG,	/* the code is wrong (or used): counted */
	PROOF_TOKEN_INVALID,	/* the mfa_token is unknown, expired, spent
				   or another client's: nothing counted */
};

/* A change to a profile, all or nothing. */
struct account_change {
	int64_t		 uid;
	int64_t		 keep;		/* the session to keep, or 0: none */
	const char	*email;		/* a new email, or NULL */
	int		 pending;	/* email waits for its confirmation */
	int		 rename;	/* set the username (NULL clears it) */
	const char	*username;
	const char	*hash;		/* a new password's hash, or NULL */
};

/* What a profile change came to. */
enum change {
	CHANGE_DONE,
	CHANGE_MISSING,		/* no such user (deleted meanwhile) */
	CHANGE_EMAIL_TAKEN,
	CHANGE_USERNAME_TAKEN,
	CHANGE_MAIL_LIMIT,	/* too many mails to the new address */
	CHANGE_FAILED,		/* an error, logged */
};

enum proof	 account_login(const char *, const char *, const char *,
		    const char *, const char *, struct tokens *, int64_t *,
		    int64_t *);
enum proof	 account_login_mfa(const char *, const char *, int,
		    const char *, const char *, struct tokens *, int64_t *);
enum proof	 account_prove(int64_t, int64_t, const char *, const char *,
		    const char *, int64_t *);
enum proof	 account_prove_enrolment(int64_t, const char *, const char *,
		    int64_t *);
int		 account_password_store(int64_t, const char *, int64_t);
int		 account_password_change(int64_t, const char *, int64_t);
enum redeem	 account_password_reset(const char *, const char *, int *);
enum change	 account_change(const struct account_change *,
		    struct user *);
enum redeem	 account_email_verify(const char *, int64_t *);
enum redeem	 account_email_confirm(const char *, int64_t *);

#endif
