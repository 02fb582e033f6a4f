/*
 * Keys per purpose: every use of the master secret (AUTH_JWT_SECRET,
 * its file, or the one made beside the database) gets its own key,
 * derived with HKDF-SHA256 (RFC 5869) under a distinct label, so that
 * no two uses ever share a key and the master itself is only ever the
 * input of the derivation.
 */
#ifndef KEYS_H
#define KEYS_H

#include <stddef.h>

#define KEY_LEN		32	/* bytes of every derived key */

enum key_use {
	KEY_JWT,	/* HS256 access tokens: signs, nothing else */
	KEY_THROTTLE,	/* the throttle's counter keys */
	KEY_SEAL,	/* the sealed successor of a rotated refresh token */
	KEY_MAIL,	/* the stored hashes of mailed tokens */
	KEY_CLIENT,	/* the stored hashes of resource servers' secrets */
	KEY_TOTP,	/* AES-256-GCM of the TOTP secrets at rest */
	KEY_RECOVERY,	/* the stored hashes of recovery codes */
	KEY_MFA,	/* the stored hashes of mfa_tokens and their clients */
	KEY__MAX
};

int			 keys_init(const unsigned char *, size_t);
void			 keys_free(void);
const unsigned char	*keys_get(enum key_use);
void			 keys_hmac(enum key_use, const void *, size_t,
			    unsigned char [KEY_LEN]);
int			 keys_hkdf(const void *, size_t, const void *, size_t,
			    const char *, unsigned char *, size_t);
const char		*keys_label(enum key_use);

#endif
