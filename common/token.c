/*
 * Tokens.  Access tokens are HS256 JWTs, made with libjwt 1.10 and
 * checked here: the header, the signature (OpenSSL's HMAC) and every
 * claim.  Refresh tokens are 256 random bits,
 * kept only as their SHA-256.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "claims.h"
#include "config.h"
#include "keys.h"
#include "token.h"
#include "util.h"

/* Tolerated clock difference for iat and nbf, in seconds. */
#define CLOCK_SKEW	60

/*
 * Sign an access token for user uid in session sid.  fgp, when not
 * NULL, is the hex SHA-256 of the browser's fingerprint cookie.
 * Returns 1 with *out set (the caller frees it), or -1 (logged).
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
	    jwt_set_alg(jwt, JWT_ALG_HS256, keys_get(KEY_JWT), KEY_LEN) != 0)
		LOG("jwt: cannot build token");
	else if ((*out = jwt_encode_str(jwt)) == NULL)
		LOG("jwt_encode_str failed");
	else
		rc = 1;
	jwt_free(jwt);
	return rc;
}

/*
 * The header token_access_issue() writes, {"alg":"HS256","typ":"JWT"}
 * as libjwt 1.10 serialises it (sorted keys, no spaces), in base64url.
 * A token must carry exactly this header: that pins the algorithm and
 * the type, and refuses every other header ("none", HS384/HS512, RS/HS
 * confusion, "kid", "jku", "crit" ...) without parsing anything.
 */
#define HEADER_B64	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"

/* HMAC-SHA256 in unpadded base64url: 43 characters. */
#define SIG_B64_LEN	43

/*
 * The HMAC keyed with the signing key, made once per process
 * (token_free() drops it): its pads are hashed once, so each request
 * only reinitialises it, where libjwt's jwt_decode() would fetch the
 * digest, key the HMAC and parse with jansson every time.
 */
static EVP_MAC_CTX	*mac;

/* Drop the keyed HMAC; a program calls it as it stops. */
void
token_free(void)
{

	EVP_MAC_CTX_free(mac);
	mac = NULL;
}

/* Make the keyed HMAC if not yet made.  Returns 1 or -1 (logged). */
static int
verifier(void)
{
	static char	 digest[] = "SHA256";	/* OSSL_PARAM wants char * */
	EVP_MAC		*hmac;
	OSSL_PARAM	 params[2];

	if (mac != NULL)
		return 1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((hmac = EVP_MAC_fetch(NULL, "HMAC", NULL)) != NULL)
		mac = EVP_MAC_CTX_new(hmac);
	EVP_MAC_free(hmac);	/* the context keeps its own reference */
	if (mac == NULL || EVP_MAC_init(mac, keys_get(KEY_JWT), KEY_LEN,
	    params) != 1) {
		LOG("cannot set up token verification");
		token_free();
		return -1;
	}
	return 1;
}

/*
 * Does sig (len bytes of base64url) sign data (dlen bytes) under the
 * secret?  The expected signature is encoded and compared as text in
 * constant time, so only the one canonical encoding passes.
 */
