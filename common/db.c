/*
 * SQLite access.  One connection per process is opened before the
 * request loop; each statement is prepared once, at its first use, and
 * reused.  All SQL lives in sqls[] below, indexed by enum sql.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "util.h"

/* How long a writer waits for another process's lock. */
#define BUSY_TIMEOUT_MS	5000

/*
 * The page cache of each connection: 256 KiB (a negative cache_size
 * counts KiB).  SQLite's default, 2000 KiB, suits one long-lived
 * process; here every program runs PROCS processes, and under load each
 * filled its cache to the full 2 MB (SQLITE_DBSTATUS_CACHE_USED), which
 * glibc then kept: two thirds of a busy program's private memory.  A
 * big cache also buys little here: in WAL mode a connection drops all
 * of it whenever another process commits, and a miss is one pread()
 * from the kernel's page cache.  A request reads a handful of pages;
 * 64 pages keep the top of the B-trees, and GET /user-info over
 * 1,000,000 users, a different user each time, ran as fast as with
 * the default (make bench, the seeded run).
 */
#define CACHE_SIZE	"PRAGMA cache_size = -256"

/* Session columns that make it active (not revoked, not expired). */
#define ACTIVE "s.revoked_at IS NULL AND s.expires_at > ?"

static const char *const sqls[SQL__MAX] = {
	/* SQL_HEALTH */
	"SELECT 1 FROM users LIMIT 1",
	/* SQL_USER_INSERT */
	"INSERT INTO users (email, username, password_hash, role, "
	"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
	/* SQL_USER_GET */
	"SELECT id, email, username, role, email_verified, created_at, "
	"updated_at FROM users WHERE id = ?",
	/* SQL_USER_LOGIN_EMAIL */
	"SELECT id, password_hash FROM users WHERE email = ?",
	/* SQL_USER_LOGIN_NAME */
	"SELECT id, password_hash FROM users WHERE username = ?",
	/* SQL_USER_HASH_GET */
	"SELECT password_hash FROM users WHERE id = ?",
	/* SQL_USER_HASH_SET */
	"UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
	/* SQL_SESSION_AUTH: the one query of a verified request. */
	"SELECT u.id, u.email, u.username, u.role, u.email_verified, "
	"u.created_at, u.updated_at, s.last_used_at "
	"FROM sessions s JOIN users u ON u.id = s.user_id "
	"WHERE s.id = ? AND s.user_id = ? AND " ACTIVE,
	/* SQL_SESSION_TOUCH */
	"UPDATE sessions SET last_used_at = ? WHERE id = ?",
	/* SQL_SESSION_INSERT */
	"INSERT INTO sessions (user_id, created_at, last_used_at, "
	"expires_at, ip, user_agent, fgp_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
	/* SQL_SESSION_EVICT: revoke all but the ? most recently used. */
	"UPDATE sessions SET revoked_at = ?1, expires_at = ?1 "
	"WHERE id IN (SELECT s.id FROM sessions s "
	"WHERE s.user_id = ?2 AND s.revoked_at IS NULL AND s.expires_at > ?1 "
	"ORDER BY s.last_used_at DESC, s.id DESC LIMIT -1 OFFSET ?3)",
	/* SQL_SESSION_PURGE: bounded, so it never stalls a request. */
	"DELETE FROM sessions WHERE id IN (SELECT id FROM sessions "
	"WHERE expires_at <= ? LIMIT 100)",
	/* SQL_SESSION_LIST */
	"SELECT s.id, s.created_at, s.last_used_at, s.expires_at, s.ip, "
	"s.user_agent FROM sessions s WHERE s.user_id = ? AND " ACTIVE
	" ORDER BY s.created_at DESC, s.id DESC",
	/*
	 * SQL_SESSION_REVOKE.  Revoking also ends the session's life,
	 * so purging needs only the index on expires_at.
	 */
	"UPDATE sessions AS s SET revoked_at = ?1, expires_at = ?1 "
	"WHERE s.id = ?2 AND s.user_id = ?3 AND s.revoked_at IS NULL "
	"AND s.expires_at > ?1",
	/* SQL_SESSION_REVOKE_USER: every session but ?3 (0: all). */
	"UPDATE sessions AS s SET revoked_at = ?1, expires_at = ?1 "
	"WHERE s.user_id = ?2 AND s.id <> ?3 AND s.revoked_at IS NULL "
	"AND s.expires_at > ?1",
	/*
	 * SQL_SESSION_EXTEND: another refresh TTL from now (?1), but never
	 * past AUTH_SESSION_MAX_AGE (?3) from the login.
	 */
	"UPDATE sessions SET last_used_at = ?1, "
	"expires_at = min(?1 + ?2, created_at + ?3) WHERE id = ?4 "
	"RETURNING expires_at",
	/* SQL_REFRESH_INSERT: the session's next generation. */
	"INSERT INTO refresh_tokens (hash, session_id, generation) "
	"VALUES (?1, ?2, (SELECT coalesce(max(generation), 0) + 1 "
	"FROM refresh_tokens WHERE session_id = ?2))",
	/*
	 * SQL_REFRESH_FIND: the token's row, and whether its session is
	 * live at ?2: not revoked, not expired, not older than ?3
	 * (AUTH_SESSION_MAX_AGE, which may have been lowered since).
	 */
	"SELECT r.session_id, r.rotated_at, r.next_sealed, s.user_id, "
	"s.revoked_at IS NULL AND s.expires_at > ?2 AND s.created_at + ?3 > ?2, "
	"s.fgp_hash FROM refresh_tokens r JOIN sessions s "
	"ON s.id = r.session_id WHERE r.hash = ?1",
	/* SQL_REFRESH_ROTATE */
	"UPDATE refresh_tokens SET rotated_at = ?, next_sealed = ? "
	"WHERE hash = ? AND rotated_at IS NULL",
	/* SQL_REFRESH_IS_CURRENT */
	"SELECT 1 FROM refresh_tokens WHERE hash = ? AND session_id = ? "
	"AND rotated_at IS NULL",
	/*
	 * SQL_REFRESH_PRUNE: keep session ?1's ?2 newest generations (the
	 * current token, the one just rotated out, and older ones for
	 * reuse detection); the rest go.
	 */
	"DELETE FROM refresh_tokens WHERE session_id = ?1 AND generation <= "
	"(SELECT max(generation) FROM refresh_tokens WHERE session_id = ?1) - ?2",
	/* SQL_REFRESH_UNSEAL_SESSION */
	"UPDATE refresh_tokens SET next_sealed = NULL WHERE session_id = ?1 "
	"AND hash <> ?2 AND next_sealed IS NOT NULL",
	/* SQL_REFRESH_UNSEAL_OLD: bounded; ?1 is now - AUTH_REFRESH_GRACE. */
	"UPDATE refresh_tokens SET next_sealed = NULL WHERE hash IN (SELECT "
	"hash FROM refresh_tokens WHERE next_sealed IS NOT NULL AND "
	"rotated_at <= ?1 LIMIT 100)",
	/* SQL_USER_LIST: one page, in SQL_USER_GET's columns. */
	"SELECT id, email, username, role, email_verified, created_at, "
	"updated_at FROM users ORDER BY id LIMIT ? OFFSET ?",
	/* SQL_USER_COUNT */
	"SELECT count(*) FROM users",
	/* SQL_USER_ADMINS */
	"SELECT count(*) FROM users WHERE role = 'admin'",
	/* SQL_USER_BY_EMAIL */
	"SELECT id, email, username, role, email_verified, created_at, "
	"updated_at FROM users WHERE email = ?",
	/* SQL_USER_SET: role and email_verified; NULL keeps either. */
	"UPDATE users SET role = coalesce(?1, role), "
	"email_verified = coalesce(?2, email_verified), updated_at = ?3 "
	"WHERE id = ?4",
	/*
	 * SQL_USER_EMAIL_SET.  A new address is not verified yet; the
	 * same one keeps its state.
	 */
	"UPDATE users SET email = ?1, email_verified = "
	"CASE WHEN email = ?1 THEN email_verified ELSE 0 END, "
	"updated_at = ?2 WHERE id = ?3",
	/* SQL_USER_NAME_SET: NULL clears the username. */
	"UPDATE users SET username = ?1, updated_at = ?2 WHERE id = ?3",
	/* SQL_USER_DELETE: sessions and refresh tokens go by cascade. */
	"DELETE FROM users WHERE id = ?",
	/* SQL_MAIL_TOKEN_PURGE: bounded, like SQL_SESSION_PURGE. */
	"DELETE FROM mail_tokens WHERE hash IN (SELECT hash FROM mail_tokens "
	"WHERE expires_at <= ? LIMIT 100)",
	/* SQL_MAIL_TOKEN_DROP: a user's tokens of one kind. */
	"DELETE FROM mail_tokens WHERE user_id = ? AND kind = ?",
	/* SQL_MAIL_TOKEN_INSERT */
	"INSERT INTO mail_tokens (hash, kind, user_id, email, created_at, "
	"expires_at) VALUES (?, ?, ?, ?, ?, ?)",
	/* SQL_MAIL_TOKEN_FIND: is it used, and is the address still his? */
	"SELECT t.user_id, t.expires_at, t.used_at IS NOT NULL, "
	"t.email = u.email, t.email FROM mail_tokens t "
	"JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND t.kind = ?",
	/* SQL_MAIL_TOKEN_USE */
	"UPDATE mail_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL",
	/* SQL_MAIL_LOG_PURGE: bounded. */
	"DELETE FROM mail_log WHERE rowid IN (SELECT rowid FROM mail_log "
	"WHERE sent_at <= ? LIMIT 100)",
	/* SQL_MAIL_LOG_COUNT: mails to an address since a time. */
	"SELECT count(*) FROM mail_log WHERE email = ? AND sent_at > ?",
	/* SQL_MAIL_LOG_INSERT */
	"INSERT INTO mail_log (email, sent_at) VALUES (?, ?)",
	/* SQL_USER_EMAIL_VERIFY */
	"UPDATE users SET email_verified = 1, updated_at = ? WHERE id = ?",
	/* SQL_USER_EMAIL_CONFIRM: a new address, proven by its mail. */
	"UPDATE users SET email = ?1, email_verified = 1, updated_at = ?2 "
	"WHERE id = ?3",
	/* SQL_THROTTLE_GET: a counter whose window is still open at ?2. */
	"SELECT hits, window_end FROM throttle WHERE key = ?1 AND window_end > ?2",
	/*
	 * SQL_THROTTLE_HIT: count one hit at ?2 (now); a closed window
	 * starts over, lasting ?3 seconds.  Every SET reads the row as it
	 * was.
	 */
	"INSERT INTO throttle (key, hits, window_end) VALUES (?1, 1, ?2 + ?3) "
	"ON CONFLICT (key) DO UPDATE SET "
	"hits = CASE WHEN window_end > ?2 THEN hits + 1 ELSE 1 END, "
	"window_end = CASE WHEN window_end > ?2 THEN window_end ELSE ?2 + ?3 END",
	/* SQL_THROTTLE_CLEAR */
	"DELETE FROM throttle WHERE key = ?",
	/* SQL_THROTTLE_UNCOUNT: take back an attempt that succeeded. */
	"UPDATE throttle SET hits = hits - 1 WHERE key = ? AND hits > 0",
	/* SQL_THROTTLE_PURGE: bounded, like SQL_SESSION_PURGE. */
	"DELETE FROM throttle WHERE key IN (SELECT key FROM throttle "
	"WHERE window_end <= ? LIMIT 100)",
	/*
	 * SQL_USER_HASH_UPGRADE: only if the hash is still the one just
	 * verified, so a password changed meanwhile is not undone.  Not a
	 * change the user made: updated_at stays.
	 */
	"UPDATE users SET password_hash = ?1 WHERE id = ?2 "
	"AND password_hash = ?3",
};

