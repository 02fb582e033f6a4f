-- 007: the audit log (API.md "Audit log, security mail and metrics").
--
-- One row per security event, written in the transaction of the change
-- it records (a change rolled back leaves no row), or on its own for
-- an attempt that changed nothing (a failed or throttled login).
-- Never a password, token, code, nor a hash of one.  user_id,
-- session_id and actor_id have no foreign keys: an entry outlives the
-- user and the session it names, until AUTH_AUDIT_DAYS have passed.
-- subject is set for a failed login of a name nobody has: the
-- throttle's HMAC of that name (under the throttle's derived key), so
-- repeated guesses of one name can be told apart without storing it.
CREATE TABLE audit (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	time       INTEGER NOT NULL,                  -- Unix seconds
	event      TEXT NOT NULL,                     -- "login.success" ...
	user_id    INTEGER,                           -- the account concerned
	session_id INTEGER,                           -- the session concerned
	actor_id   INTEGER,                           -- who asked, if signed in
	ip         TEXT,                              -- the client's address
	user_agent TEXT,
	outcome    TEXT NOT NULL
	           CHECK (outcome IN ('success', 'failure', 'blocked')),
	subject    BLOB                               -- HMAC of an unknown name
);
-- The retention purge and the hourly counts go by time; the lists go
-- newest first by id, for one user or one event; a throttled login is
-- noted once a minute per address.
CREATE INDEX audit_time ON audit (time);
CREATE INDEX audit_user ON audit (user_id, id);
CREATE INDEX audit_event ON audit (event, id);
CREATE INDEX audit_ip ON audit (ip, time);
