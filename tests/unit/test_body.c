/*
 * Request bodies: what json-c alone would let through must be refused
 * here (NUL escapes, malformed UTF-8, duplicate keys, JSON extensions),
 * and well-formed bodies must still pass.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "reply.h"
#include "body.h"
#include "tap.h"

enum {
	FIELD_EMAIL,
	FIELD_PASSWORD,
	FIELD_FLAG,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "email", valid_email, NULL },			/* FIELD_EMAIL */
	{ "password", valid_new_password, NULL },	/* FIELD_PASSWORD */
	{ "flag", valid_bool, NULL },			/* FIELD_FLAG */
};

static const struct route route = {
	METHOD_POST, "/x", ACCESS_PUBLIC,
	F(FIELD_EMAIL) | F(FIELD_PASSWORD) | F(FIELD_FLAG), F(FIELD_EMAIL),
	NULL
};

/* An OAuth endpoint's route: its bodies may be forms. */
static const struct route oauth = {
	METHOD_POST, "/x", ACCESS_CLIENT,
	F(FIELD_EMAIL) | F(FIELD_PASSWORD) | F(FIELD_FLAG), F(FIELD_EMAIL),
	NULL
};

static struct param	 params[FIELD__MAX];
static char		 message[256];
static char		 email[256];	/* the email field, as validated */

/* What body() and form() return, after keeping what they found. */
static int
done(int rc, struct resp *p, struct json_object *root)
{
	struct json_object	*m;

	message[0] = email[0] = '\0';
	if (rc && params[FIELD_EMAIL].set)
		snprintf(email, sizeof(email), "%s", params[FIELD_EMAIL].str);
	if (p->body != NULL && json_object_object_get_ex(p->body, "message",
	    &m))
		snprintf(message, sizeof(message), "%s",
		    json_object_get_string(m));
	if (!rc && p->status != 400 && p->status != 413)
		rc = -1;
	body_params_clear(params, FIELD__MAX);
	json_object_put(root);
	json_object_put(p->body);
	return rc;
}

/* Parse len bytes of body; returns 1 if a handler would run. */
static int
body(const char *text, size_t len)
{
	struct req		 r;
	struct resp		 p;
	struct json_object	*root = NULL;
	int			 rc;

	memset(&r, 0, sizeof(r));
	memset(&p, 0, sizeof(p));
	r.params = params;
	rc = body_parse_text(&r, &p, &route, fields, FIELD__MAX, text, len,
	    &root);
	return done(rc, &p, root);
}

/* Parse len bytes of form; returns 1 if a handler would run. */
static int
form(const char *text, size_t len)
{
	struct req		 r;
	struct resp		 p;
	struct json_object	*root = NULL;
	int			 rc;

	memset(&r, 0, sizeof(r));
	memset(&p, 0, sizeof(p));
	r.params = params;
	rc = body_parse_form_text(&r, &p, &oauth, fields, FIELD__MAX, text,
	    len, &root);
	return done(rc, &p, root);
}
#define BODY(s)		body(s, sizeof(s) - 1)
#define GOOD(s, what)	ok(BODY(s) == 1, "%s passes", what)
#define BAD(s, what)	ok(BODY(s) == 0, "%s: 400 (%s)", what, message)

