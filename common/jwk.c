/*
 * Signing keys for ES256, EdDSA and RS256 through OpenSSL's EVP
 * interface, for both signing and verifying: EdDSA is not in libjwt
 * 1.10, and one code path for every algorithm writes exactly the
 * header that verification requires, with the key parsed once per
 * process.  A JWS ES256 signature is the raw 32-byte r and s (RFC 7518
 * 3.4), not the DER that OpenSSL reads and writes: converted here both
 * ways.  A key's id is its RFC 7638 thumbprint, so the same key always
 * has the same kid, on every host that reads its file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "jwk.h"
#include "util.h"

#define EC_COORD	32	/* bytes of a P-256 coordinate, r or s */
#define ED25519_LEN	32

/* len bytes in base64url, in a new string; NULL when out of memory. */
static char *
b64_new(const unsigned char *raw, size_t len)
{
	char	*s;

	if ((s = malloc((len * 4 + 2) / 3 + 1)) != NULL)
		util_base64url(raw, len, s);
	return s;
}

/* A big number as base64url: fixed width when pad > 0, else minimal. */
static char *
bn_b64(const EVP_PKEY *pkey, const char *param, int pad)
{
	unsigned char	 buf[SIG_MAX];
	BIGNUM		*bn = NULL;
	char		*s = NULL;
	int		 n;

	if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1)
		return NULL;
	if (pad > 0)
		n = BN_bn2binpad(bn, buf, pad);
	else
		n = BN_num_bytes(bn) <= (int)sizeof(buf) ? BN_bn2bin(bn, buf) : -1;
	if (n > 0)
		s = b64_new(buf, (size_t)n);
	BN_free(bn);
	return s;
}

/* Does pkey fit alg (type, curve, size)?  Returns 1 or 0. */
static int
fits(enum alg alg, EVP_PKEY *pkey)
{
	char	 group[64];
	size_t	 len;
	int	 bits;

	switch (alg) {
	case ALG_ES256:
		return EVP_PKEY_is_a(pkey, "EC") &&
		    EVP_PKEY_get_utf8_string_param(pkey,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len) == 1 &&
		    (strcmp(group, "prime256v1") == 0 ||
		    strcmp(group, "P-256") == 0);
	case ALG_EDDSA:
		return EVP_PKEY_is_a(pkey, "ED25519");
	case ALG_RS256:
		bits = EVP_PKEY_get_bits(pkey);
		return EVP_PKEY_is_a(pkey, "RSA") && bits >= RSA_BITS &&
		    bits <= SIG_MAX * 8;
	default:
		return 0;
	}
}

/* The public members of k, in k->x, k->y or k->n, k->e.  1 or -1. */
static int
public_members(struct jwk *k)
{
	unsigned char	 raw[ED25519_LEN];
	size_t		 len = sizeof(raw);

	switch (k->alg) {
	case ALG_ES256:
		k->kty = "EC";
		k->crv = "P-256";
		k->x = bn_b64(k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, EC_COORD);
		k->y = bn_b64(k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, EC_COORD);
		return k->x != NULL && k->y != NULL ? 1 : -1;
	case ALG_EDDSA:
		k->kty = "OKP";
		k->crv = "Ed25519";
		if (EVP_PKEY_get_raw_public_key(k->pkey, raw, &len) != 1 ||
		    len != sizeof(raw))
			return -1;
		return (k->x = b64_new(raw, len)) != NULL ? 1 : -1;
	default:
		k->kty = "RSA";
		k->n = bn_b64(k->pkey, OSSL_PKEY_PARAM_RSA_N, 0);
		k->e = bn_b64(k->pkey, OSSL_PKEY_PARAM_RSA_E, 0);
		return k->n != NULL && k->e != NULL ? 1 : -1;
	}
}

/*
 * The RFC 7638 thumbprint of k's public members (required members
 * only, in lexicographic order, no spaces) as k->kid, and the header
 * its tokens carry, {"alg":A,"kid":K,"typ":"at+jwt"}, in base64url.
 * Returns 1 or -1.
 */
