/*
 * Keys per purpose, derived once at start from the master secret with
 * HKDF-SHA256 (RFC 5869) through OpenSSL's EVP_KDF.  The labels are
 * the HKDF "info": changing one changes that key alone.  The salt is
 * empty (RFC 5869 2.2: a string of zeros), as the master is already a
 * uniformly random secret of at least 32 bytes.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include "keys.h"
#include "util.h"

static const char *const labels[KEY__MAX] = {
	"fcgi-auth v1 jwt-hs256",	/* KEY_JWT */
	"fcgi-auth v1 throttle",	/* KEY_THROTTLE */
	"fcgi-auth v1 refresh-seal",	/* KEY_SEAL */
	"fcgi-auth v1 mail-token",	/* KEY_MAIL */
	"fcgi-auth v1 client-secret",	/* KEY_CLIENT */
	"fcgi-auth v1 totp-secret",	/* KEY_TOTP */
	"fcgi-auth v1 recovery-code",	/* KEY_RECOVERY */
	"fcgi-auth v1 mfa-token",	/* KEY_MFA */
};

static unsigned char	 keys[KEY__MAX][KEY_LEN];
static int		 ready;

/*
 * HKDF-SHA256 of the input key material ikm with salt (NULL for none)
 * and the label as info, into out (outlen bytes, at most 255 * 32).
 * Returns 1, or -1 (logged).
 */
int
keys_hkdf(const void *ikm, size_t ikmlen, const void *salt, size_t saltlen,
    const char *label, unsigned char *out, size_t outlen)
{
	static char	 digest[] = "SHA256";	/* OSSL_PARAM wants char * */
	EVP_KDF		*kdf;
	EVP_KDF_CTX	*ctx = NULL;
	OSSL_PARAM	 params[5], *p = params;
	int		 rc = -1;

	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    digest, 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)ikm, ikmlen);
	if (salt != NULL)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
		    (void *)salt, saltlen);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)label, strlen(label));
	*p = OSSL_PARAM_construct_end();
	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) != NULL)
		ctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);	/* the context keeps its own reference */
	if (ctx != NULL && EVP_KDF_derive(ctx, out, outlen, params) == 1)
		rc = 1;
	else
		LOG("HKDF failed");
	EVP_KDF_CTX_free(ctx);
	return rc;
}

/*
 * Derive every key from the master secret (len bytes).  Returns 1, or
 * -1 (logged) with no key set.
 */
int
keys_init(const unsigned char *master, size_t len)
{
	size_t	 i;

	keys_free();
	for (i = 0; i < KEY__MAX; i++)
		if (keys_hkdf(master, len, NULL, 0, labels[i], keys[i],
		    KEY_LEN) == -1) {
			keys_free();
			return -1;
		}
	ready = 1;
	return 1;
}

/* Wipe every key; safe to call more than once. */
void
keys_free(void)
{

	explicit_bzero(keys, sizeof(keys));
	ready = 0;
}

/* The key for one use (KEY_LEN bytes); all zeros before keys_init(). */
const unsigned char *
keys_get(enum key_use use)
{

	if (!ready)
		LOG("key %s used before keys_init()", labels[use]);
	return keys[use];
}

/* HMAC-SHA256 of len bytes of data under the key for use. */
void
keys_hmac(enum key_use use, const void *data, size_t len,
    unsigned char out[KEY_LEN])
{
	unsigned int	 outlen = KEY_LEN;

	HMAC(EVP_sha256(), keys_get(use), KEY_LEN, data, len, out, &outlen);
}

/* The HKDF label of a use, for tools that must derive the same key. */
const char *
keys_label(enum key_use use)
{

	return labels[use];
}
