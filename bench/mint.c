/*
 * Sign access tokens for the benchmark, as login would: one per line
 * "user_id session_id" on standard input, one token per line on
 * standard output, with the configured key set (AUTH_KEY_DIR, the
 * server's) or secret, issuer and lifetime.
 * Lets the seeded run spread its requests over many users and
 * sessions without a login (and a bcrypt hash) for each.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "keyset.h"
#include "token.h"

int
main(void)
{
	char		 err[256], *t;
	struct grant	 g = { 0, 0, "user", NULL, 0, "pwd" };

	if (config_load(err, sizeof(err)) != 1 ||
	    keyset_open(err, sizeof(err)) != 1) {
		fprintf(stderr, "mint: %s\n", err);
		return 1;
	}
	g.auth_time = util_now();
	while (scanf("%" SCNd64 " %" SCNd64, &g.uid, &g.sid) == 2) {
		if (token_access_issue(&g, &t) == -1)
			return 1;
		puts(t);
		free(t);
	}
	keyset_close();
	config_free();
	return 0;
}
