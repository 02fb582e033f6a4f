/*
 * The store: one face for every backend.  Modules name a statement of
 * the table in db.c (enum sql), hand it typed arguments and read the
 * rows it gives through a callback; they never see a backend's types
 * or statement handles.  The store prepares each statement once per
 * connection, binds, steps, retries and logs; it owns the transaction
 * verbs.  A function that writes more than one row opens a transaction
 * with db_begin() itself or says in its header that it needs the
 * caller's.
 *
 * Returns, here as everywhere: -1 an error (logged), 0 no, 1 yes.
 * A write that can hit a UNIQUE or CHECK constraint names its results:
 * DB_DONE, DB_CONFLICT, DB_ERROR (kcaldav's db_prncpl_new).
 *
 * Two backends: SQLite (AUTH_DB a file) and PostgreSQL (AUTH_DB a
 * postgresql:// or postgres:// URI).  Both behave alike for a caller
 * that keeps these rules:
 * - A transaction that reads and then writes on what it read must
 *   hold what it read: SQLite's db_begin() takes the whole database,
 *   PostgreSQL's only the rows a statement locks (FOR NO KEY UPDATE in
 *   its form of the statement, or user_lock() first).  See "Locking"
 *   in db.c.
 * - After an error or a DB_CONFLICT inside a transaction, the only
 *   thing left to do is db_rollback(): PostgreSQL has ended the
 *   transaction's work already.
 * - A write whose rows nobody reads goes through db_exec_later():
 *   PostgreSQL sends it with the next statement or the commit, one
 *   round trip for several, and its failure fails that one instead.
 */
#ifndef DB_H
#define DB_H

#include <stddef.h>
#include <stdint.h>

/* Every statement the project runs, by table: SQL_<TABLE>_<OP>. */
enum sql {
	SQL_AUDIT_HOURLY,
	SQL_AUDIT_INSERT,
	SQL_AUDIT_LIST,
	SQL_AUDIT_LIST_EVENT,
	SQL_AUDIT_LIST_USER,
	SQL_AUDIT_LIST_USER_EVENT,
	SQL_AUDIT_NOTED,
	SQL_AUDIT_PURGE,
	SQL_AUDIT_SESSIONS,
	SQL_CLIENT_DELETE,
	SQL_CLIENT_GET,
	SQL_CLIENT_INSERT,
	SQL_CLIENT_LIST,
	SQL_HEALTH,
	SQL_MAIL_LOG_COUNT,
	SQL_MAIL_LOG_INSERT,
	SQL_MAIL_LOG_LOCK,
	SQL_MAIL_LOG_PURGE,
	SQL_MAIL_TOKEN_DROP,
	SQL_MAIL_TOKEN_FIND,
	SQL_MAIL_TOKEN_INSERT,
	SQL_MAIL_TOKEN_PURGE,
	SQL_MAIL_TOKEN_USE,
	SQL_MFA_TOKEN_DROP,
	SQL_MFA_TOKEN_FIND,
	SQL_MFA_TOKEN_INSERT,
	SQL_MFA_TOKEN_PURGE,
	SQL_MFA_TOKEN_USE,
	SQL_RECOVERY_DROP,
	SQL_RECOVERY_INSERT,
	SQL_RECOVERY_USE,
	SQL_REFRESH_FIND,
	SQL_REFRESH_INSERT,
	SQL_REFRESH_INSPECT,
	SQL_REFRESH_IS_CURRENT,
	SQL_REFRESH_PRUNE,
	SQL_REFRESH_ROTATE,
	SQL_REFRESH_UNSEAL_OLD,
	SQL_REFRESH_UNSEAL_SESSION,
	SQL_SESSION_ACTIVE,
	SQL_SESSION_AUTH,
	SQL_SESSION_EVICT,
	SQL_SESSION_EXTEND,
	SQL_SESSION_INSERT,
	SQL_SESSION_LIST,
	SQL_SESSION_PROVED,
	SQL_SESSION_PURGE,
	SQL_SESSION_REVOKE,
	SQL_SESSION_REVOKE_USER,
	SQL_SESSION_TOUCH,
	SQL_THROTTLE_CLEAR,
	SQL_THROTTLE_GET,
	SQL_THROTTLE_GET_PAIR,
	SQL_THROTTLE_HIT,
	SQL_THROTTLE_PURGE,
	SQL_THROTTLE_UNCOUNT,
	SQL_TOTP_ACTIVATE,
	SQL_TOTP_ENROLL,
	SQL_TOTP_GET,
	SQL_TOTP_REMOVE,
	SQL_TOTP_STEP,
	SQL_USER_ADMINS,
	SQL_USER_BY_EMAIL,
	SQL_USER_COUNT,
	SQL_USER_DELETE,
	SQL_USER_EMAIL_CONFIRM,
	SQL_USER_EMAIL_SET,
	SQL_USER_EMAIL_VERIFY,
	SQL_USER_GET,
	SQL_USER_HASH_GET,
	SQL_USER_HASH_SET,
	SQL_USER_HASH_UPGRADE,
	SQL_USER_INSERT,
	SQL_USER_LIST,
	SQL_USER_LOCK,
	SQL_USER_LOGIN_EMAIL,
	SQL_USER_LOGIN_NAME,
	SQL_USER_NAME_SET,
	SQL_USER_SET,
	SQL__MAX
};

