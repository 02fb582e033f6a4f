/*
 * Passwords: bcrypt ($2b$) through libxcrypt's crypt_gensalt_rn() and
 * crypt_rn(), and the policy every new password must meet, with its
 * list of common passwords (OWASP ASVS 2.1.7): compiled in from
 * db/common-passwords.txt, or read once at start from the file
 * AUTH_PASSWORD_DENYLIST names.  Either way it is sorted and searched
 * with bsearch(3), so no request opens a file.  The built-in list is an
 * array of offsets into one string, not of pointers, so that it needs
 * no relocations and stays on shared read-only pages (denylist.gen.c).
 */
#include <sys/stat.h>

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "pw.h"
#include "util.h"

/*
 * A valid bcrypt salt, used to spend the same time on an unknown
 * account as on a known one.  Only the cost is filled in at run time.
 */
#define DUMMY_SALT	"71ScTMTyaagAnxKLnoO5sO"

/* A denylist file larger than this is refused at start. */
#define DENYLIST_MAX	(256L << 20)

/* The common passwords in use: NULL means the built-in list. */
static const char *const	*deny;
static size_t			 ndeny;
static char			*denytext;	/* the file; deny points in */

/* Hash pw at the given cost into out.  Returns 1, or -1 (logged). */
int
pw_hash(const char *pw, long cost, char out[HASH_MAX])
{
	char			 salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data	*cd;
	int			 rc = -1;

	/* crypt_data is 32 KiB: too big for a FastCGI stack frame. */
	if ((cd = calloc(1, sizeof(*cd))) == NULL) {
		LOG("calloc");
		return -1;
	}
	if (crypt_gensalt_rn("$2b$", (unsigned long)cost, NULL, 0, salt,
	    sizeof(salt)) == NULL)
		LOG("crypt_gensalt_rn: cost %ld refused", cost);
	else if (crypt_rn(pw, salt, cd, sizeof(*cd)) == NULL ||
	    strlen(cd->output) >= HASH_MAX)
		LOG("crypt_rn failed");
	else {
		strcpy(out, cd->output);
		rc = 1;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return rc;
}

/*
 * Check pw against a stored hash in constant time.  With stored NULL
 * (no such account) the same work is done against a dummy hash at the
 * configured cost, so timing does not tell which accounts exist.
 * Passwords longer than bcrypt's 72 bytes never match: bcrypt would
 * compare only their first 72.
 * Returns 1 on a match, 0 otherwise.
 */
int
pw_verify(const char *pw, const char *stored)
{
	char			 dummy[64];
	struct crypt_data	*cd;
	size_t			 len;
	int			 ok = 0;

	if (stored == NULL || strlen(pw) > PASSWORD_MAX) {
		snprintf(dummy, sizeof(dummy), "$2b$%02ld$%s",
		    cfg->bcrypt_cost, DUMMY_SALT);
		stored = dummy;
		pw = "";
	}
	if ((cd = calloc(1, sizeof(*cd))) == NULL) {
		LOG("calloc");
		return 0;
	}
	if (crypt_rn(pw, stored, cd, sizeof(*cd)) != NULL) {
		len = strlen(stored);
		ok = stored != dummy && strlen(cd->output) == len &&
		    util_equal(cd->output, stored, len);
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

/* The cost of a stored "$2b$NN$..." hash, or -1 if it is not one. */
int
pw_cost(const char *stored)
{

	if (strncmp(stored, "$2b$", 4) != 0 ||
	    stored[4] < '0' || stored[4] > '9' ||
	    stored[5] < '0' || stored[5] > '9' || stored[6] != '$')
		return -1;
	return (stored[4] - '0') * 10 + (stored[5] - '0');
}

/* strcmp(3) for qsort(3) and bsearch(3) over arrays of strings. */
static int
compare(const void *a, const void *b)
{

	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* strcmp(3) of a key and an entry of the built-in list, for bsearch(3). */
static int
compare_builtin(const void *key, const void *offset)
{

	return strcmp(key, pw_denylist_text + *(const uint32_t *)offset);
}

/* The byte c with an ASCII capital made small; others as they are. */
static unsigned char
fold(char c)
{

	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') :
	    (unsigned char)c;
}

/* Lower-case the ASCII letters of s: the list ignores case. */
static void
lower(char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		s[i] = (char)fold(s[i]);
}

/* Write one "AUTH_PASSWORD_DENYLIST: ..." line into err; returns -1. */
static int
deny_fail(char *err, size_t errsz, const char *path, const char *why)
{

	snprintf(err, errsz, "AUTH_PASSWORD_DENYLIST: %s: %s", path, why);
	pw_denylist_free();
	return -1;
}

/*
 * Split the file's text into its entries: one a line, CR LF or LF,
 * lines starting with "#" and empty ones skipped, lower-cased, those
 * over 72 bytes (never a valid password) or holding a NUL dropped.
 * Then sort them and drop duplicates.  Returns 1 or -1 (no memory).
 */
static int
deny_split(size_t len)
{
	const char	**list;
	char		*line, *nl, *end = denytext + len;
	size_t		 n, lines = 1, i, j;

	for (line = denytext; (line = memchr(line, '\n',
	    (size_t)(end - line))) != NULL; line++)
		lines++;
	if ((list = calloc(lines, sizeof(*list))) == NULL)
		return -1;
	for (line = denytext; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		*nl = '\0';
		n = (size_t)(nl - line);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n == 0 || n > PASSWORD_MAX || line[0] == '#' ||
		    strlen(line) != n)
			continue;
		lower(line, n);
		list[ndeny++] = line;
	}
	qsort(list, ndeny, sizeof(*list), compare);
	for (i = j = 0; i < ndeny; i++)
		if (j == 0 || strcmp(list[j - 1], list[i]) != 0)
			list[j++] = list[i];
	ndeny = j;
	deny = list;
	return 1;
}

/*
 * Use the common passwords in the file at path instead of the built-in
 * list; NULL keeps the built-in one.  Called once at start.
 * A file without entries turns the check off.
 * Returns 1, or -1 with one line in err naming the file and the fault.
 */
int
pw_denylist_load(const char *path, char *err, size_t errsz)
{
	struct stat	 st;
	const char	*why = NULL;
	size_t		 len = 0;
	ssize_t		 n = 0;
	int		 fd;

	pw_denylist_free();
	if (path == NULL)
		return 1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return deny_fail(err, errsz, path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_size > DENYLIST_MAX)
		why = "larger than 256 MiB";
	else if ((denytext = malloc((size_t)st.st_size + 1)) == NULL)
		why = "out of memory";
	else {
		while (len < (size_t)st.st_size && (n = read(fd,
		    denytext + len, (size_t)st.st_size - len)) > 0)
			len += (size_t)n;
		if (n == -1)
			why = strerror(errno);
	}
	close(fd);
	if (why != NULL)
		return deny_fail(err, errsz, path, why);
	denytext[len] = '\0';
	if (deny_split(len) == -1)
		return deny_fail(err, errsz, path, "out of memory");
	return 1;
}

/* Go back to the built-in list; safe to call more than once. */
void
pw_denylist_free(void)
{

	free((void *)deny);
	free(denytext);
	deny = NULL;
	denytext = NULL;
	ndeny = 0;
}

/* How many common passwords the policy refuses. */
size_t
pw_denylist_size(void)
{

	return deny != NULL ? ndeny : pw_denylist_builtin_count;
}

/*
 * Is the password of len bytes on the list of common passwords,
 * ignoring the case of ASCII letters?  Returns 1 if so, else 0.
 */
int
pw_common(const char *pw, size_t len)
{
	char		 buf[PASSWORD_MAX + 1];
	const char	*key = buf;
	int		 found;

	if (len > PASSWORD_MAX || memchr(pw, '\0', len) != NULL)
		return 0;
	memcpy(buf, pw, len);
	buf[len] = '\0';
	lower(buf, len);
	if (deny != NULL)
		found = bsearch(&key, deny, ndeny, sizeof(*deny),
		    compare) != NULL;
	else
		found = bsearch(buf, pw_denylist_offsets,
		    pw_denylist_builtin_count, sizeof(*pw_denylist_offsets),
		    compare_builtin) != NULL;
	explicit_bzero(buf, sizeof(buf));
	return found;
}

/*
 * Check a new password of len bytes against the policy: at least
 * AUTH_PASSWORD_MIN characters, at most 72 bytes, no NUL, not one of
 * the common passwords.  Returns NULL if it passes, or why not.
 */
const char *
pw_policy(const char *pw, size_t len)
{
	static char	 why[64];
	size_t		 i, chars = 0;

	if (memchr(pw, '\0', len) != NULL)
		return "must not contain a NUL byte";
	if (len > PASSWORD_MAX)
		return "must be at most 72 bytes";
	/* Count UTF-8 characters: every byte that does not continue one. */
	for (i = 0; i < len; i++)
		if (((unsigned char)pw[i] & 0xc0) != 0x80)
			chars++;
	if (chars < (size_t)cfg->password_min) {
		snprintf(why, sizeof(why), "must be at least %ld characters",
		    cfg->password_min);
		return why;
	}
	if (pw_common(pw, len))
		return "is too common";
	return NULL;
}

/*
 * Are the len bytes at pw the n bytes at s, ignoring the case of ASCII
 * letters?  pw is read where it lies, so no copy of it is made, and to
 * the end, so the time taken does not tell how much of it matched.
 * Returns 1 if so, else 0.
 */
static int
same(const char *pw, size_t len, const char *s, size_t n)
{
	unsigned char	 diff = 0;
	size_t		 i;

	if (len != n || n == 0)
		return 0;
	for (i = 0; i < len; i++)
		diff |= fold(pw[i]) ^ fold(s[i]);
	return diff == 0;
}

/*
 * Check a new password of len bytes against the account it is for: it
 * must not be the email address, the part of it before its last '@'
 * (a quoted local part may hold an '@', a domain never does), nor the
 * username, ignoring the case of ASCII letters: those are the first
 * guesses of anyone who knows the account.  email and username may be
 * NULL or empty, which match nothing.  Passwords that merely contain
 * them pass.  Returns NULL if it passes, or why not.
 */
const char *
pw_personal(const char *pw, size_t len, const char *email,
    const char *username)
{
	const char	*at;
	int		 hit = 0;

	/* Do the address and its local part. */
	if (email != NULL) {
		hit = same(pw, len, email, strlen(email));
		if ((at = strrchr(email, '@')) != NULL)
			hit |= same(pw, len, email, (size_t)(at - email));
	}

	/* Do the username. */
	if (username != NULL)
		hit |= same(pw, len, username, strlen(username));
	return hit ? "must not be your email address or username" : NULL;
}
