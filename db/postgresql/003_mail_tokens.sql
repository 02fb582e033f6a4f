-- 003: single-use tokens sent by mail and the count of mails sent to
-- each address.  PostgreSQL's form of db/sqlite/003_mail_tokens.sql.

CREATE TABLE mail_tokens (
	hash       BYTEA PRIMARY KEY,                 -- SHA-256 of the token
	kind       TEXT NOT NULL CHECK (kind IN ('reset', 'verify')),
	user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	email      TEXT NOT NULL,                     -- where it was mailed
	created_at BIGINT NOT NULL,                   -- Unix seconds
	expires_at BIGINT NOT NULL,
	used_at    BIGINT
);
CREATE INDEX mail_tokens_user ON mail_tokens (user_id, kind);
CREATE INDEX mail_tokens_expires ON mail_tokens (expires_at);

-- One row per mail handed to the mailer.  The id stands in for
-- SQLite's rowid, which the bounded purge deletes by.
CREATE TABLE mail_log (
	id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email   TEXT NOT NULL,
	sent_at BIGINT NOT NULL
);
CREATE INDEX mail_log_email ON mail_log (email, sent_at);
CREATE INDEX mail_log_sent ON mail_log (sent_at);
