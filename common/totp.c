/*
 * TOTP codes (RFC 6238 section 4: HOTP of the time step) and the text
 * forms of a secret.  HMAC-SHA1 is what RFC 4226 specifies and what
 * every authenticator app computes by default; its collision weakness
 * does not touch an HMAC keyed with 160 random bits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "totp.h"
#include "util.h"

/* The time step of Unix time t (T0 = 0, X = 30 s).  Negative t: step 0. */
int64_t
totp_step(int64_t t)
{

	return t > 0 ? t / TOTP_PERIOD : 0;
}

/*
 * The HOTP value (RFC 4226 section 5.3) of counter step under key
 * (len bytes), digits long (6 to 9), into *code.  Returns 1, or -1
 * (logged) if the HMAC could not be computed.
 */
int
totp_code(const unsigned char *key, size_t len, int64_t step, int digits,
    uint32_t *code)
{
	unsigned char	 msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	uint32_t	 bin, mod = 1;
	uint64_t	 c = (uint64_t)step;
	int		 i, off;

	for (i = 7; i >= 0; i--, c >>= 8)
		msg[i] = (unsigned char)(c & 0xff);
	if (HMAC(EVP_sha1(), key, (int)len, msg, sizeof(msg), mac,
	    &maclen) == NULL || maclen != 20) {
		LOG("HMAC-SHA1 failed");
		return -1;
	}
	/* Dynamic truncation: 31 bits from the offset the last nibble says. */
	off = mac[19] & 0x0f;
	bin = (uint32_t)(mac[off] & 0x7f) << 24 |
	    (uint32_t)mac[off + 1] << 16 | (uint32_t)mac[off + 2] << 8 |
	    (uint32_t)mac[off + 3];
	for (i = 0; i < digits; i++)
		mod *= 10;
	*code = bin % mod;
	explicit_bzero(mac, sizeof(mac));
	return 1;
}

/* A code as the app shows it: digits long, leading zeros kept. */
void
totp_format(uint32_t code, int digits, char *out)
{

	snprintf(out, (size_t)digits + 1, "%0*u", digits, code);
}

/*
 * Encode len bytes as base32 (RFC 4648 section 6) without padding,
 * as authenticator apps take a secret typed in; out must hold
 * (len * 8 + 4) / 5 + 1 bytes.  Returns the length written.
 */
size_t
totp_base32(const unsigned char *in, size_t len, char *out)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint32_t	 acc = 0;
	size_t		 i, o = 0;
	int		 bits = 0;

	for (i = 0; i < len; i++) {
		acc = (acc << 8 | in[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = abc[(acc >> bits) & 31];
		}
	}
	if (bits > 0)
		out[o++] = abc[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return o;
}

/*
 * The issuer apps show beside the account: the host of AUTH_ISSUER
 * when it is an http(s) URL, as RFC 8414 wants it to be
 * ("https://auth.example.com" shows as "auth.example.com"), else
 * AUTH_ISSUER itself; at most TOTP_ISSUER_MAX bytes, and no ':', which
 * separates the issuer from the account in the URI's label.
 */
void
totp_issuer(const char *iss, char out[TOTP_ISSUER_MAX + 1])
{
	const char	*p = iss;
	size_t		 n, i;

	if (strncmp(p, "https://", 8) == 0)
		p += 8;
	else if (strncmp(p, "http://", 7) == 0)
		p += 7;
	n = p != iss ? strcspn(p, "/:?#") : strlen(p);
	if (n > TOTP_ISSUER_MAX)
		n = TOTP_ISSUER_MAX;
	for (i = 0; i < n; i++)
		out[i] = p[i] == ':' ? '-' : p[i];
	out[n] = '\0';
	if (n == 0)
		snprintf(out, TOTP_ISSUER_MAX + 1, "fcgi-auth");
}

/* Append s to out at *o, percent-encoded but for RFC 3986's unreserved. */
static void
encode(char *out, size_t *o, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL)
			out[(*o)++] = (char)c;
		else {
			out[(*o)++] = '%';
			out[(*o)++] = hex[c >> 4];
			out[(*o)++] = hex[c & 15];
		}
	}
}

/*
 * The key URI authenticator apps read (Google Authenticator's "Key Uri
 * Format", which the others follow): otpauth://totp/ISSUER:ACCOUNT
 * ?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30, issuer and
 * account percent-encoded.  The caller frees it; NULL if out of memory.
 */
char *
totp_uri(const char *issuer, const char *account, const char *secret)
{
	static const char	 tail[] = "&algorithm=SHA1&digits=6&period=30";
	char			*out;
	size_t			 o = 0;

	/* Each byte of issuer (twice) and account takes at most 3. */
	if ((out = malloc(64 + 6 * strlen(issuer) + 3 * strlen(account) +
	    strlen(secret) + sizeof(tail))) == NULL)
		return NULL;
	o = (size_t)sprintf(out, "otpauth://totp/");
	encode(out, &o, issuer);
	out[o++] = ':';
	encode(out, &o, account);
	o += (size_t)sprintf(out + o, "?secret=%s&issuer=", secret);
	encode(out, &o, issuer);
	memcpy(out + o, tail, sizeof(tail));
	return out;
}
