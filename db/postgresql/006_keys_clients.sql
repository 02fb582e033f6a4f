-- 006: what RFC 9068 access tokens and RFC 7662 introspection need,
-- and the credentials of the resource servers that introspect.
-- PostgreSQL's form of db/sqlite/006_keys_clients.sql, which says why.
CREATE TABLE clients (
	name        TEXT PRIMARY KEY,                 -- the Basic user name
	secret_hash BYTEA NOT NULL,                   -- HMAC of the secret
	created_at  BIGINT NOT NULL                   -- Unix seconds
);

-- The last password proof of the session, and how (RFC 8176).
ALTER TABLE sessions ADD COLUMN auth_time BIGINT;
ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';

-- When a refresh token was issued, for introspection's iat.
ALTER TABLE refresh_tokens ADD COLUMN issued_at BIGINT;
