/*
 * Checks of what goes into a mail header, shared by the settings
 * (AUTH_MAIL_FROM, AUTH_PUBLIC_URL) and the mail itself: nothing here
 * may end a header early and start one of someone else's choosing.
 */
#include <ctype.h>
#include <string.h>

#include "mailaddr.h"

/*
 * A header value must be printable ASCII: no CR or LF can end the
 * header early and start one of the sender's choosing.
 */
int
mailaddr_header_ok(const char *v)
{

	if (v == NULL || *v == '\0')
		return 0;
	for (; *v != '\0'; v++)
		if (*v < 0x20 || *v > 0x7e)
			return 0;
	return 1;
}

/*
 * The host of an http(s) URL, for Message-ID: without user info and
 * port; an IPv6 literal keeps its brackets.  Returns 1 with out set,
 * or 0 if url has no host made of letters, digits, '-' and '.' (or a
 * bracketed hex-and-colons literal).
 */
int
mailaddr_url_host(const char *url, char *out, size_t size)
{
	const char	*h, *end, *at;
	size_t		 n;

	if ((h = strstr(url, "://")) == NULL)
		return 0;
	h += 3;
	end = h + strcspn(h, "/?#");
	for (at = h; (at = memchr(at, '@', (size_t)(end - at))) != NULL; )
		h = ++at;
	if (*h == '[') {
		n = strspn(h + 1, "0123456789abcdefABCDEF:.");
		if (n == 0 || h[n + 1] != ']')
			return 0;
		n += 2;
	} else {
		n = strspn(h, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");
		if (n == 0 || h[0] == '.' || h[0] == '-')
			return 0;
	}
	if ((h + n != end && h[n] != ':') || n >= size)
		return 0;
	memcpy(out, h, n);
	out[n] = '\0';
	return 1;
}

/* RFC 5322 atext, and '.', which obs-phrase allows in a name. */
static int
name_char(int c)
{

	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~.- ",
	    c) != NULL);
}

/* A bare address: atext and dots, '@', a domain; len bytes at s. */
static int
addr_ok(const char *s, size_t len)
{
	const char	*at = memchr(s, '@', len);
	size_t		 i;

	if (at == NULL || at == s || at == s + len - 1)
		return 0;
	for (i = 0; s + i < at; i++)
		if (!name_char((unsigned char)s[i]) || s[i] == ' ')
			return 0;
	for (i = (size_t)(at - s) + 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

/*
 * Check AUTH_MAIL_FROM: printable ASCII, either an address or
 * "Name <address>", the name plain words or a quoted string.
 * Returns 1 if it is fit for a From header, 0 if not.
 */
int
mailaddr_from_ok(const char *v)
{
	const char	*lt, *gt;
	size_t		 i, n;

	if (!mailaddr_header_ok(v))
		return 0;
	if ((lt = strchr(v, '<')) == NULL)
		return addr_ok(v, strlen(v));
	gt = v + strlen(v) - 1;
	if (*gt != '>' || strchr(lt + 1, '<') != NULL ||
	    memchr(v, '>', (size_t)(gt - v)) != NULL ||
	    !addr_ok(lt + 1, (size_t)(gt - lt - 1)))
		return 0;
	/* The name: words, or a quoted string without '"' or '\'. */
	n = (size_t)(lt - v);
	while (n > 0 && v[n - 1] == ' ')
		n--;
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		return strcspn(v + 1, "\"\\") == n - 2;
	for (i = 0; i < n; i++)
		if (!name_char((unsigned char)v[i]))
			return 0;
	return 1;
}
