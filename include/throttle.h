/*
 * Throttling: requests counted per subject in fixed windows, in the
 * database, so every process of every program sees the same counts.
 * throttle_check(), throttle_clear(), throttle_uncount(),
 * throttle_request() and throttle_failed() each run in a transaction
 * of their own; throttle_forget() in the caller's.
 * Password checks count per account and per client address; anonymous
 * writes (registrations, mail requests) per client address and hour;
 * failed resource-server (client) authentications per address.
 */
#ifndef THROTTLE_H
#define THROTTLE_H

#include <stdint.h>

#include "keys.h"

/* What is counted, each with its own limit and window. */
enum limit {
	LIMIT_ACCOUNT,	/* failed password checks of one account */
	LIMIT_ADDRESS,	/* failed password checks from one address */
	LIMIT_REGISTER,	/* registrations from one address, per hour */
	LIMIT_MAIL,	/* mail requests from one address, per hour */
	LIMIT_CLIENT,	/* failed client authentications from one address */
	LIMIT__MAX
};

/* The two counters one password check touches. */
struct throttle {
	unsigned char	 account[KEY_LEN];
	unsigned char	 address[KEY_LEN];
};

void	 throttle_password(struct throttle *, int64_t, const char *,
	    const char *);
int	 throttle_check(const struct throttle *, int64_t *);
int	 throttle_forget(const struct throttle *);
int	 throttle_clear(const struct throttle *);
int	 throttle_uncount(const struct throttle *);
int	 throttle_request(enum limit, const char *, int64_t *);
int	 throttle_reached(enum limit, const char *, int64_t *);
int	 throttle_failed(enum limit, const char *);

#endif
