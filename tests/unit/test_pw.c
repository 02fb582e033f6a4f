/*
 * Password hashing: bcrypt $2b$ at the configured cost, verification in
 * constant time, never a match for an unknown account or beyond 72 bytes.
 * The policy's list of common passwords: built in, or from a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* Write len bytes to a new temporary file; returns its path (static). */
static const char *
tempfile(const char *text, size_t len)
{
	static char	 path[64];
	FILE		*f;
	int		 fd;

	snprintf(path, sizeof(path), "/tmp/test_pw.XXXXXX");
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL)
		abort();
	fwrite(text, 1, len, f);
	fclose(f);
	return path;
}

/* Load the configuration with AUTH_PASSWORD_DENYLIST=path. */
static int
load_denylist(const char *path, char *err, size_t errsz)
{

	tap_env();
	setenv("AUTH_PASSWORD_DENYLIST", path, 1);
	return config_load(err, errsz);
}

static void
test_builtin(void)
{
	const char	*why;
	size_t		 i, sorted = 1, lower = 1;

	ok(pw_denylist_size() == pw_denylist_builtin_count &&
	    pw_denylist_builtin_count > 3000,
	    "the built-in list is in use: %zu common passwords",
	    pw_denylist_builtin_count);
	for (i = 0; i < pw_denylist_builtin_count; i++) {
		if (i > 0 && strcmp(pw_denylist_builtin[i - 1],
		    pw_denylist_builtin[i]) >= 0)
			sorted = 0;
		if (strpbrk(pw_denylist_builtin[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
			lower = 0;
	}
	ok(sorted, "it is sorted for bsearch, without duplicates");
	ok(lower, "it is lower case");
	why = pw_policy("password", 8);
	ok(why != NULL && strcmp(why, "is too common") == 0,
	    "\"password\" is too common");
	ok(pw_policy("PassWord1", 9) != NULL, "compared without case");
	ok(pw_policy("qwertyuiop", 10) != NULL, "\"qwertyuiop\" is refused");
	ok(pw_policy("correct horse", 13) == NULL, "\"correct horse\" passes");
	ok(pw_policy("password ", 9) == NULL, "only whole entries match");
	ok(pw_common(pw_denylist_builtin[0], strlen(pw_denylist_builtin[0])) &&
	    pw_common(pw_denylist_builtin[pw_denylist_builtin_count - 1],
	    strlen(pw_denylist_builtin[pw_denylist_builtin_count - 1])),
	    "the first and the last entry are found");
}

static void
test_file(void)
{
	static const char text[] = "# comment\r\nHunter2Hunter\r\n\n"
	    "zebra-zebra\nhunter2hunter\n#not-listed-x\n"
	    "a123456789012345678901234567890123456789012345678901234567890"
	    "1234567890123\nlast-line-no-newline";
	char		 err[512];
	const char	*path;

	path = tempfile(text, sizeof(text) - 1);
	ok(load_denylist(path, err, sizeof(err)) && err[0] == '\0',
	    "AUTH_PASSWORD_DENYLIST loads a file");
	ok(pw_denylist_size() == 3,
	    "comments, CR LF, empty lines, duplicates and >72 bytes: %zu",
	    pw_denylist_size());
	ok(pw_policy("HUNTER2hunter", 13) != NULL &&
	    pw_policy("zebra-zebra", 11) != NULL &&
	    pw_policy("last-line-no-newline", 20) != NULL,
	    "its entries are refused, in any case");
	ok(pw_policy("#not-listed-x", 13) == NULL, "a comment is no entry");
	ok(pw_policy("password", 8) == NULL, "it replaces the built-in list");
	config_free();
	ok(pw_denylist_size() == pw_denylist_builtin_count,
	    "config_free() goes back to the built-in list");
	unlink(path);

	ok(!load_denylist(path, err, sizeof(err)) &&
	    strstr(err, "AUTH_PASSWORD_DENYLIST") && strstr(err, path) &&
	    strstr(err, "No such file"), "a missing file stops the start: %s",
	    err);
	ok(!load_denylist("/tmp", err, sizeof(err)) &&
	    strstr(err, "not a regular file"), "a directory too: %s", err);
	ok(!load_denylist("", err, sizeof(err)) &&
	    strstr(err, "AUTH_PASSWORD_DENYLIST"), "an empty name too: %s",
	    err);
	config_free();

	path = tempfile("", 0);
	ok(load_denylist(path, err, sizeof(err)) && pw_denylist_size() == 0 &&
	    pw_policy("password", 8) == NULL,
	    "an empty file turns the check off");
	config_free();
	unlink(path);

	/* A NUL inside a line drops that line, not the rest. */
	path = tempfile("abc\0def\nqqqqwwww\n", 17);
	ok(load_denylist(path, err, sizeof(err)) && pw_denylist_size() == 1 &&
	    pw_policy("qqqqwwww", 8) != NULL, "a line with a NUL is skipped");
	config_free();
	unlink(path);
	tap_env();
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

	test_builtin();
	config_free();
	test_file();
	config_load(err, sizeof(err));

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
