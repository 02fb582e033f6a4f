/*
 * Password hashing: bcrypt $2b$ at the configured cost, verification in
 * constant time, never a match for an unknown account or beyond 72 bytes.
 */
#include <string.h>
#include <time.h>

#include "api.h"
#include "tap.h"

/* The fastest of five checks of pw against stored, in seconds. */
static double
fastest(const char *pw, const char *stored)
{
	struct timespec	 a, b;
	double		 t, best = 1e9;
	int		 i;

	for (i = 0; i < 5; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		pw_verify(pw, stored);
		clock_gettime(CLOCK_MONOTONIC, &b);
		t = (double)(b.tv_sec - a.tv_sec) +
		    (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		if (t < best)
			best = t;
	}
	return best;
}

int
main(void)
{
	char	 err[256], h1[HASH_MAX], h2[HASH_MAX];
	char	 p72[73], p73[74];
	double	 known, unknown;

	tap_env();
	if (!ok(config_load(err, sizeof(err)), "config loads %s", err))
		return tap_done();

	ok(pw_hash("correct horse", 4, h1) == 0 &&
	    strncmp(h1, "$2b$04$", 7) == 0 && strlen(h1) == 60,
	    "bcrypt $2b$ at cost 4: %s", h1);
	ok(pw_hash("correct horse", 4, h2) == 0 && strcmp(h1, h2) != 0,
	    "salted: the same password hashes differently");
	ok(pw_hash("x", 3, h2) == -1, "cost 3 is refused");
	ok(pw_verify("correct horse", h1), "the right password matches");
	ok(!pw_verify("correct horsE", h1), "a wrong password does not");
	ok(!pw_verify("", h1), "the empty password does not");
	ok(!pw_verify("correct horse", NULL), "no account never matches");
	ok(!pw_verify("correct horse", "*"), "a locked hash never matches");
	ok(pw_cost(h1) == 4 && pw_cost("$2b$12$abc") == 12 &&
	    pw_cost("$y$j9T$x") == -1, "the cost is read from a hash");

	memset(p72, 'a', 72);
	p72[72] = '\0';
	memcpy(p73, p72, 72);
	p73[72] = 'b';
	p73[73] = '\0';
	ok(pw_hash(p72, 4, h1) == 0 && pw_verify(p72, h1),
	    "72 bytes hash and match");
	ok(!pw_verify(p73, h1), "73 bytes never match (bcrypt would cut)");

	/* The dummy check for unknown accounts costs like a real one. */
	ok(pw_hash("correct horse", 8, h1) == 0, "a cost-8 hash");
	setenv("AUTH_BCRYPT_COST", "8", 1);
	config_free();
	config_load(err, sizeof(err));
	known = fastest("wrong password", h1);
	unknown = fastest("wrong password", NULL);
	ok(unknown > known / 3 && unknown < known * 3,
	    "unknown account costs like a known one (%.1f vs %.1f ms)",
	    unknown * 1e3, known * 1e3);
	config_free();
	return tap_done();
}
