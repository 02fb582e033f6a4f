/*
 * Who is calling: the one check of a request's credential that the
 * API's bearer routes (serve.c) and the authorizer (authorize.fcgi)
 * share.  The credential is the bearer token, or for the authorizer
 * in cookie mode the access cookie; it must be a live session's access
 * token (session_authenticate(): signature, claims, session, user),
 * and one minted for a browser counts only beside its fingerprint.
 */
#include <string.h>

#include "api.h"
#include "browser.h"

/*
 * Check the credential of request r: r->bearer, or with cookie (the
 * authorizer) the access cookie when there is no bearer token.  The
 * fingerprint a browser's token needs comes from the __Host-fgp
 * cookie beside a bearer token, from the access cookie itself beside
 * its own.  Returns CALLER_OK with r->auth filled, or why not.
 */
enum caller
caller_check(struct req *r, int cookie)
{
	char		 token[TOKEN_MAX + 1], fgp[FGP_LEN + 1];
	const char	*t = r->bearer, *f = NULL;
	enum caller	 c;
	int		 rc;

	if (t == NULL && cookie &&
	    browser_access(token, sizeof(token), fgp)) {
		t = token;
		f = fgp;
	} else if (t != NULL && browser_fingerprint(fgp))
		f = fgp;
	if (t == NULL)
		return CALLER_NONE;
	if ((rc = session_authenticate(t, &r->auth)) != 1)
		c = rc == 0 ? CALLER_REFUSED : CALLER_ERROR;
	else if (!session_fingerprint_ok(&r->auth, f))
		c = CALLER_UNBOUND;
	else
		c = CALLER_OK;
	explicit_bzero(token, sizeof(token));
	explicit_bzero(fgp, sizeof(fgp));
	if (c != CALLER_OK)
		explicit_bzero(&r->auth, sizeof(r->auth));
	return c;
}

/*
 * Refuse a caller that caller_check() did not let through: 401
 * invalid_token saying why.  Returns 1, as resp_fail() does.
 */
int
caller_refuse(struct resp *p, enum caller c)
{
	const char	*why = NULL;

	switch (c) {
	case CALLER_NONE:
		why = "a bearer token is required";
		break;
	case CALLER_UNBOUND:
		why = "the token's fingerprint cookie is missing or wrong";
		break;
	default:
		break;
	}
	return resp_fail(p, ERR_INVALID_TOKEN, NULL, why);
}
