/*
 * Token issue and verification, including tokens forged by hand:
 * every one of them must be refused.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "jwk.h"
#include "keyset.h"
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

/* The claims every token carries besides those a test varies. */
#define RFC9068	"\"aud\":\"fcgi-auth\",\"auth_time\":1000,\"amr\":[\"pwd\"]"

/* A payload with valid claims for user 7, session 3, and exp/iat given. */
static char *
claims(long iat, const char *exp, const char *extra)
{
	char	*p;

	if (asprintf(&p, "{\"iss\":\"fcgi-auth\"," RFC9068 ",\"sub\":\"7\","
	    "\"sid\":3,\"jti\":\"x\",\"role\":\"admin\",\"iat\":%ld%s%s%s}",
	    iat, exp != NULL ? ",\"exp\":" : "", exp != NULL ? exp : "",
	    extra) < 0)
		abort();
	return p;
}

/* A payload with valid times and claims but the given iss JSON value. */
static char *
issued(long now, const char *iss)
{
	char	*p;

	if (asprintf(&p, "{\"iss\":%s," RFC9068 ",\"sub\":\"7\",\"sid\":3,"
	    "\"iat\":%ld,\"exp\":%ld}", iss, now, now + 60) < 0)
		abort();
	return p;
}

/* A payload with valid times and the given sub and sid JSON values. */
static char *
subsid(long now, const char *sub, const char *sid)
{
	char	*p;

	if (asprintf(&p, "{\"iss\":\"fcgi-auth\"," RFC9068 ",\"sub\":%s,"
	    "\"sid\":%s,\"iat\":%ld,\"exp\":%ld}", sub, sid, now, now + 60) < 0)
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
	struct grant	 grant = { 7, 3, "user", NULL, 1000, "pwd" };
	struct claims	 c;
	char		*t = NULL, *dot;

	ok(token_access_issue(&grant, &t) == 1 && t != NULL,
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

	grant.fgp = "ab";
	ok(token_access_issue(&grant, &t) == 1, "issue with fgp");
	ok(token_access_verify(t, &c) == 0, "a malformed fgp claim is refused");
	free(t);
}

static void
test_forged(void)
{
	const char	*hs256 = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}";
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
	ok(check(forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
	    claims(now, exp, ""), EVP_sha256(), SECRET, NULL)) == 0,
	    "another typ (JWT, not at+jwt) refused");
	ok(check(forge("{\"alg\":\"HS256\"}", claims(now, exp, ""),
	    EVP_sha256(), SECRET, NULL)) == 0, "no typ refused");
	ok(check(forge(hs256, claims(now, exp, ",\"aud\":\"other\""),
	    EVP_sha256(), SECRET, NULL)) == 0, "another audience refused");
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
	    "\"sid\" :3, \"iat\":%ld,\"exp\":\t%ld, \"aud\" :\"fcgi-auth\","
	    "\"auth_time\": 1000 ,\"amr\" : [ \"pwd\" , \"otp\" ]\n} ", now,
	    now + 60) < 0)
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
	const char	*hs256 = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}";
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

/*
 * header.payload.signature, the signature made by key k (NULL: sig
 * as given).  Takes payload (and frees it).
 */
static char *
jws(const char *header, char *payload, const struct jwk *k, const char *sig)
{
	char	*t;
	size_t	 n;

	if ((t = malloc(TOKEN_MAX * 2)) == NULL)
		abort();
	n = util_base64url((const unsigned char *)header, strlen(header), t);
	t[n++] = '.';
	n += util_base64url((const unsigned char *)payload, strlen(payload),
	    t + n);
	free(payload);
	if (k != NULL) {
		t[n] = '.';
		if (jwk_sign(k, t, n, t + n + 1, TOKEN_MAX) == -1)
			abort();
	} else
		snprintf(t + n, TOKEN_MAX, ".%s", sig);
	return t;
}

