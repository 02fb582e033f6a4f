/*
 * Token issue and verification, including tokens forged by hand:
 * every one of them must be refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "reply.h"
#include "tap.h"

#define SECRET	"unit-test-secret-0123456789abcdef0123"

/* base64url of a string, into a static buffer (one at a time). */
static const char *
b64(const char *s, size_t len)
{
	static char	 out[4096];

	util_base64url((const unsigned char *)s, len, out);
	return out;
}

/*
 * Build header.payload.signature with the given JSON, signed by HMAC
 * with md and key (md NULL: signature given as sig, may be "").
 * Takes payload (and frees it).
 */
static char *
forge(const char *header, char *payload, const EVP_MD *md,
    const char *key, const char *sig)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	char		*input, *out, macb64[200];

	if (asprintf(&input, "%s.", b64(header, strlen(header))) < 0)
		abort();
	if ((input = realloc(input, strlen(input) + 4096)) == NULL)
		abort();
	strcat(input, b64(payload, strlen(payload)));
	free(payload);
	if (md != NULL) {
		/* SECRET stands for the key the server signs with: derived. */
		if (strcmp(key, SECRET) == 0)
			HMAC(md, keys_get(KEY_JWT), KEY_LEN,
			    (unsigned char *)input, strlen(input), mac, &maclen);
		else
			HMAC(md, key, (int)strlen(key), (unsigned char *)input,
			    strlen(input), mac, &maclen);
		util_base64url(mac, maclen, macb64);
		sig = macb64;
	}
	if (asprintf(&out, "%s.%s", input, sig) < 0)
		abort();
	free(input);
	return out;
}

/*
 * header.payload.signature signed with the raw master secret, the one
 * thing that must not sign anything (it only feeds the derivation).
 */
static char *
master_signed(const char *header, char *payload)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	char		*input, *out, macb64[200];

	if (asprintf(&input, "%s.", b64(header, strlen(header))) < 0 ||
	    (input = realloc(input, strlen(input) + 4096)) == NULL)
		abort();
	strcat(input, b64(payload, strlen(payload)));
	free(payload);
	HMAC(EVP_sha256(), cfg->jwt_secret, (int)cfg->jwt_secret_len,
	    (unsigned char *)input, strlen(input), mac, &maclen);
	util_base64url(mac, maclen, macb64);
	if (asprintf(&out, "%s.%s", input, macb64) < 0)
		abort();
	free(input);
	return out;
}

/* A payload with valid claims for user 7, session 3, and exp/iat given. */
static char *
claims(long iat, const char *exp, const char *extra)
{
	char	*p;

	if (asprintf(&p, "{\"iss\":\"fcgi-auth\",\"sub\":\"7\",\"sid\":3,"
	    "\"jti\":\"x\",\"role\":\"admin\",\"iat\":%ld%s%s%s}", iat,
	    exp != NULL ? ",\"exp\":" : "", exp != NULL ? exp : "",
	    extra) < 0)
		abort();
	return p;
}

/* A payload with valid times and claims but the given iss JSON value. */
static char *
issued(long now, const char *iss)
{
	char	*p;

	if (asprintf(&p, "{\"iss\":%s,\"sub\":\"7\",\"sid\":3,"
	    "\"iat\":%ld,\"exp\":%ld}", iss, now, now + 60) < 0)
		abort();
	return p;
}

/* A payload with valid times and the given sub and sid JSON values. */
static char *
subsid(long now, const char *sub, const char *sid)
{
	char	*p;

	if (asprintf(&p, "{\"iss\":\"fcgi-auth\",\"sub\":%s,\"sid\":%s,"
	    "\"iat\":%ld,\"exp\":%ld}", sub, sid, now, now + 60) < 0)
		abort();
	return p;
}

/* Verify a forged token and free it; returns what verify said. */
static int
check(char *token)
{
	struct claims	 c;
	int		 rc = token_access_verify(token, &c);

	free(token);
	return rc;
}

