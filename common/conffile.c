/*
 * The settings file: AUTH_X=value a line, "#" comments, blank lines.
 * A value is the rest of the line as it is, never quoted or expanded;
 * what the web servers' configurations could not carry exactly (a
 * control character, "${", a trailing backslash) is refused here, so
 * the file means the same to authctl, lighttpd and Apache.  Errors
 * name the file, the line and the setting, never the value, which may
 * be a secret.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"
#include "config.h"

#ifndef CONF_FILE
#define CONF_FILE	"/usr/local/etc/fcgi-auth/fcgi-auth.conf"
#endif

#define FILE_MAX	(64 * 1024)	/* bytes */
#define LINES_MAX	128		/* settings, not counting comments */
#define NAME_MAX_LEN	64

struct line {
	const char	*name;
	const char	*value;
	int		 number;
};

/* Where the file is: FCGI_AUTH_CONF if set, else the installed path. */
const char *
conffile_path(void)
{
	const char	*p = getenv("FCGI_AUTH_CONF");

	return p != NULL && *p != '\0' ? p : CONF_FILE;
}

/* Write "path:line: ..." into err; returns -1 for the caller. */
static int
bad(char *err, size_t errsz, const char *path, int n, const char *fmt, ...)
{
	va_list	 ap;
	int	 k;

	k = snprintf(err, errsz, "%s:%d: ", path, n);
	if (k < 0 || (size_t)k >= errsz)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + k, errsz - (size_t)k, fmt, ap);
	va_end(ap);
	return -1;
}

/* Why a value cannot be carried exactly, or NULL if it can. */
static const char *
value_problem(const char *v, size_t len)
{
	size_t	 i;

	if (len == 0)
		return "empty value (leave the line out for the default)";
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return "a control character in the value";
	if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0])
		return "quotes would be part of the value: write it "
		    "without them";
	if (strstr(v, "${") != NULL)
		return "\"${\" in the value (Apache would expand it)";
	if (v[len - 1] == '\\')
		return "a value must not end in \"\\\" (web servers read it "
		    "as an escape)";
	return NULL;
}

/*
 * Check one line (NUL-terminated, no newline) and, if it is a setting,
 * split it in place into out.  Returns 1 for a setting, 0 for a
 * comment or blank line, -1 with err set.
 */
static int
parse_line(char *s, int n, const char *path, struct line *out, char *err,
    size_t errsz)
{
	const char	*why;
	size_t		 len;

	if (s[strspn(s, " \t")] == '\0' || s[strspn(s, " \t")] == '#')
		return 0;
	len = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	if (s[len] != '=' || len == 0 || len > NAME_MAX_LEN)
		return bad(err, errsz, path, n, "not a setting: write "
		    "AUTH_NAME=value, with nothing before the name");
	s[len] = '\0';
	/* Every setting's name begins with AUTH_: config.c knows them. */
	if (!config_known(s))
		return bad(err, errsz, path, n, "%s: unknown setting "
		    "(fcgi-auth.conf(5) lists them)", s);
	if ((why = value_problem(s + len + 1, strlen(s + len + 1))) != NULL)
		return bad(err, errsz, path, n, "%s: %s", s, why);
	out->name = s;
	out->value = s + len + 1;
	out->number = n;
	return 1;
}

/*
 * Split the file's text into checked settings.  Returns how many, or
 * -1 with err set.
 */
static int
parse(char *text, size_t size, const char *path, struct line *lines,
    char *err, size_t errsz)
{
	char	*s = text, *nl;
	int	 n = 0, count = 0, i, rc;

	if (memchr(text, '\0', size) != NULL)
		return bad(err, errsz, path, 1, "a NUL byte in the file");
	while (*s != '\0') {
		n++;
		if ((nl = strchr(s, '\n')) != NULL)
			*nl = '\0';
		if (count == LINES_MAX)
			return bad(err, errsz, path, n, "too many settings");
		if ((rc = parse_line(s, n, path, &lines[count], err,
		    errsz)) == -1)
			return -1;
		for (i = 0; rc == 1 && i < count; i++)
			if (strcmp(lines[i].name, lines[count].name) == 0)
				return bad(err, errsz, path, n, "%s: set "
				    "again (first on line %d)",
				    lines[count].name, lines[i].number);
		count += rc;
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return count;
}

/*
 * Read the whole file into a NUL-terminated buffer (*text, the caller
 * frees), with its mode in *mode.  Returns 1, 0 if it does not exist,
 * -1 with err set.
 */
static int
slurp(const char *path, char **text, size_t *size, mode_t *mode, char *err,
    size_t errsz)
{
	struct stat	 st;
	ssize_t		 got;
	size_t		 len = 0;
	int		 fd;

	*text = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > FILE_MAX || (*text = malloc(FILE_MAX + 1)) == NULL) {
		snprintf(err, errsz, "%s: not a regular file of at most %d "
		    "bytes", path, FILE_MAX);
		close(fd);
		return -1;
	}
	while (len < FILE_MAX &&
	    (got = read(fd, *text + len, FILE_MAX - len)) > 0)
		len += (size_t)got;
	close(fd);
	(*text)[len] = '\0';
	*size = len;
	*mode = st.st_mode;
	return 1;
}

/*
 * Read the settings file at path and hand each setting to each(), in
 * file order, once every line has been checked.  Returns 1, 0 if it
 * does not exist and need not, or -1 with one line in err.
 */
int
conffile_read(const char *path, int must_exist,
    int (*each)(const char *, const char *, void *), void *arg, char *err,
    size_t errsz)
{
	struct line	 lines[LINES_MAX];
	char		*text = NULL;
	size_t		 size = 0;
	mode_t		 mode = 0;
	int		 count, i, rc;

	if ((rc = slurp(path, &text, &size, &mode, err, errsz)) != 1) {
		if (rc == 0 && must_exist) {
			snprintf(err, errsz, "%s: %s", path, strerror(ENOENT));
			rc = -1;
		}
		goto out;
	}
	rc = -1;
	if ((count = parse(text, size, path, lines, err, errsz)) == -1)
		goto out;
	for (i = 0; i < count; i++)
		if ((mode & S_IROTH) &&
		    strcmp(lines[i].name, "AUTH_JWT_SECRET") == 0) {
			bad(err, errsz, path, lines[i].number, "%s: in a file "
			    "others may read (chmod o-r it, or use "
			    "AUTH_JWT_SECRET_FILE)", lines[i].name);
			goto out;
		}
	for (i = 0; i < count; i++)
		if (!each(lines[i].name, lines[i].value, arg))
			goto out;
	rc = 1;
out:
	if (text != NULL)
		explicit_bzero(text, size);
	free(text);
	return rc;
}
