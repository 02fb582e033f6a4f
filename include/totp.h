/*
 * TOTP (RFC 6238, over RFC 4226's HOTP): the codes authenticator apps
 * show, with the parameters every app takes for granted (HMAC-SHA1, 6
 * digits, 30-second steps), and the secret's text forms: base32 (RFC
 * 4648) and the otpauth:// URI apps read from a QR code.  Pure
 * functions: no store, no key, no clock.
 */
#ifndef TOTP_H
#define TOTP_H

#include <stddef.h>
#include <stdint.h>

#define TOTP_SECRET_RAW	20	/* 160 bits: RFC 4226 section 4 */
#define TOTP_SECRET_LEN	32	/* its base32, unpadded */
#define TOTP_DIGITS	6
#define TOTP_PERIOD	30	/* seconds per time step */
#define TOTP_ISSUER_MAX	64	/* the name apps show, at most */

int64_t	 totp_step(int64_t);
int	 totp_code(const unsigned char *, size_t, int64_t, int, uint32_t *);
void	 totp_format(uint32_t, int, char *);
size_t	 totp_base32(const unsigned char *, size_t, char *);
void	 totp_issuer(const char *, char [TOTP_ISSUER_MAX + 1]);
char	*totp_uri(const char *, const char *, const char *);

#endif
