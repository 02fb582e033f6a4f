/*
 * Login throttling (API.md "Throttling"; OWASP ASVS 2.2.1, the OWASP
 * Authentication Cheat Sheet).  Two counters per attempt: the account
 * named by the login, known or not, and the client address.  Each
 * counts failed logins in a fixed window that opens at the first
 * failure and lasts AUTH_LOGIN_WINDOW seconds; once either reaches its
 * limit, logins it covers are refused until the window closes.
 *
 * An attempt is counted before its password is checked, in the same
 * transaction as the check of the limits, so parallel attempts cannot
 * all slip under the limit while bcrypt runs; a success takes its count
 * back (throttle_clear()).  A refused attempt spends no bcrypt time and
 * reads no account: its answer depends only on the counters, so it
 * tells nothing about whether the account exists.
 */
#include <arpa/inet.h>

#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "config.h"
#include "db.h"
#include "throttle.h"
#include "user.h"
#include "util.h"

/* Longest login name or address keyed; longer ones are cut. */
#define NAME_MAX_LEN	(EMAIL_MAX + 64)

/*
 * The key of one counter: HMAC-SHA256 under the JWT secret of a label
 * and the value, so the table holds no login name or address in clear
 * and the two kinds of counter never share a key.
 */
static void
key(const char *label, const void *v, size_t len,
    unsigned char out[SHA256_LEN])
{
	unsigned char	 msg[64 + NAME_MAX_LEN];
	size_t		 n = strlen(label) + 1;
	unsigned int	 outlen = SHA256_LEN;

	if (len > NAME_MAX_LEN)
		len = NAME_MAX_LEN;
	memcpy(msg, label, n);
	memcpy(msg + n, v, len);
	HMAC(EVP_sha256(), cfg->jwt_secret, (int)cfg->jwt_secret_len, msg,
	    n + len, out, &outlen);
	explicit_bzero(msg, sizeof(msg));
}

/*
 * Fill in the counters for a login naming name (an email, already
 * lower-cased, or a username) from address ip.  Names are counted
 * without case, as they are looked up.  An IPv6 client is counted by
 * its /64, the block one host usually holds; an IPv4-mapped one as
 * IPv4.
 */
void
throttle_init(struct throttle *t, const char *name, const char *ip)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	char		 lower[NAME_MAX_LEN];
	size_t		 i, len = strlen(name);

	if (len > sizeof(lower))
		len = sizeof(lower);
	for (i = 0; i < len; i++)
		lower[i] = name[i] >= 'A' && name[i] <= 'Z' ?
		    (char)(name[i] - 'A' + 'a') : name[i];
	key("fcgi-auth login account", lower, len, t->account);
	explicit_bzero(lower, sizeof(lower));

	if (inet_pton(AF_INET, ip, &a4) == 1)
		key("fcgi-auth login address", &a4, sizeof(a4), t->address);
	else if (inet_pton(AF_INET6, ip, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6))
			key("fcgi-auth login address", a6.s6_addr + 12, 4,
			    t->address);
		else {
			memset(a6.s6_addr + 8, 0, 8);
			key("fcgi-auth login address", a6.s6_addr, 16,
			    t->address);
		}
	} else
		key("fcgi-auth login address", ip, strlen(ip), t->address);
}

/*
 * Is the counter k at its limit max within the window?  Returns 1 with
 * *wait raised to the seconds until its window closes, 0 if not, -1.
 */
static int
over(const unsigned char k[SHA256_LEN], long max, int64_t now,
    int64_t *wait)
{
	sqlite3_stmt	*st = db_stmt(SQL_THROTTLE_GET);
	int64_t		 left;
	int		 rc, at = 0;

	if (db_bind_blob(st, 1, k, SHA256_LEN) == -1 ||
	    db_bind_int(st, 2, now - cfg->login_window) == -1 ||
	    (rc = db_step(st)) == -1)
		return -1;
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) >= max) {
		at = 1;
		left = sqlite3_column_int64(st, 1) + cfg->login_window - now;
		if (left > *wait)
			*wait = left;
	}
	sqlite3_reset(st);
	return at;
}

/* Are both counters under their limits?  1 if so, 0 with *wait, -1. */
static int
allowed(const struct throttle *t, int64_t now, int64_t *wait)
{
	int	 a, b;

	*wait = 0;
	if ((a = over(t->account, cfg->login_max_failures, now, wait)) == -1 ||
	    (b = over(t->address, cfg->login_max_failures_addr, now,
	    wait)) == -1)
		return -1;
	return !a && !b;
}

/* Count one attempt on counter k at now; returns 0 or -1. */
static int
count(const unsigned char k[SHA256_LEN], int64_t now)
{
	sqlite3_stmt	*st = db_stmt(SQL_THROTTLE_FAIL);

	if (db_bind_blob(st, 1, k, SHA256_LEN) == -1 ||
	    db_bind_int(st, 2, now) == -1 ||
	    db_bind_int(st, 3, now - cfg->login_window) == -1)
		return -1;
	return db_run(st);
}

/* Drop a bounded number of counters whose window has closed. */
static int
purge(int64_t now)
{
	sqlite3_stmt	*st = db_stmt(SQL_THROTTLE_PURGE);

	if (db_bind_int(st, 1, now - cfg->login_window) == -1)
		return -1;
	return db_run(st);
}

/*
 * May this login attempt go on?  If both counters are under their
 * limits, the attempt is counted as a failure on both (one
 * transaction) and 1 is returned: call throttle_clear() if the password
 * turns out right.  Otherwise 0 with *retry the whole seconds until the
 * later of the closed windows; nothing is written.  -1 on error.
 */
int
throttle_check(const struct throttle *t, int64_t *retry)
{
	int64_t	 now = util_now();
	int	 rc;

	/* A throttled attempt, the bulk of an attack, takes no lock. */
	if ((rc = allowed(t, now, retry)) != 1)
		return rc;
	if (db_begin() == -1)
		return -1;
	if ((rc = allowed(t, now, retry)) != 1) {
		db_rollback();
		return rc;
	}
	if (purge(now) == -1 || count(t->account, now) == -1 ||
	    count(t->address, now) == -1 || db_commit() == -1) {
		db_rollback();
		return -1;
	}
	return 1;
}

/*
 * The password was right: the account's failures are forgotten and
 * the address's count of this attempt taken back (its other failures
 * stand, or logging in to one's own account would reset them).
 * Returns 0 or -1.
 */
int
throttle_clear(const struct throttle *t)
{
	sqlite3_stmt	*st;

	if (db_begin() == -1)
		return -1;
	st = db_stmt(SQL_THROTTLE_CLEAR);
	if (db_bind_blob(st, 1, t->account, SHA256_LEN) == -1 ||
	    db_write(st) != DB_DONE)
		goto err;
	st = db_stmt(SQL_THROTTLE_UNCOUNT);
	if (db_bind_blob(st, 1, t->address, SHA256_LEN) == -1 ||
	    db_write(st) != DB_DONE || db_commit() == -1)
		goto err;
	return 0;
err:
	db_rollback();
	return -1;
}
