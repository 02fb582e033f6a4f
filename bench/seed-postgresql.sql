-- PostgreSQL's form of bench/seed.sql: @n users and @n sessions (one
-- each) in one transaction, the scale pass.  bench/run.sh sets n
-- (psql -v n=..., BENCH_USERS, 1,000,000), then the planner's
-- statistics are brought up to date, as autovacuum would shortly.
BEGIN;
INSERT INTO users (email, username, password_hash, created_at, updated_at)
SELECT 'seed' || x || '@example.com', 'seed' || x,
       '$2b$04$71ScTMTyaagAnxKLnoO5sOlVbKLNM4S6.3bqD9xEbwWt16oBL9a8i',
       extract(epoch FROM now())::bigint, extract(epoch FROM now())::bigint
FROM generate_series(1, :n) AS x;
INSERT INTO sessions (user_id, created_at, last_used_at, expires_at, ip, user_agent)
SELECT id, created_at, created_at, created_at + 1209600, '192.0.2.1', 'seed'
FROM users WHERE email LIKE 'seed%';
COMMIT;
VACUUM ANALYZE users;
VACUUM ANALYZE sessions;
