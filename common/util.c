/*
 * Small helpers shared by every module.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "util.h"

/*
 * Write "program: file:line: message" to stderr, which the web server
 * keeps in its error log.
 */
void
util_log(const char *file, int line, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "%s: %s:%d: ", program_invocation_short_name,
	    file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Fill buf with len bytes from the kernel's CSPRNG.
 * Returns 1, or -1 on failure (logged).
 */
int
util_random(void *buf, size_t len)
{
	unsigned char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			LOG("getrandom: %s", strerror(errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

/*
 * SHA-256 of len bytes.  OpenSSL 3's one-shot SHA256() fetches the
 * digest and makes a context on every call, which costs as much as
 * hashing a token; the digest and a context are kept here instead
 * (each program is one thread).  They stay for the process's life.
 */
void
util_sha256(const void *data, size_t len, unsigned char out[SHA256_LEN])
{
	static EVP_MD		*md;
	static EVP_MD_CTX	*ctx;

	if (md == NULL)
		md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (ctx == NULL)
		ctx = EVP_MD_CTX_new();
	if (md == NULL || ctx == NULL ||
	    EVP_DigestInit_ex2(ctx, md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, data, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		SHA256(data, len, out);
}

/* Compare two equal-length secrets in constant time; 1 when equal. */
int
util_equal(const void *a, const void *b, size_t len)
{

	return CRYPTO_memcmp(a, b, len) == 0;
}

/*
 * Encode len bytes as unpadded base64url into out, which must hold
 * (len * 4 + 2) / 3 + 1 bytes.  Returns the length written.
 */
size_t
util_base64url(const unsigned char *in, size_t len, char *out)
{
	static const char abc[] = B64URL_CHARS;
	size_t		 i, o = 0;
	uint32_t	 v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
		out[o++] = abc[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = abc[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

/*
 * Decode len bytes of unpadded base64url into out (at least len * 3 / 4
 * bytes).  Returns the decoded length, or -1 if len cannot be one.
 * The caller has checked the alphabet (B64URL_CHARS).
 */
long
util_base64url_decode(const char *in, size_t len, unsigned char *out)
{
	uint32_t	 v = 0;
	size_t		 i, o = 0;
	int		 bits = 0, c;

	if (len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		c = in[i];
		c = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ?
		    c - 'a' + 26 : c >= '0' && c <= '9' ? c - '0' + 52 :
		    c == '-' ? 62 : 63;
		v = v << 6 | (uint32_t)c;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(v >> bits);
		}
	}
	return (long)o;
}

/*
 * Decode len bytes of padded base64 (RFC 4648 section 4, as HTTP Basic
 * sends it) into out (at least len * 3 / 4 bytes).  Returns the
 * decoded length, or -1 if it is not canonical base64: a length that
 * is not a multiple of 4, a character outside the alphabet, padding
 * anywhere but at the end, or bits set after the last byte.
 */
long
util_base64_decode(const char *in, size_t len, unsigned char *out)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char	*c;
	uint32_t	 v = 0;
	size_t		 i, o = 0, pad = 0;
	int		 bits = 0;

	if (len % 4 != 0)
		return -1;
	while (pad < 2 && pad < len && in[len - 1 - pad] == '=')
		pad++;
	for (i = 0; i < len - pad; i++) {
		if (in[i] == '\0' || (c = strchr(abc, in[i])) == NULL)
			return -1;
		v = v << 6 | (uint32_t)(c - abc);
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(v >> bits);
		}
	}
	if ((v & ((1u << bits) - 1)) != 0)
		return -1;
	return (long)o;
}

/*
 * Decode len bytes of application/x-www-form-urlencoded text (a name or
 * a value: '+' is a space, %XX a byte) into out (at least len bytes).
 * Returns the decoded length, or -1 for a '%' not followed by two hex
 * digits.  The result may hold any byte, NUL included: the caller
 * decides.
 */
long
util_form_decode(const char *in, size_t len, char *out)
{
	size_t	 i, o = 0;
	long	 b;

	for (i = 0; i < len; i++) {
		if (in[i] == '+')
			out[o++] = ' ';
		else if (in[i] != '%')
			out[o++] = in[i];
		else {
			/* Two hex digits: \uXXXX's reader, given "00XX". */
			if (len - i < 3 || (b = util_hex4((const char[]){ '0',
			    '0', in[i + 1], in[i + 2] }, 4)) < 0)
				return -1;
			out[o++] = (char)b;
			i += 2;
		}
	}
	return (long)o;
}

/*
 * Percent-encode s into out (size bytes) as a URL query value: every
 * byte but RFC 3986's unreserved characters as %XX.  Returns the
 * length written, or -1 (out then "") if it does not fit.
 */
long
util_url_encode(const char *s, char *out, size_t size)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*c = (const unsigned char *)s;
	size_t			 o = 0;

	for (; *c != '\0'; c++) {
		if (size - o < 4) {
			if (size > 0)
				out[0] = '\0';
			return -1;
		}
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || strchr("-._~", *c) != NULL)
			out[o++] = (char)*c;
		else {
			out[o++] = '%';
			out[o++] = hex[*c >> 4];
			out[o++] = hex[*c & 0xf];
		}
	}
	if (o >= size)
		return -1;
	out[o] = '\0';
	return (long)o;
}

/*
 * The value of the four hex digits at s (n bytes left), as in JSON's
 * \uXXXX, or -1 if there are not four.
 */
long
util_hex4(const char *s, size_t n)
{
	long	 v = 0;
	size_t	 i;
	int	 c;

	if (n < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		c = (unsigned char)s[i];
		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (c - 'A' + 10);
		else
			return -1;
	}
	return v;
}

/* Encode len bytes as lower-case hex into out (2 * len + 1 bytes). */
void
util_hex(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t		 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

int64_t
util_now(void)
{

	return (int64_t)time(NULL);
}

/* Write v as n decimal digits, zero-padded, at out. */
static void
digits(char *out, int v, int n)
{

	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Milliseconds from a monotonic clock, for deadlines. */
int64_t
util_monotonic_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Monotonic nanoseconds, for durations. */
int64_t
util_monotonic_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Copy what a client sent (a User-Agent) for keeping and showing:
 * printable ASCII only, anything else as '?', cut at max bytes; out
 * holds max + 1.  NULL copies as "".
 */
void
util_printable(const char *in, char *out, size_t max)
{
	size_t	 i;

	for (i = 0; in != NULL && in[i] != '\0' && i < max; i++)
		out[i] = in[i] >= 0x20 && in[i] < 0x7f ? in[i] : '?';
	out[i] = '\0';
}

/*
 * Format a Unix time as an RFC 3339 UTC string, by hand rather than
 * with strftime(), which reads the locale: every user resource has two.
 */
void
util_rfc3339(int64_t t, char out[RFC3339_LEN])
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900) {
		strcpy(out, "1970-01-01T00:00:00Z");
		return;
	}
	memcpy(out, "0000-00-00T00:00:00Z", RFC3339_LEN);
	digits(out, tm.tm_year + 1900, 4);
	digits(out + 5, tm.tm_mon + 1, 2);
	digits(out + 8, tm.tm_mday, 2);
	digits(out + 11, tm.tm_hour, 2);
	digits(out + 14, tm.tm_min, 2);
	digits(out + 17, tm.tm_sec, 2);
}

/*
 * Parse a whole decimal string into a long within [min, max].
 * Nothing but an optional '-' and digits is accepted.
 * Returns 1 on success, 0 otherwise.
 */
int
util_parse_long(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0' ||
	    !(*s == '-' || (*s >= '0' && *s <= '9')))
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

/*
 * Parse a resource id from a path segment of len bytes: digits only,
 * no sign, no leading zero, greater than zero, no overflow.
 * Returns 1 on success, 0 otherwise.
 */
int
util_parse_id(const char *s, size_t len, int64_t *out)
{
	int64_t	 v = 0;
	size_t	 i;

	if (len == 0 || len > 18 || s[0] == '0')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

/*
 * Read a secret file (a master secret, a private key) into buf, at most
 * size bytes: it must be a regular file, not a link, and private to
 * its owner (mode 0600 or less), as ssh insists for keys.  Returns its
 * length, or -1 with *why saying what is wrong.
 */
ssize_t
util_read_private(const char *path, void *buf, size_t size,
    const char **why)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		*why = strerror(errno);
		return -1;
	}
	*why = NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		*why = "not a regular file";
	else if (st.st_mode & 077)
		*why = "readable by others (chmod 600 it)";
	while (*why == NULL && len < size &&
	    (n = read(fd, (char *)buf + len, size - len)) > 0)
		len += (size_t)n;
	close(fd);
	return *why == NULL ? (ssize_t)len : -1;
}
