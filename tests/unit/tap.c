/* A tiny TAP producer for the C unit tests. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "pw.h"
#include "tap.h"
#include "token.h"

static int	 count, failures;

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
}

/*
 * What a program loads before its first request, but the store: the
 * settings and the list of common passwords.  Returns 1, or 0 with one
 * line in err.
 */
int
tap_config(char *err, size_t size)
{

	return config_load(err, size) == 1 &&
	    pw_denylist_load(cfg->password_denylist, err, size) == 1;
}

/* Release what tap_config() loaded. */
void
tap_config_free(void)
{

	pw_denylist_free();
	token_free();
	config_free();
}
