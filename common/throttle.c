/*
 * Throttling (API.md "Throttling" and "Re-authentication"; OWASP ASVS
 * 2.2.1).  Every counter counts hits in a fixed window that opens at
 * its first hit and lasts its limit's window; once it reaches the
 * limit, what it covers is refused until the window closes.
 *
 * A password check touches two counters: its account and the client
 * address.  The account is the account the name resolves to, by id,
 * so a guess by email and one by username count alike, and the
 * account-change endpoints (which know the caller) share the count
 * with logins; a name nobody has is counted by the name itself, so an
 * unknown account is throttled and answered exactly like a known one.
 * An attempt is counted before its password is checked, and the limits
 * checked on the count it made, in one transaction, so parallel
 * attempts cannot all slip under the limit while bcrypt runs, on either
 * store; a right password takes its count back (throttle_clear()).  A
 * refused attempt writes nothing: its transaction is rolled back.
 */
#include <arpa/inet.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "metrics.h"
#include "throttle.h"
#include "user.h"
#include "util.h"

#define HOUR	3600

/* Longest login name keyed; longer ones are cut. */
#define NAME_MAX_LEN	(EMAIL_MAX + 64)

/* A setting of type long, by its offset in struct config; 0: none. */
#define SETTING(f)	offsetof(struct config, f)

/*
 * Each limit: the label its keys are made with, its maximum, its
 * window, and the metric a refusal counts on.
 */
static const struct {
	const char	*label;
	size_t		 max;
	size_t		 window;	/* 0: an hour */
	enum metric	 refused;
} limits[LIMIT__MAX] = {
	/* LIMIT_ACCOUNT */
	{ "account", SETTING(login_max_failures), SETTING(login_window),
	    METRIC_THROTTLED_LOGIN },
	/* LIMIT_ADDRESS */
	{ "address", SETTING(login_max_failures_addr), SETTING(login_window),
	    METRIC_THROTTLED_LOGIN },
	/* LIMIT_REGISTER */
	{ "register", SETTING(register_per_hour), 0,
	    METRIC_THROTTLED_REGISTER },
	/* LIMIT_MAIL */
	{ "mail", SETTING(mail_per_hour), 0, METRIC_THROTTLED_MAIL },
	/* LIMIT_CLIENT: as many as failed logins from one address */
	{ "client", SETTING(login_max_failures_addr), SETTING(login_window),
	    METRIC_THROTTLED_CLIENT },
};

/* The value of the setting at offset off. */
static long
setting(size_t off)
{

	return *(const long *)(const void *)((const char *)cfg + off);
}

/* The window of a limit, in seconds. */
static long
window(enum limit l)
{

	return limits[l].window != 0 ? setting(limits[l].window) : HOUR;
}

/*
 * The key of one counter: an HMAC under the throttle's own key of the
 * limit's label and the subject (len bytes), so the table holds no
 * name or address in clear and no two limits ever share a key.
 */
static void
key(enum limit l, const void *subject, size_t len,
    unsigned char out[KEY_LEN])
{
	unsigned char	 msg[32 + NAME_MAX_LEN];
	size_t		 n = strlen(limits[l].label) + 1;

	if (len > NAME_MAX_LEN)
		len = NAME_MAX_LEN;
	memcpy(msg, limits[l].label, n);
	memcpy(msg + n, subject, len);
	keys_hmac(KEY_THROTTLE, msg, n + len, out);
	explicit_bzero(msg, sizeof(msg));
}

/*
 * The key of limit l for client address ip.  An IPv6 client is counted
 * by its /64, the block one host usually holds; an IPv4-mapped one as
 * IPv4.
 */
static void
address_key(enum limit l, const char *ip, unsigned char out[KEY_LEN])
{
	struct in6_addr	 a6;
	struct in_addr	 a4;

	if (inet_pton(AF_INET, ip, &a4) == 1)
		key(l, &a4, sizeof(a4), out);
	else if (inet_pton(AF_INET6, ip, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6))
			key(l, a6.s6_addr + 12, 4, out);
		else {
			memset(a6.s6_addr + 8, 0, 8);
			key(l, a6.s6_addr, 16, out);
		}
	} else
		key(l, ip, strlen(ip), out);
}

/*
 * Fill in the counters of a password check for account uid, or, when
 * uid is 0 (no such account), for the login name (an email, already
 * lower-cased, or a username, counted without case), from address ip.
 */