static int
names(struct jwk *k)
{
	unsigned char	 md[SHA256_LEN];
	char		*json = NULL;
	int		 n;

	if (k->alg == ALG_RS256)
		n = asprintf(&json, "{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}",
		    k->e, k->n);
	else if (k->alg == ALG_ES256)
		n = asprintf(&json, "{\"crv\":\"P-256\",\"kty\":\"EC\","
		    "\"x\":\"%s\",\"y\":\"%s\"}", k->x, k->y);
	else
		n = asprintf(&json, "{\"crv\":\"Ed25519\",\"kty\":\"OKP\","
		    "\"x\":\"%s\"}", k->x);
	if (n < 0)
		return -1;
	util_sha256(json, (size_t)n, md);
	free(json);
	util_base64url(md, sizeof(md), k->kid);
	if ((n = asprintf(&json, "{\"alg\":\"%s\",\"kid\":\"%s\","
	    "\"typ\":\"at+jwt\"}", config_alg_name(k->alg), k->kid)) < 0)
		return -1;
	k->header = b64_new((const unsigned char *)json, (size_t)n);
	free(json);
	if (k->header == NULL)
		return -1;
	k->headerlen = strlen(k->header);
	return 1;
}

/* Wrap pkey (owned from now on) as a key of alg.  Returns 1 or -1. */
static int
wrap(enum alg alg, EVP_PKEY *pkey, struct jwk **out)
{
	struct jwk	*k;

	*out = NULL;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		EVP_PKEY_free(pkey);
		return -1;
	}
	k->alg = alg;
	k->pkey = pkey;
	k->siglen = alg == ALG_RS256 ? (size_t)EVP_PKEY_get_size(pkey) :
	    2 * EC_COORD;
	if (public_members(k) == -1 || names(k) == -1) {
		LOG("cannot read a %s key", config_alg_name(alg));
		jwk_free(k);
		return -1;
	}
	*out = k;
	return 1;
}

/* Make a new key for alg.  Returns 1 with *out set, or -1 (logged). */
int
jwk_generate(enum alg alg, struct jwk **out)
{
	EVP_PKEY	*pkey = NULL;

	*out = NULL;
	if (alg == ALG_ES256)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else if (alg == ALG_EDDSA)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else if (alg == ALG_RS256)
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)RSA_BITS);
	if (pkey == NULL) {
		LOG("cannot make a %s key", config_alg_name(alg));
		return -1;
	}
	return wrap(alg, pkey, out);
}

/* The OpenSSL key type of alg's keys. */
static int
key_type(enum alg alg)
{

	return alg == ALG_ES256 ? EVP_PKEY_EC : alg == ALG_EDDSA ?
	    EVP_PKEY_ED25519 : EVP_PKEY_RSA;
}

/*
 * Read a private key of alg from len bytes of PEM: one unencrypted
 * PKCS#8 "PRIVATE KEY", as jwk_to_pem() writes it.  The PEM framing is
 * taken off here and the DER read as alg's key type only, rather than
 * by OpenSSL's generic decoders, which try every format and type (and
 * map a third of a megabyte more of libcrypto into every process).
 * Returns 1 with *out set, 0 if it is not such a key, -1 on error.
 */
int
jwk_from_pem(enum alg alg, const char *pem, size_t len, struct jwk **out)
{
	BIO		*bio;
	EVP_PKEY	*pkey = NULL;
	char		*name = NULL, *header = NULL;
	unsigned char	*der = NULL;
	const unsigned char *p;
	long		 n = 0;

	*out = NULL;
	if (len > INT32_MAX || (bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		return -1;
	if (PEM_read_bio(bio, &name, &header, &der, &n) == 1 &&
	    strcmp(name, PEM_STRING_PKCS8INF) == 0 && header[0] == '\0') {
		p = der;
		pkey = d2i_PrivateKey(key_type(alg), NULL, &p, n);
	}
	BIO_free(bio);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_clear_free(der, (size_t)n);
	if (pkey == NULL || !fits(alg, pkey)) {
		EVP_PKEY_free(pkey);
		return 0;
	}
	return wrap(alg, pkey, out);
}

/*
 * The private key as PKCS#8 PEM, in *pem (len bytes and a NUL; the
 * caller wipes and frees it).  Returns 1, or -1.
 */
int
jwk_to_pem(const struct jwk *k, char **pem, size_t *len)
{
	BIO	*bio;
	BUF_MEM	*bm = NULL;
	int	 rc = -1;

	*pem = NULL;
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return -1;
	if (PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL,
	    NULL) == 1 && BIO_get_mem_ptr(bio, &bm) == 1 &&
	    (*pem = malloc(bm->length + 1)) != NULL) {
		memcpy(*pem, bm->data, bm->length);
		(*pem)[bm->length] = '\0';
		*len = bm->length;
		rc = 1;
	}
	if (bm != NULL)
		OPENSSL_cleanse(bm->data, bm->max);
	BIO_free(bio);
	return rc;
}

/* Free a key; NULL is fine. */
void
jwk_free(struct jwk *k)
{

	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k->header);
	free(k->x);
	free(k->y);
	free(k->n);
	free(k->e);
	free(k);
}