/* The header the key set's key kid would carry under alg. */
static const char *
header_of(const char *alg, const char *kid, const char *typ)
{
	static char	 h[256];

	snprintf(h, sizeof(h), "{\"alg\":\"%s\",\"kid\":\"%s\","
	    "\"typ\":\"%s\"}", alg, kid, typ);
	return h;
}

/* The public key of k as PEM: what the classic confusion HMACs with. */
static char *
public_pem(const struct jwk *k)
{
	BIO	*bio = BIO_new(BIO_s_mem());
	char	*data, *pem;
	long	 n;

	if (bio == NULL || PEM_write_bio_PUBKEY(bio, k->pkey) != 1 ||
	    (n = BIO_get_mem_data(bio, &data)) <= 0 ||
	    (pem = strndup(data, (size_t)n)) == NULL)
		abort();
	BIO_free(bio);
	return pem;
}

/* Set key kid's retired time in the state file to t. */
static void
state_retire(const char *kid, long long t)
{
	char		 path[512], line[256], out[4096] = "";
	char		 k[64], a[16];
	long long	 c, f, r;
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/keys.state", tap_keydir());
	if ((fp = fopen(path, "r")) == NULL)
		abort();
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (line[0] != '#' && sscanf(line, "%63s %15s %lld %lld %lld",
		    k, a, &c, &f, &r) == 5 && strcmp(k, kid) == 0)
			snprintf(line, sizeof(line), "%s %s %lld %lld %lld\n", k,
			    a, c, f, t);
		strncat(out, line, sizeof(out) - strlen(out) - 1);
	}
	fclose(fp);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fputs(out, fp);
	fclose(fp);
}

/* keyset_each() callback: count the published keys. */
static int
count_key(const struct key_info *k, void *arg)
{

	(void)k;
	(*(int *)arg)++;
	return 0;
}

/* Does a token of grant g verify now?  1 or 0. */
static int
fresh(struct grant *g, char **t)
{
	struct claims	 c;

	return token_access_issue(g, t) == 1 && token_access_verify(*t, &c);
}