void
throttle_password(struct throttle *t, int64_t uid, const char *name,
    const char *ip)
{
	char	 subject[NAME_MAX_LEN + 8];
	size_t	 i, n;

	if (uid > 0)
		n = (size_t)snprintf(subject, sizeof(subject), "id:%lld",
		    (long long)uid);
	else {
		n = (size_t)snprintf(subject, sizeof(subject), "name:%.*s",
		    NAME_MAX_LEN, name);
		for (i = 5; i < n; i++)
			if (subject[i] >= 'A' && subject[i] <= 'Z')
				subject[i] = (char)(subject[i] - 'A' + 'a');
	}
	key(LIMIT_ACCOUNT, subject, n, t->account);
	explicit_bzero(subject, sizeof(subject));
	address_key(LIMIT_ADDRESS, ip, t->address);
}

/* A counter as SQL_THROTTLE_GET reads it. */
struct counter {
	int64_t	 hits;
	int64_t	 window_end;
};

static int
counter_row(const struct db_row *row, void *arg)
{
	struct counter	*c = arg;

	c->hits = db_int(row, 0);
	c->window_end = db_int(row, 1);
	return 0;
}

/*
 * Is counter c of limit l at its limit at now?  1 with *wait raised to
 * the seconds until its window closes, else 0.
 */
static int
reached(enum limit l, const struct counter *c, int64_t now, int64_t *wait)
{

	if (c->hits < setting(limits[l].max))
		return 0;
	if (c->window_end - now > *wait)
		*wait = c->window_end - now;
	return 1;
}

/*
 * Is counter k of limit l at its limit?  Returns 1 with *wait raised
 * to the seconds until its window closes, 0 if not, -1 on error.
 */
static int
over(enum limit l, const unsigned char k[KEY_LEN], int64_t now,
    int64_t *wait)
{
	struct counter	 c;
	int		 rc;

	rc = db_get(SQL_THROTTLE_GET, DB_ARGS(DB_BLOB(k, KEY_LEN),
	    DB_INT(now)), counter_row, &c);
	return rc == 1 ? reached(l, &c, now, wait) : rc;
}

/* What allowed() reads its two counters into. */
struct pair {
	const struct throttle	*t;
	int64_t			 now;
	int64_t			*wait;
	int			 over;
};

/* A db_each() callback of SQL_THROTTLE_GET_PAIR: either counter. */
static int
pair_row(const struct db_row *row, void *arg)
{
	struct pair	*p = arg;
	struct counter	 c;
	const void	*k;
	size_t		 len;

	counter_row(row, &c);
	if ((k = db_blob(row, 2, &len)) == NULL || len != KEY_LEN)
		return -1;
	if (reached(memcmp(k, p->t->account, KEY_LEN) == 0 ? LIMIT_ACCOUNT :
	    LIMIT_ADDRESS, &c, p->now, p->wait))
		p->over = 1;
	return 0;
}

/*
 * Count one hit on counter k of limit l at now, inside the caller's
 * transaction, and look at the count it makes.  Counting first is what
 * makes parallel attempts take turns on PostgreSQL too: the upsert
 * holds the counter's row until the transaction ends, where a read
 * could not lock a counter that is not there yet.  Returns 1 if the
 * count is within the limit, 0 if this hit went past it (*wait raised
 * to the seconds until its window closes; roll back), -1 on error.
 */
static int
hit(enum limit l, const unsigned char k[KEY_LEN], int64_t now,
    int64_t *wait)
{
	struct counter	 c;

	if (db_get(SQL_THROTTLE_HIT, DB_ARGS(DB_BLOB(k, KEY_LEN), DB_INT(now),
	    DB_INT(window(l))), counter_row, &c) != 1)
		return -1;
	if (c.hits <= setting(limits[l].max))
		return 1;
	if (c.window_end - now > *wait)
		*wait = c.window_end - now;
	return 0;
}

/* Drop a bounded number of counters whose window has closed (held back). */
static int
purge(int64_t now)
{

	return db_exec_later(SQL_THROTTLE_PURGE, DB_ARGS(DB_INT(now)), -1);
}

/*
 * Are both counters of a password check under their limits (read with
 * one statement)?  1, 0 with *wait the longer wait, -1.
 */
static int
allowed(const struct throttle *t, int64_t now, int64_t *wait)
{
	struct pair	 p = { t, now, wait, 0 };

	*wait = 0;
	if (db_each(SQL_THROTTLE_GET_PAIR, DB_ARGS(DB_BLOB(t->account,
	    KEY_LEN), DB_BLOB(t->address, KEY_LEN), DB_INT(now)), pair_row,
	    &p) == -1)
		return -1;
	return !p.over;
}

/*
 * May this password check go on?  If both counters are under their
 * limits, the check is counted as a failure on both (in a transaction
 * of its own) and 1 is returned: call throttle_clear() if the password
 * turns out right.  Otherwise 0 with *retry the whole seconds until the
 * later of the closed windows; nothing is written.  -1 on error.
 */
