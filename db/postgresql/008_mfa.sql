-- 008: a second factor, TOTP, with recovery codes, and the tokens that
-- carry a login from its password to its code.  PostgreSQL's form of
-- db/sqlite/008_mfa.sql, which says what each holds and why.
CREATE TABLE totp_secrets (
	user_id    BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	secret     BYTEA NOT NULL,
	created_at BIGINT NOT NULL,                   -- Unix seconds
	enabled_at BIGINT,
	last_step  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE recovery_codes (
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	hash    BYTEA NOT NULL,
	PRIMARY KEY (user_id, hash)
);

CREATE TABLE mfa_tokens (
	hash       BYTEA PRIMARY KEY,
	user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	client     BYTEA NOT NULL,
	expires_at BIGINT NOT NULL                    -- Unix seconds
);
CREATE INDEX mfa_tokens_user ON mfa_tokens (user_id);
CREATE INDEX mfa_tokens_expires ON mfa_tokens (expires_at);
