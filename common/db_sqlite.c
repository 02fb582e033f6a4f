/*
 * The SQLite backend of the store.  One connection per process is
 * opened before the request loop; each statement is prepared once, at
 * its first use, so a process holds only its own program's few, and
 * reused.  Writers wait for another process's lock up to
 * BUSY_TIMEOUT_MS, and the time they wait is counted (metrics.c).
 */
#include <sys/prctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "db_backend.h"
#include "metrics.h"
#include "util.h"

/* How long a writer waits for another process's lock. */
#define BUSY_TIMEOUT_MS	5000

/*
 * The page cache of each connection: 256 KiB (a negative cache_size
 * counts KiB).  Every program runs several processes, and in WAL mode a
 * connection drops its cache whenever another process commits, so a
 * large one only grows private memory; 64 pages hold the top of the
 * B-trees a request walks.
 */
#define CACHE_SIZE	"PRAGMA cache_size = -256"

/*
 * The page cache's own memory: POOL_SLOTS slots of a 4 KiB page and
 * SQLite's header for it, more than CACHE_SIZE holds.
 */
#define POOL_SLOT	(4096 + 512)
#define POOL_SLOTS	80

static _Alignas(16) char pool[POOL_SLOTS * POOL_SLOT];

/*
 * Give the page cache the pool, before SQLite starts.  From the heap,
 * the pages a connection drops when another process has written went
 * back to glibc, which handed them to the kernel, and the next
 * transaction faulted them in again, zeroed: 86 page faults and 4 brk
 * calls a login.  A slot is reused as it is, and only the slots ever
 * used take memory.  A refusal (SQLite already started) costs only
 * that, so it is logged, not fatal.
 */
static void
page_pool(void)
{
	static int	 done;
	int		 hdr;

	if (done)
		return;
	done = 1;
	if (sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &hdr) != SQLITE_OK ||
	    hdr > POOL_SLOT - 4096 ||
	    sqlite3_config(SQLITE_CONFIG_PAGECACHE, pool, POOL_SLOT,
	    POOL_SLOTS) != SQLITE_OK)
		LOG("page cache pool refused: pages come from the heap");
}

struct db_row {
	sqlite3_stmt	*st;
};

static const char *const txns[] = {
	"BEGIN IMMEDIATE",	/* DB_TXN_BEGIN: take the write lock up front */
	"COMMIT",		/* DB_TXN_COMMIT */
	"ROLLBACK",		/* DB_TXN_ROLLBACK */
};

static sqlite3		*db;
static sqlite3_stmt	*stmts[SQL__MAX];
static sqlite3_stmt	*txstmts[nitems(txns)];
static int		 busy;
static int		 busy_timeout_ms = BUSY_TIMEOUT_MS;

/* Log the connection's last error and remember if it was a lock. */
static void
error(const char *what)
{
	int	 rc = sqlite3_extended_errcode(db);

	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		busy = 1;
	metrics_add(METRIC_DB_ERRORS, 1);
	LOG("%s: %s (%d)", what, sqlite3_errmsg(db), rc);
}

/*
 * The busy handler.  SQLite's own (sqlite3_busy_timeout) sleeps 1, 2,
 * 5, 10 ... then 100 ms between tries, while a writer here holds the
 * lock for tens of microseconds: a process that meets the lock would
 * sleep a thousand times longer than it waits, and its core idle.
 * Ours gives the core away once (the holder may be the process it runs
 * next; when the holder runs on the other core, more yields only
 * spin), then sleeps from BUSY_SLEEP_MIN_US doubling to
 * BUSY_SLEEP_MAX_US, so that a waiter wakes soon after the lock is
 * released, until BUSY_TIMEOUT_MS have passed since this lock's first
 * try; the time it waits is counted as
 * fcgi_auth_db_wait_seconds_total.  count is how often it was called
 * for this lock before.  Returns 1 to try again, 0 to give up.
 */
#define BUSY_YIELDS		1
#define BUSY_SLEEP_MIN_US	5
#define BUSY_SLEEP_MAX_US	1000

