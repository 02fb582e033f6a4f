/*
 * The store's face.  Every statement the project runs is in sqls[]
 * below, sorted by table and indexed by enum sql, as kcaldav's db.c
 * keeps them, in SQLite's dialect; pg[] holds PostgreSQL's text of
 * those that differ, and only those.  The backend (db_sqlite.c,
 * db_pg.c) prepares each once per connection, at its first use, and
 * runs it with the arguments it is given.  Nothing outside the store
 * sees a backend type.
 *
 * Parameters are written ?N (or ?) in both tables; the PostgreSQL
 * backend makes them $N.  Write a statement once, portably, where you
 * can: CASE WHEN ... THEN 1 ELSE 0 END for a truth value a row hands
 * back (PostgreSQL's are booleans), no scalar min()/max(), LIMIT -1,
 * rowid.  A statement needs a pg[] entry when its SQL is SQLite's
 * alone, when PostgreSQL cannot tell a parameter's type (?1 + ?2), or
 * when it must lock what it reads (below).
 *
 * Locking.  SQLite's db_begin() takes the write lock of the whole
 * database, so a transaction that reads then writes sees nothing
 * change in between.  PostgreSQL runs transactions side by side (READ
 * COMMITTED): each statement sees what was committed when it started,
 * and only row locks make another transaction wait.  So the pg[] form
 * of a statement that reads what its transaction then writes on locks
 * the rows it read, FOR NO KEY UPDATE (the refresh token and its
 * session, the admins, the user a mailed token belongs to), and where
 * the rows to guard may not exist yet (a user's sessions, the mails to
 * an address), the transaction first locks something that does
 * (SQL_USER_LOCK, SQL_MAIL_LOG_LOCK), in a statement of its own, so
 * the reads after it start once the lock is held.  Counters are
 * counted first and checked after (SQL_THROTTLE_HIT ... RETURNING):
 * the upsert's row lock makes the count exact.  The bounded purges
 * skip rows another transaction holds (SKIP LOCKED), so that they
 * never make a request wait, and walk their index in order (ORDER BY):
 * on a table that churns, PostgreSQL's planner would otherwise scan it
 * whole, dead row versions and all.  They name their rows as
 * "= ANY(ARRAY(SELECT ...))", not "IN (SELECT ...)": a semi-join's
 * generic plan scans the whole table beside the batch, which made the
 * audit purge 460 us of a login's PostgreSQL time once the log held
 * 10,000 entries (6 us now); the array is looked up by key.  Writers
 * to different accounts never wait for each other.
 */
#include <stdio.h>
#include <string.h>

#include "db_backend.h"
#include "util.h"

/* Session columns that make it active (not revoked, not expired). */
#define ACTIVE "s.revoked_at IS NULL AND s.expires_at > ?"

/* Whether user id (a column) has a second factor enabled: 1 or 0. */
#define MFA_ENABLED(id) \
	"CASE WHEN EXISTS (SELECT 1 FROM totp_secrets m WHERE m.user_id = " \
	id " AND m.enabled_at IS NOT NULL) THEN 1 ELSE 0 END"

/* The columns of a user resource, in user_row()'s order (user.c). */
#define USER_COLUMNS \
	"id, email, username, role, email_verified, created_at, updated_at, " \
	MFA_ENABLED("users.id")

/* The columns of an audit entry, in entry_row()'s order (audit.c). */
#define AUDIT_COLUMNS \
	"id, time, event, user_id, session_id, actor_id, ip, user_agent, " \
	"outcome, subject"

