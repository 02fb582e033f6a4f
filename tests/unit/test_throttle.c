/*
 * Throttling: the limits per account (by id, or by a name nobody has)
 * and per address, the window, what a success clears, how names and
 * addresses are keyed, and the hourly limits of anonymous writes.  A
 * second connection to the database (tap_sql()) moves windows into the
 * past instead of waiting.  On SQLite or PostgreSQL (make test
 * DB=postgresql).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "reply.h"
#include "tap.h"

#define sql	tap_sql

/* Counters whose key holds ann's name or address, in each dialect. */
#define IN_CLEAR_SQLITE	"SELECT count(*) FROM throttle WHERE " \
	"length(key) <> 32 OR instr(key, CAST('ann@example.com' AS BLOB)) " \
	"OR instr(key, CAST('192.0.2.1' AS BLOB))"
#define IN_CLEAR_PG	"SELECT count(*) FROM throttle WHERE " \
	"length(key) <> 32 OR position('ann@example.com'::bytea IN key) > 0 " \
	"OR position('192.0.2.1'::bytea IN key) > 0"

/*
 * Password checks for account uid (0: the name nobody has) from ip
 * until refused; how many were let through.
 */
static int
attempts(int64_t uid, const char *name, const char *ip, int64_t *retry)
{
	struct throttle	 t;
	int		 n = 0;

	throttle_password(&t, uid, name, ip);
	while (n < 100 && throttle_check(&t, retry) == 1)
		n++;
	return n;
}

static void
test_account(void)
{
	struct throttle	 t;
	int64_t		 retry = 0;

	ok(attempts(7, "ann@example.com", "192.0.2.1", &retry) == 3,
	    "AUTH_LOGIN_MAX_FAILURES=3: three attempts, then refused");
	ok(retry > 0 && retry <= 60, "Retry-After is within the window: %lld",
	    (long long)retry);
	throttle_password(&t, 7, "ann", "192.0.2.99");
	ok(throttle_check(&t, &retry) == 0,
	    "the same account by another name, from another address: "
	    "one count");
	throttle_password(&t, 7, NULL, "192.0.2.98");
	ok(throttle_check(&t, &retry) == 0,
	    "and a re-authentication of that account (no name) too");
	ok(sql("SELECT count(*) FROM throttle") == 2,
	    "a refused attempt writes nothing (one account, one address)");
	ok(sql("%s", tap_pg() ? IN_CLEAR_PG : IN_CLEAR_SQLITE) == 0,
	    "keys are 32-byte HMACs, no name or address in clear");

	throttle_password(&t, 8, "bob@example.com", "192.0.2.1");
	ok(throttle_check(&t, &retry) == 1, "another account goes on");
	ok(throttle_clear(&t) == 1, "and succeeds");
	ok(attempts(8, "bob@example.com", "192.0.2.1", &retry) == 3,
	    "a success cleared its count: three more");

	ok(attempts(0, "Carl", "192.0.2.2", &retry) == 3 &&
	    attempts(0, "carl", "192.0.2.3", &retry) == 0 &&
	    attempts(0, "CARL", "192.0.2.4", &retry) == 0,
	    "a name nobody has is counted by the name, without case");
	ok(attempts(9, "carl", "192.0.2.5", &retry) == 3,
	    "an account is not counted by its name: carl's guesses do not "
	    "throttle account 9");

	/* Close every window. */
	sql("UPDATE throttle SET window_end = %lld", (long long)util_now());
	ok(attempts(7, "ann@example.com", "192.0.2.6", &retry) == 3,
	    "after the window the count starts over");
	ok(sql("SELECT max(hits) FROM throttle WHERE window_end > %lld",
	    (long long)util_now()) == 3,
	    "a new window, counted from 1 to the limit again");
	ok(sql("SELECT count(*) FROM throttle WHERE window_end <= %lld",
	    (long long)util_now()) == 0,
	    "closed windows were purged on the way");
}

