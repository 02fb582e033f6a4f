-- 007: the audit log.  PostgreSQL's form of db/sqlite/007_audit.sql,
-- which says what goes in it and why.  The id is an identity column,
-- which never hands a number out twice (SQLite's AUTOINCREMENT): the
-- lists page by id.
CREATE TABLE audit (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	time       BIGINT NOT NULL,                   -- Unix seconds
	event      TEXT NOT NULL,                     -- "login.success" ...
	user_id    BIGINT,                            -- the account concerned
	session_id BIGINT,                            -- the session concerned
	actor_id   BIGINT,                            -- who asked, if signed in
	ip         TEXT,                              -- the client's address
	user_agent TEXT,
	outcome    TEXT NOT NULL
	           CHECK (outcome IN ('success', 'failure', 'blocked')),
	subject    BYTEA                              -- HMAC of an unknown name
);
CREATE INDEX audit_time ON audit (time);
CREATE INDEX audit_user ON audit (user_id, id);
CREATE INDEX audit_event ON audit (event, id);
CREATE INDEX audit_ip ON audit (ip, time);