static const char *const sqls[SQL__MAX] = {
	/*
	 * SQL_AUDIT_HOURLY: what authctl stats charts, per hour from ?1
	 * (hour 0) on.
	 */
	"SELECT (time - ?1) / 3600, event, count(*) FROM audit "
	"WHERE time >= ?1 AND event IN ('login.success', 'login.failure', "
	"'login.throttled', 'refresh.reuse') GROUP BY 1, 2",
	/* SQL_AUDIT_INSERT */
	"INSERT INTO audit (time, event, user_id, session_id, actor_id, ip, "
	"user_agent, outcome, subject) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	/*
	 * SQL_AUDIT_LIST: a page, newest first, below the cursor ?1, from
	 * time ?2 on.  One statement per filter, so each walks its index.
	 */
	"SELECT " AUDIT_COLUMNS " FROM audit WHERE id < ?1 AND time >= ?2 "
	"ORDER BY id DESC LIMIT ?3",
	/* SQL_AUDIT_LIST_EVENT */
	"SELECT " AUDIT_COLUMNS " FROM audit WHERE event = ?4 AND id < ?1 "
	"AND time >= ?2 ORDER BY id DESC LIMIT ?3",
	/* SQL_AUDIT_LIST_USER */
	"SELECT " AUDIT_COLUMNS " FROM audit WHERE user_id = ?4 AND id < ?1 "
	"AND time >= ?2 ORDER BY id DESC LIMIT ?3",
	/* SQL_AUDIT_LIST_USER_EVENT */
	"SELECT " AUDIT_COLUMNS " FROM audit WHERE user_id = ?4 "
	"AND event = ?5 AND id < ?1 AND time >= ?2 ORDER BY id DESC LIMIT ?3",
	/* SQL_AUDIT_NOTED: entries of event ?3 from address ?1 since ?2. */
	"SELECT count(*) FROM audit WHERE ip = ?1 AND time > ?2 AND event = ?3",
	/* SQL_AUDIT_PURGE: bounded, so it never stalls a request. */
	"DELETE FROM audit WHERE id IN (SELECT id FROM audit "
	"WHERE time <= ?1 LIMIT 100)",
	/*
	 * SQL_AUDIT_SESSIONS: an entry of event ?6 for each active session
	 * of user ?2, about to be revoked at ?1 in the same transaction.
	 * The casts give the selected parameters the columns' types, as
	 * PostgreSQL wants them.
	 */
	"INSERT INTO audit (time, event, user_id, session_id, actor_id, ip, "
	"user_agent, outcome) SELECT CAST(?1 AS BIGINT), CAST(?6 AS TEXT), "
	"s.user_id, s.id, CAST(?3 AS BIGINT), CAST(?4 AS TEXT), "
	"CAST(?5 AS TEXT), 'success' FROM sessions s WHERE s.user_id = ?2 "
	"AND s.revoked_at IS NULL AND s.expires_at > ?1 ORDER BY s.id",
	/* SQL_CLIENT_DELETE */
	"DELETE FROM clients WHERE name = ?",
	/* SQL_CLIENT_GET */
	"SELECT secret_hash FROM clients WHERE name = ?",
	/* SQL_CLIENT_INSERT */
	"INSERT INTO clients (name, secret_hash, created_at) VALUES (?, ?, ?)",
	/* SQL_CLIENT_LIST */
	"SELECT name, created_at FROM clients ORDER BY name",

	/* SQL_HEALTH */
	"SELECT 1 FROM users LIMIT 1",

	/* SQL_MAIL_LOG_COUNT: mails to an address since a time. */
	"SELECT count(*) FROM mail_log WHERE email = ? AND sent_at > ?",
	/* SQL_MAIL_LOG_INSERT */
	"INSERT INTO mail_log (email, sent_at) VALUES (?, ?)",
	/*
	 * SQL_MAIL_LOG_LOCK: hold address ?1's count of mails until the
	 * transaction ends.  SQLite's write transaction holds it already.
	 */
	"SELECT 1 WHERE ?1 IS NOT NULL",
	/* SQL_MAIL_LOG_PURGE: bounded, so it never stalls a request. */
	"DELETE FROM mail_log WHERE rowid IN (SELECT rowid FROM mail_log "
	"WHERE sent_at <= ? LIMIT 100)",

	/* SQL_MAIL_TOKEN_DROP: a user's tokens of one kind. */
	"DELETE FROM mail_tokens WHERE user_id = ? AND kind = ?",
	/* SQL_MAIL_TOKEN_FIND: is it used, and is the address still his? */
	"SELECT t.user_id, t.expires_at, "
	"CASE WHEN t.used_at IS NULL THEN 0 ELSE 1 END, "
	"CASE WHEN t.email = u.email THEN 1 ELSE 0 END, t.email "
	"FROM mail_tokens t JOIN users u ON u.id = t.user_id "
	"WHERE t.hash = ? AND t.kind = ?",
	/* SQL_MAIL_TOKEN_INSERT */
	"INSERT INTO mail_tokens (hash, kind, user_id, email, created_at, "
	"expires_at) VALUES (?, ?, ?, ?, ?, ?)",
	/* SQL_MAIL_TOKEN_PURGE: bounded. */
	"DELETE FROM mail_tokens WHERE hash IN (SELECT hash FROM mail_tokens "
	"WHERE expires_at <= ? LIMIT 100)",
	/* SQL_MAIL_TOKEN_USE */
	"UPDATE mail_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL",

	/* SQL_MFA_TOKEN_DROP: a user's logins waiting for a code. */
	"DELETE FROM mfa_tokens WHERE user_id = ?1",
	/*
	 * SQL_MFA_TOKEN_FIND: the login's account and client, while the
	 * account's second factor is still enabled.
	 */
	"SELECT t.user_id, t.client, t.expires_at FROM mfa_tokens t "
	"JOIN totp_secrets s ON s.user_id = t.user_id "
	"WHERE t.hash = ?1 AND s.enabled_at IS NOT NULL",
	/* SQL_MFA_TOKEN_INSERT */
	"INSERT INTO mfa_tokens (hash, user_id, client, expires_at) "
	"VALUES (?1, ?2, ?3, ?4)",
	/* SQL_MFA_TOKEN_PURGE: bounded. */
	"DELETE FROM mfa_tokens WHERE hash IN (SELECT hash FROM mfa_tokens "
	"WHERE expires_at <= ?1 LIMIT 100)",
	/* SQL_MFA_TOKEN_USE: spent by the login it completes, at ?2. */
	"DELETE FROM mfa_tokens WHERE hash = ?1 AND expires_at > ?2",

	/* SQL_RECOVERY_DROP */
	"DELETE FROM recovery_codes WHERE user_id = ?1",
	/* SQL_RECOVERY_INSERT */
	"INSERT INTO recovery_codes (user_id, hash) VALUES (?1, ?2)",
	/* SQL_RECOVERY_USE: a code is used up by deleting it. */
	"DELETE FROM recovery_codes WHERE user_id = ?1 AND hash = ?2",

	/*
	 * SQL_REFRESH_FIND: the token's row, whether its session is live
	 * at ?2: not revoked, not expired, not older than ?3
	 * (AUTH_SESSION_MAX_AGE, which may have been lowered since), and
	 * its user's role, for the access token, and when it began.
	 */
	"SELECT r.session_id, r.rotated_at, r.next_sealed, s.user_id, "
	"CASE WHEN s.revoked_at IS NULL AND s.expires_at > ?2 AND "
	"s.created_at + ?3 > ?2 THEN 1 ELSE 0 END, "
	"s.fgp_hash, coalesce(s.auth_time, s.created_at), s.amr, u.role, "
	"s.created_at FROM refresh_tokens r "
	"JOIN sessions s ON s.id = r.session_id "
	"JOIN users u ON u.id = s.user_id WHERE r.hash = ?1",
	/* SQL_REFRESH_INSERT: the session's next generation, issued at ?3. */
	"INSERT INTO refresh_tokens (hash, session_id, generation, issued_at) "
	"VALUES (?1, ?2, (SELECT coalesce(max(generation), 0) + 1 "
	"FROM refresh_tokens WHERE session_id = ?2), ?3)",
	/*
	 * SQL_REFRESH_INSPECT: a current (never rotated) token whose
	 * session is live at ?2 (as in SQL_REFRESH_FIND), with its user's
	 * role, the session's end and when the token was issued.
	 */
	"SELECT s.id, u.id, u.role, s.expires_at, s.created_at, "
	"coalesce(r.issued_at, s.created_at) FROM refresh_tokens r "
	"JOIN sessions s ON s.id = r.session_id JOIN users u "
	"ON u.id = s.user_id WHERE r.hash = ?1 AND r.rotated_at IS NULL "
	"AND s.revoked_at IS NULL AND s.expires_at > ?2 "
	"AND s.created_at + ?3 > ?2",
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
	/* SQL_REFRESH_ROTATE */
	"UPDATE refresh_tokens SET rotated_at = ?, next_sealed = ? "
	"WHERE hash = ? AND rotated_at IS NULL",
	/* SQL_REFRESH_UNSEAL_OLD: bounded; ?1 is now - AUTH_REFRESH_GRACE. */
	"UPDATE refresh_tokens SET next_sealed = NULL WHERE hash IN (SELECT "
	"hash FROM refresh_tokens WHERE next_sealed IS NOT NULL AND "
	"rotated_at <= ?1 LIMIT 100)",
	/* SQL_REFRESH_UNSEAL_SESSION: all of ?1's but ?2's. */
	"UPDATE refresh_tokens SET next_sealed = NULL WHERE session_id = ?1 "
	"AND hash <> ?2 AND next_sealed IS NOT NULL",

	/*
	 * SQL_SESSION_ACTIVE: the sessions live at ?1.  Revoking ends a
	 * session's life too, so expires_at alone says it, on its index.
	 */
	"SELECT count(*) FROM sessions WHERE expires_at > ?1",
	/* SQL_SESSION_AUTH: the one query of a verified request. */
	"SELECT u.id, u.email, u.username, u.role, u.email_verified, "
	"u.created_at, u.updated_at, " MFA_ENABLED("u.id") ", s.last_used_at "
	"FROM sessions s JOIN users u ON u.id = s.user_id "
	"WHERE s.id = ? AND s.user_id = ? AND " ACTIVE,
	/*
	 * SQL_SESSION_EVICT: revoke all but the ?3 most recently used;
	 * the ids of those revoked, for the audit log.
	 */
	"UPDATE sessions SET revoked_at = ?1, expires_at = ?1 "
	"WHERE id IN (SELECT s.id FROM sessions s "
	"WHERE s.user_id = ?2 AND s.revoked_at IS NULL AND s.expires_at > ?1 "
	"ORDER BY s.last_used_at DESC, s.id DESC LIMIT -1 OFFSET ?3) "
	"RETURNING id",
	/*
	 * SQL_SESSION_EXTEND: used at ?1, to end at ?2 (the caller bounds
	 * it by the session's maximum age, from the row it read).
	 */
	"UPDATE sessions SET last_used_at = ?1, expires_at = ?2 WHERE id = ?3",
	/*
	 * SQL_SESSION_INSERT: the login is the first password proof; ?8
	 * how it was made ("pwd", "pwd otp").
	 */
	"INSERT INTO sessions (user_id, created_at, last_used_at, "
	"expires_at, ip, user_agent, fgp_hash, auth_time, amr) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?2, ?8) RETURNING id",
	/* SQL_SESSION_LIST */
	"SELECT s.id, s.created_at, s.last_used_at, s.expires_at, s.ip, "
	"s.user_agent FROM sessions s WHERE s.user_id = ? AND " ACTIVE
	" ORDER BY s.created_at DESC, s.id DESC",
	/* SQL_SESSION_PROVED: the session's user proved a password at ?1. */
	"UPDATE sessions SET auth_time = ?1 WHERE id = ?2 AND user_id = ?3",
	/* SQL_SESSION_PURGE: bounded. */
	"DELETE FROM sessions WHERE id IN (SELECT id FROM sessions "
	"WHERE expires_at <= ? LIMIT 100)",
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
	/* SQL_SESSION_TOUCH */
	"UPDATE sessions SET last_used_at = ? WHERE id = ?",

	/* SQL_THROTTLE_CLEAR */
	"DELETE FROM throttle WHERE key = ?",
	/* SQL_THROTTLE_GET: a counter whose window is still open at ?2. */
	"SELECT hits, window_end FROM throttle WHERE key = ?1 AND window_end > ?2",
	/* SQL_THROTTLE_GET_PAIR: as SQL_THROTTLE_GET, for two counters. */
	"SELECT hits, window_end, key FROM throttle "
	"WHERE key IN (?1, ?2) AND window_end > ?3",
	/*
	 * SQL_THROTTLE_HIT: count one hit at ?2 (now); a closed window
	 * starts over, lasting ?3 seconds.  Every SET reads the row as it
	 * was.  The count it returns includes this hit.
	 */
	"INSERT INTO throttle (key, hits, window_end) VALUES (?1, 1, ?2 + ?3) "
	"ON CONFLICT (key) DO UPDATE SET "
	"hits = CASE WHEN window_end > ?2 THEN hits + 1 ELSE 1 END, "
	"window_end = CASE WHEN window_end > ?2 THEN window_end ELSE ?2 + ?3 END "
	"RETURNING hits, window_end",
	/* SQL_THROTTLE_PURGE: bounded. */
	"DELETE FROM throttle WHERE key IN (SELECT key FROM throttle "
	"WHERE window_end <= ? LIMIT 100)",
	/* SQL_THROTTLE_UNCOUNT: take back an attempt that succeeded. */
	"UPDATE throttle SET hits = hits - 1 WHERE key = ?1 AND hits > 0",

	/* SQL_TOTP_ACTIVATE: the enrolment's first code came, at ?1. */
	"UPDATE totp_secrets SET enabled_at = ?1 WHERE user_id = ?2 "
	"AND enabled_at IS NULL",
	/*
	 * SQL_TOTP_ENROLL: a new secret, pending; it replaces a pending
	 * one, never an enabled one (no row changed).
	 */
	"INSERT INTO totp_secrets (user_id, secret, created_at) "
	"VALUES (?1, ?2, ?3) ON CONFLICT (user_id) DO UPDATE SET "
	"secret = excluded.secret, created_at = excluded.created_at, "
	"last_step = 0 WHERE totp_secrets.enabled_at IS NULL",
	/* SQL_TOTP_GET */
	"SELECT secret, CASE WHEN enabled_at IS NULL THEN 0 ELSE 1 END, "
	"last_step FROM totp_secrets WHERE user_id = ?1",
	/* SQL_TOTP_REMOVE: and whether it was enabled. */
	"DELETE FROM totp_secrets WHERE user_id = ?1 "
	"RETURNING CASE WHEN enabled_at IS NULL THEN 0 ELSE 1 END",
	/*
	 * SQL_TOTP_STEP: accept step ?1's code of secret ?3, only if no
	 * code of that step or a later one was accepted (no replay), and
	 * the secret is still the one checked.
	 */
	"UPDATE totp_secrets SET last_step = ?1 WHERE user_id = ?2 "
	"AND secret = ?3 AND last_step < ?1",

	/* SQL_USER_ADMINS */
	"SELECT count(*) FROM users WHERE role = 'admin'",
	/* SQL_USER_BY_EMAIL */
	"SELECT " USER_COLUMNS " FROM users WHERE email = ?",
	/* SQL_USER_COUNT */
	"SELECT count(*) FROM users",
	/* SQL_USER_DELETE: sessions and tokens go by cascade. */
	"DELETE FROM users WHERE id = ?",
	/* SQL_USER_EMAIL_CONFIRM: a new address, proven by its mail. */
	"UPDATE users SET email = ?1, email_verified = 1, updated_at = ?2 "
	"WHERE id = ?3",
	/*
	 * SQL_USER_EMAIL_SET.  A new address is not verified yet; the
	 * same one keeps its state.
	 */
	"UPDATE users SET email = ?1, email_verified = "
	"CASE WHEN email = ?1 THEN email_verified ELSE 0 END, "
	"updated_at = ?2 WHERE id = ?3",
	/* SQL_USER_EMAIL_VERIFY */
	"UPDATE users SET email_verified = 1, updated_at = ? WHERE id = ?",
	/* SQL_USER_GET */
	"SELECT " USER_COLUMNS " FROM users WHERE id = ?",
	/* SQL_USER_HASH_GET */
	"SELECT password_hash FROM users WHERE id = ?",
	/* SQL_USER_HASH_SET */
	"UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
	/*
	 * SQL_USER_HASH_UPGRADE: only if the hash is still the one just
	 * verified, so a password changed meanwhile is not undone.  Not a
	 * change the user made: updated_at stays.
	 */
	"UPDATE users SET password_hash = ?1 WHERE id = ?2 "
	"AND password_hash = ?3",
	/* SQL_USER_INSERT */
	"INSERT INTO users (email, username, password_hash, role, "
	"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	/* SQL_USER_LIST: one page, in USER_COLUMNS. */
	"SELECT " USER_COLUMNS " FROM users ORDER BY id LIMIT ? OFFSET ?",
	/*
	 * SQL_USER_LOCK: user_load(), holding the user's row until the
	 * transaction ends (PostgreSQL's form locks it).
	 */
	"SELECT " USER_COLUMNS " FROM users WHERE id = ?",
	/* SQL_USER_LOGIN_EMAIL: with whether a second factor is due. */
	"SELECT id, password_hash, " MFA_ENABLED("users.id") " FROM users "
	"WHERE email = ?",
	/* SQL_USER_LOGIN_NAME */
	"SELECT id, password_hash, " MFA_ENABLED("users.id") " FROM users "
	"WHERE username = ?",
	/* SQL_USER_NAME_SET: NULL clears the username. */
	"UPDATE users SET username = ?1, updated_at = ?2 WHERE id = ?3",
	/* SQL_USER_SET: role and email_verified; NULL keeps either. */
	"UPDATE users SET role = coalesce(?1, role), "
	"email_verified = coalesce(?2, email_verified), updated_at = ?3 "
	"WHERE id = ?4",
};

