/*
 * Accounts: proving a password (logins and re-authentication, both
 * through the throttle) and the changes that could hand an account to
 * someone else.
 */
#ifndef ACCOUNT_H
#define ACCOUNT_H

#include <stdint.h>

/* What a password check found. */
enum proof {
	PROOF_OK,		/* right, and the account's failures cleared */
	PROOF_WRONG,		/* wrong (or no such account): counted */
	PROOF_THROTTLED,	/* too many failures: not even checked */
	PROOF_ERROR,
};

enum proof	 account_login(const char *, const char *, const char *,
		    const char *, int64_t *, int64_t *);
enum proof	 account_prove(int64_t, const char *, const char *,
		    int64_t *);
int		 account_password_store(int64_t, const char *, int64_t);

#endif
