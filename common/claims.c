/*
 * Reading the claims of an access token.  The payload of a JWT is one
 * JSON object; token_access_verify() hands it here only after its
 * signature verified, so it was made by token_access_issue() unless
 * the signing key is known to someone else.  The claims
 * verification needs are read straight from the text, with nothing
 * allocated.  It is still a strict reader: anything that is not JSON,
 * or not one flat object, is refused; the one array it takes is "amr"
 * (RFC 8176), an array of strings, as token_access_issue() writes it.
 */
#include <stdint.h>
#include <string.h>

#include "claims.h"
#include "util.h"

static const char *const claim_names[CLAIM__MAX] = {
	"iss",		/* CLAIM_ISS */
	"aud",		/* CLAIM_AUD */
	"sub",		/* CLAIM_SUB */
	"sid",		/* CLAIM_SID */
	"exp",		/* CLAIM_EXP */
	"iat",		/* CLAIM_IAT */
	"nbf",		/* CLAIM_NBF */
	"auth_time",	/* CLAIM_AUTH_TIME */
	"amr",		/* CLAIM_AMR */
	"fgp",		/* CLAIM_FGP */
};

/* Skip JSON whitespace. */
static char *
ws(char *p, const char *end)
{

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

/*
 * Read the JSON string at *pp (on its opening quote), unescaping it in
 * place: the text only gets shorter, so the result and its NUL fit
 * where the string was.  Returns it with *pp past the closing quote,
 * or NULL if it is not a valid string or holds a NUL.
 */
static char *
string(char **pp, const char *end)
{
	char	*p = *pp + 1, *out = p, *start = p;
	long	 c, lo;

	while (p < end && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p != '\\') {
			*out++ = *p++;
			continue;
		}
		if (++p == end)
			return NULL;
		switch (*p++) {
		case '"': *out++ = '"'; continue;
		case '\\': *out++ = '\\'; continue;
		case '/': *out++ = '/'; continue;
		case 'b': *out++ = '\b'; continue;
		case 'f': *out++ = '\f'; continue;
		case 'n': *out++ = '\n'; continue;
		case 'r': *out++ = '\r'; continue;
		case 't': *out++ = '\t'; continue;
		case 'u': break;
		default: return NULL;
		}
		/* \uXXXX, a surrogate pair for the astral planes, as UTF-8. */
		c = util_hex4(p, (size_t)(end - p));
		if (c <= 0 || (c >= 0xdc00 && c <= 0xdfff))
			return NULL;
		p += 4;
		if (c >= 0xd800 && c <= 0xdbff) {
			if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
			    (lo = util_hex4(p + 2, (size_t)(end - p - 2))) <
			    0xdc00 || lo > 0xdfff)
				return NULL;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			p += 6;
		}
		if (c < 0x80)
			*out++ = (char)c;
		else if (c < 0x800) {
			*out++ = (char)(0xc0 | c >> 6);
			*out++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*out++ = (char)(0xe0 | c >> 12);
			*out++ = (char)(0x80 | (c >> 6 & 0x3f));
			*out++ = (char)(0x80 | (c & 0x3f));
		} else {
			*out++ = (char)(0xf0 | c >> 18);
			*out++ = (char)(0x80 | (c >> 12 & 0x3f));
			*out++ = (char)(0x80 | (c >> 6 & 0x3f));
			*out++ = (char)(0x80 | (c & 0x3f));
		}
	}
	if (p == end)
		return NULL;
	*out = '\0';
	*pp = p + 1;
	return start;
}

/*
 * Read the JSON number at *pp into v: V_INT if it is a whole number
 * that fits in 64 bits, else V_OTHER.  Returns 0 with *pp past it, or
 * -1 if it is not a JSON number.
 */
static int
number(char **pp, const char *end, struct claim_value *v)
{
	char		*p = *pp;
	uint64_t	 n = 0;
	int		 neg = 0, whole = 1, big = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (p == end || *p < '0' || *p > '9' ||
	    (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9'))
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		big |= n > (INT64_MAX - (uint64_t)(*p - '0')) / 10;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && *p == '.') {
		whole = 0;
		if (++p == end || *p < '0' || *p > '9')
			return -1;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		whole = 0;
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || *p < '0' || *p > '9')
			return -1;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	v->type = whole && !big ? V_INT : V_OTHER;
	v->num = neg ? -(int64_t)n : (int64_t)n;
	*pp = p;
	return 0;
}

/*
 * Read the array of strings at *pp (on its '['), one at least, as
 * amr is: V_ARRAY in v.  Returns 0 with *pp past it, or -1.
 */
static int
strings(char **pp, const char *end, struct claim_value *v)
{
	char	*p = *pp + 1;

	for (;;) {
		if ((p = ws(p, end)) == end || *p != '"' ||
		    string(&p, end) == NULL)
			return -1;
		if ((p = ws(p, end)) == end)
			return -1;
		if (*p == ']')
			break;
		if (*p++ != ',')
			return -1;
	}
	v->type = V_ARRAY;
	*pp = p + 1;
	return 0;
}

/*
 * Read the claims: one flat JSON object, len bytes at p, whose values
 * are strings, numbers, true, false or null, and "amr" an array of
 * strings, as token_access_issue() writes it.  Any other array, an
 * object inside, or anything that is not JSON, refuses the token.  A repeated claim counts once, as the last.
 * Strings are unescaped in place, so p is written to.
 * Returns 1 with v filled (indexed by enum claim), or 0.
 */
int
claims_read(char *p, size_t len, struct claim_value v[CLAIM__MAX])
{
	const char	*end = p + len, *key;
	struct claim_value	 one;
	size_t		 i;

	memset(v, 0, CLAIM__MAX * sizeof(*v));
	p = ws(p, end);
	if (p == end || *p++ != '{')
		return 0;
	if ((p = ws(p, end)) < end && *p == '}')
		return ws(p + 1, end) == end;
	for (;;) {
		if (p == end || *p != '"' || (key = string(&p, end)) == NULL)
			return 0;
		if ((p = ws(p, end)) == end || *p++ != ':')
			return 0;
		if ((p = ws(p, end)) == end)
			return 0;
		memset(&one, 0, sizeof(one));
		if (*p == '"') {
			if ((one.str = string(&p, end)) == NULL)
				return 0;
			one.type = V_STRING;
		} else if (*p == '[' && strcmp(key, "amr") == 0) {
			if (strings(&p, end, &one) == -1)
				return 0;
		} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
			if (number(&p, end, &one) == -1)
				return 0;
		} else if ((size_t)(end - p) >= 4 && (strncmp(p, "true", 4) == 0 ||
		    strncmp(p, "null", 4) == 0)) {
			one.type = V_OTHER;
			p += 4;
		} else if ((size_t)(end - p) >= 5 && strncmp(p, "false", 5) == 0) {
			one.type = V_OTHER;
			p += 5;
		} else
			return 0;
		for (i = 0; i < CLAIM__MAX; i++)
			if (strcmp(key, claim_names[i]) == 0)
				v[i] = one;
		if ((p = ws(p, end)) == end)
			return 0;
		if (*p == '}')
			return ws(p + 1, end) == end;
		if (*p++ != ',')
			return 0;
		p = ws(p, end);
	}
}
