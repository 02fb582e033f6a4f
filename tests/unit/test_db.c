/*
 * The database layer: every statement of sqls[] prepares against the
 * migrated schema.  They are prepared at their first use, so nothing
 * else would notice a broken one before a request needs it.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "tap.h"

int
main(void)
{
	sqlite3_stmt	*st;
	char		 err[256];
	int		 i, all = 1;

	tap_env();
	if (!ok(config_load(err, sizeof(err)) && db_open(cfg->db) == 0,
	    "the database opens and migrates"))
		return tap_done();
	for (i = 0; i < SQL__MAX; i++)
		if (db_stmt((enum sql)i) == NULL) {
			ok(0, "statement %d prepares", i);
			all = 0;
		}
	ok(all, "all %d statements prepare", SQL__MAX);
	ok(db_stmt(SQL_HEALTH) == db_stmt(SQL_HEALTH),
	    "a statement is prepared once and reused");
	ok(db_step(db_stmt(SQL_HEALTH)) == SQLITE_DONE,
	    "a prepared statement runs");

	st = NULL;
	ok(db_step(st) == -1, "stepping no statement is an error, not a crash");
	db_close();
	config_free();
	return tap_done();
}
