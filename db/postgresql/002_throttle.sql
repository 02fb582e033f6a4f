-- 002: failed logins, counted per account and per client address.
-- PostgreSQL's form of db/sqlite/002_throttle.sql (005 replaces it).
CREATE TABLE login_failures (
	key          BYTEA PRIMARY KEY,
	failures     INTEGER NOT NULL,
	window_start BIGINT NOT NULL                  -- Unix seconds
);
CREATE INDEX login_failures_window ON login_failures (window_start);