static void
test_roundtrip(void)
{
	struct claims	 c;
	char		*t = NULL, *dot;

	ok(token_access_issue(7, 3, "user", NULL, &t) == 1 && t != NULL,
	    "an access token is issued");
	ok(token_access_verify(t, &c) == 1 && c.uid == 7 && c.sid == 3,
	    "it verifies, with sub and sid");
	ok(c.exp > util_now() && c.exp <= util_now() + cfg->access_ttl,
	    "exp is now + AUTH_ACCESS_TTL");
	ok(c.fgp[0] == '\0', "no fingerprint unless asked for");

	/* Tamper with the payload under the old signature. */
	dot = strchr(t, '.') + 1;
	dot[3] = dot[3] == 'A' ? 'B' : 'A';
	ok(token_access_verify(t, &c) == 0, "a changed payload is refused");
	free(t);

	ok(token_access_issue(7, 3, "user", "ab", &t) == 1, "issue with fgp");
	ok(token_access_verify(t, &c) == 0, "a malformed fgp claim is refused");
	free(t);
}

static void
test_forged(void)
{
	const char	*hs256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	long		 now = (long)time(NULL);
	char		 exp[32], old[32], far[32];

	snprintf(exp, sizeof(exp), "%ld", now + 300);
	snprintf(old, sizeof(old), "%ld", now - 10);
	snprintf(far, sizeof(far), "%ld", now + 10 * 86400);

	ok(check(forge(hs256, claims(now, exp, ""), EVP_sha256(), SECRET,
	    NULL)) == 1, "control: a hand-made HS256 token is accepted");
	ok(check(master_signed(hs256, claims(now, exp, ""))) == 0,
	    "signed with the master secret itself refused: only the derived "
	    "key signs");
	ok(check(forge("{\"alg\":\"none\",\"typ\":\"JWT\"}",
	    claims(now, exp, ""), NULL, NULL, "")) == 0, "alg none refused");
	ok(check(forge("{\"alg\":\"None\",\"typ\":\"JWT\"}",
	    claims(now, exp, ""), NULL, NULL, "")) == 0, "alg None refused");
	ok(check(forge("{\"alg\":\"NONE\",\"typ\":\"JWT\"}",
	    claims(now, exp, ""), NULL, NULL, "x")) == 0, "alg NONE refused");
	ok(check(forge("{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
	    claims(now, exp, ""), EVP_sha512(), SECRET, NULL)) == 0,
	    "HS512 with the real secret refused");
	ok(check(forge("{\"alg\":\"HS384\",\"typ\":\"JWT\"}",
	    claims(now, exp, ""), EVP_sha384(), SECRET, NULL)) == 0,
	    "HS384 with the real secret refused");
	ok(check(forge("{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
	    claims(now, exp, ""), EVP_sha256(), SECRET, NULL)) == 0,
	    "an RS256 header refused");
	ok(check(forge(hs256, claims(now, exp, ""), EVP_sha256(), "", NULL))
	    == 0, "a signature made with an empty key refused");
	ok(check(forge(hs256, claims(now, exp, ""), EVP_sha256(),
	    "another-secret-0123456789abcdef0123456", NULL)) == 0,
	    "another secret refused");
	ok(check(forge(hs256, claims(now, exp, ""), NULL, NULL, "")) == 0,
	    "an empty signature refused");
	ok(check(forge(hs256, claims(now - 700, old, ""), EVP_sha256(), SECRET,
	    NULL)) == 0, "an expired token refused");
	ok(check(forge(hs256, claims(now, NULL, ""), EVP_sha256(), SECRET,
	    NULL)) == 0, "a token without exp refused");
	ok(check(forge(hs256, claims(now, "\"9999999999\"", ""), EVP_sha256(),
	    SECRET, NULL)) == 0, "exp as a string refused");
	ok(check(forge(hs256, claims(now, "1e300", ""), EVP_sha256(),
	    SECRET, NULL)) == 0, "exp as a huge real refused");
	ok(check(forge(hs256, claims(now, "99999999999999999999999", ""),
	    EVP_sha256(), SECRET, NULL)) == 0, "exp past int64 refused");
	ok(check(forge(hs256, claims(now, far, ""), EVP_sha256(), SECRET,
	    NULL)) == 0, "exp beyond the access TTL refused");
	ok(check(forge(hs256, claims(now, exp, ",\"nbf\":9999999999"),
	    EVP_sha256(), SECRET, NULL)) == 0, "nbf in the future refused");
	ok(check(forge(hs256, claims(now, exp, ",\"nbf\":\"soon\""),
	    EVP_sha256(), SECRET, NULL)) == 0, "nbf as a string refused");
	ok(check(forge(hs256, claims(now, exp, ",\"nbf\":[1]"),
	    EVP_sha256(), SECRET, NULL)) == 0, "nbf as an array refused");
	ok(check(forge(hs256, claims(now, exp, ",\"nbf\":1000"),
	    EVP_sha256(), SECRET, NULL)) == 1, "control: nbf in the past passes");
	ok(check(forge(hs256, claims(now + 3600, exp, ""), EVP_sha256(), SECRET,
	    NULL)) == 0, "iat in the future refused");
	ok(check(forge(hs256, issued(now, "\"evil\""), EVP_sha256(), SECRET,
	    NULL)) == 0, "another issuer refused");
	ok(check(forge(hs256, issued(now, "null"), EVP_sha256(), SECRET,
	    NULL)) == 0, "a null issuer refused");
	ok(check(forge("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}",
	    claims(now, exp, ""), EVP_sha256(), SECRET, NULL)) == 0,
	    "another typ refused");
	ok(check(forge("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":"
	    "\"/dev/null\"}", claims(now, exp, ""), EVP_sha256(), "", NULL))
	    == 0, "a kid naming an empty file does not make the key empty");
	ok(check(forge("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":"
	    "\"x' UNION SELECT 'k\"}", claims(now, exp, ""), EVP_sha256(),
	    "k", NULL)) == 0, "a kid carrying SQL changes nothing");
	ok(check(forge(hs256, subsid(now, "\"7x\"", "3"), EVP_sha256(),
	    SECRET, NULL)) == 0, "a non-numeric sub refused");
	ok(check(forge(hs256, subsid(now, "7", "3"), EVP_sha256(),
	    SECRET, NULL)) == 0, "a numeric (not string) sub refused");
	ok(check(forge(hs256, subsid(now, "\"7\"", "\"3\""), EVP_sha256(),
	    SECRET, NULL)) == 0, "a string sid refused");
	ok(check(forge(hs256, subsid(now, "\"7\"", "3"), EVP_sha256(),
	    SECRET, NULL)) == 1, "control: the same with good sub and sid passes");
}

