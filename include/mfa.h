/*
 * The second factor: a TOTP secret per user (totp.h), encrypted at
 * rest, its recovery codes, and the mfa_tokens that carry a login from
 * its password to its code.  Nothing here counts or throttles: the
 * checks that a client may repeat go through account.c, which counts
 * them as it counts passwords.
 *
 * mfa_activate() and mfa_remove() open their own transaction and
 * record their audit entries in it (mfa.enabled, mfa.disabled), their
 * notices mailed once it committed; mfa_challenge_issue() opens its
 * own; the others are one statement each.
 */
#ifndef MFA_H
#define MFA_H

#include <stddef.h>
#include <stdint.h>

#include "token.h"
#include "totp.h"

#define MFA_TOKEN_TTL	300	/* seconds an mfa_token lives */
#define MFA_RECOVERY_N	10	/* recovery codes per enrolment */
#define MFA_RECOVERY_LEN 11	/* "xxxxx-xxxxx": 50 random bits */

/* TOTP secret sealed: nonce, ciphertext, tag. */
#define MFA_NONCE	12
#define MFA_TAG		16
#define MFA_SEALED	(MFA_NONCE + TOTP_SECRET_RAW + MFA_TAG)

/* Where a user's second factor stands. */
enum mfa_state {
	MFA_NONE,
	MFA_PENDING,	/* enrolled, waiting for its first code */
	MFA_ACTIVE,
};

/* What a presented code may be. */
enum mfa_kind {
	MFA_CODE,	/* a TOTP or recovery code of the enabled factor */
	MFA_RECOVERY,	/* a recovery code only */
	MFA_ENROLLING,	/* a TOTP code of the pending enrolment */
};

/* What an enrolment hands the user, once. */
struct mfa_enrolment {
	char	 secret[TOTP_SECRET_LEN + 1];	/* base32 */
	char	*uri;				/* otpauth://; caller frees */
};

int	 mfa_state(int64_t);
int	 mfa_enroll(int64_t, const char *, struct mfa_enrolment *);
int	 mfa_verify(int64_t, const char *, enum mfa_kind);
int	 mfa_activate(int64_t, char [MFA_RECOVERY_N][MFA_RECOVERY_LEN + 1]);
int	 mfa_remove(int64_t, const char *);
int	 mfa_challenge_issue(int64_t, const char *, const char *,
	    char [REFRESH_LEN + 1]);
int	 mfa_challenge_find(const char *, const char *, const char *,
	    int64_t *);
int	 mfa_challenge_spend(const char *);
int	 mfa_challenge_drop(int64_t);
int	 mfa_seal(int64_t, const unsigned char [TOTP_SECRET_RAW],
	    unsigned char [MFA_SEALED]);
int	 mfa_unseal(int64_t, const unsigned char [MFA_SEALED],
	    unsigned char [TOTP_SECRET_RAW]);

#endif
