-- 001: users, their sessions and the sessions' refresh tokens.
--
-- Ids are AUTOINCREMENT so a deleted user's or session's id is never
-- handed out again: an old access token can never name a new session.

CREATE TABLE users (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	email          TEXT NOT NULL UNIQUE,            -- trimmed, lower case
	username       TEXT UNIQUE COLLATE NOCASE,
	password_hash  TEXT NOT NULL,                   -- bcrypt $2b$
	role           TEXT NOT NULL DEFAULT 'user'
	               CHECK (role IN ('user', 'admin')),
	email_verified INTEGER NOT NULL DEFAULT 0
	               CHECK (email_verified IN (0, 1)),
	created_at     INTEGER NOT NULL,                -- Unix seconds
	updated_at     INTEGER NOT NULL
);

-- A session is opened by a login and lives while its refresh token is
-- used: expires_at moves forward on each refresh.  Revoking sets
-- revoked_at and ends the session's life at once (expires_at), so the
-- purge needs only the expiry index.
CREATE TABLE sessions (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at   INTEGER NOT NULL,
	last_used_at INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	revoked_at   INTEGER,
	ip           TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id, expires_at);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Every refresh token a session has had, by SHA-256 (never the token).
-- The current one has rotated_at NULL.  A rotated one is kept to
-- recognise reuse; next_sealed is its successor XOR a hash of the
-- rotated token itself, so only a holder of that token can recover the
-- successor during the grace window.
CREATE TABLE refresh_tokens (
	hash        BLOB PRIMARY KEY,
	session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	rotated_at  INTEGER,
	next_sealed BLOB
) WITHOUT ROWID;
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