static void
test_address(void)
{
	struct throttle	 t;
	int64_t		 retry;
	int		 i, let = 0;

	for (i = 0; i < 12; i++) {
		throttle_password(&t, 100 + i, NULL, "198.51.100.7");
		let += throttle_check(&t, &retry) == 1;
	}
	ok(let == 10, "AUTH_LOGIN_MAX_FAILURES_ADDR=10: ten accounts from one "
	    "address, then refused (%d)", let);
	throttle_password(&t, 200, NULL, "198.51.100.8");
	ok(throttle_check(&t, &retry) == 1, "another address goes on");
	ok(throttle_clear(&t) == 1 && sql("SELECT count(*) FROM throttle "
	    "WHERE hits = 0") == 1,
	    "a success takes back its count on the address");

	for (i = 0; i < 5; i++) {
		throttle_password(&t, 300, NULL, "2001:db8:1:2::1");
		throttle_check(&t, &retry);
		throttle_clear(&t);
	}
	let = 0;
	for (i = 0; i < 12; i++) {
		throttle_password(&t, 400 + i, NULL, i % 2 ?
		    "2001:db8:1:2::1" : "2001:db8:1:2:ffff:eeee:dddd:cccc");
		let += throttle_check(&t, &retry) == 1;
	}
	ok(let == 10, "one IPv6 /64 is one address (%d)", let);
	throttle_password(&t, 500, NULL, "2001:db8:1:3::1");
	ok(throttle_check(&t, &retry) == 1, "the next /64 is another");
	let = 0;
	for (i = 0; i < 12; i++) {
		throttle_password(&t, 600 + i, NULL, i % 2 ? "203.0.113.9" :
		    "::ffff:203.0.113.9");
		let += throttle_check(&t, &retry) == 1;
	}
	ok(let == 10, "an IPv4-mapped address is its IPv4 one (%d)", let);
}

/* The hourly limits of anonymous writes, per address. */
static void
test_requests(void)
{
	int64_t	 retry = 0;

	ok(throttle_request(LIMIT_REGISTER, "192.0.2.50", &retry) == 1 &&
	    throttle_request(LIMIT_REGISTER, "192.0.2.50", &retry) == 1,
	    "AUTH_REGISTER_PER_HOUR=2: two registrations");
	ok(throttle_request(LIMIT_REGISTER, "192.0.2.50", &retry) == 0 &&
	    retry > 3500 && retry <= 3600,
	    "the third is refused for the rest of the hour (%lld s)",
	    (long long)retry);
	ok(throttle_request(LIMIT_MAIL, "192.0.2.50", &retry) == 1,
	    "the mail limit is a counter of its own");
	ok(throttle_request(LIMIT_REGISTER, "192.0.2.51", &retry) == 1,
	    "another address registers");
	sql("UPDATE throttle SET window_end = %lld", (long long)util_now());
	ok(throttle_request(LIMIT_REGISTER, "192.0.2.50", &retry) == 1,
	    "an hour later, again");
}

/*
 * Failed client authentications: counted after the fact, per address,
 * against AUTH_LOGIN_MAX_FAILURES_ADDR, apart from the login counters.
 */
static void
test_clients(void)
{
	int64_t	 retry;
	int	 i, n = 0;

	for (i = 0; i < 12; i++) {
		if (throttle_reached(LIMIT_CLIENT, "192.0.2.7", &retry) != 0)
			break;
		n++;
		throttle_failed(LIMIT_CLIENT, "192.0.2.7");
	}
	ok(n == 10, "10 failed client authentications, then refused (%d)", n);
	ok(throttle_reached(LIMIT_CLIENT, "192.0.2.7", &retry) == 1 &&
	    retry > 0 && retry <= 60, "with Retry-After within the window "
	    "(%lld)", (long long)retry);
	ok(throttle_reached(LIMIT_CLIENT, "192.0.2.8", &retry) == 0,
	    "another address is not");
	ok(throttle_reached(LIMIT_ADDRESS, "192.0.2.7", &retry) == 0,
	    "nor are the address's logins");
	sql("UPDATE throttle SET window_end = 1");
	ok(throttle_reached(LIMIT_CLIENT, "192.0.2.7", &retry) == 0,
	    "once the window has passed, it may try again");
}

int
main(void)
{
	char	 err[256], path[] = "/tmp/test_throttle.XXXXXX";
	char	 db[64], side[80];
	int	 fd;

	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);
	unlink(path);
	snprintf(db, sizeof(db), "%s.db", path);
	tap_env();
	if (!tap_pg())
		setenv("AUTH_DB", db, 1);
	setenv("AUTH_LOGIN_MAX_FAILURES", "3", 1);
	setenv("AUTH_LOGIN_MAX_FAILURES_ADDR", "10", 1);
	setenv("AUTH_LOGIN_WINDOW", "60", 1);
	setenv("AUTH_REGISTER_PER_HOUR", "2", 1);
	if (!ok(tap_config(err, sizeof(err)) && db_open(cfg->db) == 1,
	    "config and database %s", err))
		return tap_done();
	test_account();
	sql("DELETE FROM throttle");
	test_address();
	sql("DELETE FROM throttle");
	test_requests();
	sql("DELETE FROM throttle");
	test_clients();

	db_close();
	tap_config_free();
	unlink(db);
	snprintf(side, sizeof(side), "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	unlink(side);
	return tap_done();
}
