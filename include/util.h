/*
 * Small helpers shared by every module: logging, randomness, hashing,
 * encodings, time and strict number parsing.
 */
#ifndef UTIL_H
#define UTIL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* Log one line to stderr with the source position.  Never log secrets. */
#define LOG(...) util_log(__FILE__, __LINE__, __VA_ARGS__)

/* The base64url alphabet (RFC 4648 section 5), in encoding order. */
#define B64URL_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789-_"

#define SHA256_LEN	32
#define RFC3339_LEN	21	/* "2026-11-21T22:48:18Z" and NUL */

void	 util_log(const char *, int, const char *, ...)
		__attribute__((format(printf, 3, 4)));
int	 util_random(void *, size_t);
void	 util_sha256(const void *, size_t, unsigned char [SHA256_LEN]);
int	 util_equal(const void *, const void *, size_t);
size_t	 util_base64url(const unsigned char *, size_t, char *);
long	 util_base64url_decode(const char *, size_t, unsigned char *);
long	 util_base64_decode(const char *, size_t, unsigned char *);
long	 util_form_decode(const char *, size_t, char *);
long	 util_url_encode(const char *, char *, size_t);
void	 util_hex(const unsigned char *, size_t, char *);
long	 util_hex4(const char *, size_t);
int64_t	 util_now(void);
int64_t	 util_monotonic_ms(void);
int64_t	 util_monotonic_ns(void);
void	 util_printable(const char *, char *, size_t);
void	 util_rfc3339(int64_t, char [RFC3339_LEN]);
int	 util_parse_long(const char *, long, long, long *);
int	 util_parse_id(const char *, size_t, int64_t *);
ssize_t	 util_read_private(const char *, void *, size_t, const char **);

#endif
