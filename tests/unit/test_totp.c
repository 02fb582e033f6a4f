/*
 * The second factor without a server: RFC 6238's SHA-1 test vectors
 * (appendix B) and RFC 4226's HOTP values (appendix D), RFC 4648's
 * base32 vectors, the otpauth:// URI and its issuer, the secret's
 * sealing (AES-256-GCM, bound to its user), and the store: a code
 * taken once and only within a step of now, recovery codes used up,
 * mfa_tokens bound to their client.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "mail.h"
#include "mfa.h"
#include "tap.h"
#include "totp.h"
#include "user.h"
#include "util.h"

/* RFC 6238's SHA-1 key: the 20 ASCII bytes "1234567890" twice. */
static const unsigned char rfc_key[] = "12345678901234567890";

static void
test_vectors(void)
{
	/* RFC 6238 appendix B, the SHA-1 rows: time, 8-digit TOTP. */
	static const struct {
		int64_t		 t;
		const char	*code;
	} b[] = {
		{ 59, "94287082" },
		{ 1111111109, "07081804" },
		{ 1111111111, "14050471" },
		{ 1234567890, "89005924" },
		{ 2000000000, "69279037" },
		{ 20000000000LL, "65353130" },
	};
	/* RFC 4226 appendix D: HOTP, 6 digits, counters 0 to 9. */
	static const char *const d[] = {
		"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489",
	};
	char		 out[10];
	uint32_t	 c;
	size_t		 i;
	int		 good = 1;

	for (i = 0; i < nitems(b); i++) {
		good = totp_code(rfc_key, 20, totp_step(b[i].t), 8, &c) == 1;
		totp_format(c, 8, out);
		ok(good && strcmp(out, b[i].code) == 0,
		    "RFC 6238 SHA-1 at T=%lld: %s (got %s)",
		    (long long)b[i].t, b[i].code, out);
		/* Six digits are the last six of eight. */
		totp_code(rfc_key, 20, totp_step(b[i].t), TOTP_DIGITS, &c);
		totp_format(c, TOTP_DIGITS, out);
		ok(strcmp(out, b[i].code + 2) == 0, "and 6 digits: %s",
		    b[i].code + 2);
	}
	for (i = 0, good = 1; i < nitems(d); i++) {
		totp_code(rfc_key, 20, (int64_t)i, 6, &c);
		totp_format(c, 6, out);
		good &= strcmp(out, d[i]) == 0;
	}
	ok(good, "RFC 4226 appendix D: HOTP of counters 0 to 9");
	ok(totp_step(29) == 0 && totp_step(30) == 1 && totp_step(-5) == 0,
	    "steps of 30 s from the epoch");
}

