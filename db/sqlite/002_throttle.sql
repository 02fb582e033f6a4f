-- 002: failed logins, counted per account and per client address, so
-- that logins can be throttled (API.md "Throttling", OWASP ASVS 2.2.1).
--
-- key is an HMAC-SHA256, under the JWT secret, of what is counted (the
-- normalised login name, or the address), never the name itself: a
-- password typed into the email field must not sit here in clear.
-- failures counts the failed logins since window_start; a row whose
-- window_start is AUTH_LOGIN_WINDOW or more in the past is stale: the
-- next failure starts it over, and the purge removes it.
CREATE TABLE login_failures (
	key          BLOB PRIMARY KEY,
	failures     INTEGER NOT NULL,
	window_start INTEGER NOT NULL                 -- Unix seconds
) WITHOUT ROWID;
CREATE INDEX login_failures_window ON login_failures (window_start);
