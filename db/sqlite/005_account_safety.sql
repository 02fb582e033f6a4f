-- 005: one throttle table for every counted request, mail tokens for
-- email changes, and what bounds a session's rows.
--
-- throttle replaces login_failures.  A row counts hits (failed password
-- checks, registrations, mail requests) in a fixed window that opens
-- at the first hit and closes at window_end; each kind of counter has
-- its own window length, so the row says when it ends.  key is an
-- HMAC-SHA256, under the throttle's derived key, of the counter's kind
-- and subject (an account id, a login name nobody has, an address),
-- never the subject itself.
DROP TABLE login_failures;
CREATE TABLE throttle (
	key        BLOB PRIMARY KEY,
	hits       INTEGER NOT NULL,
	window_end INTEGER NOT NULL                   -- Unix seconds
) WITHOUT ROWID;
CREATE INDEX throttle_window ON throttle (window_end);

-- mail_tokens gains the kind 'email' (a pending email change: email is
-- the new address, which the token confirms).  Its hash is now an
-- HMAC under the mail tokens' derived key, so tokens stored before
-- this migration could never be found again: the table starts empty.
DROP TABLE mail_tokens;
CREATE TABLE mail_tokens (
	hash       BLOB PRIMARY KEY,                  -- HMAC of the token
	kind       TEXT NOT NULL CHECK (kind IN ('reset', 'verify', 'email')),
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	email      TEXT NOT NULL,                     -- where it was mailed
	created_at INTEGER NOT NULL,                  -- Unix seconds
	expires_at INTEGER NOT NULL,
	used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX mail_tokens_user ON mail_tokens (user_id, kind);
CREATE INDEX mail_tokens_expires ON mail_tokens (expires_at);

-- Each refresh token of a session gets the next generation number, so
-- that rotated ones can be pruned oldest first (rotations within one
-- second share a rotated_at), keeping a session's rows bounded.
ALTER TABLE refresh_tokens ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
DROP INDEX refresh_tokens_session;
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id, generation);

-- Rotated refresh tokens whose sealed successor is still stored, by
-- rotation time, so it can be wiped once the grace window has passed.
CREATE INDEX refresh_tokens_sealed ON refresh_tokens (rotated_at)
	WHERE next_sealed IS NOT NULL;