/*
 * PostgreSQL's text of the statements whose SQL differs, by the same
 * ids; NULL: sqls[]'s text serves both.  The parameters are the same,
 * in number and meaning.
 */
static const char *const pg[SQL__MAX] = {
	[SQL_AUDIT_PURGE] =
	"DELETE FROM audit WHERE id = ANY(ARRAY(SELECT id FROM audit "
	"WHERE time <= ?1 ORDER BY time LIMIT 100 FOR UPDATE SKIP LOCKED))",
	[SQL_MAIL_LOG_LOCK] =
	"SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))",
	/* No rowid: the table has an id.  Rows another purge holds are its. */
	[SQL_MAIL_LOG_PURGE] =
	"DELETE FROM mail_log WHERE id = ANY(ARRAY(SELECT id FROM mail_log "
	"WHERE sent_at <= ? ORDER BY sent_at LIMIT 100 "
	"FOR UPDATE SKIP LOCKED))",
	/* The user's row, so that the address cannot change meanwhile. */
	[SQL_MAIL_TOKEN_FIND] =
	"SELECT t.user_id, t.expires_at, "
	"CASE WHEN t.used_at IS NULL THEN 0 ELSE 1 END, "
	"CASE WHEN t.email = u.email THEN 1 ELSE 0 END, t.email "
	"FROM mail_tokens t JOIN users u ON u.id = t.user_id "
	"WHERE t.hash = ? AND t.kind = ? FOR NO KEY UPDATE OF u",
	[SQL_MAIL_TOKEN_PURGE] =
	"DELETE FROM mail_tokens WHERE hash = ANY(ARRAY(SELECT hash "
	"FROM mail_tokens "
	"WHERE expires_at <= ? ORDER BY expires_at LIMIT 100 "
	"FOR UPDATE SKIP LOCKED))",
	[SQL_MFA_TOKEN_PURGE] =
	"DELETE FROM mfa_tokens WHERE hash = ANY(ARRAY(SELECT hash "
	"FROM mfa_tokens "
	"WHERE expires_at <= ?1 ORDER BY expires_at LIMIT 100 "
	"FOR UPDATE SKIP LOCKED))",
	/*
	 * The session, then the token: parallel refreshes of one session
	 * take turns, and the later one reads the row the first wrote.
	 */
	[SQL_REFRESH_FIND] =
	"SELECT r.session_id, r.rotated_at, r.next_sealed, s.user_id, "
	"CASE WHEN s.revoked_at IS NULL AND s.expires_at > ?2 AND "
	"s.created_at + ?3 > ?2 THEN 1 ELSE 0 END, "
	"s.fgp_hash, coalesce(s.auth_time, s.created_at), s.amr, u.role, "
	"s.created_at FROM refresh_tokens r "
	"JOIN sessions s ON s.id = r.session_id "
	"JOIN users u ON u.id = s.user_id WHERE r.hash = ?1 "
	"FOR NO KEY UPDATE OF s, r",
	[SQL_REFRESH_UNSEAL_OLD] =
	"UPDATE refresh_tokens SET next_sealed = NULL WHERE hash = "
	"ANY(ARRAY(SELECT hash FROM refresh_tokens "
	"WHERE next_sealed IS NOT NULL AND rotated_at <= ?1 "
	"ORDER BY rotated_at LIMIT 100 "
	"FOR UPDATE SKIP LOCKED))",
	/* No LIMIT -1; the user's row is locked first (SQL_USER_LOCK). */
	[SQL_SESSION_EVICT] =
	"UPDATE sessions SET revoked_at = ?1, expires_at = ?1 "
	"WHERE id = ANY(ARRAY(SELECT s.id FROM sessions s "
	"WHERE s.user_id = ?2 AND s.revoked_at IS NULL AND s.expires_at > ?1 "
	"ORDER BY s.last_used_at DESC, s.id DESC OFFSET ?3)) RETURNING id",
	[SQL_SESSION_PURGE] =
	"DELETE FROM sessions WHERE id = ANY(ARRAY(SELECT id FROM sessions "
	"WHERE expires_at <= ? ORDER BY expires_at LIMIT 100 "
	"FOR UPDATE SKIP LOCKED))",
	/* CAST: PostgreSQL cannot tell the type of ?2 + ?3 alone. */
	[SQL_THROTTLE_HIT] =
	"INSERT INTO throttle (key, hits, window_end) "
	"VALUES (?1, 1, CAST(?2 AS BIGINT) + ?3) "
	"ON CONFLICT (key) DO UPDATE SET "
	"hits = CASE WHEN throttle.window_end > ?2 THEN throttle.hits + 1 "
	"ELSE 1 END, "
	"window_end = CASE WHEN throttle.window_end > ?2 "
	"THEN throttle.window_end ELSE ?2 + ?3 END "
	"RETURNING hits, window_end",
	[SQL_THROTTLE_PURGE] =
	"DELETE FROM throttle WHERE key = ANY(ARRAY(SELECT key FROM throttle "
	"WHERE window_end <= ? ORDER BY window_end LIMIT 100 "
	"FOR UPDATE SKIP LOCKED))",
	/*
	 * Every admin, in one order: a second demotion waits for the
	 * first and then counts what it left.
	 */
	[SQL_USER_ADMINS] =
	"SELECT count(*) FROM (SELECT id FROM users WHERE role = 'admin' "
	"ORDER BY id FOR NO KEY UPDATE) a",
	[SQL_USER_LOCK] =
	"SELECT " USER_COLUMNS " FROM users WHERE id = ? FOR NO KEY UPDATE",
	/* Unique in any case: the index is on lower(username). */
	[SQL_USER_LOGIN_NAME] =
	"SELECT id, password_hash, " MFA_ENABLED("users.id") " FROM users "
	"WHERE lower(username) = lower(?)",
};

