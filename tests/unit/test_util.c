/* Encodings, strict number parsing and time formatting. */
#include <string.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "reply.h"
#include "tap.h"

int
main(void)
{
	char	 out[64];
	int64_t	 id;
	long	 v;

	util_base64url((const unsigned char *)"f", 1, out);
	ok(strcmp(out, "Zg") == 0, "base64url of 1 byte, unpadded");
	util_base64url((const unsigned char *)"fo", 2, out);
	ok(strcmp(out, "Zm8") == 0, "base64url of 2 bytes");
	util_base64url((const unsigned char *)"\xfb\xff", 2, out);
	ok(strcmp(out, "-_8") == 0, "base64url uses - and _");
	util_hex((const unsigned char *)"\x01\xab", 2, out);
	ok(strcmp(out, "01ab") == 0, "hex");

	ok(util_base64_decode("Zm9vYmFy", 8, (unsigned char *)out) == 6 &&
	    memcmp(out, "foobar", 6) == 0, "base64 decodes (RFC 4648 10)");
	ok(util_base64_decode("Zm8=", 4, (unsigned char *)out) == 2 &&
	    memcmp(out, "fo", 2) == 0, "base64 with one pad");
	ok(util_base64_decode("Zg==", 4, (unsigned char *)out) == 1 &&
	    out[0] == 'f', "base64 with two pads");
	ok(util_base64_decode("+/+/", 4, (unsigned char *)out) == 3,
	    "base64 takes + and /");
	ok(util_base64_decode("Zg=", 3, (unsigned char *)out) == -1,
	    "base64 of a bad length refused");
	ok(util_base64_decode("Zh==", 4, (unsigned char *)out) == -1,
	    "base64 with bits after the last byte refused");
	ok(util_base64_decode("Z===", 4, (unsigned char *)out) == -1,
	    "base64 with three pads refused");
	ok(util_base64_decode("Zg=a", 4, (unsigned char *)out) == -1,
	    "base64 with padding inside refused");
	ok(util_base64_decode("Zm-_", 4, (unsigned char *)out) == -1,
	    "base64url's - and _ refused in base64");
	ok(util_form_decode("a+b%20c%2Bd", 11, out) == 7 &&
	    memcmp(out, "a b c+d", 7) == 0, "form decoding: + and %%XX");
	ok(util_form_decode("%00%ff", 6, out) == 2 && out[0] == '\0' &&
	    (unsigned char)out[1] == 0xff, "form decoding keeps any byte");
	ok(util_form_decode("%zz", 3, out) == -1 &&
	    util_form_decode("ab%4", 4, out) == -1 &&
	    util_form_decode("%", 1, out) == -1, "a bad %%-escape refused");

	ok(util_parse_id("42", 2, &id) && id == 42, "id 42");
	ok(!util_parse_id("0", 1, &id), "id 0 refused");
	ok(!util_parse_id("-1", 2, &id), "id -1 refused");
	ok(!util_parse_id("042", 3, &id), "id with a leading zero refused");
	ok(!util_parse_id("2abc", 4, &id), "id 2abc refused");
	ok(!util_parse_id("1.5", 3, &id), "id 1.5 refused");
	ok(!util_parse_id("", 0, &id), "empty id refused");
	ok(!util_parse_id("9999999999999999999", 19, &id),
	    "an overflowing id refused");

	ok(util_parse_long("600", 1, 1000, &v) && v == 600, "600");
	ok(!util_parse_long("600 ", 1, 1000, &v), "trailing space refused");
	ok(!util_parse_long(" 600", 1, 1000, &v), "leading space refused");
	ok(!util_parse_long("+600", 1, 1000, &v), "a plus sign refused");
	ok(!util_parse_long("1001", 1, 1000, &v), "over the maximum refused");
	ok(!util_parse_long(NULL, 1, 1000, &v), "NULL refused");

	util_rfc3339(0, out);
	ok(strcmp(out, "1970-01-01T00:00:00Z") == 0, "epoch in RFC 3339");
	util_rfc3339(1795300098, out);
	ok(strcmp(out, "2026-11-21T22:28:18Z") == 0, "a time in RFC 3339");
	util_rfc3339(951782400, out);
	ok(strcmp(out, "2000-02-29T00:00:00Z") == 0, "a leap day");
	util_rfc3339(253402300799LL, out);
	ok(strcmp(out, "9999-12-31T23:59:59Z") == 0, "the last second of 9999");
	util_rfc3339(253402300800LL, out);
	ok(strcmp(out, "1970-01-01T00:00:00Z") == 0,
	    "a time past year 9999 falls back to the epoch");
	util_rfc3339(-86400, out);
	ok(strcmp(out, "1969-12-31T00:00:00Z") == 0, "a day before the epoch");

	ok(util_url_encode("/a b?c=1&d=%2F~._-", out, sizeof(out)) == 32 &&
	    strcmp(out, "%2Fa%20b%3Fc%3D1%26d%3D%252F~._-") == 0,
	    "URL encoding keeps only the unreserved characters");
	ok(util_url_encode("\xff\r\n", out, sizeof(out)) == 9 &&
	    strcmp(out, "%FF%0D%0A") == 0, "URL encoding of any byte");
	ok(util_url_encode("abc", out, 4) == -1 && out[0] == '\0',
	    "URL encoding that does not fit: -1 and \"\"");
	ok(util_url_encode("/", out, 4) == 3 && strcmp(out, "%2F") == 0,
	    "URL encoding that just fits");
	return tap_done();
}
