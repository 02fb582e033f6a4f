/*
 * Request bodies.  The size is checked from Content-Length before a
 * byte is read; the body must be JSON (415), is parsed by json-c in
 * strict mode with UTF-8 checking and a depth limit, must be one object
 * without duplicate keys, and each field is validated once here.
 * Handlers see only fields that passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "body.h"
#include "io.h"

/* Bodies are flat objects: anything deeper than this is refused. */
#define JSON_DEPTH	4

static char			*buf;	/* AUTH_MAX_BODY + 1, reused */
static struct json_tokener	*tok;

/* Allocate the body buffer and parser once.  Returns 0 or -1. */
int
body_init(void)
{

	buf = malloc((size_t)cfg->max_body + 1);
	tok = json_tokener_new_ex(JSON_DEPTH);
	if (buf == NULL || tok == NULL) {
		LOG("out of memory");
		body_free();
		return -1;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	return 0;
}

void
body_free(void)
{

	free(buf);
	buf = NULL;
	if (tok != NULL)
		json_tokener_free(tok);
	tok = NULL;
}

/* Forget the last request's fields, freeing what they own. */
void
body_params_clear(struct param *params, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(params[i].own);
	memset(params, 0, n * sizeof(*params));
}

/* "application/json", any case, optionally followed by parameters. */
static int
is_json(const char *type)
{
	size_t	 n = strlen("application/json");

	if (type == NULL || strncasecmp(type, "application/json", n) != 0)
		return 0;
	return type[n] == '\0' || type[n] == ';' || type[n] == ' ';
}

/*
 * Count the keys of the top-level object in len bytes of valid JSON:
 * the strings at depth 1 followed by ':'.  json-c keeps only the last
 * of duplicate keys, so fewer keys in the object than here means
 * duplicates were sent.
 */
static size_t
count_keys(const char *s, size_t len)
{
	size_t	 i, j, keys = 0;
	int	 depth = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '{' || s[i] == '[')
			depth++;
		else if (s[i] == '}' || s[i] == ']')
			depth--;
		else if (s[i] == '"') {
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			for (j = i + 1; j < len && strchr(" \t\r\n", s[j]); j++)
				continue;
			if (depth == 1 && j < len && s[j] == ':')
				keys++;
		}
	}
	return keys;
}

/* Read and parse the body; returns the object, or NULL with p set. */
static struct json_object *
parse(struct resp *p, size_t len)
{
	struct json_object	*root;
	size_t			 end;

	if (io_read(buf, len) != len) {
		api_fail(p, ERR_INVALID_REQUEST, NULL,
		    "the body is shorter than its Content-Length");
		return NULL;
	}
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL) {
		api_fail(p, ERR_INVALID_REQUEST, NULL,
		    "the body must not contain NUL bytes");
		return NULL;
	}
	json_tokener_reset(tok);
	root = json_tokener_parse_ex(tok, buf, (int)len);
	end = json_tokener_get_parse_end(tok);
	while (end < len && strchr(" \t\r\n", buf[end]) != NULL)
		end++;
	if (root == NULL || json_tokener_get_error(tok) != json_tokener_success
	    || end != len) {
		json_object_put(root);
		api_fail(p, ERR_INVALID_REQUEST, NULL,
		    "the body is not valid JSON");
		return NULL;
	}
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		api_fail(p, ERR_INVALID_REQUEST, NULL,
		    "the body must be a JSON object");
		return NULL;
	}
	if (count_keys(buf, len) != (size_t)json_object_object_length(root)) {
		json_object_put(root);
		api_fail(p, ERR_INVALID_REQUEST, NULL,
		    "the body has a duplicate key");
		return NULL;
	}
	return root;
}

/* The index of the field named key, or -1. */
static int
field_index(const struct field *fields, size_t n, const char *key)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(fields[i].name, key) == 0 ||
		    (fields[i].alias != NULL && strcmp(fields[i].alias, key) == 0))
			return (int)i;
	return -1;
}

/* Set a 400 naming field: "<field> <why>". */
static int
refuse(struct resp *p, const char *field, const char *why)
{
	char	 msg[256];

	snprintf(msg, sizeof(msg), "%s %s", field, why);
	api_fail(p, ERR_INVALID_REQUEST, field, msg);
	return 0;
}

/*
 * Read and validate the body of a request for route rt into r->params.
 * An empty body counts as {}.  Returns 1 when the handler may run, or
 * 0 with the error response set; *root gets what the params point into
 * (the caller frees it).
 */
int
body_parse(struct req *r, struct resp *p, const struct route *rt,
    const struct field *fields, size_t nfields, struct json_object **root)
{
	const char	*v = io_env("CONTENT_LENGTH");
	long		 len = 0;
	size_t		 i;
	int		 k;

	*root = NULL;
	if (v != NULL && *v != '\0' && !util_parse_long(v, 0, 0x7fffffff, &len))
		return refuse(p, "Content-Length", "is not a number");
	if (len > cfg->max_body) {
		api_fail(p, ERR_PAYLOAD_TOO_LARGE, NULL, NULL);
		return 0;
	}
	if (len > 0) {
		if (!is_json(io_env("CONTENT_TYPE"))) {
			api_fail(p, ERR_UNSUPPORTED_MEDIA_TYPE, NULL, NULL);
			return 0;
		}
		if ((*root = parse(p, (size_t)len)) == NULL)
			return 0;
	}

	if (*root != NULL) {
		json_object_object_foreach(*root, key, val) {
			k = field_index(fields, nfields, key);
			if (k == -1 || !(rt->takes & F(k)))
				return refuse(p, key, "is not accepted here");
			if (r->params[k].set)
				return refuse(p, key, "is given twice");
			if (!fields[k].valid(val, &r->params[k]))
				return refuse(p, fields[k].name,
				    r->params[k].why);
			r->params[k].set = 1;
		}
	}
	for (i = 0; i < nfields; i++)
		if ((rt->needs & F(i)) && !r->params[i].set)
			return refuse(p, fields[i].name, "is required");
	return 1;
}
