/*
 * The settings file (conffile.c): settings in file order, comments and
 * blank lines skipped, every bad line refused by number without its
 * value, a missing file only an error when it must exist.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"
#include "tap.h"

static char	 path[] = "/tmp/test_conffile.XXXXXX";
static char	 got[1024];

/* Write text into the file at path, with mode. */
static void
put(const char *text, mode_t mode)
{
	FILE	*f = fopen(path, "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
	chmod(path, mode);
}

/* Append "NAME=value;" to got. */
static int
collect(const char *name, const char *value, void *arg)
{
	size_t	 n = strlen(got);

	(void)arg;
	snprintf(got + n, sizeof(got) - n, "%s=%s;", name, value);
	return 1;
}

/* Stop at the first setting. */
static int
stop(const char *name, const char *value, void *arg)
{

	(void)name;
	(void)value;
	(*(int *)arg)++;
	return 0;
}

/* The file with text must be refused with why at line n. */
static void
refused(const char *text, int n, const char *why)
{
	char	 err[512], want[512];
	int	 rc;

	put(text, 0600);
	got[0] = '\0';
	rc = conffile_read(path, 1, collect, NULL, err, sizeof(err));
	snprintf(want, sizeof(want), "%s:%d: %s", path, n, why);
	ok(rc == -1 && strcmp(err, want) == 0 && got[0] == '\0' &&
	    strstr(err, "hush") == NULL, "refused: %s", err);
}

int
main(void)
{
	char	 err[512];
	size_t	 n;
	int	 fd, calls = 0;

	if ((fd = mkstemp(path)) == -1)
		return 1;
	close(fd);

	put("# settings\n\n  \t# indented comment\nAUTH_DB=/var/x.db\n"
	    "AUTH_ISSUER=a \"b\" c\\d $e = f\nAUTH_MAX_BODY=2048", 0644);
	got[0] = '\0';
	ok(conffile_read(path, 1, collect, NULL, err, sizeof(err)) == 1 &&
	    strcmp(got, "AUTH_DB=/var/x.db;AUTH_ISSUER=a \"b\" c\\d $e = f;"
	    "AUTH_MAX_BODY=2048;") == 0, "settings in order, values as they "
	    "are, no final newline: %s", got);
	ok(conffile_read(path, 1, stop, &calls, err, sizeof(err)) == -1 &&
	    calls == 1, "a callback stops the reading");

	refused("AUTH_DB=a\nAUTH_NOPE=hush\n", 2,
	    "AUTH_NOPE: unknown setting (fcgi-auth.conf(5) lists them)");
	refused("AUTH_DB=a\nAUTH_DB=hush\n", 2,
	    "AUTH_DB: set again (first on line 1)");
	refused("AUTH_ISSUER=\"hush\"\n", 1, "AUTH_ISSUER: quotes would be "
	    "part of the value: write it without them");
	refused("AUTH_ISSUER=hu${sh}\n", 1, "AUTH_ISSUER: \"${\" in the value "
	    "(Apache would expand it)");
	refused("AUTH_ISSUER=hush\\\n", 1, "AUTH_ISSUER: a value must not end "
	    "in \"\\\" (web servers read it as an escape)");
	refused("AUTH_ISSUER=hush\r\n", 1,
	    "AUTH_ISSUER: a control character in the value");
	refused("AUTH_ISSUER=\n", 1, "AUTH_ISSUER: empty value (leave the "
	    "line out for the default)");
	refused("\n AUTH_ISSUER=hush\n", 2, "not a setting: write "
	    "AUTH_NAME=value, with nothing before the name");
	refused("AUTH_ISSUER hush\n", 1, "not a setting: write "
	    "AUTH_NAME=value, with nothing before the name");

	put("AUTH_JWT_SECRET=hush-0123456789abcdef0123456789abcdef\n", 0644);
	ok(conffile_read(path, 1, collect, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "AUTH_JWT_SECRET: in a file others may read") != NULL &&
	    strstr(err, "hush") == NULL, "a secret others may read: %s", err);
	put("AUTH_JWT_SECRET=hush-0123456789abcdef0123456789abcdef\n", 0640);
	ok(conffile_read(path, 1, collect, NULL, err, sizeof(err)) == 1,
	    "a secret in a file of mode 0640");

	unlink(path);
	ok(conffile_read(path, 0, collect, NULL, err, sizeof(err)) == 0,
	    "a missing file that need not exist");
	ok(conffile_read(path, 1, collect, NULL, err, sizeof(err)) == -1 &&
	    strstr(err, "No such file") != NULL, "one that must: %s", err);
	setenv("FCGI_AUTH_CONF", "/x/y.conf", 1);
	ok(strcmp(conffile_path(), "/x/y.conf") == 0, "FCGI_AUTH_CONF names it");
	setenv("FCGI_AUTH_CONF", "", 1);
	n = strlen(conffile_path());
	ok(n > 25 && strcmp(conffile_path() + n - 25,
	    "/fcgi-auth/fcgi-auth.conf") == 0, "empty: the installed path, %s",
	    conffile_path());
	return tap_done();
}
