/*
 * POST /introspect (RFC 7662) and POST /revoke (RFC 7009), for
 * resource servers with client credentials (HTTP Basic, authctl
 * clients add); the body form-encoded as those RFCs say, or JSON.
 * Both take access and refresh tokens alike.  Introspection answers
 * {"active":false} for anything not live, and nothing more; revocation
 * ends the token's session, and answers 200 whether or not the token
 * was known.
 */
#include <stdio.h>

#include <json-c/json.h>

#include "api.h"
#include "config.h"

enum {
	FIELD_TOKEN,
	FIELD_HINT,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "token", valid_token, NULL },		/* FIELD_TOKEN */
	{ "token_type_hint", valid_name, NULL },	/* FIELD_HINT */
};

/* The answer for a live token: who, which session, until when. */
static struct json_object *
active(const struct inspection *in)
{
	struct json_object	*o;
	char			 sub[24];

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	snprintf(sub, sizeof(sub), "%lld", (long long)in->uid);
	json_object_object_add(o, "active", json_object_new_boolean(1));
	json_object_object_add(o, "sub", json_object_new_string(sub));
	json_object_object_add(o, "sid", json_object_new_int64(in->sid));
	json_object_object_add(o, "role", json_object_new_string(in->role));
	json_object_object_add(o, "iss", json_object_new_string(cfg->issuer));
	/* A refresh token is for this server alone, never a resource's. */
	json_object_object_add(o, "aud", json_object_new_string(in->refresh ?
	    cfg->issuer : cfg->audience));
	json_object_object_add(o, "exp", json_object_new_int64(in->exp));
	json_object_object_add(o, "iat", json_object_new_int64(in->iat));
	json_object_object_add(o, "token_type", json_object_new_string(
	    in->refresh ? "refresh_token" : "access_token"));
	return o;
}

static int
introspect_post(struct req *r, struct resp *p)
{
	struct inspection	 in;
	struct json_object	*o;
	int			 rc;

	if ((rc = session_inspect(r->params[FIELD_TOKEN].str, &in)) == -1)
		return 0;
	if (rc == 1)
		o = active(&in);
	else if ((o = json_object_new_object()) != NULL)
		json_object_object_add(o, "active", json_object_new_boolean(0));
	return resp_reply(p, 200, o);
}

static int
revoke_post(struct req *r, struct resp *p)
{

	if (session_revoke_token(r->params[FIELD_TOKEN].str) == -1)
		return 0;
	return resp_reply(p, 200, json_object_new_object());
}

static const struct route routes[] = {
	{ METHOD_POST, "/introspect", ACCESS_CLIENT,
	    F(FIELD_TOKEN) | F(FIELD_HINT), F(FIELD_TOKEN), introspect_post },
	{ METHOD_POST, "/revoke", ACCESS_CLIENT,
	    F(FIELD_TOKEN) | F(FIELD_HINT), F(FIELD_TOKEN), revoke_post },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, FIELD__MAX);
}