/* The backend of the open connection, and its dialect's texts. */
static const struct db_backend	*be;
static const char *const	*dialect;

/* What db_open() was given, fit for a log. */
static char			 place[256];

/* Statement id's text in the open backend's dialect. */
static const char *
text(enum sql id)
{

	return dialect != NULL && dialect[id] != NULL ? dialect[id] : sqls[id];
}

/*
 * Does where name a database on a server (a PostgreSQL URI,
 * postgresql://... or postgres://...) rather than a SQLite file?
 * Returns 1 or 0.
 */
int
db_remote(const char *where)
{

	return strncmp(where, "postgresql://", 13) == 0 ||
	    strncmp(where, "postgres://", 11) == 0;
}

/*
 * Open the store at where, a PostgreSQL URI or else a SQLite file, and
 * bring its schema up to date.  Returns 1, 0 if a PostgreSQL server
 * does not answer yet (the store connects at a later statement), or -1
 * (logged).
 */
int
db_open(const char *where)
{
	int	 rc = -1;

	if (db_remote(where)) {
		be = &db_pg;
		dialect = pg;
	} else {
		be = &db_sqlite;
		dialect = NULL;
	}
	if (be->describe(where, place, sizeof(place)) == -1 ||
	    (rc = be->open(where)) == -1) {
		be = NULL;
		dialect = NULL;
	}
	return rc;
}

