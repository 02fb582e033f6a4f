/*
 * Request bodies.  A request that may carry one and says it is not
 * JSON is refused (415) even when empty, so no cross-site form reaches
 * a handler; the one exception is the OAuth endpoints (ACCESS_CLIENT
 * routes: RFC 7662, RFC 7009), whose RFCs define form-encoded bodies,
 * and which answer only a resource server's own credentials, never a
 * browser's cookie.  A form is read as strictly as JSON, into the same
 * fields and validators.  The size is checked from Content-Length before a byte is
 * read; the body must be well-formed UTF-8 without a raw NUL and
 * without an escaped one in a key, is parsed by json-c in strict mode
 * with a depth limit, must be one object without duplicate keys, and
 * each field is validated once here (a NUL in a value is refused by
 * its field's validator, which names it).
 * Handlers see only fields that passed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "body.h"
#include "config.h"
#include "io.h"
#include "util.h"

/* Bodies are flat objects: anything deeper than this is refused. */
#define JSON_DEPTH	4

static char			*buf;	/* AUTH_MAX_BODY + 1, reused */
static struct json_tokener	*tok;

/* Allocate the body buffer and parser once.  Returns 1 or -1. */
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
	return 1;
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

/* "application/x-www-form-urlencoded", any case, maybe with parameters. */
static int
is_form(const char *type)
{
	size_t	 n = strlen("application/x-www-form-urlencoded");

	if (type == NULL ||
	    strncasecmp(type, "application/x-www-form-urlencoded", n) != 0)
		return 0;
	return type[n] == '\0' || type[n] == ';' || type[n] == ' ';
}

/* May a body of route rt be form-encoded?  The OAuth endpoints' may. */
static int
takes_form(const struct route *rt)
{

	return rt->access == ACCESS_CLIENT;
}

/*
 * May a request of this method for route rt go on, as far as its
 * Content-Type goes?  A method that can carry a body and names any
 * type but JSON is refused even without a body: every cross-site form
 * names one (urlencoded, multipart or text/plain), and none must reach
 * a handler, save the OAuth endpoints' forms.  No type at all will do
 * only without a body, on the routes that take no fields as well.
 * Returns 1 if it may, 0 for a 415.
 */
int
body_type_ok(const struct route *rt, enum method m)
{
	const char	*type = io_env("CONTENT_TYPE");

	if (m == METHOD_GET)
		return 1;
	if (type == NULL || *type == '\0')
		return io_content_length() == 0;
	return is_json(type) || (takes_form(rt) && is_form(type));
}

/* What scan() found wrong with a body, if anything. */
enum scan {
	SCAN_OK,
	SCAN_UTF8,	/* not well-formed UTF-8, or an unpaired surrogate */
	SCAN_NUL,	/* a \u0000 escape in a key */
	SCAN_SYNTAX,	/* something json-c would let through, but not JSON */
};

/*
 * The length of the UTF-8 sequence at s (n bytes left), or 0 if it is
 * not well-formed by RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF.  json-c's own check lets all three through.
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t	 len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) ||	/* overlong */
	    (s[0] == 0xed && s[1] > 0x9f) ||	/* U+D800..U+DFFF */
	    (s[0] == 0xf0 && s[1] < 0x90) ||	/* overlong */
	    (s[0] == 0xf4 && s[1] > 0x8f))	/* above U+10FFFF */
		return 0;
	return len;
}

/*
 * Walk the string literal that opens at s[*i] to its closing quote,
 * left in *i.  Raw control characters, unknown escapes and unpaired
 * UTF-16 surrogates are refused: json-c takes the first two and
 * silently replaces the last.  *nul is set if it holds \u0000, which
 * json-c keeps in a value but cuts a key at ("email\u0000x" would
 * become "email").
 */