/* The forgeries of the issue, against a key set of alg. */
static void
test_forged_signed(const char *alg, const struct jwk *k, const char *other)
{
	struct jwk	*k2 = NULL, *k3 = NULL;
	char		*pem, *t;
	long		 now = (long)time(NULL);
	char		 exp[32];

	snprintf(exp, sizeof(exp), "%ld", now + 300);
	if (jwk_generate(k->alg, &k2) != 1)
		abort();
	ok(check(jws(header_of(alg, k->kid, "at+jwt"), claims(now, exp, ""),
	    k, NULL)) == 1, "%s control: a hand-made token signed with the "
	    "key is accepted", alg);
	ok(check(jws(header_of(alg, k->kid, "at+jwt"), claims(now, exp, ""),
	    k2, NULL)) == 0, "%s: another key under the same kid refused", alg);
	ok(check(jws(header_of(alg, k2->kid, "at+jwt"), claims(now, exp, ""),
	    k2, NULL)) == 0, "%s: an unknown kid refused", alg);
	pem = public_pem(k);
	ok(check(forge(header_of("HS256", k->kid, "at+jwt"),
	    claims(now, exp, ""), EVP_sha256(), pem, NULL)) == 0,
	    "%s: HS256 keyed with the public key (PEM) refused", alg);
	t = strdup(k->header);
	ok(check(forge(header_of("HS256", k->kid, "at+jwt"),
	    claims(now, exp, ""), EVP_sha256(), t, NULL)) == 0,
	    "%s: HS256 keyed with anything public refused", alg);
	free(t);
	free(pem);
	ok(check(jws(header_of(other, k->kid, "at+jwt"), claims(now, exp, ""),
	    k, NULL)) == 0, "%s: alg swapped to %s refused", alg, other);
	if (jwk_generate(strcmp(other, "EdDSA") == 0 ? ALG_EDDSA :
	    strcmp(other, "RS256") == 0 ? ALG_RS256 : ALG_ES256, &k3) != 1)
		abort();
	ok(check(jws(header_of(other, k->kid, "at+jwt"), claims(now, exp, ""),
	    k3, NULL)) == 0, "%s: signed by a %s key under its kid refused",
	    alg, other);
	ok(check(jws(header_of("none", k->kid, "at+jwt"), claims(now, exp, ""),
	    NULL, "")) == 0, "%s: alg none refused", alg);
	ok(check(jws(header_of(alg, k->kid, "JWT"), claims(now, exp, ""),
	    k, NULL)) == 0, "%s: typ JWT refused", alg);
	ok(check(jws("{\"kid\":\"x\"}", claims(now, exp, ""), k, NULL)) == 0,
	    "%s: a header without alg refused", alg);
	t = NULL;
	if (asprintf(&t, "{\"kid\":\"%s\",\"alg\":\"%s\",\"typ\":\"at+jwt\"}",
	    k->kid, alg) < 0)
		abort();
	ok(check(jws(t, claims(now, exp, ""), k, NULL)) == 0,
	    "%s: the same header written in another order refused", alg);
	free(t);
	ok(check(jws(header_of(alg, k->kid, "at+jwt"), subsid(now, "\"7\"",
	    "3"), k, NULL)) == 1, "%s control: sub and sid as issued pass", alg);
	if (asprintf(&t, "{\"iss\":\"fcgi-auth\",\"sub\":\"7\",\"sid\":3,"
	    "\"auth_time\":1000,\"amr\":[\"pwd\"],\"iat\":%ld,\"exp\":%s}",
	    now, exp) < 0)
		abort();
	ok(check(jws(header_of(alg, k->kid, "at+jwt"), t, k, NULL)) == 0,
	    "%s: no aud refused", alg);
	ok(check(jws(header_of(alg, k->kid, "at+jwt"), claims(now, exp,
	    ",\"aud\":\"https://other.example\""), k, NULL)) == 0,
	    "%s: another aud refused", alg);
	ok(check(jws(header_of(alg, k->kid, "at+jwt"), claims(now, exp,
	    ",\"aud\":[\"fcgi-auth\"]"), k, NULL)) == 0,
	    "%s: aud as an array (not what is issued) refused", alg);
	ok(check(jws(header_of(alg, k->kid, "at+jwt"), claims(now, exp,
	    ",\"amr\":[]"), k, NULL)) == 0, "%s: an empty amr refused", alg);
	ok(check(jws(header_of(alg, k->kid, "at+jwt"), claims(now, exp,
	    ",\"amr\":\"pwd\""), k, NULL)) == 0, "%s: amr not an array refused",
	    alg);
	ok(check(jws(header_of(alg, k->kid, "at+jwt"), claims(now, exp,
	    ",\"auth_time\":\"1000\""), k, NULL)) == 0,
	    "%s: auth_time as a string refused", alg);
	jwk_free(k2);
	jwk_free(k3);
}

/*
 * Is a token signed now by the key kid, published but not yet signing,
 * refused?  (Its kid is in the set; its time has not come.)
 */
static int
published_ahead(const char *alg, const char *kid)
{
	const struct jwk	*k;
	char			 h[256], exp[32];
	int64_t			 from, retired;
	long			 now = (long)time(NULL);

	util_base64url((const unsigned char *)header_of(alg, kid, "at+jwt"),
	    strlen(header_of(alg, kid, "at+jwt")), h);
	if ((k = keyset_key(h, strlen(h), &from, &retired)) == NULL)
		return 0;
	snprintf(exp, sizeof(exp), "%ld", now + 300);
	return check(jws(header_of(alg, kid, "at+jwt"), claims(now, exp, ""),
	    k, NULL)) == 0;
}

