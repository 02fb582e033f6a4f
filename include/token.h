/*
 * Tokens: HS256 access JWTs (libjwt 1.10), and the opaque 256-bit
 * tokens that refresh tokens and mailed tokens are.
 */
#ifndef TOKEN_H
#define TOKEN_H

#include <stdint.h>

#include "util.h"

#define REFRESH_RAW	32	/* 256 random bits */
#define REFRESH_LEN	43	/* their unpadded base64url */
#define TOKEN_MAX	4096	/* longer bearer tokens are refused unread */

/* What a verified access token says. */
struct claims {
	int64_t	 uid;		/* sub */
	int64_t	 sid;		/* sid */
	int64_t	 exp;
	char	 fgp[2 * SHA256_LEN + 1];	/* "" when absent */
};

int	 token_access_issue(int64_t, int64_t, const char *, const char *,
	    char **);
int	 token_access_verify(const char *, struct claims *);
void	 token_free(void);
int	 token_random(unsigned char [REFRESH_RAW], char [REFRESH_LEN + 1]);
int	 token_opaque(const char *);
int	 token_refresh_hash(const char *, unsigned char [SHA256_LEN]);
void	 token_refresh_seal(const unsigned char [REFRESH_RAW], const char *,
	    unsigned char [REFRESH_RAW]);
void	 token_refresh_unseal(const unsigned char [REFRESH_RAW],
	    const char *, char [REFRESH_LEN + 1]);

#endif