static enum scan
scan_string(const char *s, size_t len, size_t *i, int *nul)
{
	size_t	 k = *i + 1;
	long	 u, lo;

	*nul = 0;
	for (; k < len && s[k] != '"'; k++) {
		if ((unsigned char)s[k] < 0x20)
			return SCAN_SYNTAX;
		if (s[k] != '\\')
			continue;
		if (++k == len)
			return SCAN_SYNTAX;
		if (s[k] != 'u') {
			if (s[k] == '\0' || strchr("\"\\/bfnrt", s[k]) == NULL)
				return SCAN_SYNTAX;
			continue;
		}
		if ((u = util_hex4(s + k + 1, len - k - 1)) == -1)
			return SCAN_SYNTAX;
		k += 4;
		if (u == 0)
			*nul = 1;
		if (u >= 0xdc00 && u <= 0xdfff)
			return SCAN_UTF8;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (len - k < 3 || s[k + 1] != '\\' || s[k + 2] != 'u' ||
			    (lo = util_hex4(s + k + 3, len - k - 3)) < 0xdc00 ||
			    lo > 0xdfff)
				return SCAN_UTF8;
			k += 6;
		}
	}
	*i = k;
	return k < len ? SCAN_OK : SCAN_SYNTAX;
}

/*
 * Check len bytes of body text beyond what json-c checks, and count
 * the keys of the top-level object: the strings at depth 1 followed by
 * ':'.  json-c keeps only the last of duplicate keys, so fewer keys in
 * the parsed object than counted here means duplicates were sent.
 * Outside strings only JSON's own characters may appear, and letters
 * only as true, false, null or an exponent: json-c in strict mode
 * still takes 'single quotes' and NaN.
 */
static enum scan
scan(const char *s, size_t len, size_t *keys)
{
	enum scan	 rc;
	size_t		 i, j, n;
	int		 depth = 0, nul;

	*keys = 0;
	for (i = 0; i < len; i += n)
		if ((n = utf8_len((const unsigned char *)s + i, len - i)) == 0)
			return SCAN_UTF8;
	for (i = 0; i < len; i++) {
		if (s[i] == '"') {
			if ((rc = scan_string(s, len, &i, &nul)) != SCAN_OK)
				return rc;
			for (j = i + 1; j < len && strchr(" \t\r\n", s[j]) &&
			    s[j] != '\0'; j++)
				continue;
			if (j < len && s[j] == ':' && nul)
				return SCAN_NUL;
			if (depth == 1 && j < len && s[j] == ':')
				(*keys)++;
		} else if (s[i] == '{' || s[i] == '[')
			depth++;
		else if (s[i] == '}' || s[i] == ']')
			depth--;
		else if (isalpha((unsigned char)s[i])) {
			for (n = 0; i + n < len &&
			    isalpha((unsigned char)s[i + n]); n++)
				continue;
			if (!(n == 4 && strncmp(s + i, "true", 4) == 0) &&
			    !(n == 5 && strncmp(s + i, "false", 5) == 0) &&
			    !(n == 4 && strncmp(s + i, "null", 4) == 0) &&
			    !(n == 1 && (s[i] == 'e' || s[i] == 'E')))
				return SCAN_SYNTAX;
			i += n - 1;
		} else if (s[i] == '\0' ||
		    strchr(" \t\r\n:,-+.0123456789", s[i]) == NULL)
			return SCAN_SYNTAX;
	}
	return SCAN_OK;
}

/*
 * What a parser returns: root when why is NULL, else NULL with a 400
 * saying why (root, if any, freed).
 */
static struct json_object *
parsed(struct resp *p, struct json_object *root, const char *why)
{

	if (why == NULL)
		return root;
	json_object_put(root);
	resp_fail(p, ERR_INVALID_REQUEST, NULL, why);
	return NULL;
}

/*
 * Parse the len bytes in buf (a NUL after them): the checks scan()
 * makes, json-c in strict mode, one object, no duplicate keys.  Returns
 * the object, or NULL with a 400 saying what is wrong.
 */
