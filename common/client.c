/*
 * Resource servers' credentials.  A secret is 256 random bits made
 * here, so a keyed hash (HMAC-SHA256 under KEY_CLIENT) is as safe to
 * store as bcrypt would be, and costs a microsecond where bcrypt would
 * cost introspection its throughput: nobody can guess 256 bits, slowly
 * or fast, and the database alone (without the master secret) does not
 * even allow the attempt.  Secrets are compared in constant time, and
 * an unknown name costs the same HMAC as a known one.
 */
#include <string.h>

#include "audit.h"
#include "client.h"
#include "db.h"
#include "keys.h"
#include "token.h"
#include "util.h"

/* Is name a client name: 1 to 64 of A-Z a-z 0-9 . _ - ?  1 or 0. */
int
client_name_ok(const char *name)
{
	size_t	 n = strlen(name);

	return n > 0 && n <= CLIENT_NAME_MAX &&
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-") == n;
}

/*
 * Add client name with a new secret, into secret (shown once, never
 * stored), and record client.added with it, in one transaction.
 * Returns DB_DONE, DB_CONFLICT (the name is taken) or DB_ERROR.
 */
int
client_add(const char *name, char secret[CLIENT_SECRET_LEN + 1])
{
	unsigned char	 raw[REFRESH_RAW], h[KEY_LEN];
	int		 rc;

	if (!client_name_ok(name) || token_random(raw, secret) == -1)
		return DB_ERROR;
	keys_hmac(KEY_CLIENT, secret, CLIENT_SECRET_LEN, h);
	if (db_begin() == -1)
		rc = DB_ERROR;
	else if ((rc = db_write(SQL_CLIENT_INSERT, DB_ARGS(DB_TEXT(name),
	    DB_BLOB(h, sizeof(h)), DB_INT(util_now())), NULL, NULL)) ==
	    DB_DONE && (audit_record(AUDIT_CLIENT_ADDED, 0, 0) == -1 ||
	    db_commit() == -1))
		rc = DB_ERROR;
	if (rc != DB_DONE) {
		db_rollback();
		explicit_bzero(secret, CLIENT_SECRET_LEN + 1);
	}
	explicit_bzero(raw, sizeof(raw));
	return rc;
}

/* Remove client name.  Returns 1, 0 if there was none, -1. */
int
client_remove(const char *name)
{
	int	 n;

	n = db_exec(SQL_CLIENT_DELETE, DB_ARGS(DB_TEXT(name)));
	return n == -1 ? -1 : n > 0;
}

/* What client_each() hands its rows to. */
struct each {
	int	(*fn)(const char *, int64_t, void *);
	void	*arg;
};

static int
each_row(const struct db_row *row, void *arg)
{
	struct each	*e = arg;

	return e->fn(db_text(row, 0), db_int(row, 1), e->arg);
}

/*
 * Call fn(name, created_at, arg) for each client, by name; fn returns 0
 * to go on or -1 to stop.  Returns 1, or -1.
 */
int
client_each(int (*fn)(const char *, int64_t, void *), void *arg)
{
	struct each	 e = { fn, arg };

	return db_each(SQL_CLIENT_LIST, DB_NOARGS, each_row, &e);
}

/* A db_get() callback: the stored HMAC, at arg. */
static int
hash_row(const struct db_row *row, void *arg)
{
	const void	*b;
	size_t		 len;

	b = db_blob(row, 0, &len);
	if (len == KEY_LEN)
		memcpy(arg, b, KEY_LEN);
	return 0;
}

/*
 * Is secret client name's?  Returns 1 if so, 0 if not (an unknown name
 * included), -1 on error.
 */
int
client_verify(const char *name, const char *secret)
{
	unsigned char	 want[KEY_LEN], got[KEY_LEN];
	size_t		 len = strlen(secret);
	int		 found = 0;

	/* An impossible stored value: no HMAC is all zero bytes. */
	memset(want, 0, sizeof(want));
	if (len > CLIENT_SECRET_MAX)
		return 0;
	if (client_name_ok(name) && (found = db_get(SQL_CLIENT_GET,
	    DB_ARGS(DB_TEXT(name)), hash_row, want)) == -1)
		return -1;
	keys_hmac(KEY_CLIENT, secret, len, got);
	return util_equal(want, got, KEY_LEN) && found == 1;
}
