/*
 * The store's two dialects, without a server: SQLite's ?N placeholders
 * become PostgreSQL's $N as SQLite numbers them (a bare ? is one past
 * the largest so far; quoted text is left alone), and each statement's
 * PostgreSQL text takes the parameters its SQLite text takes, so the
 * domain's one call fits both.  test_db.c prepares every statement on
 * each store (make test DB=postgresql).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/db.c"
#include "../../common/db_pg.c"

#include "tap.h"

/* Does rewrite(in) give out with n parameters? */
static int
rewrites(const char *in, const char *out, int n)
{
	char	*got;
	int	 k, rc;

	if ((got = rewrite(in, &k)) == NULL)
		return out == NULL;
	rc = out != NULL && strcmp(got, out) == 0 && k == n;
	if (!rc)
		printf("# \"%s\" -> \"%s\" (%d)\n", in, got, k);
	free(got);
	return rc;
}

static void
test_rewrite(void)
{

	ok(rewrites("SELECT 1", "SELECT 1", 0), "no parameter");
	ok(rewrites("a = ? AND b = ?", "a = $1 AND b = $2", 2),
	    "bare ? count up");
	ok(rewrites("a = ?1 OR b = ?2 OR c = ?1", "a = $1 OR b = $2 OR c = $1",
	    2), "?N keeps its number, used twice");
	ok(rewrites("a = ?2 AND b = ?", "a = $2 AND b = $3", 3),
	    "a bare ? after ?2 is 3, as in SQLite");
	ok(rewrites("x = '?' AND \"a?b\" = ?", "x = '?' AND \"a?b\" = $1", 1),
	    "quoted text and identifiers are left alone");
	ok(rewrites("x = 'it''s ?' AND y = ?", "x = 'it''s ?' AND y = $1", 1),
	    "so is a quote inside quotes");
	ok(rewrites("a = ?12", "a = $12", 12), "numbers past 9");
	ok(rewrites("a = ?0", NULL, 0) && rewrites("a = ?1000", NULL, 0),
	    "?0 and numbers past 999 are refused");
}

/* Every PostgreSQL text takes its SQLite text's parameters. */
static void
test_dialects(void)
{
	char	*a, *b;
	int	 i, na, nb, all = 1, own = 0;

	for (i = 0; i < SQL__MAX; i++) {
		if (pg[i] == NULL)
			continue;
		own++;
		a = rewrite(sqls[i], &na);
		b = rewrite(pg[i], &nb);
		if (a == NULL || b == NULL || na != nb) {
			ok(0, "statement %d: %d parameters in SQLite's text, "
			    "%d in PostgreSQL's", i, na, nb);
			all = 0;
		}
		free(a);
		free(b);
	}
	ok(all && own > 0, "the %d statements PostgreSQL words its own way "
	    "take SQLite's parameters", own);
}

int
main(void)
{

	test_rewrite();
	test_dialects();
	return tap_done();
}
