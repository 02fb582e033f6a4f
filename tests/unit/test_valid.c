/*
 * Field validators: each valid case next to invalid ones, as kcgi's
 * test-valid-email.c does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "reply.h"
#include "tap.h"

/* Run a validator on a JSON text; returns 1 if valid, param in *p. */
static int
check(validator v, const char *json, struct param *p)
{
	struct json_object	*o = json_tokener_parse(json);
	int			 rc;

	memset(p, 0, sizeof(*p));
	rc = v(o, p);
	if (rc && p->own == NULL && p->str != NULL)
		p->own = strndup(p->str, p->len);	/* outlive o */
	if (rc && p->own != NULL)
		p->str = p->own;
	json_object_put(o);
	return rc;
}

static void
test_email(void)
{
	static const char *const valids[] = {
		"\"ann@example.com\"", "\"a.b+c@sub.example.co\"",
		"\"  Ann@Example.COM \"", "\"o'neil@example.ie\"",
	};
	static const char *const invalids[] = {
		"\"\"", "\"ann\"", "\"ann@\"", "\"@example.com\"",
		"\"ann@example\"", "\"ann@@example.com\"", "\"a@b@c.com\"",
		"\"ann@.example.com\"", "\"ann@example.com.\"",
		"\".ann@example.com\"", "\"an..n@example.com\"",
		"\"ann@exa..mple.com\"", "\"ann smith@example.com\"",
		"\"ann@exam_ple.com\"", "\"ann\\u0000@example.com\"",
		"\"\\u0430nn@example.com\"", "\"ann@example.com\\r\\nBcc: x@y.z\"",
		"42", "null", "[\"ann@example.com\"]",
	};
	struct param	 p;
	char		 longer[400];
	size_t		 i;

	for (i = 0; i < nitems(valids); i++) {
		ok(check(valid_email, valids[i], &p), "email %s valid",
		    valids[i]);
		free(p.own);
	}
	check(valid_email, "\"  Ann@Example.COM \"", &p);
	ok(strcmp(p.str, "ann@example.com") == 0,
	    "email trimmed and lower-cased");
	free(p.own);
	for (i = 0; i < nitems(invalids); i++) {
		ok(!check(valid_email, invalids[i], &p), "email %s invalid",
		    invalids[i]);
		free(p.own);
	}
	snprintf(longer, sizeof(longer), "\"%s@example.com\"",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	ok(!check(valid_email, longer, &p), "a local part over 64 invalid");
	free(p.own);
}

static void
test_username(void)
{
	static const char *const valids[] = {
		"\"ann\"", "\"Ann_Smith-2.0\"",
		"\"abcdefghijklmnopqrstuvwxyz012345\"",
	};
	static const char *const invalids[] = {
		"\"an\"", "\"abcdefghijklmnopqrstuvwxyz0123456\"",
		"\"ann smith\"", "\"ann@x\"", "\"\\u00e9mile\"", "\"\"", "7",
	};
	struct param	 p;
	size_t		 i;

	for (i = 0; i < nitems(valids); i++) {
		ok(check(valid_username, valids[i], &p), "username %s valid",
		    valids[i]);
		free(p.own);
	}
	for (i = 0; i < nitems(invalids); i++) {
		ok(!check(valid_username, invalids[i], &p),
		    "username %s invalid", invalids[i]);
		free(p.own);
	}

	/* null clears the username where that is allowed, and only there. */
	ok(check(valid_username_or_null, "null", &p) && p.str == NULL,
	    "username null clears with valid_username_or_null");
	ok(!check(valid_username, "null", &p), "username null refused "
	    "by valid_username");
	ok(check(valid_username_or_null, "\"ann\"", &p) &&
	    strcmp(p.str, "ann") == 0, "valid_username_or_null takes a name");
	free(p.own);
	ok(!check(valid_username_or_null, "\"an\"", &p),
	    "valid_username_or_null still checks the name");
	ok(valid_username_text("ann", 3) == NULL, "username text ann");
	ok(valid_username_text("an", 2) != NULL, "username text an");
	ok(valid_username_text("ann\0x", 5) != NULL,
	    "username text with a NUL");
	ok(valid_username_text("ann smith", 9) != NULL,
	    "username text with a space");
}

static void
test_passwords(void)
{
	struct param	 p;
	char		 json[200];

	ok(check(valid_new_password, "\"correct horse\"", &p),
	    "a long enough password passes");
	free(p.own);
	ok(!check(valid_new_password, "\"short\"", &p) &&
	    strstr(p.why, "at least 8"), "7 characters: %s", p.why);
	free(p.own);
	/* 8 characters, 16 bytes: characters count, not bytes. */
	ok(check(valid_new_password,
	    "\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\"", &p),
	    "8 two-byte characters pass");
	free(p.own);
	ok(!check(valid_new_password, "\"\\u00e9\\u00e9\\u00e9\\u00e9\"", &p),
	    "4 two-byte characters (8 bytes) do not");
	free(p.own);
	snprintf(json, sizeof(json), "\"%.72s\"", "0123456789012345678901234567"
	    "890123456789012345678901234567890123456789012345678901234567");
	ok(check(valid_new_password, json, &p), "72 bytes pass");
	free(p.own);
	snprintf(json, sizeof(json), "\"%.73s\"", "0123456789012345678901234567"
	    "890123456789012345678901234567890123456789012345678901234567");
	ok(!check(valid_new_password, json, &p) && strstr(p.why, "72"),
	    "73 bytes are refused, not truncated");
	free(p.own);
	ok(!check(valid_new_password, "\"abcd\\u0000efghij\"", &p) &&
	    strstr(p.why, "NUL"), "a NUL byte is refused");
	free(p.own);
	ok(!check(valid_new_password, "12345678", &p), "a number is refused");
	ok(!check(valid_password, "\"\"", &p), "an empty password is refused");
	ok(check(valid_password, "\"x\"", &p), "any presented password is "
	    "checked, policy or not");
	free(p.own);
}

static void
test_others(void)
{
	struct param	 p;

	ok(check(valid_role, "\"admin\"", &p), "role admin");
	free(p.own);
	ok(!check(valid_role, "\"root\"", &p), "role root invalid");
	ok(!check(valid_role, "\"Admin\"", &p), "role Admin invalid");
	ok(valid_role_text("user") && valid_role_text("admin") &&
	    !valid_role_text("root") && !valid_role_text(""),
	    "role text: user and admin only");
	ok(check(valid_bool, "true", &p) && p.flag == 1, "bool true");
	ok(check(valid_bool, "false", &p) && p.flag == 0, "bool false");
	ok(!check(valid_bool, "\"true\"", &p), "bool as string invalid");
	ok(!check(valid_bool, "1", &p), "bool as number invalid");
}

int
main(void)
{
	char	 err[256];

	tap_env();
	if (!ok(tap_config(err, sizeof(err)), "config loads %s", err))
		return tap_done();
	test_email();
	test_username();
	test_passwords();
	test_others();
	tap_config_free();
	return tap_done();
}