/* Transaction control, prepared once like everything else. */
enum txn { TXN_BEGIN, TXN_COMMIT, TXN_ROLLBACK, TXN__MAX };
static const char *const txns[TXN__MAX] = {
	"BEGIN IMMEDIATE",	/* TXN_BEGIN: take the write lock up front */
	"COMMIT",		/* TXN_COMMIT */
	"ROLLBACK",		/* TXN_ROLLBACK */
};

static sqlite3		*db;
static sqlite3_stmt	*stmts[SQL__MAX];
static sqlite3_stmt	*txstmts[TXN__MAX];
static int		 busy;

/* Log the connection's last error and remember if it was a lock. */
static void
db_error(const char *what)
{
	int	 rc = sqlite3_extended_errcode(db);

	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		busy = 1;
	LOG("%s: %s (%d)", what, sqlite3_errmsg(db), rc);
}

/* Run constant SQL (pragmas, migrations); returns 0 or -1. */
static int
db_exec(const char *sql)
{

	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	db_error("exec");
	return -1;
}

static int
prepare(const char *sql, sqlite3_stmt **stmt)
{

	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    stmt, NULL) == SQLITE_OK)
		return 0;
	db_error("prepare");
	return -1;
}

/*
 * Open the database at path (creating it, private to its owner),
 * set WAL, the busy timeout, foreign keys and the page cache's size
 * (CACHE_SIZE), and bring the schema up to date.  Returns 0 or -1
 * (logged).
 */
