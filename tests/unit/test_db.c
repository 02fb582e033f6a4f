/*
 * The store's face: every statement of the table prepares against the
 * migrated schema (they are prepared at their first use, so nothing
 * else would notice a broken one before a request needs it), and the
 * verbs keep their promises: rows, none, conflicts, counts, changes,
 * transactions, and a wrong call refused without a crash.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "tap.h"

/* A db_get() callback: copy the row's columns 0 (int) and 1 (text). */
struct seen {
	int64_t	 id;
	char	 text[64];
	int	 rows;
};

static int
seen_row(const struct db_row *row, void *arg)
{
	struct seen	*s = arg;

	s->id = db_int(row, 0);
	snprintf(s->text, sizeof(s->text), "%s", db_text(row, 1));
	s->rows++;
	return 0;
}

/* A db_each() callback that stops at the second row. */
static int
stop_second(const struct db_row *row, void *arg)
{

	(void)row;
	return ++*(int *)arg == 2 ? -1 : 0;
}

/* Insert a user; returns db_write()'s result, *id set on DB_DONE. */
static int
insert(const char *email, const char *name, int64_t *id)
{
	struct seen	 s = { 0, "", 0 };
	int		 rc;

	rc = db_write(SQL_USER_INSERT, DB_ARGS(DB_TEXT(email), DB_TEXT(name),
	    DB_TEXT("x"), DB_TEXT("user"), DB_INT(1), DB_INT(1)), seen_row, &s);
	*id = s.id;
	return rc;
}

static void
test_verbs(void)
{
	struct seen	 s = { 0, "", 0 };
	int64_t		 a, b, n;
	int		 count = 0;

	ok(insert("a@example.com", "ann", &a) == DB_DONE && a > 0,
	    "db_write: an insert is done, RETURNING its id");
	ok(insert("b@example.com", NULL, &b) == DB_DONE && b == a + 1,
	    "a NULL text binds SQL NULL");
	ok(insert("A@example.com", "ANN", &n) == DB_CONFLICT,
	    "a UNIQUE constraint is DB_CONFLICT, not an error");
	ok(insert("a@example.com", "zed", &n) == DB_CONFLICT,
	    "so is a taken email");

	ok(db_get(SQL_USER_GET, DB_ARGS(DB_INT(a)), seen_row, &s) == 1 &&
	    s.id == a && strcmp(s.text, "a@example.com") == 0 && s.rows == 1,
	    "db_get: one row, handed over");
	ok(db_get(SQL_USER_GET, DB_ARGS(DB_INT(999)), seen_row, &s) == 0 &&
	    s.rows == 1, "db_get: no row is 0, and nothing handed over");
	ok(db_get(SQL_USER_GET, DB_NOARGS, seen_row, &s) == -1,
	    "a call with too few arguments is an error, not a crash");
	ok(db_get(SQL_USER_GET, DB_ARGS(DB_INT(a), DB_INT(a)), NULL, NULL) ==
	    -1, "and one with too many");
	ok(db_count(SQL_USER_COUNT, DB_NOARGS, &n) == 1 && n == 2,
	    "db_count: the first column of the first row");
	ok(db_each(SQL_USER_LIST, DB_ARGS(DB_INT(10), DB_INT(0)), stop_second,
	    &count) == -1 && count == 2,
	    "db_each: a callback's -1 stops it, and is an error");
	ok(db_exec(SQL_USER_NAME_SET, DB_ARGS(DB_TEXT("bob"), DB_INT(2),
	    DB_INT(b))) == 1, "db_exec: the rows it changed (1)");
	ok(db_exec(SQL_USER_NAME_SET, DB_ARGS(DB_TEXT("bob"), DB_INT(2),
	    DB_INT(999))) == 0, "db_exec: and none (0)");
	ok(db_ping() == 1, "db_ping: the database answers");
}

static void
test_transactions(void)
{
	int64_t	 id, n, before;

	db_count(SQL_USER_COUNT, DB_NOARGS, &before);
	ok(db_begin() == 1 && insert("t@example.com", NULL, &id) == DB_DONE,
	    "a write inside a transaction");
	db_rollback();
	ok(db_count(SQL_USER_COUNT, DB_NOARGS, &n) == 1 && n == before,
	    "db_rollback() undoes it");
	db_rollback();
	ok(db_count(SQL_USER_COUNT, DB_NOARGS, &n) == 1,
	    "a rollback with none open is harmless");
	ok(db_begin() == 1 && insert("t@example.com", NULL, &id) == DB_DONE &&
	    db_commit() == 1 && db_count(SQL_USER_COUNT, DB_NOARGS, &n) == 1 &&
	    n == before + 1, "db_commit() keeps it");
}

