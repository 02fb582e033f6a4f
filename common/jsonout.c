/*
 * The JSON writer of response bodies.  json-c's own writer grows its
 * buffer by realloc() and escapes byte by byte; this one writes the
 * same text, byte for byte (tests/unit/test_jsonout.c: json-c's PLAIN
 * form without escaping '/'), into a buffer kept from one response to
 * the next.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonout.h"

/* The text being written, kept for the next response. */
static char	*text;
static size_t	 textlen, textsize;
static int	 textfail;	/* out of memory: json-c writes it instead */

/* Append len bytes of s to text. */
static void
add(const char *s, size_t len)
{
	char	*n;
	size_t	 size;

	if (len > textsize - textlen) {
		size = textsize > 0 ? textsize : 1024;
		while (size - textlen < len)
			size *= 2;
		if ((n = realloc(text, size)) == NULL) {
			textfail = 1;
			return;
		}
		text = n;
		textsize = size;
	}
	memcpy(text + textlen, s, len);
	textlen += len;
}

/* Append s as a JSON string, escaped as json-c escapes it. */
static void
add_string(const char *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	char			 esc[6] = { '\\', 'u', '0', '0' };
	size_t			 i, from = 0;
	unsigned char		 c;

	add("\"", 1);
	for (i = 0; i < len; i++) {
		if ((c = (unsigned char)s[i]) >= 0x20 && c != '"' && c != '\\')
			continue;
		add(s + from, i - from);
		from = i + 1;
		switch (c) {
		case '"':
			add("\\\"", 2);
			break;
		case '\\':
			add("\\\\", 2);
			break;
		case '\b':
			add("\\b", 2);
			break;
		case '\f':
			add("\\f", 2);
			break;
		case '\n':
			add("\\n", 2);
			break;
		case '\r':
			add("\\r", 2);
			break;
		case '\t':
			add("\\t", 2);
			break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			add(esc, 6);
			break;
		}
	}
	add(s + from, len - from);
	add("\"", 1);
}

/* Append x in decimal, without snprintf(). */
static void
add_int(int64_t x)
{
	char		 buf[24], *p = buf + sizeof(buf);
	uint64_t	 u = x < 0 ? -(uint64_t)x : (uint64_t)x;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (x < 0)
		*--p = '-';
	add(p, (size_t)(buf + sizeof(buf) - p));
}

/* Append the JSON of v (NULL is null). */
static void
add_json(struct json_object *v)
{
	struct json_object_iterator	 it, end;
	const char			*k;
	size_t				 i, n;
	int64_t				 x;

	switch (json_object_get_type(v)) {
	case json_type_null:
		add("null", 4);
		break;
	case json_type_boolean:
		if (json_object_get_boolean(v))
			add("true", 4);
		else
			add("false", 5);
		break;
	case json_type_int:
		/* INT64_MAX may stand for a larger unsigned value. */
		if ((x = json_object_get_int64(v)) != INT64_MAX) {
			add_int(x);
			break;
		}
		/* FALLTHROUGH */
	case json_type_double:
		/* Rare here: json-c's own formatting of numbers. */
		k = json_object_to_json_string_length(v,
		    JSON_C_TO_STRING_PLAIN, &n);
		add(k, n);
		break;
	case json_type_string:
		add_string(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		break;
	case json_type_object:
		add("{", 1);
		it = json_object_iter_begin(v);
		end = json_object_iter_end(v);
		for (i = 0; !json_object_iter_equal(&it, &end); i++) {
			if (i > 0)
				add(",", 1);
			k = json_object_iter_peek_name(&it);
			add_string(k, strlen(k));
			add(":", 1);
			add_json(json_object_iter_peek_value(&it));
			json_object_iter_next(&it);
		}
		add("}", 1);
		break;
	case json_type_array:
		add("[", 1);
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			if (i > 0)
				add(",", 1);
			add_json(json_object_array_get_idx(v, i));
		}
		add("]", 1);
		break;
	}
}

/*
 * The JSON text of body, as json-c's PLAIN form without '/' escaped.
 * Returns it (valid until the next call) with *len set.
 */
const char *
jsonout(struct json_object *body, size_t *len)
{

	textlen = 0;
	textfail = 0;
	add_json(body);
	if (textfail)
		return json_object_to_json_string_length(body,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    len);
	*len = textlen;
	return text;
}