static struct json_object *
parse(struct resp *p, size_t len)
{
	struct json_object	*root = NULL;
	const char		*why = NULL;
	size_t			 end, keys;

	if (memchr(buf, '\0', len) != NULL)
		why = "the body must not contain NUL bytes";
	else switch (scan(buf, len, &keys)) {
	case SCAN_OK:
		break;
	case SCAN_UTF8:
		why = "the body is not valid UTF-8";
		break;
	case SCAN_NUL:
		why = "a key must not contain a NUL byte";
		break;
	case SCAN_SYNTAX:
		why = "the body is not valid JSON";
		break;
	}
	if (why == NULL) {
		json_tokener_reset(tok);
		root = json_tokener_parse_ex(tok, buf, (int)len);
		end = json_tokener_get_parse_end(tok);
		while (end < len && strchr(" \t\r\n", buf[end]) != NULL)
			end++;
		if (root == NULL || end != len ||
		    json_tokener_get_error(tok) != json_tokener_success)
			why = "the body is not valid JSON";
		else if (!json_object_is_type(root, json_type_object))
			why = "the body must be a JSON object";
		else if (keys != (size_t)json_object_object_length(root))
			why = "the body has a duplicate key";
	}
	return parsed(p, root, why);
}

/* Is s (len bytes) well-formed UTF-8?  Returns 1 or 0. */
static int
utf8_ok(const char *s, size_t len)
{
	size_t	 i, n;

	for (i = 0; i < len; i += n)
		if ((n = utf8_len((const unsigned char *)s + i, len - i)) == 0)
			return 0;
	return 1;
}

/*
 * Add the pair at s (len bytes, "name=value", escaped) to root,
 * decoding it in place.  Returns NULL, or why it is refused.
 */
static const char *
form_pair(struct json_object *root, char *s, size_t len)
{
	char	*eq = memchr(s, '=', len);
	long	 nlen, vlen;

	if (eq == NULL || eq == s)
		return "the body is not form-encoded (name=value&...)";
	if ((nlen = util_form_decode(s, (size_t)(eq - s), s)) < 0 ||
	    (vlen = util_form_decode(eq + 1, len - (size_t)(eq - s) - 1,
	    eq + 1)) < 0)
		return "the body has a bad %-escape";
	if (!utf8_ok(s, (size_t)nlen) || !utf8_ok(eq + 1, (size_t)vlen))
		return "the body is not valid UTF-8";
	if (memchr(s, '\0', (size_t)nlen) != NULL)
		return "a key must not contain a NUL byte";
	s[nlen] = '\0';
	if (json_object_object_get_ex(root, s, NULL))
		return "the body has a duplicate key";
	if (json_object_object_add(root, s,
	    json_object_new_string_len(eq + 1, (int)vlen)) != 0)
		return "out of memory";
	return NULL;
}

/*
 * Parse the len bytes in buf as application/x-www-form-urlencoded into
 * an object of strings, as strict as JSON: printable ASCII only,
 * "name=value" pairs joined by '&', none empty, every '%' two hex
 * digits, decoded text valid UTF-8, each name once (RFC 6749 3.1) and
 * without NUL (a NUL in a value is its field's validator's to refuse,
 * naming the field).  Returns the object, or NULL with a 400.
 */
static struct json_object *
parse_form(struct resp *p, size_t len)
{
	struct json_object	*root;
	const char		*why = NULL;
	size_t			 i, n;

	if ((root = json_object_new_object()) == NULL)
		return NULL;
	for (i = 0; i < len && why == NULL; i++)
		if ((unsigned char)buf[i] < 0x21 || (unsigned char)buf[i] > 0x7e)
			why = "the body is not form-encoded (printable ASCII)";
	for (i = 0; i <= len && why == NULL; i += n + 1) {
		n = strcspn(buf + i, "&");
		if (n == 0)
			why = "the body has an empty pair";
		else
			why = form_pair(root, buf + i, n);
	}
	return parsed(p, root, why);
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
	resp_fail(p, ERR_INVALID_REQUEST, field, msg);
	return 0;
}

