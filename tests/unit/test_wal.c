/*
 * SQLite's write-ahead log stays bounded while several processes
 * write and read without a pause, as a program's processes do under
 * load: a commit past the checkpoint mark copies the log back and has
 * it started over.  With SQLite's own checkpoint, which never starts
 * the log over while any process reads it, these commits grew it past
 * 200 MB.  A reader that keeps its snapshot for long (a backup) holds
 * the log, but neither fails a writer nor keeps it from starting over
 * once it is gone.  Runs on a SQLite file whatever the tests' store.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config.h"
#include "db.h"
#include "tap.h"

#define WRITERS		4
#define COMMITS		3000		/* each, a user row and its index */
#define WAL_BOUND	(64L << 20)	/* sixteen times the checkpoint mark */

static char	 path[64], wal[80];

/* Insert user "email" in a transaction of its own.  1, or 0. */
static int
commit_user(const char *email)
{

	return db_begin() == 1 && db_write(SQL_USER_INSERT,
	    DB_ARGS(DB_TEXT(email), DB_NULL, DB_TEXT("x"), DB_TEXT("user"),
	    DB_INT(1), DB_INT(1)), NULL, NULL) == DB_DONE &&
	    db_commit() == 1;
}

/*
 * One writer process: n commits inserting a user, each followed by a
 * read.  Exits 0, or 1 at the first failure.
 */
static void
writer(int n)
{
	char	 email[64];
	int	 i;

	if (db_open(path) != 1)
		_exit(1);
	for (i = 0; i < n; i++) {
		snprintf(email, sizeof(email), "w%d-%d@example.com",
		    (int)getpid(), i);
		if (!commit_user(email) ||
		    db_get(SQL_USER_GET, DB_ARGS(DB_INT(1)), NULL, NULL) != 1)
			_exit(1);
	}
	db_close();
	_exit(0);
}

/*
 * Start WRITERS writers of n commits each and wait for them, watching
 * the log (the last to close removes it).  Returns how many failed;
 * *largest gets the longest the log was.
 */
static int
write_all(int n, off_t *largest)
{
	struct stat	 st;
	pid_t		 pids[WRITERS];
	int		 i, running = 0, status, failed = 0;

	*largest = 0;
	fflush(stdout);
	for (i = 0; i < WRITERS; i++)
		if ((pids[i] = fork()) == 0)
			writer(n);
		else if (pids[i] == -1)
			failed++;
		else
			running++;
	for (; running > 0; usleep(1000)) {
		if (stat(wal, &st) == 0 && st.st_size > *largest)
			*largest = st.st_size;
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
	return failed;
}

/* The frames in the log now, through a connection of its own; or -1. */
static int
log_frames(void)
{
	sqlite3	*conn = NULL;
	int	 frames = -1, done;

	/* A connection knows the log once it has read. */
	if (sqlite3_open(path, &conn) != SQLITE_OK ||
	    sqlite3_exec(conn, "SELECT 1 FROM users", NULL, NULL, NULL) !=
	    SQLITE_OK ||
	    sqlite3_wal_checkpoint_v2(conn, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    &frames, &done) != SQLITE_OK)
		frames = -1;
	sqlite3_close(conn);
	return frames;
}

/* The count st makes (on its connection's snapshot), or -1. */
static long
count_users(sqlite3_stmt *st)
{
	long	 n = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/*
 * While writers commit, a reader keeps one snapshot (a transaction
 * open from its first count to its second): the same count at the end.
 */
static void
test_long_reader(void)
{
	sqlite3		*conn = NULL;
	sqlite3_stmt	*st = NULL;
	off_t		 largest;
	long		 before = -1, after = -1;
	int		 failed, frames;

	if (sqlite3_open(path, &conn) == SQLITE_OK &&
	    sqlite3_exec(conn, "BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(conn, "SELECT count(*) FROM users", -1, &st,
	    NULL) == SQLITE_OK)
		before = count_users(st);
	failed = write_all(COMMITS / 2, &largest);
	if (st != NULL)
		after = count_users(st);
	ok(failed == 0, "with a reader holding its snapshot, every commit "
	    "still succeeds");
	ok(before > 0 && after == before, "and the reader sees %ld users "
	    "to the end, as at its start (%ld)", after, before);
	ok(largest >= WAL_BOUND, "the reader holds the log: %lld bytes",
	    (long long)largest);
	sqlite3_finalize(st);
	sqlite3_exec(conn, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(conn);

	frames = db_open(path) == 1 && commit_user("after-1@example.com") &&
	    commit_user("after-2@example.com") ? log_frames() : -1;
	ok(frames >= 0 && frames < 1000, "once it is gone, the next commit "
	    "checkpoints and the one after starts the log over: %d frames",
	    frames);
	db_close();
}

int
main(void)
{
	char		 err[256], dir[] = "/tmp/fcgi-auth-wal.XXXXXX";
	off_t		 largest;

	if (getenv("VALGRIND") != NULL) {
		/* Eighteen thousand commits under valgrind take minutes. */
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
	ok(db_open(path) == 1 && commit_user("first@example.com") &&
	    db_get(SQL_USER_GET, DB_ARGS(DB_INT(1)), NULL, NULL) == 1,
	    "a SQLite file with a user");
	db_close();

	ok(write_all(COMMITS, &largest) == 0, "%d processes made %d commits "
	    "each, reading between", WRITERS, COMMITS);
	ok(largest > 0 && largest < WAL_BOUND,
	    "the log stayed under %ld MB: at most %lld bytes",
	    WAL_BOUND >> 20, (long long)largest);
	test_long_reader();

	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", path);
	unlink(wal);
	unlink(path);
	rmdir(dir);
	tap_config_free();
	return tap_done();
}
