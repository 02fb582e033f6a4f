/*
 * Access tokens, RFC 9068 JWTs: written and signed here, with the key
 * set's signing key (ES256, EdDSA, RS256; jwk.c) or under HS256 with
 * the key derived for it, and checked here: the exact header of one
 * key of the set, the signature, and every claim.  Neither libjwt nor
 * a JSON library is used: the header must be byte for byte one we
 * write, and claims.c reads the claims in place.  An asymmetric
 * signature costs tens of microseconds to verify, so each process
 * remembers the tokens it verified (sigcache[]).  Refresh tokens are
 * 256 random bits, kept only as their SHA-256.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "claims.h"
#include "config.h"
#include "jwk.h"
#include "keys.h"
#include "keyset.h"
#include "token.h"
#include "util.h"

/*
 * The one header of HS256 tokens, {"alg":"HS256","typ":"at+jwt"}, in
 * base64url.  A token must carry exactly it: that pins the algorithm
 * and the type, and refuses every other header ("none", HS384/HS512,
 * RS/HS confusion, "kid", "jku", "crit" ...) without parsing anything.
 * Under the key set, each key's header is its own (jwk.c).
 */
#define HEADER_B64	"eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9"

/* HMAC-SHA256 in unpadded base64url: 43 characters. */
#define SIG_B64_LEN	43

/*
 * Verified tokens remembered per process, ES256, EdDSA and RS256 only:
 * direct-mapped by the SHA-256 of the whole token, holding the claims
 * as verified.  A hit still checks expiry; the session is still read
 * by the caller.  A change of the key set (keyset_generation())
 * empties it.  Entries are only ever made by tokens whose signature
 * and claims verified, so an attacker cannot fill it.
 */
#define SIGCACHE	512

static struct cached {
	unsigned char	 hash[SHA256_LEN];	/* all zero: empty */
	struct claims	 c;
} sigcache[SIGCACHE];
static unsigned int	 sigcache_gen;

/*
 * Append the JSON string s, escaped (RFC 8259: quote, backslash and
 * control characters), to out (size bytes, *n used).  Returns 1, or 0
 * when it does not fit.
 */
static int
put_string(char *out, size_t size, size_t *n, const char *s)
{
	unsigned char	 c;

	if (*n + 1 >= size)
		return 0;
	out[(*n)++] = '"';
	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (*n + 7 >= size)
			return 0;
		if (c == '"' || c == '\\') {
			out[(*n)++] = '\\';
			out[(*n)++] = (char)c;
		} else if (c < 0x20)
			*n += (size_t)snprintf(out + *n, size - *n, "\\u%04x", c);
		else
			out[(*n)++] = (char)c;
	}
	out[(*n)++] = '"';
	return 1;
}

