/*
 * Password hashing: bcrypt $2b$ at the configured cost, verification in
 * constant time, never a match for an unknown account or beyond 72 bytes.
 * The policy's list of common passwords: built in, or from a file.
 * No password may be the account's own email address or username.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "reply.h"
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
	return tap_config(err, errsz);
}

/* Entry i of the built-in list. */
static const char *
builtin(size_t i)
{

	return pw_denylist_text + pw_denylist_offsets[i];
}

static void
test_builtin(void)
{
	static const char *const common[] = {
		"password", "password123", "qwerty123", "iloveyou1",
		"qwertyuiop", "trustno1", "aaaaaa", "654321", "1q2w3e4r",
	};
	static const char *const rare[] = {
		"correct horse", "password!x", "tr0ub4dor&3x", "zebra-crossing",
		"Vielleicht Morgen", "qwerty123!?",
	};
	const char	*why, *last;
	size_t		 i, n = pw_denylist_builtin_count;
	size_t		 sorted = 1, lower = 1, packed = 1, refused = 0;

	ok(pw_denylist_size() == n && n >= 20000,
	    "the built-in list is in use: %zu common passwords", n);
	ok(n > 0 && pw_denylist_offsets[0] == 0, "it starts at offset 0");
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(builtin(i - 1), builtin(i)) >= 0)
			sorted = 0;
		if (i > 0 && pw_denylist_offsets[i] != pw_denylist_offsets[i -
		    1] + strlen(builtin(i - 1)) + 1)
			packed = 0;
		if (strpbrk(builtin(i), "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
			lower = 0;
	}
	ok(sorted, "it is sorted for bsearch, without duplicates");
	ok(packed, "each entry starts right after the NUL of the one before");
	ok(lower, "it is lower case");
	why = pw_policy("password", 8);
	ok(why != NULL && strcmp(why, "is too common") == 0,
	    "\"password\" is too common");
	for (i = 0; i < nitems(common); i++)
		refused += pw_policy(common[i], strlen(common[i])) != NULL;
	ok(refused == nitems(common), "%zu of %zu breach favourites refused "
	    "(password123, qwerty123, iloveyou1, aaaaaa, ...)", refused,
	    nitems(common));
	ok(pw_policy("PassWord123", 11) != NULL &&
	    pw_policy("QWERTY123", 9) != NULL &&
	    pw_policy("ILoveYou1", 9) != NULL, "compared without case");
	for (i = 0; i < nitems(rare); i++)
		ok(pw_policy(rare[i], strlen(rare[i])) == NULL,
		    "\"%s\" passes", rare[i]);
	ok(pw_policy("password ", 9) == NULL &&
	    pw_policy("password12", 10) != NULL &&
	    pw_policy("password1234567", 15) == NULL,
	    "only whole entries match");
	last = n > 0 ? builtin(n - 1) : "";
	ok(n > 0 && pw_common(builtin(0), strlen(builtin(0))) &&
	    pw_common(last, strlen(last)),
	    "the first and the last entry are found (%s, %s)",
	    n > 0 ? builtin(0) : "", last);
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
	tap_config_free();
	ok(pw_denylist_size() == pw_denylist_builtin_count,
	    "tap_config_free() goes back to the built-in list");
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
	tap_config_free();

	path = tempfile("", 0);
	ok(load_denylist(path, err, sizeof(err)) && pw_denylist_size() == 0 &&
	    pw_policy("password", 8) == NULL,
	    "an empty file turns the check off");
	tap_config_free();
	unlink(path);

	/* A NUL inside a line drops that line, not the rest. */
	path = tempfile("abc\0def\nqqqqwwww\n", 17);
	ok(load_denylist(path, err, sizeof(err)) && pw_denylist_size() == 1 &&
	    pw_policy("qqqqwwww", 8) != NULL, "a line with a NUL is skipped");
	tap_config_free();
	unlink(path);
	tap_env();
}

