/*
 * Tokens.  Access tokens are HS256 JWTs made and checked with libjwt
 * 1.10, which verifies only the signature, and that with whatever
 * algorithm the header names: the algorithm, type, issuer, expiry and
 * every claim are checked here.  Refresh tokens are 256 random bits,
 * kept only as their SHA-256.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>

#include "config.h"
#include "token.h"
#include "util.h"

/* Tolerated clock difference for iat and nbf, in seconds. */
#define CLOCK_SKEW	60

/* Domain separation for the pad that seals a rotated token's successor. */
#define SEAL_CONTEXT	"fcgi-auth refresh grace v1"

/*
 * Sign an access token for user uid in session sid.  fgp, when not
 * NULL, is the hex SHA-256 of the browser's fingerprint cookie.
 * Returns 0 with *out set (the caller frees it), or -1 (logged).
 */
int
token_access_issue(int64_t uid, int64_t sid, const char *role,
    const char *fgp, char **out)
{
	jwt_t		*jwt = NULL;
	unsigned char	 raw[16];
	char		 sub[24], jti[2 * sizeof(raw) + 1];
	int64_t		 now = util_now();
	int		 rc = -1;

	*out = NULL;
	snprintf(sub, sizeof(sub), "%lld", (long long)uid);
	if (util_random(raw, sizeof(raw)) == -1)
		return -1;
	util_hex(raw, sizeof(raw), jti);

	if (jwt_new(&jwt) != 0 ||
	    jwt_add_grant(jwt, "iss", cfg->issuer) != 0 ||
	    jwt_add_grant(jwt, "sub", sub) != 0 ||
	    jwt_add_grant_int(jwt, "sid", (long)sid) != 0 ||
	    jwt_add_grant(jwt, "jti", jti) != 0 ||
	    jwt_add_grant(jwt, "role", role) != 0 ||
	    jwt_add_grant_int(jwt, "iat", (long)now) != 0 ||
	    jwt_add_grant_int(jwt, "exp", (long)(now + cfg->access_ttl)) != 0 ||
	    (fgp != NULL && jwt_add_grant(jwt, "fgp", fgp) != 0) ||
	    jwt_set_alg(jwt, JWT_ALG_HS256, cfg->jwt_secret,
	    (int)cfg->jwt_secret_len) != 0)
		LOG("jwt: cannot build token");
	else if ((*out = jwt_encode_str(jwt)) == NULL)
		LOG("jwt_encode_str failed");
	else
		rc = 0;
	jwt_free(jwt);
	return rc;
}

/*
 * An integer claim that must be present.  libjwt answers 0 with errno
 * unset for a claim of another type, so 0 and below are refused too.
 */
static int
claim_int(jwt_t *jwt, const char *name, int64_t *out)
{
	long	 v;

	errno = 0;
	v = jwt_get_grant_int(jwt, name);
	if (errno != 0 || v <= 0)
		return 0;
	*out = v;
	return 1;
}

/* Only the characters of a compact JWS, and exactly two dots. */
static int
well_formed(const char *token)
{
	size_t	 len = strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_.");
	size_t	 dots = 0;
	const char *p;

	if (len == 0 || len > TOKEN_MAX || token[len] != '\0')
		return 0;
	for (p = token; (p = strchr(p, '.')) != NULL; p++)
		dots++;
	return dots == 2;
}

/*
 * Verify an access token: well formed, signed with the configured key
 * under HS256 (any other "alg" is refused, which blocks "none", the
 * HS384/HS512 swap and RS/HS confusion), typed JWT, from our issuer,
 * issued in the past, not yet expired and not living longer than
 * AUTH_ACCESS_TTL, not "nbf" in the future, with a numeric sub and sid.
 * Returns 1 and fills claims, or 0.
 */
