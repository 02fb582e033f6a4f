/*
 * SQLite access: one connection per process, opened before the first
 * request, with every statement prepared once and reused.
 */
#ifndef DB_H
#define DB_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* Every SQL statement the project runs, named SQL_<TABLE>_<OP>. */
enum sql {
	SQL_HEALTH,
	SQL_USER_INSERT,
	SQL_USER_GET,
	SQL_USER_LOGIN_EMAIL,
	SQL_USER_LOGIN_NAME,
	SQL_USER_HASH_GET,
	SQL_USER_HASH_SET,
	SQL_SESSION_AUTH,
	SQL_SESSION_TOUCH,
	SQL_SESSION_INSERT,
	SQL_SESSION_EVICT,
	SQL_SESSION_PURGE,
	SQL_SESSION_LIST,
	SQL_SESSION_REVOKE,
	SQL_SESSION_REVOKE_USER,
	SQL_SESSION_EXTEND,
	SQL_REFRESH_INSERT,
	SQL_REFRESH_FIND,
	SQL_REFRESH_ROTATE,
	SQL_REFRESH_IS_CURRENT,
	SQL_REFRESH_PRUNE,
	SQL_REFRESH_UNSEAL_SESSION,
	SQL_REFRESH_UNSEAL_OLD,
	/* Users, roles and profiles (issue 4). */
	SQL_USER_LIST,
	SQL_USER_COUNT,
	SQL_USER_ADMINS,
	SQL_USER_BY_EMAIL,
	SQL_USER_SET,
	SQL_USER_EMAIL_SET,
	SQL_USER_NAME_SET,
	SQL_USER_DELETE,
	/* Mailed single-use tokens and the mail count (issue 6). */
	SQL_MAIL_TOKEN_PURGE,
	SQL_MAIL_TOKEN_DROP,
	SQL_MAIL_TOKEN_INSERT,
	SQL_MAIL_TOKEN_FIND,
	SQL_MAIL_TOKEN_USE,
	SQL_MAIL_LOG_PURGE,
	SQL_MAIL_LOG_COUNT,
	SQL_MAIL_LOG_INSERT,
	SQL_USER_EMAIL_VERIFY,
	SQL_USER_EMAIL_CONFIRM,
	/* Issue 5: login throttling and hash upgrades. */
	SQL_THROTTLE_GET,
	SQL_THROTTLE_HIT,
	SQL_THROTTLE_CLEAR,
	SQL_THROTTLE_UNCOUNT,
	SQL_THROTTLE_PURGE,
	SQL_USER_HASH_UPGRADE,
	SQL__MAX
};

/* Results of a write that can hit a constraint (kcaldav's convention). */
#define DB_ERROR	(-1)	/* logged; the request answers 500 or 503 */
#define DB_CONFLICT	0	/* a UNIQUE or CHECK constraint refused it */
#define DB_DONE		1

/* One schema migration, compiled in from db/NNN_name.sql. */
struct migration {
	int		 version;
	const char	*name;
	const char	*sql;
};

extern const struct migration	 db_migrations[];
extern const int		 db_migrations_count;

int		 db_open(const char *);
void		 db_close(void);
int		 db_migrate(void);
int		 db_busy(void);

sqlite3_stmt	*db_stmt(enum sql);
int		 db_bind_int(sqlite3_stmt *, int, int64_t);
int		 db_bind_text(sqlite3_stmt *, int, const char *);
int		 db_bind_blob(sqlite3_stmt *, int, const void *, size_t);
int		 db_bind_null(sqlite3_stmt *, int);
int		 db_step(sqlite3_stmt *);
int		 db_write(sqlite3_stmt *);
int		 db_run(sqlite3_stmt *);
int		 db_changes(void);
int64_t		 db_last_id(void);
const char	*db_text(sqlite3_stmt *, int);

int		 db_begin(void);
int		 db_commit(void);
void		 db_rollback(void);

#endif