int
db_open(const char *path)
{
	size_t	 i;

	umask(077);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		LOG("%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		db_close();
		return -1;
	}
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	if (db_exec("PRAGMA journal_mode = WAL") == -1 ||
	    db_exec("PRAGMA synchronous = NORMAL") == -1 ||
	    db_exec("PRAGMA foreign_keys = ON") == -1 ||
	    db_exec(CACHE_SIZE) == -1 ||
	    db_migrate() == -1)
		goto err;
	for (i = 0; i < TXN__MAX; i++)
		if (prepare(txns[i], &txstmts[i]) == -1)
			goto err;
	return 0;
err:
	db_close();
	return -1;
}

/* Finalise every statement and close; safe when nothing is open. */
void
db_close(void)
{
	size_t	 i;

	for (i = 0; i < SQL__MAX; i++) {
		sqlite3_finalize(stmts[i]);
		stmts[i] = NULL;
	}
	for (i = 0; i < TXN__MAX; i++) {
		sqlite3_finalize(txstmts[i]);
		txstmts[i] = NULL;
	}
	sqlite3_close(db);
	db = NULL;
}

/* PRAGMA user_version, or -1 (logged). */
static int
schema_version(void)
{
	sqlite3_stmt	*st = NULL;
	int		 version = -1;

	if (prepare("PRAGMA user_version", &st) == 0 &&
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
 * write lock when there is nothing to migrate.  Returns 0 or -1.
 */
int
db_migrate(void)
{
	char	 pragma[64];
	int	 i, version, latest;

	latest = db_migrations[db_migrations_count - 1].version;
	if ((version = schema_version()) == latest)
		return 0;
	if (version > latest) {
		LOG("database schema %d is newer than this program's %d",
		    version, latest);
		return -1;
	}

	/* Under the lock, read again: another start may have migrated. */
	if (db_exec("BEGIN IMMEDIATE") == -1)
		return -1;
	if ((version = schema_version()) < 0)
		goto err;
	for (i = 0; i < db_migrations_count; i++) {
		if (db_migrations[i].version <= version)
			continue;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		    db_migrations[i].version);
		if (db_exec(db_migrations[i].sql) == -1 ||
		    db_exec(pragma) == -1) {
			LOG("migration %s failed", db_migrations[i].name);
			goto err;
		}
	}
	return db_exec("COMMIT");
err:
	db_exec("ROLLBACK");
	return -1;
}

/* Returns 1 if a statement hit a lock since the last call, and clears. */
int
db_busy(void)
{
	int	 was = busy;

	busy = 0;
	return was;
}

/*
 * A statement, reset and with its bindings cleared, ready to bind.  It
 * is prepared at its first use, so that a process holds only the few
 * statements of its own program: all of them took 150 KiB of every
 * process (SQLITE_DBSTATUS_STMT_USED).  tests/unit/test_db.c prepares
 * each one, so a statement that does not compile fails the tests.
 * Returns NULL (logged) if it cannot be prepared; the binders,
 * db_step() and db_write() then fail, as for any other error.
 */
sqlite3_stmt *
db_stmt(enum sql id)
{

	if (stmts[id] == NULL && prepare(sqls[id], &stmts[id]) == -1)
		return NULL;
	sqlite3_reset(stmts[id]);
	sqlite3_clear_bindings(stmts[id]);
	return stmts[id];
}

/* Binders: 0 on success, -1 (logged) on failure. */
int
db_bind_int(sqlite3_stmt *st, int pos, int64_t v)
{

	if (sqlite3_bind_int64(st, pos, v) == SQLITE_OK)
		return 0;
	db_error("bind");
	return -1;
}

/* Bind a string; NULL binds SQL NULL.  The string is copied. */
int
db_bind_text(sqlite3_stmt *st, int pos, const char *v)
{

	if (v == NULL)
		return db_bind_null(st, pos);
	if (sqlite3_bind_text(st, pos, v, -1, SQLITE_TRANSIENT) == SQLITE_OK)
		return 0;
	db_error("bind");
	return -1;
}

int
db_bind_blob(sqlite3_stmt *st, int pos, const void *v, size_t len)
{

	if (sqlite3_bind_blob(st, pos, v, (int)len, SQLITE_TRANSIENT) ==
	    SQLITE_OK)
		return 0;
	db_error("bind");
	return -1;
}

int
db_bind_null(sqlite3_stmt *st, int pos)
{

	if (sqlite3_bind_null(st, pos) == SQLITE_OK)
		return 0;
	db_error("bind");
	return -1;
}

/*
 * Step a statement.  Returns SQLITE_ROW or SQLITE_DONE; anything else
 * is logged, the statement reset, and -1 returned.
 */
int
db_step(sqlite3_stmt *st)
{
	int	 rc = sqlite3_step(st);

	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	db_error("step");
	sqlite3_reset(st);
	return -1;
}

/*
 * Run a statement that writes.  Returns DB_DONE, DB_CONFLICT when a
 * constraint refused it, or DB_ERROR (logged).
 */
int
db_write(sqlite3_stmt *st)
{
	int	 rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return DB_DONE;
	if (rc == SQLITE_CONSTRAINT)
		return DB_CONFLICT;
	db_error("write");
	return DB_ERROR;
}

/*
 * Run a write that no constraint should refuse (any refusal is an
 * error here).  Returns 0, or -1 (logged).
 */
int
db_run(sqlite3_stmt *st)
{

	return db_write(st) == DB_DONE ? 0 : -1;
}

/* Rows changed by the last write. */
int
db_changes(void)
{

	return sqlite3_changes(db);
}

int64_t
db_last_id(void)
{

	return sqlite3_last_insert_rowid(db);
}

/* A text column, "" for NULL; valid until the statement moves on. */
const char *
db_text(sqlite3_stmt *st, int col)
{
	const unsigned char	*v = sqlite3_column_text(st, col);

	return v == NULL ? "" : (const char *)v;
}

static int
txn(enum txn id)
{

	sqlite3_reset(txstmts[id]);
	if (sqlite3_step(txstmts[id]) == SQLITE_DONE) {
		sqlite3_reset(txstmts[id]);
		return 0;
	}
	db_error(txns[id]);
	sqlite3_reset(txstmts[id]);
	return -1;
}

/* Start a write transaction; 0 or -1 (logged, busy noted). */
int
db_begin(void)
{

	return txn(TXN_BEGIN);
}

int
db_commit(void)
{

	if (txn(TXN_COMMIT) == 0)
		return 0;
	db_rollback();
	return -1;
}

/*
 * Roll back the open transaction, if any, and reset every statement
 * still running, so no read stays open between requests.  A statement
 * that ran to its end or was reset holds nothing, and resetting all of
 * them was a tenth of a verified request's instructions.
 */
void
db_rollback(void)
{
	size_t	 i;

	for (i = 0; i < SQL__MAX; i++)
		if (stmts[i] != NULL && sqlite3_stmt_busy(stmts[i]))
			sqlite3_reset(stmts[i]);
	if (db != NULL && !sqlite3_get_autocommit(db))
		txn(TXN_ROLLBACK);
}