/* Results of a write that can hit a constraint. */
#define DB_ERROR	(-1)	/* logged; the request answers 500 or 503 */
#define DB_CONFLICT	0	/* a UNIQUE or CHECK constraint refused it */
#define DB_DONE		1

/* A value bound to a statement's next parameter. */
enum db_type {
	DB_T_NULL,
	DB_T_INT,
	DB_T_TEXT,	/* NUL-terminated; NULL binds SQL NULL */
	DB_T_BLOB,
};

struct db_arg {
	enum db_type	 type;
	int64_t		 i;
	const void	*p;
	size_t		 len;
};

#define DB_NULL		((struct db_arg){ DB_T_NULL, 0, NULL, 0 })
#define DB_INT(v)	((struct db_arg){ DB_T_INT, (int64_t)(v), NULL, 0 })
#define DB_TEXT(s)	((struct db_arg){ DB_T_TEXT, 0, (s), 0 })
#define DB_BLOB(b, n)	((struct db_arg){ DB_T_BLOB, 0, (b), (n) })

/* The arguments of a call, as an array and its length. */
#define DB_ARGS(...)	(const struct db_arg[]){ __VA_ARGS__ }, \
	sizeof((const struct db_arg[]){ __VA_ARGS__ }) / sizeof(struct db_arg)
#define DB_NOARGS	NULL, 0

/*
 * A row a statement gave, valid only during the callback it is handed
 * to.  Columns count from 0; text of a NULL is "", a blob's length 0.
 */
struct db_row;

typedef int	(*db_row_fn)(const struct db_row *, void *);

int64_t		 db_int(const struct db_row *, int);
const char	*db_text(const struct db_row *, int);
const void	*db_blob(const struct db_row *, int, size_t *);
int		 db_null(const struct db_row *, int);

/*
 * The connection: opened (and the schema migrated) before any request.
 * db_open() returns 1, or 0 when a PostgreSQL server does not answer
 * yet: the program starts anyway, every statement fails (db_busy()
 * says so) until a later one connects by itself; -1 on an error that
 * waiting cannot mend.
 */
int		 db_remote(const char *);
int		 db_open(const char *);
void		 db_close(void);
const char	*db_where(void);
int		 db_schema(void);
int		 db_ping(void);
int		 db_busy(void);
int		 db_prepare(enum sql);

/* Statements: fn may be NULL where the rows do not matter. */
int		 db_get(enum sql, const struct db_arg *, size_t, db_row_fn,
		    void *);
int		 db_each(enum sql, const struct db_arg *, size_t, db_row_fn,
		    void *);
int		 db_exec(enum sql, const struct db_arg *, size_t);
int		 db_exec_later(enum sql, const struct db_arg *, size_t,
		    int64_t);
int		 db_write(enum sql, const struct db_arg *, size_t, db_row_fn,
		    void *);
int		 db_count(enum sql, const struct db_arg *, size_t, int64_t *);

/*
 * Transactions: a write transaction; SQLite takes the database's write
 * lock up front, PostgreSQL only the rows each statement writes or locks.
 */
int		 db_begin(void);
int		 db_commit(void);
void		 db_rollback(void);

#endif