/* pw_personal() with pw as a C string. */
static const char *
personal(const char *pw, const char *email, const char *username)
{

	return pw_personal(pw, strlen(pw), email, username);
}

static void
test_personal(void)
{
	static const char *const refused[] = {
		"ann.lee@example.com", "Ann.Lee@Example.COM", "ann.lee",
		"ANN.LEE", "annie_l", "AnnIE_L",
	};
	static const char *const allowed[] = {
		"correct horse", "ann.lee1", "my ann.lee pass", "ann.le",
		"ann.lee@example.co", "example.com", "@example.com",
		"ann.lee@example.com ", "xannie_l",
	};
	const char	*why;
	size_t		 i;

	why = personal("ann.lee@example.com", "ann.lee@example.com", NULL);
	ok(why != NULL &&
	    strcmp(why, "must not be your email address or username") == 0,
	    "the email address is refused: %s", why ? why : "(passes)");
	for (i = 0; i < nitems(refused); i++)
		ok(personal(refused[i], "ann.lee@example.com", "annie_l") !=
		    NULL, "\"%s\" is refused (address, local part or "
		    "username, any case)", refused[i]);
	for (i = 0; i < nitems(allowed); i++)
		ok(personal(allowed[i], "ann.lee@example.com", "annie_l") ==
		    NULL, "\"%s\" passes", allowed[i]);
	ok(personal("ann.lee", "ann.lee@example.com", NULL) != NULL &&
	    personal("annie_l", "ann.lee@example.com", NULL) == NULL,
	    "no username: the address still counts");
	ok(personal("annie_l", NULL, "annie_l") != NULL &&
	    personal("ann.lee", NULL, "annie_l") == NULL,
	    "no address: the username still counts");
	ok(personal("", "", "") == NULL && personal("", NULL, NULL) == NULL &&
	    personal("x", "", "") == NULL && personal("", "@example.com",
	    NULL) == NULL, "empty ones match nothing, not even \"\"");
	ok(personal("\"a@b\"", "\"a@b\"@example.com", NULL) != NULL &&
	    personal("\"a", "\"a@b\"@example.com", NULL) == NULL,
	    "the local part ends at the last '@'");
	ok(pw_personal("ann.lee\0x", 9, "ann.lee@example.com", NULL) == NULL &&
	    pw_personal("ann.lee", 6, "ann.lee@example.com", NULL) == NULL,
	    "only len bytes count, a NUL among them included");
}

int
main(void)
{
	char	 err[256], h1[HASH_MAX], h2[HASH_MAX];
	char	 p72[73], p73[74];
	double	 known, unknown;

	tap_env();
	if (!ok(tap_config(err, sizeof(err)), "config loads %s", err))
		return tap_done();

	ok(pw_hash("correct horse", 4, h1) == 1 &&
	    strncmp(h1, "$2b$04$", 7) == 0 && strlen(h1) == 60,
	    "bcrypt $2b$ at cost 4: %s", h1);
	ok(pw_hash("correct horse", 4, h2) == 1 && strcmp(h1, h2) != 0,
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
	ok(pw_hash(p72, 4, h1) == 1 && pw_verify(p72, h1),
	    "72 bytes hash and match");
	ok(!pw_verify(p73, h1), "73 bytes never match (bcrypt would cut)");

	test_builtin();
	tap_config_free();
	test_file();
	tap_config(err, sizeof(err));
	test_personal();

	/* The dummy check for unknown accounts costs like a real one. */
	ok(pw_hash("correct horse", 8, h1) == 1, "a cost-8 hash");
	setenv("AUTH_BCRYPT_COST", "8", 1);
	tap_config_free();
	tap_config(err, sizeof(err));
	known = fastest("wrong password", h1);
	unknown = fastest("wrong password", NULL);
	ok(unknown > known / 3 && unknown < known * 3,
	    "unknown account costs like a known one (%.1f vs %.1f ms)",
	    unknown * 1e3, known * 1e3);
	tap_config_free();
	return tap_done();
}
