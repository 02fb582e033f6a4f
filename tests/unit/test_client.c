/*
 * Resource servers' credentials: a secret shown once, kept as an HMAC
 * under the clients' own derived key, checked in constant time; names
 * checked; removal.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "config.h"
#include "db.h"
#include "keys.h"
#include "tap.h"

/* client_each() callback: count, and remember the last name. */
static int
seen(const char *name, int64_t created, void *arg)
{
	char	*last = arg;

	snprintf(last, 65, "%s", name);
	return created > 0 ? 0 : -1;
}

/* A db_get() callback: the stored hash, at arg. */
static int
stored(const struct db_row *row, void *arg)
{
	size_t	 len;

	memcpy(arg, db_blob(row, 0, &len), KEY_LEN);
	return len == KEY_LEN ? 0 : -1;
}

int
main(void)
{
	char		 err[256], a[CLIENT_SECRET_LEN + 1], b[CLIENT_SECRET_LEN + 1];
	char		 last[65] = "", bad[300];
	unsigned char	 h[KEY_LEN], want[KEY_LEN];

	tap_env();
	if (!ok(tap_config(err, sizeof(err)) && db_open(cfg->db) == 1,
	    "config and database %s", err))
		return tap_done();
	ok(client_name_ok("api-1.example_x") && !client_name_ok("") &&
	    !client_name_ok("a b") && !client_name_ok("a:b") &&
	    !client_name_ok("ä"), "names: A-Z a-z 0-9 . _ - only");
	ok(client_add("api", a) == DB_DONE && strlen(a) == CLIENT_SECRET_LEN,
	    "a client is added with a 43-character secret");
	ok(client_add("api", b) == DB_CONFLICT && b[0] == '\0',
	    "a taken name is a conflict, and no secret is shown");
	ok(client_add("other", b) == DB_DONE && strcmp(a, b) != 0,
	    "each client gets its own secret");
	ok(db_get(SQL_CLIENT_GET, DB_ARGS(DB_TEXT("api")), stored, h) == 1,
	    "its row is there");
	keys_hmac(KEY_CLIENT, a, strlen(a), want);
	ok(memcmp(h, want, KEY_LEN) == 0, "stored: the HMAC of the secret "
	    "under the clients' derived key");
	ok(memcmp(h, a, KEY_LEN) != 0, "not the secret itself");
	ok(client_verify("api", a) == 1, "the right secret passes");
	ok(client_verify("api", b) == 0, "another client's secret fails");
	ok(client_verify("other", a) == 0, "and the other way round");
	ok(client_verify("nobody", a) == 0, "an unknown name fails");
	ok(client_verify("api", "") == 0, "an empty secret fails");
	memset(bad, 'A', sizeof(bad) - 1);
	bad[sizeof(bad) - 1] = '\0';
	ok(client_verify("api", bad) == 0, "an over-long secret fails");
	ok(client_verify("a b", a) == 0, "a name that cannot be one fails");
	ok(client_each(seen, last) == 1 && strcmp(last, "other") == 0,
	    "clients are listed by name");
	ok(client_remove("api") == 1 && client_verify("api", a) == 0,
	    "a removed client fails");
	ok(client_remove("api") == 0, "removing it again: nothing to remove");
	db_close();
	tap_config_free();
	return tap_done();
}