/* Set user id's name (held back), expecting expect rows changed. */
static int
name_later(const char *name, int64_t id, int64_t expect)
{

	return db_exec_later(SQL_USER_NAME_SET, DB_ARGS(DB_TEXT(name),
	    DB_INT(3), DB_INT(id)), expect);
}

/* A db_get() callback of SQL_USER_GET: its username (column 2). */
static int
username_row(const struct db_row *row, void *arg)
{

	snprintf(arg, 64, "%s", db_text(row, 2));
	return 0;
}

/* user id's name is name.  1 or 0. */
static int
named(int64_t id, const char *name)
{
	char	 got[64] = "";

	return db_get(SQL_USER_GET, DB_ARGS(DB_INT(id)), username_row,
	    got) == 1 && strcmp(got, name) == 0;
}

/*
 * Writes held back (db_exec_later()): PostgreSQL sends them with what
 * follows, in one round trip, and checks them then; SQLite runs them at
 * once.  Either way, what follows sees them, and a failed one or a
 * wrong count fails the transaction whole.  Run on a connection where
 * nothing is prepared yet, so their first use is prepared in the
 * pipeline too.
 */
static void
test_held_back(void)
{
	int64_t	 a, b, c, n, before;
	int	 i, rc;

	if (!ok(insert("h1@example.com", "h1", &a) == DB_DONE &&
	    insert("h2@example.com", "h2", &b) == DB_DONE,
	    "two users to change"))
		return;
	rc = db_begin() == 1 && name_later("held", b, 1) == 1 &&
	    named(b, "held") && db_commit() == 1;
	db_rollback();
	ok(rc && named(b, "held"),
	    "a held-back write is seen by the next statement, and committed");
	ok(name_later("at once", b, 1) == 1 && named(b, "at once"),
	    "outside a transaction it runs at once");
	ok(name_later("nobody", 999, 1) == -1,
	    "and a wrong count is -1 at once");

	db_count(SQL_USER_COUNT, DB_NOARGS, &before);
	rc = db_begin() == 1 && insert("c@example.com", NULL, &c) == DB_DONE &&
	    name_later("gone", 999, 1) == 1 && db_commit() == 1;
	db_rollback();
	ok(!rc && db_count(SQL_USER_COUNT, DB_NOARGS, &n) == 1 && n == before,
	    "a wrong count fails db_commit(), and the insert before it goes");

	rc = db_begin() == 1 && name_later("h1", b, 1) == 1 &&
	    named(b, "h1");
	db_rollback();
	ok(!rc && named(b, "at once") && named(a, "h1"),
	    "a held-back write a constraint refuses fails what follows");

	rc = db_begin() == 1 && name_later("first", b, 1) == 1 &&
	    db_exec_later(SQL_USER_NAME_SET, DB_ARGS(DB_TEXT("x")), -1) == 1 &&
	    named(b, "first");
	db_rollback();
	ok(!rc && named(b, "at once"),
	    "so does one with the wrong arguments, and nothing stays");

	rc = db_begin() == 1;
	for (i = 0; rc && i < 40; i++)
		rc = name_later(i % 2 ? "odd" : "even", b, 1) == 1;
	rc = rc && db_commit() == 1;
	db_rollback();
	ok(rc && named(b, "odd"),
	    "forty held back in one transaction, in order");
}

int
main(void)
{
	char	 err[256];
	int	 i, all = 1;

	tap_env();
	if (!ok(tap_config(err, sizeof(err)) && db_open(cfg->db) == 1 &&
	    db_schema() > 0, "the database opens and migrates"))
		return tap_done();
	for (i = 0; i < SQL__MAX; i++)
		if (db_prepare((enum sql)i) != 1) {
			ok(0, "statement %d prepares", i);
			all = 0;
		}
	ok(all, "all %d statements prepare", SQL__MAX);
	test_verbs();
	test_transactions();
	db_close();
	ok(db_open(cfg->db) == 1, "the store opens again");
	test_held_back();
	db_close();
	ok(db_get(SQL_HEALTH, DB_NOARGS, NULL, NULL) == -1 && db_ping() == 0,
	    "a closed store answers errors, not crashes");
	tap_config_free();
	return tap_done();
}
