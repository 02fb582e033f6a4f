-- 001: users, their sessions and the sessions' refresh tokens.
-- PostgreSQL's form of db/sqlite/001_init.sql: the same tables and
-- columns; ids and times BIGINT, blobs BYTEA, booleans 0/1 SMALLINT
-- (the statements compare them with integers on both stores).
--
-- Ids come from identity columns, which never hand a number out twice
-- (SQLite's AUTOINCREMENT): an old access token can never name a new
-- session.

CREATE TABLE users (
	id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email          TEXT NOT NULL UNIQUE,            -- trimmed, lower case
	username       TEXT,
	password_hash  TEXT NOT NULL,                   -- bcrypt $2b$
	role           TEXT NOT NULL DEFAULT 'user'
	               CHECK (role IN ('user', 'admin')),
	email_verified SMALLINT NOT NULL DEFAULT 0
	               CHECK (email_verified IN (0, 1)),
	created_at     BIGINT NOT NULL,                 -- Unix seconds
	updated_at     BIGINT NOT NULL
);
-- Usernames are unique in any case, as SQLite's COLLATE NOCASE makes
-- them (usernames are ASCII); lookups compare lower(username).
CREATE UNIQUE INDEX users_username ON users (lower(username));

-- A session is opened by a login and lives while its refresh token is
-- used: expires_at moves forward on each refresh.  Revoking sets
-- revoked_at and ends the session's life at once (expires_at), so the
-- purge needs only the expiry index.
CREATE TABLE sessions (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at   BIGINT NOT NULL,
	last_used_at BIGINT NOT NULL,
	expires_at   BIGINT NOT NULL,
	revoked_at   BIGINT,
	ip           TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id, expires_at);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Every refresh token a session has had, by SHA-256 (never the token).
-- The current one has rotated_at NULL; a rotated one keeps its sealed
-- successor during the grace window (see the SQLite file).
CREATE TABLE refresh_tokens (
	hash        BYTEA PRIMARY KEY,
	session_id  BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	rotated_at  BIGINT,
	next_sealed BYTEA
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
