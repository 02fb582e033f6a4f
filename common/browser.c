/*
 * What the service does for browsers: cookie mode (AUTH_COOKIE_MODE),
 * where the refresh token and the sidejacking fingerprint travel only
 * in __Host- cookies, and the access token a second time for the
 * authorizer; and CORS (AUTH_CORS_ORIGINS).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "browser.h"
#include "config.h"
#include "util.h"

/* Cookie mode's cookies. */
#define COOKIE_REFRESH	"__Host-refresh"
#define COOKIE_FGP	"__Host-fgp"
#define COOKIE_ACCESS	"__Host-access"

/*
 * Set a cookie the way the contract wants every one of ours: __Host-
 * prefixed (so no subdomain can set or shadow it), Secure, HttpOnly (no
 * script can read it), SameSite=Strict (never sent cross-site) unless
 * lax (sent on a top-level GET from another site too), for maxage
 * seconds; 0 clears it, with an Expires in the past for clients that
 * read only that.
 */
static void
cookie_set(struct resp *p, const char *name, const char *value, int lax,
    long maxage)
{

	resp_header(p, "Set-Cookie", "%s=%s; Path=/; Secure; HttpOnly; "
	    "SameSite=%s; Max-Age=%ld%s", name, value, lax ? "Lax" : "Strict",
	    maxage, maxage > 0 ? "" :
	    "; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
}

/*
 * In cookie mode, set the cookies of a login or refresh: the refresh
 * token and the fingerprint, for what is left of the session; and the
 * access cookie, for the access token's life, which only the
 * authorizer reads: a browser opens protected pages with it, by plain
 * navigation, from another site too, so it is SameSite=Lax.  Strict
 * cookies are not sent then, so it holds the fingerprint itself, in
 * front of the token: "FGP.TOKEN" (FGP empty for a session without
 * one).  The API never reads it (caller.c).
 */
void
browser_tokens(struct resp *p, const struct tokens *t)
{
	long	 left;

	if (!cfg->cookie_mode)
		return;
	left = tokens_left(t);
	cookie_set(p, COOKIE_REFRESH, t->refresh, 0, left);
	if (t->fgp[0] != '\0')
		cookie_set(p, COOKIE_FGP, t->fgp, 0, left);
	resp_header(p, "Set-Cookie", "%s=%s.%s; Path=/; Secure; HttpOnly; "
	    "SameSite=Lax; Max-Age=%ld", COOKIE_ACCESS, t->fgp, t->access,
	    cfg->access_ttl < left ? cfg->access_ttl : left);
}

/* In cookie mode, tell the browser to drop its cookies. */
void
browser_clear(struct resp *p)
{

	if (!cfg->cookie_mode)
		return;
	cookie_set(p, COOKIE_REFRESH, "", 0, 0);
	cookie_set(p, COOKIE_FGP, "", 0, 0);
	cookie_set(p, COOKIE_ACCESS, "", 1, 0);
}

/*
 * In cookie mode, the access cookie: its token into token (size
 * bytes) and its fingerprint into fgp ("" when it has none).  Returns
 * 1, or 0 when there is no such cookie or it is malformed.
 */
int
browser_access(char *token, size_t size, char fgp[FGP_LEN + 1])
{
	char	 v[FGP_LEN + 1 + TOKEN_MAX + 1];
	char	*dot;
	size_t	 n;
	int	 rc = 0;

	if (!cfg->cookie_mode || !req_cookie(COOKIE_ACCESS, v, sizeof(v)))
		return 0;
	dot = strchr(v, '.');
	n = dot != NULL ? (size_t)(dot - v) : 0;
	if (dot != NULL && (n == 0 || n == FGP_LEN) && dot[1] != '\0' &&
	    strlen(dot + 1) < size) {
		memcpy(fgp, v, n);
		fgp[n] = '\0';
		memcpy(token, dot + 1, strlen(dot + 1) + 1);
		rc = 1;
	}
	explicit_bzero(v, sizeof(v));
	return rc;
}

/* The refresh token from its cookie, in cookie mode.  Returns 1 or 0. */
int
browser_refresh(char *out, size_t size)
{

	return cfg->cookie_mode && req_cookie(COOKIE_REFRESH, out, size);
}

/* The fingerprint cookie's value, if sent.  Returns 1 or 0. */
int
browser_fingerprint(char out[FGP_LEN + 1])
{

	return req_cookie(COOKIE_FGP, out, FGP_LEN + 1);
}

/* Is origin one of AUTH_CORS_ORIGINS, exactly (no patterns)? */
static int
cors_allowed(const char *origin)
{
	const char	*w = cfg->cors_origins;
	size_t		 n, len;

	if (origin == NULL || w == NULL || (len = strlen(origin)) == 0)
		return 0;
	for (; *w != '\0'; w += n) {
		w += strspn(w, " \t");
		n = strcspn(w, " \t");
		if (n == len && strncmp(w, origin, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * CORS headers for AUTH_CORS_ORIGINS.  A listed origin gets itself
 * back (never "*"), credentials in cookie mode, and, for a preflight
 * (allow: the path's methods), what it may send; any other origin gets
 * nothing.  Vary: Origin goes on every answer once CORS is on, so no
 * cache hands one origin's answer to another.
 */
void
browser_cors(struct resp *p, const char *origin, const char *allow)
{

	if (cfg->cors_origins == NULL)
		return;
	resp_header(p, "Vary", "Origin");
	if (!cors_allowed(origin))
		return;
	resp_header(p, "Access-Control-Allow-Origin", "%s", origin);
	if (cfg->cookie_mode)
		resp_header(p, "Access-Control-Allow-Credentials", "true");
	if (allow == NULL) {
		resp_header(p, "Access-Control-Expose-Headers",
		    "Location, Retry-After, WWW-Authenticate");
		return;
	}
	resp_header(p, "Access-Control-Allow-Methods", "%s", allow);
	resp_header(p, "Access-Control-Allow-Headers",
	    "Authorization, Content-Type");
	resp_header(p, "Access-Control-Max-Age", "600");
}