/*
 * Validate the fields of a parsed body (root may be NULL: no body)
 * into r->params.  Returns 1 when the handler may run, or 0 with the
 * error response set.
 */
static int
take(struct req *r, struct resp *p, const struct route *rt,
    const struct field *fields, size_t nfields, struct json_object *root)
{
	size_t	 i;
	int	 k;

	if (root != NULL) {
		json_object_object_foreach(root, key, val) {
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

/*
 * The end of every body_parse(): the len bytes in buf, JSON or (form)
 * form-encoded, parsed and taken into r->params.  An empty body counts
 * as {}.  Returns as body_parse().
 */
static int
parse_buf(struct req *r, struct resp *p, const struct route *rt,
    const struct field *fields, size_t nfields, size_t len, int form,
    struct json_object **root)
{

	if (len > 0) {
		buf[len] = '\0';
		if ((*root = form ? parse_form(p, len) : parse(p, len)) == NULL)
			return 0;
	}
	return take(r, p, rt, fields, nfields, *root);
}

/*
 * Read and validate the body of a request for route rt into r->params.
 * The size is checked from Content-Length before a byte is read.
 * An empty body counts as {}.  Returns 1 when the handler may run, or
 * 0 with the error response set; *root gets what the params point into
 * (the caller frees it).
 */
int
body_parse(struct req *r, struct resp *p, const struct route *rt,
    const struct field *fields, size_t nfields, struct json_object **root)
{
	const char	*type = io_env("CONTENT_TYPE");
	long		 len = io_content_length();
	int		 form = 0;

	*root = NULL;
	if (len == -1)
		return refuse(p, "Content-Length", "is not a number");
	if (len > cfg->max_body) {
		resp_fail(p, ERR_PAYLOAD_TOO_LARGE, NULL, NULL);
		return 0;
	}
	if (len > 0) {
		form = takes_form(rt) && is_form(type);
		if (!form && !is_json(type)) {
			resp_fail(p, ERR_UNSUPPORTED_MEDIA_TYPE, NULL, NULL);
			return 0;
		}
		if (io_read(buf, (size_t)len) != (size_t)len) {
			resp_fail(p, ERR_INVALID_REQUEST, NULL,
			    "the body is shorter than its Content-Length");
			return 0;
		}
	}
	return parse_buf(r, p, rt, fields, nfields, (size_t)len, form, root);
}

/*
 * body_parse() of len bytes of text already in memory, JSON or (form)
 * form-encoded, as the tests and the fuzzer drive it: the same checks,
 * minus the headers.
 */
static int
parse_text(struct req *r, struct resp *p, const struct route *rt,
    const struct field *fields, size_t nfields, const char *text, size_t len,
    int form, struct json_object **root)
{

	*root = NULL;
	if (len > (size_t)cfg->max_body) {
		resp_fail(p, ERR_PAYLOAD_TOO_LARGE, NULL, NULL);
		return 0;
	}
	if (len > 0)
		memcpy(buf, text, len);
	return parse_buf(r, p, rt, fields, nfields, len, form, root);
}

/* parse_text() of JSON. */
int
body_parse_text(struct req *r, struct resp *p, const struct route *rt,
    const struct field *fields, size_t nfields, const char *text, size_t len,
    struct json_object **root)
{

	return parse_text(r, p, rt, fields, nfields, text, len, 0, root);
}

/* parse_text() of a form. */
int
body_parse_form_text(struct req *r, struct resp *p, const struct route *rt,
    const struct field *fields, size_t nfields, const char *text, size_t len,
    struct json_object **root)
{

	return parse_text(r, p, rt, fields, nfields, text, len, 1, root);
}
