/*
 * What the service does for browsers: cookie mode (AUTH_COOKIE_MODE),
 * where the refresh token and the sidejacking fingerprint travel only
 * in __Host- cookies, and CORS (AUTH_CORS_ORIGINS).
 */
#include <string.h>

#include "api.h"
#include "browser.h"
#include "config.h"
#include "util.h"

/* Cookie mode's cookies. */
#define COOKIE_REFRESH	"__Host-refresh"
#define COOKIE_FGP	"__Host-fgp"

/*
 * Set a cookie the way the contract wants every one of ours: __Host-
 * prefixed (so no subdomain can set or shadow it), Secure, HttpOnly (no
 * script can read it), SameSite=Strict (never sent cross-site), for
 * maxage seconds; 0 clears it, with an Expires in the past for clients
 * that read only that.
 */
static void
cookie_set(struct resp *p, const char *name, const char *value, long maxage)
{

	resp_header(p, "Set-Cookie", "%s=%s; Path=/; Secure; HttpOnly; "
	    "SameSite=Strict; Max-Age=%ld%s", name, value, maxage,
	    maxage > 0 ? "" : "; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
}

/*
 * In cookie mode, set the cookies of a login or refresh: the refresh
 * token and the fingerprint, for what is left of the session.
 */
void
browser_tokens(struct resp *p, const struct tokens *t)
{

	if (!cfg->cookie_mode)
		return;
	cookie_set(p, COOKIE_REFRESH, t->refresh, tokens_left(t));
	if (t->fgp[0] != '\0')
		cookie_set(p, COOKIE_FGP, t->fgp, tokens_left(t));
}

/* In cookie mode, tell the browser to drop both cookies. */
void
browser_clear(struct resp *p)
{

	if (!cfg->cookie_mode)
		return;
	cookie_set(p, COOKIE_REFRESH, "", 0);
	cookie_set(p, COOKIE_FGP, "", 0);
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
