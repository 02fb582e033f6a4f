/*
 * GET /.well-known/jwks.json: the public keys that verify access
 * tokens (RFC 7517): the one that signs, the next one, and retired
 * ones until their last token has expired; empty under HS256.  The one
 * answer that may be cached, for 300 s: a key is published at least
 * AUTH_KEY_PUBLISH_AHEAD seconds before it signs.
 * GET /.well-known/oauth-authorization-server: the server's metadata
 * (RFC 8414), only what it does: no authorization or token endpoint,
 * as there is no OAuth grant.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "api.h"
#include "config.h"
#include "keyset.h"

/* Add member key with string value v, unless v is NULL. */
static void
add(struct json_object *o, const char *key, const char *v)
{

	if (v != NULL)
		json_object_object_add(o, key, json_object_new_string(v));
}

/* keyset_each() callback: the public JWK of k, appended to arg. */
static int
add_key(const struct key_info *k, void *arg)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL ||
	    json_object_array_add(arg, o) != 0) {
		json_object_put(o);
		return -1;
	}
	add(o, "kty", k->kty);
	add(o, "use", "sig");
	add(o, "alg", k->alg);
	add(o, "kid", k->kid);
	add(o, "crv", k->crv);
	add(o, "x", k->x);
	add(o, "y", k->y);
	add(o, "n", k->n);
	add(o, "e", k->e);
	return 0;
}

static int
jwks_get(struct req *r, struct resp *p)
{
	struct json_object	*o, *keys;

	(void)r;
	if ((o = json_object_new_object()) == NULL)
		return 0;
	if ((keys = json_object_new_array()) == NULL ||
	    json_object_object_add(o, "keys", keys) != 0 ||
	    keyset_each(add_key, keys) == -1) {
		json_object_put(o);
		return 0;
	}
	resp_cache(p, "public, max-age=300");
	return resp_reply(p, 200, o);
}

/*
 * The URL the endpoints hang from, into buf: AUTH_ISSUER when it is
 * one (RFC 8414 wants the issuer to be the server's https URL, prefix
 * and all), else the scheme and host this request came to and the
 * prefix the API is mounted under (r->base: "/auth" in the packaged
 * snippets).  Returns 1, or 0 when neither will do.
 */
static int
base_url(const struct req *r, char *buf, size_t size)
{
	const char	*iss = cfg->issuer, *host = req_env("HTTP_HOST");
	const char	*https = req_env("HTTPS");
	size_t		 n;

	if (strncmp(iss, "https://", 8) == 0 || strncmp(iss, "http://", 7) == 0) {
		n = strlen(iss);
		while (n > 0 && iss[n - 1] == '/')
			n--;
		return snprintf(buf, size, "%.*s", (int)n, iss) < (int)size;
	}
	if (host == NULL || *host == '\0' || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-:[]") != strlen(host))
		return 0;
	return snprintf(buf, size, "%s://%s%s", https != NULL &&
	    strcasecmp(https, "on") == 0 ? "https" : "http", host,
	    r->base) < (int)size;
}

/* Add member key, the URL base + path. */
static void
add_url(struct json_object *o, const char *key, const char *base,
    const char *path)
{
	char	 url[1700];

	snprintf(url, sizeof(url), "%s%s", base, path);
	add(o, key, url);
}

/* ["client_secret_basic"], a new array each time (one owner each). */
static struct json_object *
basic_only(void)
{
	struct json_object	*a;

	if ((a = json_object_new_array()) != NULL)
		json_object_array_add(a,
		    json_object_new_string("client_secret_basic"));
	return a;
}

static int
metadata_get(struct req *r, struct resp *p)
{
	struct json_object	*o;
	char			 base[1600];

	if (!base_url(r, base, sizeof(base)))
		return resp_fail(p, ERR_INVALID_REQUEST, NULL, "no Host, and "
		    "AUTH_ISSUER is not a URL");
	if ((o = json_object_new_object()) == NULL)
		return 0;
	add(o, "issuer", cfg->issuer);
	add_url(o, "jwks_uri", base, "/.well-known/jwks.json");
	add_url(o, "introspection_endpoint", base, "/introspect");
	add_url(o, "revocation_endpoint", base, "/revoke");
	json_object_object_add(o,
	    "introspection_endpoint_auth_methods_supported", basic_only());
	json_object_object_add(o,
	    "revocation_endpoint_auth_methods_supported", basic_only());
	return resp_reply(p, 200, o);
}

static const struct route routes[] = {
	{ METHOD_GET, "/.well-known/jwks.json", ACCESS_PUBLIC, 0, 0,
	    jwks_get },
	{ METHOD_GET, "/.well-known/oauth-authorization-server",
	    ACCESS_PUBLIC, 0, 0, metadata_get },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), NULL, 0);
}