/* Valid claims with JSON whitespace everywhere it may be. */
static char *
spaced(long now)
{
	char	*p;

	if (asprintf(&p, " {\n\t\"iss\" : \"fcgi-auth\" ,\"sub\":\"7\",\r\n"
	    "\"sid\" :3, \"iat\":%ld,\"exp\":\t%ld\n} ", now, now + 60) < 0)
		abort();
	return p;
}

/*
 * The claims reader (token.c reads the payload itself, after the
 * signature verified): JSON it must take, JSON it must refuse.
 */
static void
test_claims_json(void)
{
	const char	*hs256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	long		 now = (long)time(NULL);
	struct claims	 c;
	char		*t;

#define SIGNED(p)	forge(hs256, (p), EVP_sha256(), SECRET, NULL)
	ok(check(SIGNED(spaced(now))) == 1, "whitespace around every token");
	t = SIGNED(issued(now, "\"fcgi-\\u0061uth\""));
	ok(token_access_verify(t, &c) == 1 && c.uid == 7,
	    "an escaped issuer is unescaped before it is compared");
	free(t);
	ok(check(SIGNED(issued(now, "\"fcgi-auth\\u0000\""))) == 0,
	    "a NUL escaped into a string refused");
	ok(check(SIGNED(issued(now, "\"fcgi-auth\\ud800\""))) == 0,
	    "a lone surrogate refused");
	ok(check(SIGNED(issued(now, "\"fcgi-auth\\x\""))) == 0,
	    "an unknown escape refused");
	ok(check(SIGNED(issued(now, "\"fcgi-auth"))) == 0,
	    "an unterminated string refused");
	ok(check(SIGNED(subsid(now, "\"7\",\"x\":{\"a\":1}", "3"))) == 0,
	    "an object inside refused");
	ok(check(SIGNED(subsid(now, "\"7\",\"x\":[1]", "3"))) == 0,
	    "an array inside refused");
	t = SIGNED(subsid(now, "\"7\",\"a\":true,\"b\":false,\"c\":null,"
	    "\"d\":-1.5e3,\"e\":\"\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "3"));
	ok(token_access_verify(t, &c) == 1 && c.sid == 3,
	    "other claims of every JSON kind are skipped");
	free(t);
	t = SIGNED(subsid(now, "\"8\",\"sub\":\"7\"", "3"));
	ok(token_access_verify(t, &c) == 1 && c.uid == 7,
	    "a repeated claim counts as the last");
	free(t);
	ok(check(SIGNED(subsid(now, "\"7\"", "03"))) == 0,
	    "a number with a leading zero refused");
	ok(check(SIGNED(subsid(now, "\"7\"", "-3"))) == 0,
	    "a negative sid refused");
	ok(check(SIGNED(subsid(now, "\"7\"", "3.0"))) == 0,
	    "a real sid refused");
	ok(check(SIGNED(subsid(now, "\"7\"", "9223372036854775808"))) == 0,
	    "a sid past int64 refused");
	ok(check(SIGNED(subsid(now, "\"7\"", "3}x{"))) == 0,
	    "text after the object refused");
	ok(check(SIGNED(subsid(now, "\"7\"", "3,"))) == 0,
	    "a trailing comma refused");
	ok(check(SIGNED(subsid(now, "\"7\"", "tru"))) == 0,
	    "a cut literal refused");
	ok(check(SIGNED(strdup("[1]"))) == 0, "a payload that is an array "
	    "refused");
	ok(check(SIGNED(strdup("{}"))) == 0, "an empty object refused");
	ok(check(SIGNED(strdup(""))) == 0, "an empty payload refused");
#undef SIGNED
}

static void
test_malformed(void)
{
	char	*big;

	ok(!check(strdup("")), "empty token refused");
	ok(!check(strdup("a.b")), "two parts refused");
	ok(!check(strdup("a.b.c.d")), "four parts refused");
	ok(!check(strdup("a b.c.d")), "a space refused");
	ok(!check(strdup("%%%.%%%.%%%")), "non-base64 refused");
	ok(token_access_verify(NULL, &(struct claims){ 0 }) == 0,
	    "NULL refused without a crash");
	big = malloc(1 << 20);
	memset(big, 'A', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	big[100] = '.';
	big[200] = '.';
	ok(!check(big), "a 1 MB token refused");
}

static void
test_refresh(void)
{
	unsigned char	 raw[REFRESH_RAW], sealed[REFRESH_RAW];
	unsigned char	 h1[SHA256_LEN], h2[SHA256_LEN];
	char		 a[REFRESH_LEN + 1], b[REFRESH_LEN + 1];
	char		 back[REFRESH_LEN + 1];

	ok(token_random(raw, a) == 1 && strlen(a) == REFRESH_LEN,
	    "a refresh token is 43 characters");
	ok(token_random(raw, b) == 1 && strcmp(a, b) != 0,
	    "two refresh tokens differ");
	ok(token_refresh_hash(a, h1) && token_refresh_hash(b, h2) &&
	    memcmp(h1, h2, SHA256_LEN) != 0, "their hashes differ");
	ok(!token_refresh_hash("eyJhbGciOi.eyJzdWIiOiIxIn0.abc", h1),
	    "an access token is not a refresh token");
	ok(!token_refresh_hash("short", h1), "a short string is not one");

	token_refresh_seal(raw, a, sealed);
	token_refresh_unseal(sealed, a, back);
	ok(strcmp(back, b) == 0, "the successor unseals with its predecessor");
	token_refresh_unseal(sealed, "x", back);
	ok(strcmp(back, b) != 0, "and not with anything else");
}

int
main(void)
{
	char	 err[256];

	tap_env();
	if (!ok(tap_config(err, sizeof(err)), "config loads: %s", err))
		return tap_done();
	test_roundtrip();
	test_forged();
	test_claims_json();
	test_malformed();
	test_refresh();
	tap_config_free();
	return tap_done();
}
