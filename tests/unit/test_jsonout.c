/*
 * The response body writer (jsonout.c) against json-c's own
 * serialiser: the same bytes for every kind of
 * value the programs answer with.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "reply.h"
#include "jsonout.h"
#include "tap.h"

/* Does jsonout() write o as json-c does?  Frees o. */
static int
same(struct json_object *o)
{
	const char	*want, *got;
	size_t		 wlen, glen;
	int		 rc;

	want = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &wlen);
	got = jsonout(o, &glen);
	rc = wlen == glen && memcmp(want, got, wlen) == 0;
	if (!rc)
		printf("# json-c: %s\n# ours:   %.*s\n", want, (int)glen, got);
	json_object_put(o);
	return rc;
}

int
main(void)
{
	struct resp		 p;
	struct user		 u;
	struct json_object	*o, *a;
	char			 all[256];
	int			 i;

	/* The user resource, with every character that needs escaping. */
	memset(&u, 0, sizeof(u));
	u.id = 42;
	strcpy(u.email, "a\"b\\c/d\b\f\n\r\t\x01\x1f\x7f@\xc3\xa9x.example");
	strcpy(u.role, "admin");
	u.email_verified = 1;
	u.created_at = 1795300098;
	u.updated_at = 0;
	ok(same(reply_user_json(&u)), "a user without a username");
	strcpy(u.username, "ann_b.c-d");
	ok(same(reply_user_json(&u)), "a user with a username");

	/* An error, as resp_fail() makes it. */
	memset(&p, 0, sizeof(p));
	resp_fail(&p, ERR_INVALID_REQUEST, "email", "email must be an email");
	ok(same(p.body), "an error with a field");

	/* Every kind of value, nested as session lists are. */
	o = json_object_new_object();
	a = json_object_new_array();
	json_object_array_add(a, json_object_new_object());
	json_object_array_add(a, json_object_new_int64(INT64_MIN));
	json_object_array_add(a, json_object_new_int64(INT64_MAX));
	json_object_array_add(a, json_object_new_uint64(UINT64_MAX));
	json_object_array_add(a, json_object_new_double(1.5));
	json_object_array_add(a, json_object_new_double(-0.1));
	json_object_array_add(a, NULL);
	json_object_array_add(a, json_object_new_boolean(1));
	json_object_array_add(a, json_object_new_boolean(0));
	json_object_object_add(o, "list", a);
	json_object_object_add(o, "empty", json_object_new_array());
	json_object_object_add(o, "none", NULL);
	json_object_object_add(o, "k\"ey/\n", json_object_new_int64(0));
	ok(same(o), "arrays, objects, numbers, booleans and null");

	/* Every byte but NUL in a string. */
	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	ok(same(json_object_new_string_len(all, 255)), "every byte 1-255");
	ok(same(json_object_new_string("")), "an empty string");
	ok(same(json_object_new_object()), "an empty object");
	return tap_done();
}