/*
 * The database db_open() was last given, for messages: a SQLite path,
 * or a PostgreSQL database's name and host (never its password).
 */
const char *
db_where(void)
{

	return place;
}

/* Close the connection; safe when nothing is open. */
void
db_close(void)
{

	if (be != NULL)
		be->close();
	be = NULL;
	dialect = NULL;
}

/* The schema version the database is at, or -1. */
int
db_schema(void)
{

	return be != NULL ? be->schema() : -1;
}

/* Does the database answer?  Returns 1 if so, 0 if not (logged). */
int
db_ping(void)
{

	return db_get(SQL_HEALTH, DB_NOARGS, NULL, NULL) == -1 ? 0 : 1;
}

/*
 * Returns 1 if a statement failed since the last call for a reason
 * that passes (a lock held too long, a deadlock, a connection lost or
 * not yet made), and clears.
 */
int
db_busy(void)
{

	return be != NULL && be->busy();
}

/*
 * Prepare statement id now, as its first use would: the unit tests
 * check that every statement compiles.  Returns 1, or -1 (logged).
 */
int
db_prepare(enum sql id)
{

	return be != NULL && be->prepare(id, text(id)) == 1 ? 1 : -1;
}

/* The fn of db_get() and db_each(), with the row count they return. */
static int
run(enum sql id, const struct db_arg *args, size_t n, db_row_fn fn,
    void *arg, size_t max, size_t *rows)
{
	int64_t	 changes;

	*rows = 0;
	if (be == NULL)
		return DB_ERROR;
	return be->run(id, text(id), args, n, fn, arg, max, rows, &changes);
}

