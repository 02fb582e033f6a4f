/*
 * Tokens: access JWTs (RFC 9068 profile) signed with the key set
 * (ES256, EdDSA, RS256) or the derived HS256 key, and the opaque
 * 256-bit tokens that refresh tokens and mailed tokens are.
 */
#ifndef TOKEN_H
#define TOKEN_H

#include <stdint.h>

#include "util.h"

#define REFRESH_RAW	32	/* 256 random bits */
#define REFRESH_LEN	43	/* their unpadded base64url */
#define TOKEN_MAX	4096	/* longer bearer tokens are refused unread */

#define AMR_MAX		64	/* "pwd otp ...": methods, space-separated */
#define AMR_PWD		"pwd"		/* a password alone */
#define AMR_PWD_OTP	"pwd otp"	/* a password and a second factor */

/* What an access token is issued for. */
struct grant {
	int64_t		 uid;
	int64_t		 sid;
	const char	*role;
	const char	*fgp;		/* hex SHA-256 of the cookie, or NULL */
	int64_t		 auth_time;	/* the last password proof */
	const char	*amr;		/* "pwd", "pwd otp": RFC 8176 names */
};

/* What a verified access token says. */
struct claims {
	int64_t	 uid;		/* sub */
	int64_t	 sid;		/* sid */
	int64_t	 exp;
	int64_t	 iat;
	char	 fgp[2 * SHA256_LEN + 1];	/* "" when absent */
};

int	 token_access_issue(const struct grant *, char **);
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
