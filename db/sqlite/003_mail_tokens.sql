-- 003: single-use tokens sent by mail (password reset, email
-- verification) and the count of mails sent to each address.
--
-- A token is kept only as the SHA-256 of its text.  It is bound to the
-- address it was mailed to: once the account's email changes, a token
-- sent to the old address no longer works.  A used token keeps its row
-- (used_at set) until it expires, so a second use can be told apart
-- from a typo; expired rows are purged a few at a time.

CREATE TABLE mail_tokens (
	hash       BLOB PRIMARY KEY,                  -- SHA-256 of the token
	kind       TEXT NOT NULL CHECK (kind IN ('reset', 'verify')),
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	email      TEXT NOT NULL,                     -- where it was mailed
	created_at INTEGER NOT NULL,                  -- Unix seconds
	expires_at INTEGER NOT NULL,
	used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX mail_tokens_user ON mail_tokens (user_id, kind);
CREATE INDEX mail_tokens_expires ON mail_tokens (expires_at);

-- One row per mail handed to the mailer, to cap mails per address per
-- hour.  Rows older than the hour are purged a few at a time.
CREATE TABLE mail_log (
	email   TEXT NOT NULL,
	sent_at INTEGER NOT NULL
);
CREATE INDEX mail_log_email ON mail_log (email, sent_at);
CREATE INDEX mail_log_sent ON mail_log (sent_at);
