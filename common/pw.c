/*
 * Passwords: bcrypt ($2b$) through libxcrypt's crypt_gensalt_rn() and
 * crypt_rn(), and the policy every new password must meet.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "pw.h"
#include "util.h"

/*
 * A valid bcrypt salt, used to spend the same time on an unknown
 * account as on a known one.  Only the cost is filled in at run time.
 */
#define DUMMY_SALT	"71ScTMTyaagAnxKLnoO5sO"

/* Hash pw at the given cost into out.  Returns 0, or -1 (logged). */
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
		rc = 0;
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

/*
 * Check a new password of len bytes against the policy: at least
 * AUTH_PASSWORD_MIN characters, at most 72 bytes, no NUL.
 * Returns NULL if it passes, or why not.
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
	return NULL;
}