static int
on_busy(void *arg, int count)
{
	static int64_t	 first;
	struct timespec	 ts;
	int64_t		 now;
	long		 us;
	int		 n;

	(void)arg;
	now = util_monotonic_ns();
	if (count == 0)
		first = now;
	else if (now - first >= (int64_t)busy_timeout_ms * 1000000)
		return 0;
	if (count < BUSY_YIELDS)
		sched_yield();
	else {
		/* The first sleep, doubled for each try after it, capped. */
		us = BUSY_SLEEP_MIN_US;
		for (n = count - BUSY_YIELDS; n > 0 && us < BUSY_SLEEP_MAX_US;
		    n--)
			us *= 2;
		if (us > BUSY_SLEEP_MAX_US)
			us = BUSY_SLEEP_MAX_US;
		ts.tv_sec = 0;
		ts.tv_nsec = us * 1000;
		while (nanosleep(&ts, &ts) == -1)
			continue;
	}
	metrics_add(METRIC_DB_WAIT_NS, (uint64_t)(util_monotonic_ns() - now));
	return 1;
}

/*
 * The WAL's length, in frames (pages written), from which a commit
 * copies it back into the database (SQLite's default mark), and the
 * longest each lock that copy takes waits for: a reader preempted on a
 * busy machine can hold its frames for milliseconds (with 10 ms, the
 * log of tests/unit/test_wal.c grew to 94 MB while two other processes
 * spun on both cores; with 100, to 39).
 */
#define CHECKPOINT_FRAMES	1000
#define CHECKPOINT_WAIT_MS	100

/*
 * Called after each commit with the WAL's length: from
 * CHECKPOINT_FRAMES on, copy it back and have the next writer start it
 * over.  SQLite's own checkpoint (PASSIVE) never starts the WAL over
 * while any process reads it, and with several processes per program
 * one always does: under steady load the WAL grew by 90 MB a second
 * without end, and every commit past the mark checkpointed again, with
 * two fdatasync calls.  So a PASSIVE checkpoint copies the pages and
 * syncs (3 ms for a 4 MB WAL here) while others go on writing, then a
 * RESTART one copies what they wrote meanwhile and holds writers off
 * until the readers of older frames are done, which a request's
 * reader is within a millisecond.  A reader that takes longer (a
 * backup) makes it give up after CHECKPOINT_WAIT_MS, and this process
 * tries again only once the WAL has grown by CHECKPOINT_FRAMES more,
 * so such a reader cannot hold every commit up; nor can another
 * process's checkpoint, which is busy too.  The commit has happened
 * whatever this returns, so an error is logged, not returned.
 */
static int
on_commit(void *arg, sqlite3 *conn, const char *name, int frames)
{
	static int	 next = CHECKPOINT_FRAMES;
	int		 rc;

	(void)arg;
	if (frames < CHECKPOINT_FRAMES)
		next = CHECKPOINT_FRAMES;
	if (frames < next)
		return SQLITE_OK;
	rc = sqlite3_wal_checkpoint_v2(conn, name, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL);
	busy_timeout_ms = CHECKPOINT_WAIT_MS;
	if (rc == SQLITE_OK)
		rc = sqlite3_wal_checkpoint_v2(conn, name,
		    SQLITE_CHECKPOINT_RESTART, NULL, NULL);
	busy_timeout_ms = BUSY_TIMEOUT_MS;
	next = rc == SQLITE_BUSY ? frames + CHECKPOINT_FRAMES :
	    CHECKPOINT_FRAMES;
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		LOG("checkpoint: %s (%d)", sqlite3_errmsg(conn), rc);
	return SQLITE_OK;
}

/* Run constant SQL (pragmas, migrations).  Returns 1, or -1. */
static int
exec(const char *sql)
{

	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 1;
	error("exec");
	return -1;
}

static int
compile(const char *sql, sqlite3_stmt **st)
{

	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	    NULL) == SQLITE_OK)
		return 1;
	error("prepare");
	return -1;
}