static void
test_base32(void)
{
	/* RFC 4648 section 10, unpadded. */
	static const char *const v[][2] = {
		{ "", "" }, { "f", "MY" }, { "fo", "MZXQ" },
		{ "foo", "MZXW6" }, { "foob", "MZXW6YQ" },
		{ "fooba", "MZXW6YTB" }, { "foobar", "MZXW6YTBOI" },
	};
	char	 out[64];
	size_t	 i;

	for (i = 0; i < nitems(v); i++) {
		totp_base32((const unsigned char *)v[i][0], strlen(v[i][0]),
		    out);
		ok(strcmp(out, v[i][1]) == 0, "base32 \"%s\" is \"%s\"",
		    v[i][0], v[i][1]);
	}
	ok(totp_base32(rfc_key, 20, out) == TOTP_SECRET_LEN &&
	    strcmp(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ") == 0,
	    "a 160-bit secret is 32 characters");
}

static void
test_uri(void)
{
	char	 iss[TOTP_ISSUER_MAX + 1], *uri;

	totp_issuer("fcgi-auth", iss);
	ok(strcmp(iss, "fcgi-auth") == 0, "issuer: AUTH_ISSUER as it is");
	totp_issuer("https://auth.example.com:8443/base?x", iss);
	ok(strcmp(iss, "auth.example.com") == 0, "issuer: a URL's host");
	totp_issuer("http://Auth.Example.COM", iss);
	ok(strcmp(iss, "Auth.Example.COM") == 0, "issuer: an http URL too");
	totp_issuer("urn:example:auth", iss);
	ok(strcmp(iss, "urn-example-auth") == 0, "issuer: no ':' in it");
	totp_issuer("https://", iss);
	ok(strcmp(iss, "fcgi-auth") == 0, "issuer: never empty");
	uri = totp_uri("My Co", "ann+x@example.com", "MZXW6YTBOI");
	ok(uri != NULL && strcmp(uri, "otpauth://totp/My%20Co:"
	    "ann%2Bx%40example.com?secret=MZXW6YTBOI&issuer=My%20Co"
	    "&algorithm=SHA1&digits=6&period=30") == 0,
	    "otpauth URI, label and issuer percent-encoded: %s", uri);
	free(uri);
}

static void
test_seal(void)
{
	unsigned char	 a[MFA_SEALED], b[MFA_SEALED], raw[TOTP_SECRET_RAW];

	ok(mfa_seal(7, rfc_key, a) == 1 && mfa_seal(7, rfc_key, b) == 1,
	    "a secret seals");
	ok(memcmp(a, b, MFA_NONCE) != 0 && memcmp(a + MFA_NONCE,
	    b + MFA_NONCE, TOTP_SECRET_RAW) != 0,
	    "each time under a new nonce, to another ciphertext");
	ok(memmem(a, sizeof(a), rfc_key, TOTP_SECRET_RAW) == NULL,
	    "the secret is not in it");
	ok(mfa_unseal(7, a, raw) == 1 && memcmp(raw, rfc_key, 20) == 0,
	    "it opens for its user");
	ok(mfa_unseal(8, a, raw) == -1,
	    "not for another user (the id is associated data)");
	a[MFA_NONCE + 3] ^= 1;
	ok(mfa_unseal(7, a, raw) == -1, "nor altered");
}

/* A user for the store's tests.  Returns its id, or 0. */
static int64_t
user(const char *email)
{
	int64_t	 id = 0;

	return user_insert(email, NULL, "x", "user", &id) == DB_DONE ? id : 0;
}

/* The code of secret (base32 of raw) for now, moved by steps. */
static void
code_now(const unsigned char raw[TOTP_SECRET_RAW], int steps,
    char out[TOTP_DIGITS + 1])
{
	uint32_t	 c = 0;

	totp_code(raw, TOTP_SECRET_RAW, totp_step(util_now()) + steps,
	    TOTP_DIGITS, &c);
	totp_format(c, TOTP_DIGITS, out);
}

/* Decode a base32 secret of 32 characters into raw. */
static void
unbase32(const char *s, unsigned char raw[TOTP_SECRET_RAW])
{
	uint32_t	 acc = 0;
	size_t		 i, o = 0;
	int		 bits = 0;

	for (i = 0; s[i] != '\0'; i++) {
		acc = acc << 5 | (uint32_t)(s[i] >= 'A' ? s[i] - 'A' :
		    s[i] - '2' + 26);
		if ((bits += 5) >= 8) {
			bits -= 8;
			raw[o++] = (unsigned char)(acc >> bits);
		}
	}
}

static void
test_store(void)
{
	struct mfa_enrolment	 e;
	unsigned char		 raw[TOTP_SECRET_RAW];
	char			 code[TOTP_DIGITS + 1], typed[16];
	char			 rc[MFA_RECOVERY_N][MFA_RECOVERY_LEN + 1];
	char			 again[MFA_RECOVERY_N][MFA_RECOVERY_LEN + 1];
	int64_t			 id = user("mfa@example.com");
	size_t			 i;

	ok(id > 0 && mfa_state(id) == MFA_NONE, "a user without a factor");
	ok(mfa_enroll(id, "mfa@example.com", &e) == DB_DONE &&
	    mfa_state(id) == MFA_PENDING && strlen(e.secret) == 32 &&
	    strncmp(e.uri, "otpauth://totp/fcgi-auth:mfa%40example.com?"
	    "secret=", 49) == 0, "enrolled: pending, with its URI");
	unbase32(e.secret, raw);
	free(e.uri);
	code_now(raw, 0, code);
	ok(mfa_verify(id, code, MFA_CODE) == 0,
	    "a pending factor's code is no login code");
	ok(mfa_verify(id, code, MFA_ENROLLING) == 1, "it confirms");
	ok(mfa_verify(id, code, MFA_ENROLLING) == 0, "once");
	ok(mfa_activate(id, rc) == 1 && mfa_state(id) == MFA_ACTIVE &&
	    strlen(rc[0]) == MFA_RECOVERY_LEN && rc[0][5] == '-',
	    "enabled, with recovery codes: %s ...", rc[0]);
	ok(mfa_activate(id, again) == 0, "enabled once");
	ok(mfa_enroll(id, "mfa@example.com", &e) == DB_CONFLICT,
	    "no new enrolment over an enabled factor");

	code_now(raw, -2, code);
	ok(mfa_verify(id, code, MFA_CODE) == 0, "two steps ago: refused");
	code_now(raw, 2, code);
	ok(mfa_verify(id, code, MFA_CODE) == 0, "two steps ahead: refused");
	code_now(raw, 1, code);
	ok(mfa_verify(id, code, MFA_CODE) == 1, "one step ahead: taken");
	ok(mfa_verify(id, code, MFA_CODE) == 0, "and never again");
	code_now(raw, 0, code);
	ok(mfa_verify(id, code, MFA_CODE) == 0,
	    "nor an earlier step's code after it");
	ok(mfa_verify(id, "12345", MFA_CODE) == 0 &&
	    mfa_verify(id, "abcdef", MFA_CODE) == 0, "nor a malformed one");

	ok(mfa_verify(id, rc[0], MFA_ENROLLING) == 0,
	    "a recovery code does not confirm an enrolment");
	ok(mfa_verify(id, rc[0], MFA_RECOVERY) == 1 &&
	    mfa_verify(id, rc[0], MFA_CODE) == 0, "a recovery code, once");
	snprintf(typed, sizeof(typed), " %.5s %.5s ", rc[1], rc[1] + 6);
	for (i = 0; typed[i] != '\0'; i++)
		if (typed[i] >= 'a' && typed[i] <= 'z')
			typed[i] = (char)(typed[i] - 'a' + 'A');
	ok(mfa_verify(id, typed, MFA_CODE) == 1,
	    "typed in capitals and spaces");
	ok(mfa_verify(user("other@example.com"), rc[2], MFA_CODE) == 0,
	    "another user's recovery code is no good");

	ok(mfa_remove(id, NULL) == 1 && mfa_state(id) == MFA_NONE &&
	    mfa_verify(id, rc[2], MFA_CODE) == 0,
	    "removed, with its recovery codes");
	ok(mfa_remove(id, NULL) == 0, "removed once");
	explicit_bzero(rc, sizeof(rc));
	mail_drop();
}

static void
test_challenge(void)
{
	struct mfa_enrolment	 e;
	char			 token[REFRESH_LEN + 1];
	int64_t			 id = user("challenge@example.com"), got;
	int			 good;

	good = mfa_enroll(id, "challenge@example.com", &e) == DB_DONE;
	free(e.uri);
	ok(good && mfa_challenge_issue(id, "192.0.2.1", "ua", token) == 1 &&
	    strlen(token) == REFRESH_LEN, "an mfa_token is issued");
	ok(mfa_challenge_find(token, "192.0.2.1", "ua", &got) == 0,
	    "while the factor is only pending it leads nowhere");
	db_exec(SQL_TOTP_ACTIVATE, DB_ARGS(DB_INT(util_now()), DB_INT(id)));
	ok(mfa_challenge_find(token, "192.0.2.1", "ua", &got) == 1 &&
	    got == id, "found for its client");
	ok(mfa_challenge_find(token, "192.0.2.2", "ua", &got) == 0 &&
	    mfa_challenge_find(token, "192.0.2.1", "UA", &got) == 0,
	    "not from another address or agent");
	ok(mfa_challenge_find("nonsense", "192.0.2.1", "ua", &got) == 0,
	    "a malformed token is no token");
	ok(mfa_challenge_spend(token) == 1 && mfa_challenge_spend(token) == 0 &&
	    mfa_challenge_find(token, "192.0.2.1", "ua", &got) == 0,
	    "spent once, then gone");
	ok(mfa_challenge_issue(id, "192.0.2.1", "ua", token) == 1 &&
	    mfa_challenge_drop(id) == 1 &&
	    mfa_challenge_find(token, "192.0.2.1", "ua", &got) == 0,
	    "dropped with the user's other logins");
}

int
main(void)
{
	char	 err[256];

	tap_env();
	if (!ok(tap_config(err, sizeof(err)) && db_open(cfg->db) == 1,
	    "the database opens"))
		return tap_done();
	test_vectors();
	test_base32();
	test_uri();
	test_seal();
	test_store();
	test_challenge();
	db_close();
	tap_config_free();
	return tap_done();
}