/*
 * Run statement id and hand fn (if not NULL) its first row.  Returns
 * 1 if there was one, 0 if not, -1 on error (fn's -1 included).
 */
int
db_get(enum sql id, const struct db_arg *args, size_t n, db_row_fn fn,
    void *arg)
{
	size_t	 rows;

	if (run(id, args, n, fn, arg, 1, &rows) != DB_DONE)
		return -1;
	return rows > 0;
}

/*
 * Run statement id and hand fn every row; fn returns 0 to go on or -1
 * to stop.  Returns 1, or -1 on error or when fn stopped.
 */
int
db_each(enum sql id, const struct db_arg *args, size_t n, db_row_fn fn,
    void *arg)
{
	size_t	 rows;

	return run(id, args, n, fn, arg, 0, &rows) == DB_DONE ? 1 : -1;
}

/*
 * Run a statement that writes and that no constraint should refuse.
 * Returns the number of rows it changed, or -1.
 */
int
db_exec(enum sql id, const struct db_arg *args, size_t n)
{
	int64_t	 changes = 0;
	size_t	 rows;

	if (be == NULL || be->run(id, text(id), args, n, NULL, NULL, 0, &rows,
	    &changes) != DB_DONE)
		return -1;
	return (int)changes;
}

/*
 * Run a write whose rows nobody reads, which must change expect rows
 * (-1: any).  Inside a transaction a store that talks to a server may
 * send it with the statements after it, in one round trip; an error
 * or a wrong count then fails the next statement, or db_commit().  So
 * nothing may depend on it before the transaction ends but the
 * statements that follow it.  Returns 1, or -1.
 */
