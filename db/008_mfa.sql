-- 008: a second factor, TOTP (RFC 6238), with recovery codes, and the
-- short-lived tokens that carry a login from its password to its code
-- (API.md "Second factor (TOTP)").
--
-- One TOTP secret per user, encrypted (AES-256-GCM under its own
-- derived key, the user id as associated data, so a row copied to
-- another user does not decrypt): the 96-bit nonce, the ciphertext and
-- the 128-bit tag, in that order.  enabled_at is NULL while the
-- enrolment waits for its first code; a new enrolment replaces such a
-- row, never an enabled one.  last_step is the last time step (Unix
-- time / 30) whose code was accepted: a code is taken only for a later
-- step, so none is accepted twice.
CREATE TABLE totp_secrets (
	user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	secret     BLOB NOT NULL,
	created_at INTEGER NOT NULL,                  -- Unix seconds
	enabled_at INTEGER,
	last_step  INTEGER NOT NULL DEFAULT 0
);

-- The unused recovery codes of a user's enabled factor, each an HMAC
-- under the recovery codes' derived key (of the user id and the
-- code), never the code.  A code is deleted as it is used.
CREATE TABLE recovery_codes (
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	hash    BLOB NOT NULL,
	PRIMARY KEY (user_id, hash)
) WITHOUT ROWID;

-- A login whose password was right, waiting for its second factor:
-- an HMAC of the mfa_token handed to the client (never the token),
-- the account, and an HMAC of the client's address and user agent as
-- the login saw them.  Deleted as it is used (a session opened) or
-- once expired, a few at a time.
CREATE TABLE mfa_tokens (
	hash       BLOB PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	client     BLOB NOT NULL,
	expires_at INTEGER NOT NULL                   -- Unix seconds
) WITHOUT ROWID;
CREATE INDEX mfa_tokens_user ON mfa_tokens (user_id);
CREATE INDEX mfa_tokens_expires ON mfa_tokens (expires_at);
