/*
 * One signing key of the key set: made, read from and written to PEM,
 * named by its RFC 7638 thumbprint, shown as a public JWK (RFC 7517),
 * and used to sign and verify JWS signatures (RFC 7515) of ES256,
 * EdDSA (Ed25519) and RS256 through OpenSSL's EVP interface.
 * Internal to common/ (keyset.c owns the keys).
 */
#ifndef JWK_H
#define JWK_H

#include <stddef.h>

#include <openssl/evp.h>

#include "config.h"

#define KID_LEN		43	/* a SHA-256 thumbprint in base64url */
#define RSA_BITS	2048	/* made; keys read may be larger */
#define SIG_MAX		1024	/* raw signature bytes: RSA up to 8192 bits */
#define SIG_B64_MAX	((SIG_MAX * 4 + 2) / 3 + 1)

/* A key, and what is derived from it once when it is loaded. */
struct jwk {
	enum alg	 alg;
	EVP_PKEY	*pkey;		/* private (and so public) key */
	char		 kid[KID_LEN + 1];
	char		*header;	/* base64url of the header it signs under */
	size_t		 headerlen;
	size_t		 siglen;	/* raw signature bytes */
	const char	*kty, *crv;	/* crv NULL for RSA */
	char		*x, *y;		/* EC: both; OKP: x; base64url */
	char		*n, *e;		/* RSA; base64url */
};

int	 jwk_generate(enum alg, struct jwk **);
int	 jwk_from_pem(enum alg, const char *, size_t, struct jwk **);
int	 jwk_to_pem(const struct jwk *, char **, size_t *);
void	 jwk_free(struct jwk *);
int	 jwk_sign(const struct jwk *, const void *, size_t, char *, size_t);
int	 jwk_verify(const struct jwk *, const void *, size_t, const char *,
	    size_t);

#endif
