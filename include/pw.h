/*
 * Passwords: bcrypt ($2b$) through libxcrypt, and the password policy.
 */
#ifndef PW_H
#define PW_H

#include <stddef.h>

#define PASSWORD_MAX	72	/* bytes: bcrypt ignores the rest */
#define HASH_MAX	128

int		 pw_hash(const char *, long, char [HASH_MAX]);
int		 pw_verify(const char *, const char *);
int		 pw_cost(const char *);
const char	*pw_policy(const char *, size_t);

#endif
