/*
 * Users: the rows of the users table.  Functions without a note run
 * one statement (atomic on its own) and record nothing; user_lock()
 * and user_last_admin() need the caller's transaction; user_create(),
 * user_update(), user_remove() and their _forced variants open their
 * own and record their audit entries in it (register, role.changed,
 * user.deleted).
 */
#ifndef USER_H
#define USER_H

#include <stdint.h>

#include "pw.h"

#define EMAIL_MAX	254
#define USERNAME_MIN	3
#define USERNAME_MAX	32
#define ROLE_MAX	8

struct user {
	int64_t	 id;
	char	 email[EMAIL_MAX + 1];
	char	 username[USERNAME_MAX + 1];	/* "" when none */
	char	 role[ROLE_MAX + 1];
	int	 email_verified;
	int64_t	 created_at;
	int64_t	 updated_at;
	int	 mfa_enabled;			/* a second factor is on */
};

struct db_row;

/* What an admin's change to a user came to. */
enum user_change {
	USER_CHANGED,
	USER_MISSING,		/* no such user */
	USER_LAST_ADMIN,	/* it would leave no admin */
	USER_FAILED,		/* an error, logged */
};

int		 user_row(const struct db_row *, void *);
int		 user_load(int64_t, struct user *);
int		 user_lock(int64_t, struct user *);
int		 user_insert(const char *, const char *, const char *,
		    const char *, int64_t *);
int		 user_create(const char *, const char *, const char *,
		    const char *, int64_t *);
int		 user_find_login(const char *, const char *, int64_t *,
		    char [HASH_MAX], int *);
int		 user_find_email(const char *, struct user *);
const char	*user_conflict(const char *);
int		 user_hash_get(int64_t, char [HASH_MAX]);
int		 user_hash_set(int64_t, const char *);
int		 user_hash_upgrade(int64_t, const char *, const char *);
int		 user_is_admin(const struct user *);
int		 user_has_role(const struct user *, const char *);
int		 user_count(int64_t *);
int		 user_each(long, long, int (*)(const struct user *, void *),
		    void *);
int		 user_last_admin(const struct user *);
int		 user_set(int64_t, const char *, int);
int		 user_email_set(int64_t, const char *);
int		 user_email_confirm(int64_t, const char *);
int		 user_email_verified(int64_t);
int		 user_name_set(int64_t, const char *);
int		 user_delete(int64_t);
enum user_change user_update(int64_t, const char *, int, struct user *);
enum user_change user_remove(int64_t);
enum user_change user_update_forced(int64_t, const char *, struct user *);
enum user_change user_remove_forced(int64_t);

#endif
