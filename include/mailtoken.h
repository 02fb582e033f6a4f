/*
 * Single-use tokens sent by mail: password reset and email
 * verification.  Each is 256 random bits in base64url, like a refresh
 * token, mailed as a link and kept only as its SHA-256, bound to its
 * kind and to the address it went to.
 */
#ifndef MAILTOKEN_H
#define MAILTOKEN_H

#include <stdint.h>

struct resp;

#define MAIL_PER_HOUR	3	/* mails to one address per hour */

enum mailkind {
	MAIL_RESET,
	MAIL_VERIFY,
	MAIL__MAX
};

/* What a presented token turned out to be. */
enum redeem {
	REDEEM_OK,
	REDEEM_UNKNOWN,		/* never issued, replaced, or another kind */
	REDEEM_USED,
	REDEEM_EXPIRED,
	REDEEM_MOVED,		/* the account's email changed since */
	REDEEM_ERROR,
};

int		 mailtoken_send(enum mailkind, int64_t, const char *);
enum redeem	 mailtoken_check(enum mailkind, const char *, int64_t *);
enum redeem	 mailtoken_redeem(enum mailkind, const char *, int64_t *);
int		 mailtoken_refuse(struct resp *, enum redeem);

#endif