int
throttle_check(const struct throttle *t, int64_t *retry)
{
	int64_t	 now = util_now();
	int	 rc, a = 0, b = 0;

	/* A throttled attempt, the bulk of an attack, takes no lock. */
	if ((rc = allowed(t, now, retry)) != 1)
		goto out;
	if (db_begin() == -1)
		return -1;
	*retry = 0;
	if (purge(now) == -1 ||
	    (a = hit(LIMIT_ACCOUNT, t->account, now, retry)) == -1 ||
	    (b = hit(LIMIT_ADDRESS, t->address, now, retry)) == -1) {
		db_rollback();
		return -1;
	}
	rc = a && b;
	if (!rc) {
		db_rollback();
		goto out;
	}
	if (db_commit() == -1)
		return -1;
out:
	if (rc == 0)
		metrics_add(limits[LIMIT_ACCOUNT].refused, 1);
	return rc;
}

/*
 * The password was right: the account's failures are forgotten and
 * the address's count of this attempt taken back (its other failures
 * stand, or logging in to one's own account would reset them), inside
 * the caller's transaction (a login's: session_open()).  Returns 1, or
 * -1.
 */
int
throttle_forget(const struct throttle *t)
{

	return db_exec_later(SQL_THROTTLE_CLEAR, DB_ARGS(DB_BLOB(t->account,
	    KEY_LEN)), -1) == -1 || db_exec_later(SQL_THROTTLE_UNCOUNT,
	    DB_ARGS(DB_BLOB(t->address, KEY_LEN)), -1) == -1 ? -1 : 1;
}

/* throttle_forget() in a transaction of its own.  Returns 1, or -1. */
int
throttle_clear(const struct throttle *t)
{

	if (db_begin() == -1)
		return -1;
	if (throttle_forget(t) == -1 || db_commit() == -1) {
		db_rollback();
		return -1;
	}
	return 1;
}

/*
 * The attempt was right but does not prove the account yet (a password
 * whose second factor is still due): only this attempt's count is
 * taken back, on both counters, in one transaction; the account's
 * earlier failures stand until the login is complete.  Returns 1, -1.
 */
int
throttle_uncount(const struct throttle *t)
{

	if (db_begin() == -1)
		return -1;
	if (db_exec_later(SQL_THROTTLE_UNCOUNT, DB_ARGS(DB_BLOB(t->account,
	    KEY_LEN)), -1) == -1 || db_exec_later(SQL_THROTTLE_UNCOUNT,
	    DB_ARGS(DB_BLOB(t->address, KEY_LEN)), -1) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		return -1;
	}
	return 1;
}

/*
 * Count one request of limit l (LIMIT_REGISTER, LIMIT_MAIL) from
 * address ip, in a transaction of its own.  Returns 1 if it is within
 * the limit (and counted), 0 with *retry set if the limit is reached
 * (not counted), -1 on error.
 */
int
throttle_request(enum limit l, const char *ip, int64_t *retry)
{
	unsigned char	 k[KEY_LEN];
	int64_t		 now = util_now();
	int		 rc;

	address_key(l, ip, k);
	*retry = 0;
	if ((rc = over(l, k, now, retry)) != 0)
		goto out;
	if (db_begin() == -1)
		return -1;
	if (purge(now) == -1 || (rc = hit(l, k, now, retry)) == -1) {
		db_rollback();
		return -1;
	}
	if (rc == 0) {
		/* Over the limit: as refused as if over() had seen it. */
		db_rollback();
		rc = 1;
		goto out;
	}
	if (db_commit() == -1)
		return -1;
	return 1;
out:
	if (rc == 1)
		metrics_add(limits[l].refused, 1);
	return rc == 1 ? 0 : -1;
}

/*
 * Has address ip reached limit l (LIMIT_CLIENT)?  Nothing is counted:
 * throttle_failed() counts a failure once it is one.  Returns 1 with
 * *retry set, 0 if not, -1 on error.
 */
int
throttle_reached(enum limit l, const char *ip, int64_t *retry)
{
	unsigned char	 k[KEY_LEN];

	address_key(l, ip, k);
	*retry = 0;
	return over(l, k, util_now(), retry);
}

/*
 * Count one failure of limit l from address ip, in a transaction of
 * its own.  Counted after the fact, unlike a password check: what it
 * counts (a client's secret, 256 random bits) is checked in
 * microseconds, so parallel guesses gain nothing.  Returns 1, or -1.
 */
int
throttle_failed(enum limit l, const char *ip)
{
	unsigned char	 k[KEY_LEN];
	int64_t		 now = util_now(), wait = 0;

	address_key(l, ip, k);
	if (db_begin() == -1)
		return -1;
	/* A failure past the limit is counted all the same. */
	if (purge(now) == -1 || hit(l, k, now, &wait) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		return -1;
	}
	return 1;
}
