-- 004: the browser fingerprint of a session opened in cookie mode.
--
-- The SHA-256 of the __Host-fgp cookie set at login (OWASP's sidejacking
-- fingerprint).  A refresh must present the same cookie and re-sends it,
-- so the fingerprint lives as long as the session, and two tabs sharing
-- the cookies never invalidate each other's access tokens.  NULL for
-- sessions opened in bearer mode.
ALTER TABLE sessions ADD COLUMN fgp_hash BLOB;