/* PRAGMA user_version, or -1 (logged). */
static int
schema(void)
{
	sqlite3_stmt	*st = NULL;
	int		 version = -1;

	if (compile("PRAGMA user_version", &st) == 1 &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return version;
}

/*
 * Apply the compiled-in migrations newer than PRAGMA user_version, in
 * one transaction, so concurrent starts migrate exactly once.  The
 * version is read first without a lock: a program started on demand
 * (Apache, plain CGI) must not wait for, or fail on, another process's
 * write lock when there is nothing to migrate.  Returns 1, or -1.
 */
static int
migrate(void)
{
	char	 pragma[64];
	int	 i, version, latest;

	latest = db_migrations_sqlite[db_migrations_sqlite_count - 1].version;
	if ((version = schema()) == latest)
		return 1;
	if (version > latest) {
		LOG("database schema %d is newer than this program's %d",
		    version, latest);
		return -1;
	}

	/* Under the lock, read again: another start may have migrated. */
	if (exec("BEGIN IMMEDIATE") == -1)
		return -1;
	if ((version = schema()) < 0)
		goto err;
	for (i = 0; i < db_migrations_sqlite_count; i++) {
		if (db_migrations_sqlite[i].version <= version)
			continue;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		    db_migrations_sqlite[i].version);
		if (exec(db_migrations_sqlite[i].sql) == -1 || exec(pragma) == -1) {
			LOG("migration %s failed", db_migrations_sqlite[i].name);
			goto err;
		}
	}
	return exec("COMMIT");
err:
	exec("ROLLBACK");
	return -1;
}

/* Finalise every statement and close; safe when nothing is open. */
static void
sqlite_close(void)
{
	size_t	 i;

	for (i = 0; i < SQL__MAX; i++) {
		sqlite3_finalize(stmts[i]);
		stmts[i] = NULL;
	}
	for (i = 0; i < nitems(txns); i++) {
		sqlite3_finalize(txstmts[i]);
		txstmts[i] = NULL;
	}
	sqlite3_close(db);
	db = NULL;
}

/*
 * Let the busy handler's sleeps end when they are due.  The kernel may
 * run a sleep on past its time by the thread's timer slack (50 us by
 * default) to batch wakeups: several times the handler's first sleeps,
 * and each microsecond past a lock's release leaves a core idle.  The
 * slack is this process's (one thread), so it also sharpens its other
 * timeouts, harmlessly.  A refusal costs only that: logged.
 */
static void
precise_sleeps(void)
{

	if (prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL) == -1)
		LOG("timer slack: %s", strerror(errno));
}

/*
 * Open the database at path (creating it, private to its owner), set
 * WAL, the busy timeout, foreign keys and the page cache's size, and
 * bring the schema up to date.  Returns 1, or -1 (logged).
 */
static int
sqlite_open(const char *path)
{
	size_t	 i;

	umask(077);
	page_pool();
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		LOG("%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite_close();
		return -1;
	}
	precise_sleeps();
	sqlite3_busy_handler(db, on_busy, NULL);
	sqlite3_wal_hook(db, on_commit, NULL);
	if (exec("PRAGMA journal_mode = WAL") == -1 ||
	    exec("PRAGMA synchronous = NORMAL") == -1 ||
	    exec("PRAGMA foreign_keys = ON") == -1 ||
	    exec(CACHE_SIZE) == -1 || migrate() == -1)
		goto err;
	for (i = 0; i < nitems(txns); i++)
		if (compile(txns[i], &txstmts[i]) == -1)
			goto err;
	return 1;
err:
	sqlite_close();
	return -1;
}

/* A SQLite database is named by its path. */
static int
sqlite_describe(const char *path, char *out, size_t size)
{

	return (size_t)snprintf(out, size, "%s", path) < size ? 1 : -1;
}

/* Prepare statement id (its text sql) unless it is.  Returns 1 or -1. */
static int
sqlite_prepare(enum sql id, const char *sql)
{

	return stmts[id] != NULL ? 1 : compile(sql, &stmts[id]);
}

/*
 * Bind n arguments to st.  Strings and blobs are bound without a copy:
 * they live until the statement is reset, before run() returns.
 * Returns 1, or -1 (logged).
 */
