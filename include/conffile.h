/*
 * The settings file (fcgi-auth.conf(5)): AUTH_X=value lines, "#"
 * comments and blank lines, nothing quoted or expanded.  authctl reads
 * it; the programs get their settings from the web server, whose
 * configuration is written from it (authctl settings).
 */
#ifndef CONFFILE_H
#define CONFFILE_H

#include <stddef.h>

/* Where the file is: FCGI_AUTH_CONF if set, else the installed path. */
const char	*conffile_path(void);

/*
 * Read the file at path, calling each(name, value, arg) for every
 * setting in file order; each returns 1 to go on, or 0 to stop with
 * err set.  Every line is checked before the first call.  Returns 1,
 * 0 if the file does not exist and need not, or -1 with one line in
 * err ("PATH:LINE: NAME: why").
 */
int	 conffile_read(const char *path, int must_exist,
	    int (*each)(const char *, const char *, void *), void *arg,
	    char *err, size_t errsz);

#endif
