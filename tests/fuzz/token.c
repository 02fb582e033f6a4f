/*
 * libFuzzer harness for token verification, with a fixed configuration.
 * Each input is tried three ways: as a bearer token for
 * token_access_verify(), as a refresh token for token_refresh_hash(),
 * and as "header JSON\npayload JSON" signed here with the HS256 key,
 * so that the checks after the signature (alg, typ, iss, aud, exp,
 * iat, nbf, auth_time, amr, sub, sid, fgp) see every shape of claims.  In the payload
 * the numbers 1700000000 and 1700000600 become now and now + 300, so
 * inputs get past the expiry check to the claims behind it.  A token
 * that passes must carry what verify promises.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "reply.h"

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 err[256];

	(void)argc;
	(void)argv;
	setenv("AUTH_JWT_SECRET", "fuzz-secret-0123456789abcdef0123456789", 1);
	setenv("AUTH_DB", ":memory:", 1);
	/* HS256: the harness signs with the derived key itself. */
	setenv("AUTH_JWT_ALG", "HS256", 1);
	if (config_load(err, sizeof(err)) != 1)
		abort();
	return 0;
}

/* What a token that verified must say. */
static void
check(int ok, const struct claims *c)
{
	int64_t	 now = util_now();

	if (ok != 0 && ok != 1)
		abort();
	if (ok && (c->uid <= 0 || c->sid <= 0 || c->exp <= now - 5 ||
	    c->exp > now + cfg->access_ttl + 65 ||
	    (c->fgp[0] != '\0' && strlen(c->fgp) != 2 * SHA256_LEN)))
		abort();
}

/* Replace every "1700000000" in s by now, "1700000600" by now + 300. */
static void
times(char *s, size_t len)
{
	char	 now[16], later[16];
	size_t	 i;

	snprintf(now, sizeof(now), "%010lld", (long long)util_now());
	snprintf(later, sizeof(later), "%010lld", (long long)util_now() + 300);
	for (i = 0; i + 10 <= len; i++) {
		if (memcmp(s + i, "1700000000", 10) == 0)
			memcpy(s + i, now, 10);
		else if (memcmp(s + i, "1700000600", 10) == 0)
			memcpy(s + i, later, 10);
	}
}

/* Sign "header\npayload" (split at the first newline) and verify it. */
static void
signed_token(char *s, size_t len)
{
	char		*nl = memchr(s, '\n', len);
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	struct claims	 c;
	size_t		 hlen, plen, n;
	char		*t;

	if (nl == NULL)
		return;
	hlen = (size_t)(nl - s);
	plen = len - hlen - 1;
	times(nl + 1, plen);
	if ((t = malloc((hlen + plen) * 4 / 3 + 8 + 90)) == NULL)
		abort();
	n = util_base64url((const unsigned char *)s, hlen, t);
	t[n++] = '.';
	n += util_base64url((const unsigned char *)nl + 1, plen, t + n);
	HMAC(EVP_sha256(), keys_get(KEY_JWT), KEY_LEN, (unsigned char *)t, n,
	    mac, &maclen);
	t[n++] = '.';
	util_base64url(mac, maclen, t + n);
	check(token_access_verify(t, &c), &c);
	free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	unsigned char	 h[SHA256_LEN];
	struct claims	 c;
	char		*s;

	if ((s = malloc(len + 1)) == NULL)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	check(token_access_verify(s, &c), &c);
	if (token_refresh_hash(s, h) && strlen(s) != REFRESH_LEN)
		abort();
	signed_token(s, len);
	free(s);
	return 0;
}
