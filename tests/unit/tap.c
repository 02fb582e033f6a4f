/*
 * A tiny TAP producer for the C unit tests, and what the tests of the
 * store share: the database they run on (SQLite in memory, or the
 * PostgreSQL database FCGI_AUTH_TEST_DB names, under make test
 * DB=postgresql) and a second connection to it.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "config.h"
#include "keyset.h"
#include "pw.h"
#include "tap.h"
#include "token.h"

static int	 count, failures;
static char	 keydir[256];	/* AUTH_KEY_DIR: made once, gone at exit */
static char	 metrics[300];	/* AUTH_METRICS_FILE, on PostgreSQL */

/* Report one check; returns cond so callers can chain. */
int
tap_ok(int cond, const char *fmt, ...)
{
	va_list	 ap;

	count++;
	if (!cond)
		failures++;
	printf("%sok %d - ", cond ? "" : "not ", count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

/* Print the plan; the exit status says whether everything passed. */
int
tap_done(void)
{

	printf("1..%d\n", count);
	return failures > 0;
}

/*
 * Start from a clean, known environment: no AUTH_* from the caller,
 * a fixed secret, the cheapest bcrypt cost, and the store the run is
 * for: SQLite in memory, or FCGI_AUTH_TEST_DB (a fresh PostgreSQL
 * database of tests/run.sh's cluster).
 */
void
tap_env(void)
{
	extern char	**environ;
	char		**e, *name;

	for (e = environ; *e != NULL; ) {
		if (strncmp(*e, "AUTH_", 5) != 0) {
			e++;
			continue;
		}
		/* unsetenv() shifts environ down: look at *e again. */
		name = strndup(*e, strcspn(*e, "="));
		unsetenv(name);
		free(name);
	}
	setenv("AUTH_JWT_SECRET", "unit-test-secret-0123456789abcdef0123", 1);
	setenv("AUTH_BCRYPT_COST", "4", 1);
	setenv("AUTH_DB", tap_pg() ? getenv("FCGI_AUTH_TEST_DB") : ":memory:",
	    1);
	setenv("AUTH_KEY_DIR", tap_keydir(), 1);
	/* No folder beside a PostgreSQL database: the run's own file. */
	if (tap_pg()) {
		snprintf(metrics, sizeof(metrics), "%s/metrics.shm", keydir);
		setenv("AUTH_METRICS_FILE", metrics, 1);
	}
}

/* Do the tests run on PostgreSQL?  1 or 0. */
int
tap_pg(void)
{
	const char	*db = getenv("FCGI_AUTH_TEST_DB");

	return db != NULL && *db != '\0';
}

/* tap_sql() on SQLite. */
static long
sql_sqlite(const char *path, const char *q)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	long		 v = -1;

	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_busy_timeout(db, 5000) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK)
		switch (sqlite3_step(st)) {
		case SQLITE_ROW:
			v = sqlite3_column_int64(st, 0);
			break;
		case SQLITE_DONE:
			v = 0;
			break;
		}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* tap_sql() on PostgreSQL. */
static long
sql_pg(const char *uri, const char *q)
{
	PGconn		*conn = PQconnectdb(uri);
	PGresult	*res = NULL;
	long		 v = -1;

	if (PQstatus(conn) == CONNECTION_OK) {
		res = PQexec(conn, q);
		if (PQresultStatus(res) == PGRES_TUPLES_OK)
			v = PQntuples(res) > 0 ?
			    atol(PQgetvalue(res, 0, 0)) : 0;
		else if (PQresultStatus(res) == PGRES_COMMAND_OK)
			v = 0;
		else
			fprintf(stderr, "tap_sql: %s", PQerrorMessage(conn));
	}
	PQclear(res);
	PQfinish(conn);
	return v;
}

/*
 * Run SQL (a printf format) on a connection of its own to the test's
 * database, as another process would.  Returns the first column of its
 * first row as a number, 0 without a row, -1 on error.
 */
long
tap_sql(const char *fmt, ...)
{
	va_list	 ap;
	char	 q[1024];

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	return tap_pg() ? sql_pg(cfg->db, q) : sql_sqlite(cfg->db, q);
}

/* Remove the key folder and what the tests left in it. */
static void
keydir_remove(void)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[512];

	if ((d = opendir(keydir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			snprintf(path, sizeof(path), "%s/%s", keydir, e->d_name);
			if (e->d_name[0] != '.')
				unlink(path);
		}
		closedir(d);
	}
	rmdir(keydir);
}

/* A private folder for the signing keys, made at the first call. */
const char *
tap_keydir(void)
{
	const char	*tmp = getenv("TMPDIR");

	if (keydir[0] != '\0')
		return keydir;
	snprintf(keydir, sizeof(keydir), "%s/fcgi-auth-unit.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(keydir) == NULL)
		abort();
	atexit(keydir_remove);
	return keydir;
}

/*
 * What a program loads before its first request, but the store: the
 * settings, the list of common passwords and the signing keys.
 * Returns 1, or 0 with one line in err.
 */
int
tap_config(char *err, size_t size)
{

	return config_load(err, size) == 1 &&
	    pw_denylist_load(cfg->password_denylist, err, size) == 1 &&
	    keyset_open(err, size) == 1;
}

/* Release what tap_config() loaded. */
void
tap_config_free(void)
{

	pw_denylist_free();
	token_free();
	keyset_close();
	config_free();
}
