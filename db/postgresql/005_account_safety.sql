-- 005: one throttle table for every counted request, mail tokens for
-- email changes, and what bounds a session's rows.  PostgreSQL's form
-- of db/sqlite/005_account_safety.sql, which says why.
DROP TABLE login_failures;
CREATE TABLE throttle (
	key        BYTEA PRIMARY KEY,
	hits       INTEGER NOT NULL,
	window_end BIGINT NOT NULL                    -- Unix seconds
);
CREATE INDEX throttle_window ON throttle (window_end);

DROP TABLE mail_tokens;
CREATE TABLE mail_tokens (
	hash       BYTEA PRIMARY KEY,                 -- HMAC of the token
	kind       TEXT NOT NULL CHECK (kind IN ('reset', 'verify', 'email')),
	user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	email      TEXT NOT NULL,                     -- where it was mailed
	created_at BIGINT NOT NULL,                   -- Unix seconds
	expires_at BIGINT NOT NULL,
	used_at    BIGINT
);
CREATE INDEX mail_tokens_user ON mail_tokens (user_id, kind);
CREATE INDEX mail_tokens_expires ON mail_tokens (expires_at);

ALTER TABLE refresh_tokens ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
DROP INDEX refresh_tokens_session;
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id, generation);

CREATE INDEX refresh_tokens_sealed ON refresh_tokens (rotated_at)
	WHERE next_sealed IS NOT NULL;
