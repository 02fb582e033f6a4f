/*
 * POST /refresh: exchange a refresh token for new tokens (rotation).
 * A rotated-out token after the grace window revokes its session.
 * In cookie mode the token may come from the __Host-refresh cookie
 * instead of the body, and a session opened in cookie mode refreshes
 * only beside its __Host-fgp cookie.
 */
#include "api.h"
#include "reply.h"

enum {
	FIELD_REFRESH_TOKEN,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "refresh_token", valid_token, NULL },	/* FIELD_REFRESH_TOKEN */
};

static int
refresh_post(struct req *r, struct resp *p)
{
	const struct param	*body = &r->params[FIELD_REFRESH_TOKEN];
	char			 cookie[TOKEN_MAX + 1], fgp[FGP_LEN + 1];
	const char		*token = body->set ? body->str : NULL;
	const char		*why;
	struct tokens		 t;
	int			 ok;

	if (token == NULL && browser_refresh(cookie, sizeof(cookie)))
		token = cookie;
	if (token == NULL)
		return resp_fail(p, ERR_INVALID_REQUEST, "refresh_token",
		    "refresh_token is required");

	switch (session_refresh(token, browser_fingerprint(fgp) ? fgp : NULL,
	    &t)) {
	case REFRESH_OK:
		ok = reply_tokens(p, 200, &t);
		tokens_free(&t);
		return ok;
	case REFRESH_INVALID:
		why = "the refresh token is invalid, expired or revoked";
		break;
	case REFRESH_REUSED:
		why = "the refresh token was already used; its session is "
		    "revoked";
		break;
	default:
		return 0;
	}
	/* Dead cookies are of no more use to the browser. */
	browser_clear(p);
	return resp_fail(p, ERR_INVALID_TOKEN, "refresh_token", why);
}

static const struct route routes[] = {
	{ METHOD_POST, "/refresh", ACCESS_PUBLIC, F(FIELD_REFRESH_TOKEN), 0,
	    refresh_post },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
