/*
 * Sign access tokens for the benchmark, as login would: one per line
 * "user_id session_id" on standard input, one token per line on
 * standard output, with the configured secret, issuer and lifetime.
 * Lets the seeded run spread its requests over many users and
 * sessions without a login (and a bcrypt hash) for each.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "token.h"

int
main(void)
{
	char		 err[256], *t;
	int64_t		 uid, sid;

	if (config_load(err, sizeof(err)) != 1) {
		fprintf(stderr, "mint: %s\n", err);
		return 1;
	}
	while (scanf("%" SCNd64 " %" SCNd64, &uid, &sid) == 2) {
		if (token_access_issue(uid, sid, "user", NULL, &t) == -1)
			return 1;
		puts(t);
		free(t);
	}
	config_free();
	return 0;
}
