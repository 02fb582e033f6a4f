/*
 * Passwords: bcrypt ($2b$) through libxcrypt, and the password policy
 * with its list of common passwords.
 */
#ifndef PW_H
#define PW_H

#include <stddef.h>
#include <stdint.h>

#define PASSWORD_MAX	72	/* bytes: bcrypt ignores the rest */
#define HASH_MAX	128

int		 pw_hash(const char *, long, char [HASH_MAX]);
int		 pw_verify(const char *, const char *);
int		 pw_cost(const char *);
const char	*pw_policy(const char *, size_t);
const char	*pw_personal(const char *, size_t, const char *,
		    const char *);

/*
 * The list compiled in from db/common-passwords.txt (denylist.gen.c):
 * entry i is the string at pw_denylist_text + pw_denylist_offsets[i],
 * lower case, sorted bytewise, without duplicates.
 */
extern const char		 pw_denylist_text[];
extern const uint32_t		 pw_denylist_offsets[];
extern const size_t		 pw_denylist_builtin_count;

int		 pw_denylist_load(const char *, char *, size_t);
void		 pw_denylist_free(void);
size_t		 pw_denylist_size(void);
int		 pw_common(const char *, size_t);

#endif
