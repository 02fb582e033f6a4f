/*
 * Sessions: opened by a login, each with one refresh token at a time
 * and any number of access tokens minted from it.  session_open(),
 * session_refresh(), session_close() and session_revoke_all() run in
 * transactions of their own and record their audit entries there;
 * the others are one statement each (session_revoke() and
 * session_revoke_user() record nothing: their caller's change does;
 * session_inspect() and session_revoke_token() are a read, then at
 * most one write).
 */
#ifndef SESSION_H
#define SESSION_H

#include <stdint.h>

#include "audit.h"
#include "token.h"
#include "user.h"

struct throttle;

/* The fingerprint cookie's value: 256 random bits in base64url. */
#define FGP_RAW		32
#define FGP_LEN		43

/* Sessions whose last use is older than this get last_used_at bumped. */
#define TOUCH_INTERVAL	60

/*
 * Rotated refresh tokens a session keeps beyond the one just rotated
 * out, to recognise their reuse; older ones are forgotten (and simply
 * unknown if presented), so a session's rows stay bounded.
 */
#define REFRESH_KEEP	4

/* Longest User-Agent kept for the session list. */
#define AGENT_MAX	256

/* A verified caller. */
struct auth {
	struct user	 user;
	int64_t		 sid;
	char		 fgp[2 * SHA256_LEN + 1];	/* the token's, or "" */
};

/* What a login or refresh hands out. */
struct tokens {
	char		*access;	/* JWT, freed by tokens_free() */
	char		 refresh[REFRESH_LEN + 1];
	char		 fgp[FGP_LEN + 1];	/* cookie mode: the fingerprint */
	int64_t		 sid;
	int64_t		 expires_at;	/* when the session ends */
	int64_t		 issued_at;	/* when that was reckoned */
};

/* An active session, as the session list shows it. */
struct session {
	int64_t		 id;
	int64_t		 created_at;
	int64_t		 last_used_at;
	int64_t		 expires_at;
	char		 ip[64];
	char		 user_agent[AGENT_MAX + 1];
};

/* What introspection (RFC 7662) tells of a live token. */
struct inspection {
	int		 refresh;	/* a refresh token, not an access one */
	int64_t		 uid;
	int64_t		 sid;
	char		 role[ROLE_MAX + 1];	/* the database's */
	int64_t		 exp;
	int64_t		 iat;
};

enum refresh {
	REFRESH_OK,		/* rotated, or answered within the grace */
	REFRESH_INVALID,	/* unknown, expired or revoked */
	REFRESH_REUSED,		/* rotated out: the session is now revoked */
	REFRESH_ERROR,
};

int		 session_open(int64_t, const char *, const char *, const char *,
		    const struct throttle *, struct tokens *);
enum refresh	 session_refresh(const char *, const char *, struct tokens *);
int		 session_authenticate(const char *, struct auth *);
int		 session_fingerprint_ok(const struct auth *, const char *);
int		 session_proved(int64_t, int64_t);
int		 session_inspect(const char *, struct inspection *);
int		 session_revoke_token(const char *);
int		 session_revoke(int64_t, int64_t);
int		 session_revoke_user(int64_t, int64_t);
int		 session_close(int64_t, int64_t, enum audit_event);
int		 session_revoke_all(int64_t);
int		 session_active(int64_t *);
int		 session_each(int64_t, int (*)(const struct session *, void *),
		    void *);
long		 tokens_left(const struct tokens *);
void		 tokens_free(struct tokens *);

#endif
