/*
 * Settings, read and validated once at start from AUTH_* variables.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

#define SECRET_MIN	32	/* bytes; libjwt 1.10 accepts anything with "" */
#define SECRET_MAX	4096

/* The algorithms access tokens are signed with (AUTH_JWT_ALG). */
enum alg {
	ALG_ES256,	/* ECDSA P-256 SHA-256, the default */
	ALG_EDDSA,	/* Ed25519 */
	ALG_RS256,	/* RSASSA-PKCS1-v1_5 SHA-256, 2048 bits and up */
	ALG_HS256,	/* HMAC SHA-256 under a key derived from the secret */
	ALG__MAX
};

struct config {
	char		*db;			/* AUTH_DB */
	unsigned char	*jwt_secret;		/* AUTH_JWT_SECRET{,_FILE} */
	size_t		 jwt_secret_len;
	char		*issuer;		/* AUTH_ISSUER */
	long		 access_ttl;		/* AUTH_ACCESS_TTL */
	long		 refresh_ttl;		/* AUTH_REFRESH_TTL */
	long		 refresh_grace;		/* AUTH_REFRESH_GRACE */
	long		 max_sessions;		/* AUTH_MAX_SESSIONS */
	long		 bcrypt_cost;		/* AUTH_BCRYPT_COST */
	long		 password_min;		/* AUTH_PASSWORD_MIN */
	char		*password_denylist;	/* AUTH_PASSWORD_DENYLIST */
	long		 login_max_failures;	/* AUTH_LOGIN_MAX_FAILURES */
	long		 login_max_failures_addr; /* AUTH_LOGIN_MAX_FAILURES_ADDR */
	long		 login_window;		/* AUTH_LOGIN_WINDOW */
	int		 trust_proxy;		/* AUTH_TRUST_PROXY */
	long		 reset_ttl;		/* AUTH_RESET_TTL */
	char		*sendmail;		/* AUTH_SENDMAIL */
	char		*mail_from;		/* AUTH_MAIL_FROM */
	char		*public_url;		/* AUTH_PUBLIC_URL */
	char		*account_url;		/* AUTH_ACCOUNT_URL */
	int		 cookie_mode;		/* AUTH_COOKIE_MODE */
	char		*cors_origins;		/* AUTH_CORS_ORIGINS */
	long		 max_body;		/* AUTH_MAX_BODY */
	long		 sendmail_timeout;	/* AUTH_SENDMAIL_TIMEOUT */
	long		 verify_ttl;		/* AUTH_VERIFY_TTL */
	long		 session_max_age;	/* AUTH_SESSION_MAX_AGE */
	long		 register_per_hour;	/* AUTH_REGISTER_PER_HOUR */
	long		 mail_per_hour;		/* AUTH_MAIL_PER_HOUR */
	long		 audit_days;		/* AUTH_AUDIT_DAYS */
	char		*metrics_token;		/* AUTH_METRICS_TOKEN */
	char		*metrics_file;		/* AUTH_METRICS_FILE */
	char		*jwt_alg_name;		/* AUTH_JWT_ALG */
	enum alg	 jwt_alg;		/* ... as parsed */
	char		*key_dir;		/* AUTH_KEY_DIR */
	char		*audience;		/* AUTH_AUDIENCE */
	long		 key_publish_ahead;	/* AUTH_KEY_PUBLISH_AHEAD */
	char		*require_role;		/* AUTH_REQUIRE_ROLE */
	char		*login_url;		/* AUTH_LOGIN_URL */
};

/* The longest AUTH_LOGIN_URL. */
#define LOGIN_URL_MAX	1024

/* The process-wide settings, valid after config_load() succeeded. */
extern const struct config *cfg;

int		 config_load(char *, size_t);
int		 config_check(char *, size_t);
int		 config_known(const char *);
void		 config_free(void);
const char	*config_alg_name(enum alg);

#endif