/* The digest of alg's signatures: none (NULL) for EdDSA. */
static const EVP_MD *
digest(enum alg alg)
{

	return alg == ALG_EDDSA ? NULL : EVP_sha256();
}

/* An ECDSA signature from DER to JWS's r || s.  Returns 1 or -1. */
static int
der_to_raw(const unsigned char *der, size_t len, unsigned char *raw)
{
	ECDSA_SIG	*sig;
	const BIGNUM	*r, *s;
	int		 rc = -1;

	if ((sig = d2i_ECDSA_SIG(NULL, &der, (long)len)) == NULL)
		return -1;
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_bn2binpad(r, raw, EC_COORD) == EC_COORD &&
	    BN_bn2binpad(s, raw + EC_COORD, EC_COORD) == EC_COORD)
		rc = 1;
	ECDSA_SIG_free(sig);
	return rc;
}

/*
 * Sign len bytes of data with k; out (size bytes) gets the signature
 * in base64url.  Returns its length, or -1 (logged).
 */
int
jwk_sign(const struct jwk *k, const void *data, size_t len, char *out,
    size_t size)
{
	EVP_MD_CTX	*ctx;
	unsigned char	 sig[SIG_MAX + 16], raw[SIG_MAX];
	size_t		 n = sizeof(sig);
	int		 rc = -1;

	if (size < (k->siglen * 4 + 2) / 3 + 1 ||
	    (ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestSignInit(ctx, NULL, digest(k->alg), NULL, k->pkey) == 1 &&
	    EVP_DigestSign(ctx, sig, &n, data, len) == 1) {
		if (k->alg != ALG_ES256 && n == k->siglen)
			rc = (int)util_base64url(sig, n, out);
		else if (k->alg == ALG_ES256 && der_to_raw(sig, n, raw) == 1)
			rc = (int)util_base64url(raw, k->siglen, out);
	}
	if (rc == -1)
		LOG("cannot sign with key %s", k->kid);
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* JWS's r || s as DER, into der (at most 80 bytes).  Its length or -1. */
static int
raw_to_der(const unsigned char *raw, unsigned char der[80])
{
	ECDSA_SIG	*sig;
	BIGNUM		*r, *s;
	unsigned char	*p = der;
	int		 n = -1;

	r = BN_bin2bn(raw, EC_COORD, NULL);
	s = BN_bin2bn(raw + EC_COORD, EC_COORD, NULL);
	if ((sig = ECDSA_SIG_new()) == NULL || r == NULL || s == NULL ||
	    ECDSA_SIG_set0(sig, r, s) != 1) {
		BN_free(r);
		BN_free(s);
	} else if (i2d_ECDSA_SIG(sig, NULL) <= 80)
		n = i2d_ECDSA_SIG(sig, &p);
	ECDSA_SIG_free(sig);
	return n;
}

/*
 * Does sig (len characters of base64url, alphabet checked by the
 * caller) sign data (dlen bytes) under k?  Only the canonical encoding
 * of a signature of the key's exact length passes.  Returns 1 or 0.
 */
int
jwk_verify(const struct jwk *k, const void *data, size_t dlen,
    const char *sig, size_t len)
{
	EVP_MD_CTX	*ctx;
	unsigned char	 raw[SIG_MAX + 3], der[80];
	char		 again[SIG_B64_MAX];
	const unsigned char *s = raw;
	long		 n;
	int		 slen, rc = 0;

	if (len != (k->siglen * 4 + 2) / 3 ||
	    (n = util_base64url_decode(sig, len, raw)) != (long)k->siglen)
		return 0;
	util_base64url(raw, k->siglen, again);
	if (memcmp(again, sig, len) != 0)
		return 0;
	slen = (int)k->siglen;
	if (k->alg == ALG_ES256) {
		if ((slen = raw_to_der(raw, der)) <= 0)
			return 0;
		s = der;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return 0;
	if (EVP_DigestVerifyInit(ctx, NULL, digest(k->alg), NULL,
	    k->pkey) == 1 && EVP_DigestVerify(ctx, s, (size_t)slen, data,
	    dlen) == 1)
		rc = 1;
	EVP_MD_CTX_free(ctx);
	return rc;
}
