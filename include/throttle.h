/*
 * Login throttling: failed logins counted per account and per client
 * address within AUTH_LOGIN_WINDOW, in the database, so every process
 * of every program sees the same counts.
 */
#ifndef THROTTLE_H
#define THROTTLE_H

#include <stdint.h>

#include "util.h"

/* The two counters one login attempt touches. */
struct throttle {
	unsigned char	 account[SHA256_LEN];	/* the login name's key */
	unsigned char	 address[SHA256_LEN];	/* the client address's */
};

void	 throttle_init(struct throttle *, const char *, const char *);
int	 throttle_check(const struct throttle *, int64_t *);
int	 throttle_clear(const struct throttle *);

#endif
