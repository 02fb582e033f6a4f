/* A tiny TAP producer for the C unit tests. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "keyset.h"
#include "pw.h"
#include "tap.h"
#include "token.h"

static int	 count, failures;
static char	 keydir[256];	/* AUTH_KEY_DIR: made once, gone at exit */

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
 * a fixed secret and the cheapest bcrypt cost.
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
	setenv("AUTH_DB", ":memory:", 1);
	setenv("AUTH_KEY_DIR", tap_keydir(), 1);
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
