/*
 * What a store backend implements (db.c calls it; nothing else does).
 * Internal to common/.
 */
#ifndef DB_BACKEND_H
#define DB_BACKEND_H

#include "db.h"

/* The transaction verbs, as a backend runs them. */
enum db_txn {
	DB_TXN_BEGIN,	/* a write transaction, the lock taken up front */
	DB_TXN_COMMIT,
	DB_TXN_ROLLBACK,
};

/*
 * describe() writes what the store's address names, fit for a log
 * (never a password), and returns 1, or -1 if it is no address.
 * open() returns 1 when connected (the schema migrated), 0 when the
 * store is set up but its server does not answer yet (a server-based
 * store then connects at the next statement), -1 on an error that
 * retrying cannot mend (logged).
 *
 * prepare() and run() get the statement's text in the backend's own
 * dialect (db.c picks it).  run() binds the arguments to statement id
 * (its text is sql), steps it and hands fn each row until fn returns
 * nonzero (1: enough, -1: stop with an error) or max rows were handed
 * (0: all).  It leaves the statement reset, so no read stays open,
 * and sets *rows and *changes.  Returns DB_DONE, DB_CONFLICT or
 * DB_ERROR (logged).
 *
 * later(), if not NULL, runs a write as db_exec_later() says, inside
 * the caller's transaction (db.c calls it only there): it may send it
 * with what comes next; it must change expect rows (-1: any), checked
 * at the latest when the transaction commits.  Returns 1, or -1
 * (logged).  Outside a transaction, or without later(), db.c runs the
 * write at once and checks its count.
 */
struct db_backend {
	int		 (*describe)(const char *, char *, size_t);
	int		 (*open)(const char *);
	void		 (*close)(void);
	int		 (*schema)(void);
	int		 (*prepare)(enum sql, const char *);
	int		 (*run)(enum sql, const char *, const struct db_arg *,
			    size_t, db_row_fn, void *, size_t, size_t *,
			    int64_t *);
	int		 (*later)(enum sql, const char *,
			    const struct db_arg *, size_t, int64_t);
	int		 (*txn)(enum db_txn);
	int		 (*in_txn)(void);
	int		 (*busy)(void);
	int64_t		 (*col_int)(const struct db_row *, int);
	const char	*(*col_text)(const struct db_row *, int);
	const void	*(*col_blob)(const struct db_row *, int, size_t *);
	int		 (*col_null)(const struct db_row *, int);
};

extern const struct db_backend	 db_sqlite;
extern const struct db_backend	 db_pg;

/*
 * One schema migration, compiled in from db/DIALECT/NNN_name.sql by
 * tools/embed-sql.sh: one table per dialect, the same versions in each.
 */
struct migration {
	int		 version;
	const char	*name;
	const char	*sql;
};

extern const struct migration	 db_migrations_sqlite[];
extern const int		 db_migrations_sqlite_count;
extern const struct migration	 db_migrations_postgresql[];
extern const int		 db_migrations_postgresql_count;

#endif