static int
signed_by_us(const char *data, size_t dlen, const char *sig, size_t len)
{
	unsigned char	 md[SHA256_LEN];
	char		 want[SIG_B64_LEN + 2];
	size_t		 mdlen = 0;

	if (len != SIG_B64_LEN || verifier() == -1)
		return 0;
	/* A NULL key reuses the one set in verifier(). */
	if (EVP_MAC_init(mac, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(mac, (const unsigned char *)data, dlen) != 1 ||
	    EVP_MAC_final(mac, md, &mdlen, sizeof(md)) != 1 ||
	    mdlen != sizeof(md)) {
		LOG("HMAC failed");
		return 0;
	}
	util_base64url(md, sizeof(md), want);
	return util_equal(want, sig, SIG_B64_LEN);
}

/* An integer claim that must be there and be positive. */
static int
positive(const struct claim_value *v, int64_t *out)
{

	if (v->type != V_INT || v->num <= 0)
		return 0;
	*out = v->num;
	return 1;
}

/* Only the characters of a compact JWS, and exactly two dots. */
static int
well_formed(const char *token)
{
	size_t	 len = strspn(token, B64URL_CHARS ".");
	size_t	 dots = 0;
	const char *p;

	if (len == 0 || len > TOKEN_MAX || token[len] != '\0')
		return 0;
	for (p = token; (p = strchr(p, '.')) != NULL; p++)
		dots++;
	return dots == 2;
}

/*
 * Check the claims of a token whose signature verified: from our
 * issuer, issued in the past, not yet expired and not living longer
 * than AUTH_ACCESS_TTL, not "nbf" in the future, with a numeric sub and
 * sid, and a fingerprint, if any, that is a SHA-256 in hex.
 * Returns 1 and fills c, or 0.
 */
static int
claims_check(const struct claim_value v[CLAIM__MAX], struct claims *c)
{
	const struct claim_value	*sub = &v[CLAIM_SUB], *fgp = &v[CLAIM_FGP];
	int64_t			 now = util_now(), iat, nbf;

	if (v[CLAIM_ISS].type != V_STRING ||
	    strcmp(v[CLAIM_ISS].str, cfg->issuer) != 0)
		return 0;
	if (!positive(&v[CLAIM_EXP], &c->exp) || c->exp <= now ||
	    c->exp > now + cfg->access_ttl + CLOCK_SKEW)
		return 0;
	if (!positive(&v[CLAIM_IAT], &iat) || iat > now + CLOCK_SKEW)
		return 0;
	if (v[CLAIM_NBF].type != V_ABSENT &&
	    (!positive(&v[CLAIM_NBF], &nbf) || nbf > now + CLOCK_SKEW))
		return 0;
	if (sub->type != V_STRING ||
	    !util_parse_id(sub->str, strlen(sub->str), &c->uid))
		return 0;
	if (!positive(&v[CLAIM_SID], &c->sid))
		return 0;
	if (fgp->type != V_ABSENT) {
		if (fgp->type != V_STRING || strlen(fgp->str) != 2 * SHA256_LEN)
			return 0;
		memcpy(c->fgp, fgp->str, 2 * SHA256_LEN + 1);
	}
	return 1;
}

/*
 * Verify an access token: well formed, with exactly the header we
 * issue (HEADER_B64), HMAC-SHA256 signed with the configured key, and
 * claims that pass claims_check().  libjwt 1.10 is not used here: it
 * checks only the signature, under whatever algorithm the header
 * names, and allocates for every part; nor is json-c, where seven
 * claims are all that is read (claims.c reads them in place).
 * Returns 1 and fills c, or 0.
 */
int
token_access_verify(const char *token, struct claims *c)
{
	char		 json[TOKEN_MAX];
	struct claim_value	 v[CLAIM__MAX];
	const char	*payload, *sig;
	size_t		 hlen = sizeof(HEADER_B64) - 1;
	long		 n;

	memset(c, 0, sizeof(*c));
	if (token == NULL || !well_formed(token) ||
	    strncmp(token, HEADER_B64 ".", hlen + 1) != 0)
		return 0;
	payload = token + hlen + 1;
	sig = strchr(payload, '.') + 1;
	if (!signed_by_us(token, (size_t)(sig - 1 - token), sig, strlen(sig)))
		return 0;
	n = util_base64url_decode(payload, (size_t)(sig - 1 - payload),
	    (unsigned char *)json);
	if (n <= 0 || !claims_read(json, (size_t)n, v) ||
	    !claims_check(v, c)) {
		memset(c, 0, sizeof(*c));
		return 0;
	}
	return 1;
}

/*
 * Make a new opaque token (a refresh token, a mailed token): raw gets
 * its 256 random bits, out their base64url text.  Returns 1, or -1
 * (logged).
 */
int
token_random(unsigned char raw[REFRESH_RAW], char out[REFRESH_LEN + 1])
{

	if (util_random(raw, REFRESH_RAW) == -1)
		return -1;
	util_base64url(raw, REFRESH_RAW, out);
	return 1;
}

/*
 * Could token be one of the opaque tokens token_random() makes (the
 * length and alphabet)?  Returns 1 or 0.
 */
int
token_opaque(const char *token)
{

	return token != NULL && strlen(token) == REFRESH_LEN &&
	    strspn(token, B64URL_CHARS) == REFRESH_LEN;
}

/*
 * Hash a presented refresh token for lookup.  Returns 1, or 0 if it
 * cannot be one of ours, unhashed.
 */
int
token_refresh_hash(const char *token, unsigned char out[SHA256_LEN])
{

	if (!token_opaque(token))
		return 0;
	util_sha256(token, REFRESH_LEN, out);
	return 1;
}

/*
 * The pad for sealing: an HMAC of the old token under the seal's own
 * key, so that neither the database alone nor the old token alone
 * recovers the successor.
 */
static void
seal_pad(const char *old, unsigned char pad[SHA256_LEN])
{

	keys_hmac(KEY_SEAL, old, strlen(old), pad);
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
