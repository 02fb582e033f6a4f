/*
 * SQLite's write-ahead log stays bounded while several processes
 * write and read without a pause, as a program's processes do under
 * load: each commit past the checkpoint mark copies the log back and
 * has it started over.  With SQLite's own checkpoint, which never
 * starts the log over while any process reads it, these commits grew
 * it past 50 MB.  Runs on a SQLite file whatever the tests' store.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "tap.h"

#define WRITERS		4
#define COMMITS		3000		/* each, a user row and its index */
#define WAL_BOUND	(16L << 20)	/* four times the checkpoint mark */

/* A db_write() callback: nothing to keep. */
static int
ignore(const struct db_row *row, void *arg)
{

	(void)row;
	(void)arg;
	return 0;
}

/*
 * One writer process: COMMITS transactions inserting a user, each
 * followed by a read of it.  Exits 0, or 1 at the first failure.
 */
static void
writer(const char *path, int n)
{
	char	 email[64];
	int	 i;

	if (db_open(path) != 1)
		_exit(1);
	for (i = 0; i < COMMITS; i++) {
		snprintf(email, sizeof(email), "w%d-%d@example.com", n, i);
		if (db_begin() != 1 || db_write(SQL_USER_INSERT,
		    DB_ARGS(DB_TEXT(email), DB_NULL, DB_TEXT("x"),
		    DB_TEXT("user"), DB_INT(1), DB_INT(1)), ignore, NULL) !=
		    DB_DONE || db_commit() != 1 ||
		    db_get(SQL_USER_GET, DB_ARGS(DB_INT(1)), ignore, NULL) != 1)
			_exit(1);
	}
	db_close();
	_exit(0);
}

int
main(void)
{
	char		 err[256], dir[] = "/tmp/fcgi-auth-wal.XXXXXX";
	char		 path[64], wal[80];
	struct stat	 st;
	off_t		 largest = 0;
	pid_t		 pids[WRITERS];
	int		 i, running, status, failed = 0;

	if (getenv("VALGRIND") != NULL) {
		/* Twelve thousand commits under valgrind take minutes. */
		ok(1, "# skip the log's bound under load: not under valgrind");
		return tap_done();
	}
	tap_env();
	if (!ok(tap_config(err, sizeof(err)) && mkdtemp(dir) != NULL,
	    "a directory for the database"))
		return tap_done();
	snprintf(path, sizeof(path), "%s/auth.db", dir);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	/* Made and migrated here, so the writers start together. */
	ok(db_open(path) == 1 && db_get(SQL_USER_GET, DB_ARGS(DB_INT(1)),
	    ignore, NULL) == 0 && db_write(SQL_USER_INSERT,
	    DB_ARGS(DB_TEXT("first@example.com"), DB_NULL, DB_TEXT("x"),
	    DB_TEXT("user"), DB_INT(1), DB_INT(1)), ignore, NULL) == DB_DONE,
	    "a SQLite file with a user");
	db_close();

	fflush(stdout);
	for (i = running = 0; i < WRITERS; i++)
		if ((pids[i] = fork()) == 0)
			writer(path, i);
		else if (pids[i] == -1)
			failed++;
		else
			running++;
	/* The last to close removes the log: watch it while they run. */
	for (; running > 0; usleep(1000)) {
		if (stat(wal, &st) == 0 && st.st_size > largest)
			largest = st.st_size;
		for (i = 0; i < WRITERS; i++) {
			if (pids[i] <= 0 ||
			    waitpid(pids[i], &status, WNOHANG) == 0)
				continue;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				failed++;
			pids[i] = 0;
			running--;
		}
	}
	ok(failed == 0, "%d processes made %d commits each, reading between",
	    WRITERS, COMMITS);
	ok(largest > 0 && largest < WAL_BOUND,
	    "the log stayed under %ld MB: at most %lld bytes",
	    WAL_BOUND >> 20, (long long)largest);

	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", path);
	unlink(wal);
	unlink(path);
	rmdir(dir);
	tap_config_free();
	return tap_done();
}
