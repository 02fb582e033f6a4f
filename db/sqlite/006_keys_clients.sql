-- 006: what RFC 9068 access tokens and RFC 7662 introspection need,
-- and the credentials of the resource servers that introspect.
--
-- A resource server (a client of POST /introspect and POST /revoke)
-- authenticates with HTTP Basic: its name and a secret of 256 random
-- bits made by `authctl clients add`, kept only as an HMAC-SHA256
-- under the clients' own derived key (fcgi-auth(7), KEYS): a secret
-- that random needs no slow hash, and introspection must stay fast.
CREATE TABLE clients (
	name        TEXT PRIMARY KEY,                 -- the Basic user name
	secret_hash BLOB NOT NULL,                    -- HMAC of the secret
	created_at  INTEGER NOT NULL                  -- Unix seconds
);

-- When the session's user last proved a password (the login, or a
-- re-authentication since), for the access tokens' auth_time; NULL in
-- sessions opened before this migration: their login, created_at.
-- amr is how (RFC 8176 method names, space-separated): "pwd" now, "pwd
-- otp" once a second factor is in.
ALTER TABLE sessions ADD COLUMN auth_time INTEGER;
ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';

-- When a refresh token was issued, for introspection's iat; NULL for
-- tokens issued before this migration (their session's login stands).
ALTER TABLE refresh_tokens ADD COLUMN issued_at INTEGER;
