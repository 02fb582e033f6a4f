-- Seed the benchmark database with @n users and @n sessions (one each)
-- in one transaction: the scale pass.  bench/run.sh sets @n
-- (BENCH_USERS, 1,000,000).
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < @n)
INSERT INTO users (email, username, password_hash, created_at, updated_at)
SELECT 'seed' || x || '@example.com', 'seed' || x,
       '$2b$04$71ScTMTyaagAnxKLnoO5sOlVbKLNM4S6.3bqD9xEbwWt16oBL9a8i',
       strftime('%s', 'now'), strftime('%s', 'now')
FROM n;
INSERT INTO sessions (user_id, created_at, last_used_at, expires_at, ip, user_agent)
SELECT id, created_at, created_at, created_at + 1209600, '192.0.2.1', 'seed'
FROM users WHERE email LIKE 'seed%';
COMMIT;
-- Fold the million rows into the database file, as SQLite's automatic
-- checkpoints would have as they arrived; a WAL this size slows every
-- reader's page lookups and would be measured instead.
PRAGMA wal_checkpoint(TRUNCATE);
