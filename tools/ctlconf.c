/*
 * authctl's settings.  The programs get theirs from the web server;
 * authctl, run by hand, reads the settings file (fcgi-auth.conf(5))
 * for what its environment does not set, so that an administrator
 * needs no AUTH_* of their own.  `authctl settings` prints the file's
 * settings, checked as the programs check them, for the web servers'
 * configurations (server-settings).  Run as root, authctl acts as the
 * user who owns the database's folder.
 */
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"
#include "config.h"
#include "ctlconf.h"

/* What apply_one() needs to know about the environment. */
struct apply {
	int	 secret_set;	/* AUTH_JWT_SECRET{,_FILE} in the environment */
};

/* The file must exist when FCGI_AUTH_CONF names it. */
static int
must_exist(void)
{
	const char	*e = getenv("FCGI_AUTH_CONF");

	return e != NULL && *e != '\0';
}

/*
 * Set one of the file's settings unless the environment has it.  The
 * two secret settings count as one: an environment that sets either
 * takes neither from the file.  Returns 1, or 0 (out of memory).
 */
static int
apply_one(const char *name, const char *value, void *arg)
{
	const struct apply	*a = arg;

	if (getenv(name) != NULL || (a->secret_set &&
	    strncmp(name, "AUTH_JWT_SECRET", 15) == 0))
		return 1;
	return setenv(name, value, 1) == 0;
}

/*
 * Take the settings file's settings that the environment does not set:
 * the environment wins.  A missing file is no error unless
 * FCGI_AUTH_CONF names it.  Returns 1, or -1 with err set.
 */
int
ctlconf_apply(char *err, size_t errsz)
{
	struct apply	 a;

	err[0] = '\0';
	a.secret_set = getenv("AUTH_JWT_SECRET") != NULL ||
	    getenv("AUTH_JWT_SECRET_FILE") != NULL;
	if (conffile_read(conffile_path(), must_exist(), apply_one, &a, err,
	    errsz) == -1) {
		if (err[0] == '\0')
			snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 1;
}

/* Remove every AUTH_* variable from the environment. */
static void
clear_settings(void)
{
	extern char	**environ;
	char		**e, *name;

	for (e = environ; *e != NULL; ) {
		if (strncmp(*e, "AUTH_", 5) != 0) {
			e++;
			continue;
		}
		/* unsetenv() moves the rest down: look at *e again. */
		if ((name = strndup(*e, strcspn(*e, "="))) == NULL)
			return;
		unsetenv(name);
		free(name);
	}
}

/* The settings met in the file, in order, for printing. */
struct seen {
	char	*names[128];
	size_t	 count;
};

/* Set one of the file's settings and remember its name. */
static int
set_one(const char *name, const char *value, void *arg)
{
	struct seen	*s = arg;

	if (s->count == sizeof(s->names) / sizeof(s->names[0]) ||
	    (s->names[s->count] = strdup(name)) == NULL)
		return 0;
	s->count++;
	return setenv(name, value, 1) == 0;
}

/*
 * `authctl settings`: the settings file's settings, one NAME=value a
 * line in file order, after checking them as the programs will (the
 * secret aside: it is the programs' user's to read).  The environment
 * plays no part.  Returns 1, or -1 with err set and nothing printed.
 */
int
ctlconf_print(char *err, size_t errsz)
{
	const char	*path = conffile_path();
	struct seen	 seen;
	char		 why[512];
	size_t		 i;
	int		 rc = -1;

	memset(&seen, 0, sizeof(seen));
	err[0] = '\0';
	clear_settings();
	if (conffile_read(path, 1, set_one, &seen, err, errsz) != 1) {
		if (err[0] == '\0')
			snprintf(err, errsz, "out of memory");
		goto out;
	}
	/* A bad value is the file's: say which file. */
	if (config_check(why, sizeof(why)) == -1) {
		snprintf(err, errsz, "%s: %s", path, why);
		goto out;
	}
	for (i = 0; i < seen.count; i++)
		printf("%s=%s\n", seen.names[i], getenv(seen.names[i]));
	rc = fflush(stdout) == 0 ? 1 : -1;
	if (rc == -1)
		snprintf(err, errsz, "cannot write: %s", strerror(errno));
out:
	for (i = 0; i < seen.count; i++)
		free(seen.names[i]);
	config_free();
	return rc;
}

/*
 * Run as root, act as the user who owns the database's folder (the
 * programs' user: www-data under the Debian package), so that the
 * database, journal or secret authctl creates are ones the programs can
 * open.  A folder root owns, or a database that is no file, changes
 * nothing.  Returns 1, or -1 with err set.
 */
int
ctlconf_drop_root(const char *db, char *err, size_t errsz)
{
	struct passwd	*pw;
	struct stat	 st;
	char		*copy;
	gid_t		 gid;
	int		 rc;

	if (geteuid() != 0 || strstr(db, "://") != NULL)
		return 1;
	if ((copy = strdup(db)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	rc = stat(dirname(copy), &st);
	free(copy);
	if (rc == -1 || st.st_uid == 0)
		return 1;
	pw = getpwuid(st.st_uid);
	gid = pw != NULL ? pw->pw_gid : st.st_gid;
	if ((pw != NULL ? initgroups(pw->pw_name, gid) :
	    setgroups(0, NULL)) == -1 || setgid(gid) == -1 ||
	    setuid(st.st_uid) == -1 || setuid(0) != -1) {
		snprintf(err, errsz, "cannot act as the owner of %s's folder "
		    "(uid %ld)", db, (long)st.st_uid);
		return -1;
	}
	return 1;
}