/* Append text (printf-style) to out.  Returns 1, or 0 if it does not fit. */
static int
put(char *out, size_t size, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
put(char *out, size_t size, size_t *n, const char *fmt, ...)
{
	va_list	 ap;
	int	 k;

	va_start(ap, fmt);
	k = vsnprintf(out + *n, size - *n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= size - *n)
		return 0;
	*n += (size_t)k;
	return 1;
}

/* amr, "pwd otp", as the JSON array ["pwd","otp"]. */
static int
put_amr(char *out, size_t size, size_t *n, const char *amr)
{
	char	 one[AMR_MAX + 1];
	size_t	 len;
	int	 first = 1;

	if (!put(out, size, n, "["))
		return 0;
	while (*(amr += strspn(amr, " ")) != '\0') {
		len = strcspn(amr, " ");
		if (len > AMR_MAX)
			return 0;
		memcpy(one, amr, len);
		one[len] = '\0';
		if ((!first && !put(out, size, n, ",")) ||
		    !put_string(out, size, n, one))
			return 0;
		first = 0;
		amr += len;
	}
	return !first && put(out, size, n, "]");
}

/*
 * The claims of an access token for g, as JSON into out (size bytes).
 * Returns their length, or 0 if they do not fit.
 */
static size_t
payload(const struct grant *g, char *out, size_t size)
{
	unsigned char	 raw[16];
	char		 jti[2 * sizeof(raw) + 1];
	int64_t		 now = util_now();
	size_t		 n = 0;

	if (util_random(raw, sizeof(raw)) == -1)
		return 0;
	util_hex(raw, sizeof(raw), jti);
	if (!put(out, size, &n, "{\"iss\":") ||
	    !put_string(out, size, &n, cfg->issuer) ||
	    !put(out, size, &n, ",\"aud\":") ||
	    !put_string(out, size, &n, cfg->audience) ||
	    !put(out, size, &n, ",\"sub\":\"%lld\",\"sid\":%lld,\"jti\":\"%s\","
	    "\"role\":", (long long)g->uid, (long long)g->sid, jti) ||
	    !put_string(out, size, &n, g->role) ||
	    !put(out, size, &n, ",\"iat\":%lld,\"exp\":%lld,\"auth_time\":%lld,"
	    "\"amr\":", (long long)now, (long long)(now + cfg->access_ttl),
	    (long long)g->auth_time) ||
	    !put_amr(out, size, &n, g->amr) ||
	    (g->fgp != NULL && (!put(out, size, &n, ",\"fgp\":") ||
	    !put_string(out, size, &n, g->fgp))) ||
	    !put(out, size, &n, "}"))
		return 0;
	return n;
}

/*
 * Sign an access token for g.  Returns 1 with *out set (the caller
 * frees it), or -1 (logged).
 */
int
token_access_issue(const struct grant *g, char **out)
{
	const struct jwk	*k = NULL;
	unsigned char		 mac[SHA256_LEN];
	char			 json[TOKEN_MAX], *t;
	const char		*header = HEADER_B64;
	size_t			 jlen, n;

	*out = NULL;
	if (cfg->jwt_alg != ALG_HS256) {
		if ((k = keyset_signer()) == NULL)
			return -1;
		header = k->header;
	}
	if ((jlen = payload(g, json, sizeof(json))) == 0 ||
	    strlen(header) + 1 + (jlen * 4 + 2) / 3 + 1 + SIG_B64_MAX >
	    TOKEN_MAX || (t = malloc(TOKEN_MAX + 1)) == NULL) {
		LOG("cannot build a token");
		return -1;
	}
	n = (size_t)snprintf(t, TOKEN_MAX, "%s.", header);
	n += util_base64url((const unsigned char *)json, jlen, t + n);
	if (k == NULL) {
		keys_hmac(KEY_JWT, t, n, mac);
		t[n++] = '.';
		util_base64url(mac, sizeof(mac), t + n);
	} else if (jwk_sign(k, t, n, t + n + 1, TOKEN_MAX - n - 1) == -1) {
		free(t);
		return -1;
	} else
		t[n] = '.';
	*out = t;
	return 1;
}

/*
 * The HMAC keyed with the HS256 key, made once per process
 * (token_free() drops it): its pads are hashed once, so each request
 * only reinitialises it.
 */
static EVP_MAC_CTX	*mac;

/* Drop the keyed HMAC and the remembered tokens; as a program stops. */
void
token_free(void)
{

	EVP_MAC_CTX_free(mac);
	mac = NULL;
	explicit_bzero(sigcache, sizeof(sigcache));
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
 * HS256 key?  The expected signature is encoded and compared as text
 * in constant time, so only the one canonical encoding passes.
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

/* A string claim that must be there and equal want. */
static int
equals(const struct claim_value *v, const char *want)
{

	return v->type == V_STRING && strcmp(v->str, want) == 0;
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
 * issuer, for our audience, issued in the past, not yet expired and
 * not living longer than AUTH_ACCESS_TTL, not "nbf" in the future, an
 * auth_time and amr as we write them, a numeric sub and sid, and a
 * fingerprint, if any, that is a SHA-256 in hex.
 * Returns 1 and fills c, or 0.
 */
static int
claims_check(const struct claim_value v[CLAIM__MAX], struct claims *c)
{
	const struct claim_value	*sub = &v[CLAIM_SUB], *fgp = &v[CLAIM_FGP];
	int64_t			 now = util_now(), nbf, at;

	if (!equals(&v[CLAIM_ISS], cfg->issuer) ||
	    !equals(&v[CLAIM_AUD], cfg->audience))
		return 0;
	if (!positive(&v[CLAIM_EXP], &c->exp) || c->exp <= now ||
	    c->exp > now + cfg->access_ttl + CLOCK_SKEW)
		return 0;
	if (!positive(&v[CLAIM_IAT], &c->iat) || c->iat > now + CLOCK_SKEW)
		return 0;
	if (v[CLAIM_NBF].type != V_ABSENT &&
	    (!positive(&v[CLAIM_NBF], &nbf) || nbf > now + CLOCK_SKEW))
		return 0;
	if (!positive(&v[CLAIM_AUTH_TIME], &at) || at > now + CLOCK_SKEW ||
	    v[CLAIM_AMR].type != V_ARRAY)
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

/* Decode and check the claims of payload (len bytes).  1 or 0. */
static int
read_claims(const char *payload, size_t len, struct claims *c)
{
	char			 json[TOKEN_MAX];
	struct claim_value	 v[CLAIM__MAX];
	long			 n;

	n = util_base64url_decode(payload, len, (unsigned char *)json);
	if (n <= 0 || !claims_read(json, (size_t)n, v) || !claims_check(v, c)) {
		memset(c, 0, sizeof(*c));
		return 0;
	}
	return 1;
}

/* The remembered token of hash h, or NULL; emptied on a new key set. */
static struct cached *
remembered(const unsigned char h[SHA256_LEN])
{
	unsigned int	 gen = keyset_generation();

	if (gen != sigcache_gen) {
		explicit_bzero(sigcache, sizeof(sigcache));
		sigcache_gen = gen;
	}
	return &sigcache[((unsigned int)h[0] << 8 | h[1]) % SIGCACHE];
}

/*
 * Verify a token under the key set: the key whose exact header it
 * carries, its signature, its claims, and an iat within the time the
 * key signed (CLOCK_SKEW either side).  A token verified before (the
 * same bytes, by SHA-256) only has its expiry checked again.
 */
static int
verify_signed(const char *token, size_t hlen, const char *payload,
    const char *sig, struct claims *c)
{
	const struct jwk	*k;
	unsigned char		 h[SHA256_LEN];
	struct cached		*e;
	int64_t			 from, retired;

	util_sha256(token, strlen(token), h);
	e = remembered(h);
	if (util_equal(e->hash, h, SHA256_LEN)) {
		*c = e->c;
		return c->exp > util_now();
	}
	if ((k = keyset_key(token, hlen, &from, &retired)) == NULL ||
	    !jwk_verify(k, token, (size_t)(sig - 1 - token), sig, strlen(sig)) ||
	    !read_claims(payload, (size_t)(sig - 1 - payload), c))
		return 0;
	if (c->iat + CLOCK_SKEW < from ||
	    (retired != 0 && c->iat > retired + CLOCK_SKEW))
		return 0;
	memcpy(e->hash, h, SHA256_LEN);
	e->c = *c;
	return 1;
}

/*
 * Verify an access token: well formed, with exactly the header of a
 * key of the set (or HEADER_B64 under HS256), its signature, and
 * claims that pass claims_check().  Returns 1 and fills c, or 0.
 */
int
token_access_verify(const char *token, struct claims *c)
{
	const char	*payload, *sig;
	size_t		 hlen;
	int		 ok;

	memset(c, 0, sizeof(*c));
	if (token == NULL || !well_formed(token))
		return 0;
	hlen = strcspn(token, ".");
	payload = token + hlen + 1;
	sig = strchr(payload, '.') + 1;
	if (cfg->jwt_alg != ALG_HS256)
		ok = verify_signed(token, hlen, payload, sig, c);
	else
		ok = hlen == sizeof(HEADER_B64) - 1 &&
		    memcmp(token, HEADER_B64, hlen) == 0 &&
		    signed_by_us(token, (size_t)(sig - 1 - token), sig,
		    strlen(sig)) &&
		    read_claims(payload, (size_t)(sig - 1 - payload), c);
	if (!ok)
		memset(c, 0, sizeof(*c));
	return ok;
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
