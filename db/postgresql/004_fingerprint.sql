-- 004: the browser fingerprint of a session opened in cookie mode.
-- PostgreSQL's form of db/sqlite/004_fingerprint.sql.
ALTER TABLE sessions ADD COLUMN fgp_hash BYTEA;
