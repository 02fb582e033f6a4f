/*
 * Field validators, in the manner of kcgi's kvalid_*: each checks the
 * JSON type, the length, NUL bytes and syntax, then stores the value.
 * Every string is checked for an embedded NUL (JSON may carry \u0000)
 * by comparing its length with strlen().
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "pw.h"
#include "user.h"
#include "valid.h"

/* Longest password accepted for checking (policy applies to new ones). */
#define PRESENTED_MAX	1024
#define TOKEN_FIELD_MAX	4096

static int
bad(struct param *p, const char *why)
{

	p->why = why;
	return 0;
}

/* A JSON string of 1..max bytes without NUL, stored borrowed. */
static int
string(struct json_object *v, struct param *p, size_t max)
{

	if (!json_object_is_type(v, json_type_string))
		return bad(p, "must be a string");
	p->str = json_object_get_string(v);
	p->len = (size_t)json_object_get_string_len(v);
	if (strlen(p->str) != p->len)
		return bad(p, "must not contain a NUL byte");
	if (p->len == 0)
		return bad(p, "must not be empty");
	if (p->len > max)
		return bad(p, "is too long");
	return 1;
}

/* Characters RFC 5322 allows in an unquoted local part ("atext"). */
static int
local_char(int c)
{

	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~.-", c));
}

static int
domain_char(int c)
{

	return isalnum(c) || c == '-' || c == '.';
}

/*
 * Check and normalise an email address of len bytes: trimmed, ASCII
 * only, one '@', a dot-atom local part, a dotted domain, at most 254
 * bytes, lower-cased.  ASCII only keeps look-alike characters from
 * naming a second account and keeps mail headers safe.
 * Returns 1 with *out allocated, or 0.
 */
int
valid_email_text(const char *s, size_t len, char **out)
{
	const char	*at, *dom, *end;
	size_t		 i;
	char		*e;

	while (len > 0 && isspace((unsigned char)*s))
		s++, len--;
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len < 3 || len > EMAIL_MAX)
		return 0;
	end = s + len;
	if ((at = memchr(s, '@', len)) == NULL ||
	    memchr(at + 1, '@', (size_t)(end - at - 1)) != NULL)
		return 0;
	dom = at + 1;
	if (at == s || at - s > 64 || s[0] == '.' || at[-1] == '.' ||
	    dom == end || *dom == '.' || *dom == '-' || end[-1] == '.' ||
	    end[-1] == '-' || memchr(dom, '.', (size_t)(end - dom)) == NULL)
		return 0;
	for (i = 0; s + i < at; i++)
		if (!local_char((unsigned char)s[i]) ||
		    (s[i] == '.' && s[i + 1] == '.'))
			return 0;
	for (i = 0; dom + i < end; i++)
		if (!domain_char((unsigned char)dom[i]) ||
		    (dom[i] == '.' && (dom[i + 1] == '.' || dom[i + 1] == '-' ||
		    dom[i - 1] == '-')))
			return 0;
	if ((e = strndup(s, len)) == NULL)
		return 0;
	for (i = 0; i < len; i++)
		e[i] = (char)tolower((unsigned char)e[i]);
	*out = e;
	return 1;
}

int
valid_email(struct json_object *v, struct param *p)
{

	if (!string(v, p, EMAIL_MAX + 64))
		return 0;
	if (!valid_email_text(p->str, p->len, &p->own))
		return bad(p, "must be an email address");
	p->str = p->own;
	p->len = strlen(p->own);
	return 1;
}

/*
 * Check a username of len bytes: 3 to 32 characters of A-Z a-z 0-9
 * _ . - (so no NUL).  Returns NULL if it is one, or why not.
 */
const char *
valid_username_text(const char *s, size_t len)
{
	size_t	 i;

	if (len < USERNAME_MIN || len > USERNAME_MAX)
		return "must be 3 to 32 characters";
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    (s[i] == '\0' || strchr("_.-", s[i]) == NULL))
			return "may only contain A-Z a-z 0-9 _ . -";
	return NULL;
}

int
valid_username(struct json_object *v, struct param *p)
{
	const char	*why;

	if (!string(v, p, USERNAME_MAX))
		return 0;
	if ((why = valid_username_text(p->str, p->len)) != NULL)
		return bad(p, why);
	return 1;
}

/* A username, or JSON null (p->str NULL) to clear it. */
int
valid_username_or_null(struct json_object *v, struct param *p)
{

	if (v == NULL) {
		p->str = NULL;
		p->len = 0;
		return 1;
	}
	return valid_username(v, p);
}

/* A password presented for checking: any non-empty string. */
int
valid_password(struct json_object *v, struct param *p)
{

	return string(v, p, PRESENTED_MAX);
}

/* A password to be set: it must meet the policy. */
int
valid_new_password(struct json_object *v, struct param *p)
{
	const char	*why;

	if (!json_object_is_type(v, json_type_string))
		return bad(p, "must be a string");
	p->str = json_object_get_string(v);
	p->len = (size_t)json_object_get_string_len(v);
	if ((why = pw_policy(p->str, p->len)) != NULL)
		return bad(p, why);
	return 1;
}

/* An opaque token (refresh, reset, verification). */
int
valid_token(struct json_object *v, struct param *p)
{

	return string(v, p, TOKEN_FIELD_MAX);
}

/*
 * A second factor's code as typed: a TOTP code or a recovery code, with
 * the spaces or dashes people put in.  Whether it is one is the check
 * itself, counted like a password's (mfa.c), not a field error.
 */
int
valid_code(struct json_object *v, struct param *p)
{

	return string(v, p, 64);
}

/*
 * A short name, as OAuth's token_type_hint: 1 to 64 bytes.  Any value
 * is taken (RFC 7009 2.1 lets a server ignore it), none needs parsing.
 */
int
valid_name(struct json_object *v, struct param *p)
{

	return string(v, p, 64);
}

/* Whether s is one of the roles: "user" or "admin". */
int
valid_role_text(const char *s)
{

	return strcmp(s, "user") == 0 || strcmp(s, "admin") == 0;
}

int
valid_role(struct json_object *v, struct param *p)
{

	if (!string(v, p, ROLE_MAX))
		return 0;
	if (!valid_role_text(p->str))
		return bad(p, "must be \"user\" or \"admin\"");
	return 1;
}

int
valid_bool(struct json_object *v, struct param *p)
{

	if (!json_object_is_type(v, json_type_boolean))
		return bad(p, "must be true or false");
	p->flag = json_object_get_boolean(v);
	return 1;
}