int
token_access_verify(const char *token, struct claims *c)
{
	jwt_t		*jwt = NULL;
	const char	*v;
	int64_t		 now = util_now(), iat, nbf;
	int		 ok = 0;

	memset(c, 0, sizeof(*c));
	if (token == NULL || !well_formed(token))
		return 0;
	/* The secret is never empty (config.c), so the signature counts. */
	if (jwt_decode(&jwt, token, cfg->jwt_secret,
	    (int)cfg->jwt_secret_len) != 0 || jwt == NULL)
		goto out;
	if (jwt_get_alg(jwt) != JWT_ALG_HS256)
		goto out;
	if ((v = jwt_get_header(jwt, "typ")) == NULL || strcmp(v, "JWT"))
		goto out;
	if ((v = jwt_get_grant(jwt, "iss")) == NULL || strcmp(v, cfg->issuer))
		goto out;
	if (!claim_int(jwt, "exp", &c->exp) || c->exp <= now ||
	    c->exp > now + cfg->access_ttl + CLOCK_SKEW)
		goto out;
	if (!claim_int(jwt, "iat", &iat) || iat > now + CLOCK_SKEW)
		goto out;
	/* An nbf that is there must be a number (libjwt reads others as 0). */
	errno = 0;
	nbf = jwt_get_grant_int(jwt, "nbf");
	if (errno != ENOENT &&
	    (errno != 0 || nbf <= 0 || nbf > now + CLOCK_SKEW))
		goto out;
	if ((v = jwt_get_grant(jwt, "sub")) == NULL ||
	    !util_parse_id(v, strlen(v), &c->uid))
		goto out;
	if (!claim_int(jwt, "sid", &c->sid))
		goto out;
	if ((v = jwt_get_grant(jwt, "fgp")) != NULL) {
		if (strlen(v) != 2 * SHA256_LEN)
			goto out;
		strcpy(c->fgp, v);
	}
	ok = 1;
out:
	jwt_free(jwt);
	return ok;
}

/*
 * Make a new refresh token: raw gets its 256 random bits, out their
 * base64url text.  Returns 0, or -1 (logged).
 */
int
token_refresh_new(unsigned char raw[REFRESH_RAW], char out[REFRESH_LEN + 1])
{

	if (util_random(raw, REFRESH_RAW) == -1)
		return -1;
	util_base64url(raw, REFRESH_RAW, out);
	return 0;
}

/*
 * Hash a presented refresh token for lookup.  Returns 1, or 0 if it
 * cannot be one of ours (wrong length or alphabet), unhashed.
 */
int
token_refresh_hash(const char *token, unsigned char out[SHA256_LEN])
{

	if (token == NULL || strlen(token) != REFRESH_LEN ||
	    strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_") != REFRESH_LEN)
		return 0;
	util_sha256(token, REFRESH_LEN, out);
	return 1;
}

/* The pad for sealing: SHA-256 of a context string and the old token. */
static void
seal_pad(const char *old, unsigned char pad[SHA256_LEN])
{
	char	 buf[sizeof(SEAL_CONTEXT) + REFRESH_LEN + 1];

	snprintf(buf, sizeof(buf), "%s:%s", SEAL_CONTEXT, old);
	util_sha256(buf, strlen(buf), pad);
	explicit_bzero(buf, sizeof(buf));
}

/*
 * Seal the successor (raw bits) of the token old, so that the database
 * alone reveals nothing, but whoever presents old can recover it.
 */
void
token_refresh_seal(const unsigned char next[REFRESH_RAW], const char *old,
    unsigned char sealed[REFRESH_RAW])
{
	unsigned char	 pad[SHA256_LEN];
	size_t		 i;

	seal_pad(old, pad);
	for (i = 0; i < REFRESH_RAW; i++)
		sealed[i] = next[i] ^ pad[i];
	explicit_bzero(pad, sizeof(pad));
}

/* Recover the successor of old from its sealed form, as text. */
void
token_refresh_unseal(const unsigned char sealed[REFRESH_RAW],
    const char *old, char out[REFRESH_LEN + 1])
{
	unsigned char	 raw[REFRESH_RAW];

	token_refresh_seal(sealed, old, raw);
	util_base64url(raw, REFRESH_RAW, out);
	explicit_bzero(raw, sizeof(raw));
}