static int
bind(sqlite3_stmt *st, const struct db_arg *args, size_t n)
{
	size_t	 i;
	int	 rc = SQLITE_OK;

	if (n != (size_t)sqlite3_bind_parameter_count(st)) {
		LOG("%zu arguments for %d parameters in \"%s\"", n,
		    sqlite3_bind_parameter_count(st), sqlite3_sql(st));
		return -1;
	}
	for (i = 0; i < n && rc == SQLITE_OK; i++) {
		switch (args[i].type) {
		case DB_T_INT:
			rc = sqlite3_bind_int64(st, (int)i + 1, args[i].i);
			break;
		case DB_T_TEXT:
			rc = args[i].p == NULL ?
			    sqlite3_bind_null(st, (int)i + 1) :
			    sqlite3_bind_text(st, (int)i + 1, args[i].p, -1,
			    SQLITE_STATIC);
			break;
		case DB_T_BLOB:
			rc = sqlite3_bind_blob(st, (int)i + 1, args[i].p,
			    (int)args[i].len, SQLITE_STATIC);
			break;
		default:
			rc = sqlite3_bind_null(st, (int)i + 1);
			break;
		}
	}
	if (rc == SQLITE_OK)
		return 1;
	error("bind");
	return -1;
}

/* See struct db_backend in db_backend.h. */
static int
sqlite_run(enum sql id, const char *sql, const struct db_arg *args,
    size_t n, db_row_fn fn, void *arg, size_t max, size_t *rows,
    int64_t *changes)
{
	struct db_row	 row;
	int		 rc = SQLITE_DONE, result = DB_DONE, more;

	*rows = 0;
	*changes = 0;
	if (sqlite_prepare(id, sql) == -1)
		return DB_ERROR;
	row.st = stmts[id];
	if (bind(row.st, args, n) == -1)
		result = DB_ERROR;
	while (result == DB_DONE && (rc = sqlite3_step(row.st)) == SQLITE_ROW) {
		(*rows)++;
		if (fn != NULL && (more = fn(&row, arg)) != 0) {
			if (more == -1)
				result = DB_ERROR;
			break;
		}
		if (max > 0 && *rows == max)
			break;
	}
	if (result == DB_DONE && rc != SQLITE_ROW && rc != SQLITE_DONE) {
		if ((rc & 0xff) == SQLITE_CONSTRAINT)
			result = DB_CONFLICT;
		else {
			error("step");
			result = DB_ERROR;
		}
	}
	*changes = sqlite3_changes(db);
	sqlite3_reset(row.st);
	return result;
}

/* Run one of the transaction verbs.  Returns 1, or -1 (logged). */
static int
sqlite_txn(enum db_txn t)
{
	sqlite3_stmt	*st = txstmts[t];
	int		 rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 1;
	error(txns[t]);
	return -1;
}

/* Is a transaction open?  1 or 0. */
static int
sqlite_in_txn(void)
{

	return db != NULL && !sqlite3_get_autocommit(db);
}

static int
sqlite_busy(void)
{
	int	 was = busy;

	busy = 0;
	return was;
}

static int64_t
col_int(const struct db_row *row, int col)
{

	return sqlite3_column_int64(row->st, col);
}

static const char *
col_text(const struct db_row *row, int col)
{
	const unsigned char	*v = sqlite3_column_text(row->st, col);

	return v == NULL ? "" : (const char *)v;
}

static const void *
col_blob(const struct db_row *row, int col, size_t *len)
{
	const void	*v = sqlite3_column_blob(row->st, col);

	*len = v == NULL ? 0 : (size_t)sqlite3_column_bytes(row->st, col);
	return v;
}

static int
col_null(const struct db_row *row, int col)
{

	return sqlite3_column_type(row->st, col) == SQLITE_NULL;
}

const struct db_backend db_sqlite = {
	sqlite_describe,
	sqlite_open,
	sqlite_close,
	schema,
	sqlite_prepare,
	sqlite_run,
	NULL,
	sqlite_txn,
	sqlite_in_txn,
	sqlite_busy,
	col_int,
	col_text,
	col_blob,
	col_null,
};