int
main(void)
{
	char	 err[256], big[70000];

	tap_env();
	if (!ok(tap_config(err, sizeof(err)) && body_init() == 1,
	    "config loads %s", err))
		return tap_done();

	GOOD("{\"email\":\"a@b.cd\"}", "a plain body");
	GOOD(" {\"email\" : \"a@b.cd\", \"flag\": true}\r\n", "white space");
	GOOD("{\"email\":\"\\u0061@b.cd\",\"password\":\"\\ud83d\\ude00"
	    "\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00"
	    "\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\"}",
	    "escapes and surrogate pairs");
	GOOD("{\"email\":\"a@b.cd\",\"password\":\"p\xc3\xa4ssw\xc3\xb6rd"
	    "\xf0\x9f\x98\x80\"}", "raw multi-byte UTF-8");
	GOOD("{\"email\":\"a@b.cd\",\"password\":\"tab\\tquote\\\"\\\\/\"}",
	    "the short escapes");

	BAD("{\"email\":\"a@b.cd\"", "truncated");
	BAD("{\"email\":\"a@b.cd\"} x", "trailing garbage");
	BAD("[\"a@b.cd\"]", "an array");
	BAD("\"a@b.cd\"", "a string");
	BAD("{\"email\":\"a@b.cd\",\"email\":\"c@d.ef\"}", "a duplicate key");
	BAD("{\"email\":\"a@b.cd\",\"\\u0065mail\":\"c@d.ef\"}",
	    "a duplicate key spelt with an escape");
	BAD("{\"email\\u0000x\":\"a@b.cd\"}", "a key with \\u0000");
	ok(strstr(message, "NUL") != NULL, "... named as a NUL");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"abcd\\u0000efgh\"}",
	    "a value with \\u0000");
	ok(body("{\"email\":\"a\0@b.cd\"}", 19) == 0 && strstr(message, "NUL"),
	    "a raw NUL: 400 (%s)", message);
	BAD("{\"email\":\"a@b.cd\",\"password\":\"\xc0\x80xxxxxxxx\"}",
	    "an overlong NUL");
	ok(strstr(message, "UTF-8") != NULL, "... named as UTF-8");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"\xe0\x80\xafxxxxxxx\"}",
	    "an overlong 3-byte form");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"\xed\xa0\x80xxxxxxx\"}",
	    "a UTF-8 encoded surrogate");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"\xf4\x90\x80\x80xxxxxx\"}",
	    "a code point above U+10FFFF");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"\xf5\x80\x80\x80xxxxxx\"}",
	    "an F5 lead byte");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"\xe2\x82xxxxxxxx\"}",
	    "a cut sequence");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"xxxxxxxx\xff\"}", "a 0xff");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"\\ud800xxxxxxxx\"}",
	    "a lone high surrogate escape");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"\\udc00xxxxxxxx\"}",
	    "a lone low surrogate escape");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"\\ud800\\u0041xxxxxxx\"}",
	    "a high surrogate with no low one");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"xxxxxxx\\ud800\"}",
	    "a high surrogate at the end");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"xxxxxxx\\u12\"}",
	    "a short \\u escape");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"xxxxxxx\\x41\"}",
	    "an unknown escape");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"xxxx\txxxx\"}",
	    "a raw control character");
	BAD("\xef\xbb\xbf{\"email\":\"a@b.cd\"}", "a byte order mark");
	BAD("{'email':'a@b.cd'}", "single quotes");
	BAD("{\"email\":\"a@b.cd\",\"flag\":NaN}", "NaN");
	BAD("{\"email\":\"a@b.cd\",\"flag\":Infinity}", "Infinity");
	BAD("{\"email\":\"a@b.cd\",\"flag\":True}", "True");
	BAD("{\"email\":\"a@b.cd\",\"flag\":nul}", "nul");
	BAD("{\"email\":\"a@b.cd\" /* x */}", "a comment");
	BAD("{\"email\":\"a@b.cd\",}", "a trailing comma");
	BAD("{\"email\":{\"a\":{\"b\":{\"c\":{}}}}}", "nesting deeper than 4");
	BAD("{\"email\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]]]]]]]}", "deep arrays");
	BAD("{\"email\":\"a@b.cd\",\"flag\":\"true\"}", "a string for a bool");
	BAD("{\"email\":42}", "a number for a string");
	BAD("{\"email\":null}", "null for a string");
	BAD("{\"email\":[\"a@b.cd\"]}", "an array for a string");
	BAD("{\"email\":\"a@b.cd\",\"role\":\"admin\"}", "an unknown field");
	BAD("{}", "a missing required field");
	BAD("{\"email\":\"a@b.cd\",\"password\":\"password\"}",
	    "a common password");
	ok(strcmp(message, "password is too common") == 0, "... says so: %s",
	    message);

	memset(big, ' ', sizeof(big));
	ok(body(big, sizeof(big)) == 0 && strstr(message, "size limit"),
	    "a body over AUTH_MAX_BODY: 413 (%s)", message);

#define FORM(s)		form(s, sizeof(s) - 1)
#define GOODF(s, what)	ok(FORM(s) == 1, "form: %s passes", what)
#define BADF(s, what)	ok(FORM(s) == 0, "form: %s: 400 (%s)", what, message)
	GOODF("email=a%40b.cd&password=correct+horse+battery", "a plain form");
	BADF("email=a%40b.cd&flag=true", "a form's values are strings: a "
	    "boolean field");
	ok(FORM("email=a%40b.cd") == 1 && strcmp(email, "a@b.cd") == 0,
	    "form: %%XX decoded into the same validators");
	ok(FORM("email=+A%40B.CD+") == 1 && strcmp(email, "a@b.cd") == 0,
	    "form: + is a space (trimmed by the email validator)");
	ok(FORM("%65mail=a%40b.cd") == 1, "form: an escaped name");
	BADF("email=a%40b.cd&email=c%40d.ef", "a duplicate name");
	BADF("email=a%40b.cd&%65mail=c%40d.ef", "a duplicate name spelt "
	    "with an escape");
	BADF("email=a%40b.cd&role=admin", "an unknown field");
	BADF("password=correct+horse+battery", "a missing required field");
	ok(strcmp(message, "email is required") == 0, "... named: %s", message);
	BADF("email=a%40b.cd&&flag=1", "an empty pair");
	BADF("email=a%40b.cd&", "a trailing &");
	BADF("email", "a name without =");
	BADF("=a%40b.cd", "an empty name");
	BADF("email=a%40b%zz", "a bad escape");
	BADF("email=a%40b.c%", "a cut escape");
	BADF("email=a @b.cd", "a raw space");
	BADF("email=a\xc3\xa4@b.cd", "raw non-ASCII");
	BADF("email=a%c3@b.cd", "escaped bytes that are not UTF-8");
	BADF("em%00ail=a%40b.cd", "a NUL in a name");
	ok(strstr(message, "NUL") != NULL, "... named as a NUL");
	ok(FORM("email=a%40b.cd&password=abcd%00efgh") == 0 &&
	    strstr(message, "password") != NULL, "form: a NUL in a value: 400 "
	    "naming the field (%s)", message);
	ok(form(big, sizeof(big)) == 0 && strstr(message, "size limit"),
	    "form: over AUTH_MAX_BODY: 413 (%s)", message);

	body_free();
	tap_config_free();
	return tap_done();
}
