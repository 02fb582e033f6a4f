/*
 * Resource servers' credentials: the clients of POST /introspect and
 * POST /revoke, each a name and a secret of 256 random bits shown once
 * and kept only as an HMAC under the clients' derived key (KEY_CLIENT).
 * Every function is one statement.
 */
#ifndef CLIENT_H
#define CLIENT_H

#include <stdint.h>

#define CLIENT_NAME_MAX		64	/* A-Z a-z 0-9 . _ - */
#define CLIENT_SECRET_LEN	43	/* 256 bits in base64url */
#define CLIENT_SECRET_MAX	256	/* longer ones are refused unread */

int	 client_name_ok(const char *);
int	 client_add(const char *, char [CLIENT_SECRET_LEN + 1]);
int	 client_remove(const char *);
int	 client_each(int (*)(const char *, int64_t, void *), void *);
int	 client_verify(const char *, const char *);

#endif
