/*
 * Single-use tokens sent by mail: password reset, email verification
 * and the confirmation of a new email address.  Each is 256 random
 * bits in base64url, like a refresh token, mailed as a link and kept
 * only as an HMAC under the mail tokens' own key, bound to its kind
 * and to the address it went to.  mailtoken_issue(), mailtoken_drop()
 * and mailtoken_redeem() need the caller's transaction;
 * mailtoken_send() opens its own.
 */
#ifndef MAILTOKEN_H
#define MAILTOKEN_H

#include <stdint.h>

#include "token.h"
#include "user.h"

#define MAIL_PER_HOUR	3	/* mails to one address per hour */

enum mailkind {
	MAIL_RESET,
	MAIL_VERIFY,
	MAIL_EMAIL,	/* confirms a new address: bound to that address */
	MAIL__MAX
};

/* What a presented token turned out to be. */
enum redeem {
	REDEEM_OK,
	REDEEM_UNKNOWN,		/* never issued, replaced, or another kind */
	REDEEM_USED,
	REDEEM_EXPIRED,
	REDEEM_MOVED,		/* the account's email changed since */
	REDEEM_TAKEN,		/* a new address: another account has it now */
	REDEEM_ERROR,
};

/* A token issued inside a transaction, to be mailed once it commits. */
struct mailtoken {
	enum mailkind	 kind;
	char		 to[EMAIL_MAX + 1];
	char		 token[REFRESH_LEN + 1];
};

int		 mailtoken_issue(enum mailkind, int64_t, const char *,
		    struct mailtoken *);
int		 mailtoken_mail(struct mailtoken *);
int		 mailtoken_drop(enum mailkind, int64_t);
int		 mailtoken_send(enum mailkind, int64_t, const char *);
enum redeem	 mailtoken_check(enum mailkind, const char *, int64_t *);
enum redeem	 mailtoken_redeem(enum mailkind, const char *, int64_t *,
		    char [EMAIL_MAX + 1]);

#endif
