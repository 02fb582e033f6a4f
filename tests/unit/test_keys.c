/*
 * Keys per purpose: HKDF-SHA256 against RFC 5869's test vectors, and
 * the derived keys: one per label, all different, none the master,
 * each the HKDF of the master under its label.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "reply.h"
#include "tap.h"

/* Parse hex into out; returns the byte count. */
static size_t
unhex(const char *hex, unsigned char *out)
{
	size_t	 n = 0;
	unsigned int	 b;

	for (; hex[0] != '\0' && hex[1] != '\0'; hex += 2) {
		if (sscanf(hex, "%2x", &b) != 1)
			abort();
		out[n++] = (unsigned char)b;
	}
	return n;
}

/* RFC 5869 appendix A.1-A.3: HKDF with SHA-256. */
static void
test_rfc5869(void)
{
	static const struct {
		const char	*ikm, *salt, *info, *okm;
	} v[] = {
		/* A.1: basic */
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
		  "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9",
		  "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
		  "34007208d5b887185865" },
		/* A.2: longer inputs and outputs */
		{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		  "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
		  "404142434445464748494a4b4c4d4e4f",
		  "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
		  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
		  "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
		  "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
		  "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
		  "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
		  "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
		  "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
		  "cc30c58179ec3e87c14c01d5c1f3434f1d87" },
		/* A.3: no salt, no info */
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
		  "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
		  "9d201395faa4b61a96c8" },
	};
	unsigned char	 ikm[128], salt[128], info[128], want[128], got[128];
	char		 label[129];
	size_t		 i, ni, ns, nf, no;

	for (i = 0; i < nitems(v); i++) {
		ni = unhex(v[i].ikm, ikm);
		ns = unhex(v[i].salt, salt);
		nf = unhex(v[i].info, info);
		no = unhex(v[i].okm, want);
		/* The info is a label here: the vectors' info has no NUL. */
		memcpy(label, info, nf);
		label[nf] = '\0';
		ok(keys_hkdf(ikm, ni, ns > 0 ? salt : NULL, ns, label, got,
		    no) == 1 && memcmp(got, want, no) == 0,
		    "RFC 5869 A.%zu", i + 1);
	}
}

static void
test_derived(void)
{
	unsigned char	 want[KEY_LEN];
	size_t		 i, j;
	int		 distinct = 1, derived = 1, master = 1;

	tap_env();
	if (!ok(tap_config((char[256]){ 0 }, 256), "config loads"))
		return;
	for (i = 0; i < KEY__MAX; i++) {
		keys_hkdf(cfg->jwt_secret, cfg->jwt_secret_len, NULL, 0,
		    keys_label(i), want, KEY_LEN);
		derived &= memcmp(want, keys_get(i), KEY_LEN) == 0;
		master &= cfg->jwt_secret_len < KEY_LEN ||
		    memcmp(cfg->jwt_secret, keys_get(i), KEY_LEN) != 0;
		for (j = 0; j < i; j++)
			distinct &= memcmp(keys_get(i), keys_get(j),
			    KEY_LEN) != 0 &&
			    strcmp(keys_label(i), keys_label(j)) != 0;
	}
	ok(derived, "every key is HKDF(master, its label)");
	ok(distinct, "distinct labels give distinct keys");
	ok(master, "no key is the master secret");

	/*
	 * A fixed vector, worked out apart with OpenSSL's command line
	 * (openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt key:SECRET
	 * -kdfopt info:LABEL HKDF): the HS256 key of tap_env()'s secret.
	 */
	unhex("06affd05394a3b8dfe5c1927edbfafee"
	    "afcb66f51414b6321bb3282ff13c18da", want);
	ok(memcmp(want, keys_get(KEY_JWT), KEY_LEN) == 0,
	    "the HS256 key is the documented derivation");
	tap_config_free();
	ok(keys_get(KEY_THROTTLE)[0] == 0 &&
	    memcmp(keys_get(KEY_THROTTLE), keys_get(KEY_MAIL), KEY_LEN) == 0,
	    "tap_config_free() wipes the keys");
}

int
main(void)
{

	test_rfc5869();
	test_derived();
	return tap_done();
}