/* Issue and verify under the key set of alg; its rotation walk. */
static void
test_signed(const char *alg, const char *other)
{
	struct grant	 g = { 7, 3, "user", NULL, 1000, "pwd otp" };
	const struct jwk *k = NULL;
	struct claims	 c;
	char		 err[256], old_kid[KID_LEN + 1], kid[64], path[512];
	char		*t = NULL, *t2 = NULL, *h;
	int64_t		 from, before;
	int		 n = 0;

	tap_config_free();
	tap_env();
	setenv("AUTH_JWT_ALG", alg, 1);
	if (!ok(tap_config(err, sizeof(err)) && (k = keyset_signer()) != NULL,
	    "%s: the key set opens: %s", alg, err))
		return;
	ok(token_access_issue(&g, &t) == 1 && token_access_verify(t, &c) &&
	    c.uid == 7 && c.sid == 3 && c.iat > 0, "%s: issued and verified",
	    alg);
	h = strndup(t, strcspn(t, "."));
	ok(h != NULL && strcmp(h, k->header) == 0, "%s: the header is the "
	    "key's own", alg);
	free(h);
	ok(token_access_verify(t, &c) && c.uid == 7, "%s: verified again "
	    "(remembered)", alg);
	t[strlen(t) - 1] = t[strlen(t) - 1] == 'A' ? 'B' : 'A';
	ok(!token_access_verify(t, &c), "%s: a changed signature refused",
	    alg);
	free(t);
	test_forged_signed(alg, k, other);

	/* Rotation: published now, signing later; old tokens stay good. */
	memcpy(old_kid, k->kid, sizeof(old_kid));
	ok(fresh(&g, &t), "%s: a token of the first key", alg);
	before = util_now();
	ok(keyset_rotate(kid, sizeof(kid), &from) == 1 &&
	    from >= before + 900 && keyset_each(count_key, &n) == 1 &&
	    n == 2, "%s: rotate publishes a second key, signing later", alg);
	ok((k = keyset_signer()) != NULL && strcmp(k->kid, old_kid) == 0,
	    "%s: the first key still signs", alg);
	ok(published_ahead(alg, kid), "%s: a token of the next key, before "
	    "it signs, is refused", alg);
	/* The first key retired long ago: deleted, its tokens refused. */
	state_retire(old_kid, (long long)util_now() - 3600);
	ok(keyset_open(err, sizeof(err)) == 1 && (k = keyset_signer()) != NULL &&
	    strcmp(k->kid, kid) == 0, "%s: the next key signs once the "
	    "first is gone: %s", alg, err);
	n = 0;
	ok(keyset_each(count_key, &n) == 1 && n == 1, "%s: the retired and "
	    "deleted key is no longer published", alg);
	ok(!token_access_verify(t, &c), "%s: its token is refused, though "
	    "verified before", alg);
	free(t);
	ok(fresh(&g, &t2), "%s: a token of the next key verifies", alg);
	free(t2);
	snprintf(path, sizeof(path), "%s/key-%s.pem", tap_keydir(), old_kid);
	ok(keyset_rotate(kid, sizeof(kid), &from) == 1 &&
	    access(path, F_OK) == -1, "%s: its file is deleted by the next "
	    "change", alg);
	ok(keyset_retire(old_kid) == RETIRE_UNKNOWN, "%s: a deleted key cannot "
	    "be retired again", alg);

	/* A key file others may read is not used. */
	k = keyset_signer();
	snprintf(path, sizeof(path), "%s/key-%s.pem", tap_keydir(), k->kid);
	chmod(path, 0644);
	ok(keyset_open(err, sizeof(err)) == 1 && keyset_signer() == NULL,
	    "%s: a key file readable by others is refused", alg);
	chmod(path, 0600);
	ok(keyset_open(err, sizeof(err)) == 1 && keyset_signer() != NULL,
	    "%s: and used once it is private again", alg);
}

int
main(void)
{
	char	 err[256];

	tap_env();
	setenv("AUTH_JWT_ALG", "HS256", 1);
	if (!ok(tap_config(err, sizeof(err)), "config loads: %s", err))
		return tap_done();
	test_roundtrip();
	test_forged();
	test_claims_json();
	test_malformed();
	test_refresh();
	test_signed("ES256", "EdDSA");
	test_signed("EdDSA", "ES256");
	test_signed("RS256", "ES256");
	tap_config_free();
	return tap_done();
}