int
db_exec_later(enum sql id, const struct db_arg *args, size_t n,
    int64_t expect)
{
	int	 changes;

	/* Outside a transaction there is nothing to send it with. */
	if (be != NULL && be->later != NULL && be->in_txn())
		return be->later(id, text(id), args, n, expect);
	if ((changes = db_exec(id, args, n)) == -1)
		return -1;
	return expect < 0 || changes == expect ? 1 : -1;
}

/*
 * Run a write that a UNIQUE or CHECK constraint may refuse; fn (if not
 * NULL) gets the first row it returns (RETURNING).  Returns DB_DONE,
 * DB_CONFLICT, or DB_ERROR (logged).
 */
int
db_write(enum sql id, const struct db_arg *args, size_t n, db_row_fn fn,
    void *arg)
{
	size_t	 rows;

	return run(id, args, n, fn, arg, 1, &rows);
}

/* db_get()'s callback for a single number. */
static int
first_int(const struct db_row *row, void *arg)
{

	*(int64_t *)arg = db_int(row, 0);
	return 0;
}

/*
 * The number the first column of statement id's first row holds (a
 * count(*)), into *out.  Returns 1, or -1 on error or without a row.
 */
int
db_count(enum sql id, const struct db_arg *args, size_t n, int64_t *out)
{

	return db_get(id, args, n, first_int, out) == 1 ? 1 : -1;
}

/* A column of a row handed to a callback. */
int64_t
db_int(const struct db_row *row, int col)
{

	return be->col_int(row, col);
}

const char *
db_text(const struct db_row *row, int col)
{

	return be->col_text(row, col);
}

const void *
db_blob(const struct db_row *row, int col, size_t *len)
{

	return be->col_blob(row, col, len);
}

int
db_null(const struct db_row *row, int col)
{

	return be->col_null(row, col);
}

/* Start a write transaction.  Returns 1, or -1 (logged, busy noted). */
int
db_begin(void)
{

	return be != NULL && be->txn(DB_TXN_BEGIN) == 1 ? 1 : -1;
}

/* Commit; a failed commit rolls back.  Returns 1, or -1. */
int
db_commit(void)
{

	if (be != NULL && be->txn(DB_TXN_COMMIT) == 1)
		return 1;
	db_rollback();
	return -1;
}

/* Roll back the open transaction, if any; safe to call at any time. */
void
db_rollback(void)
{

	if (be != NULL && be->in_txn())
		be->txn(DB_TXN_ROLLBACK);
}
