/*
 * POST /refresh: exchange a refresh token for new tokens (rotation).
 * A rotated-out token after the grace window revokes its session.
 */
#include "api.h"

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
	struct tokens	 t;
	int		 ok;

	switch (session_refresh(r->params[FIELD_REFRESH_TOKEN].str, NULL, &t)) {
	case REFRESH_OK:
		ok = api_reply(p, 200, tokens_json(&t));
		tokens_free(&t);
		return ok;
	case REFRESH_INVALID:
		return api_fail(p, ERR_INVALID_TOKEN, "refresh_token",
		    "the refresh token is invalid, expired or revoked");
	case REFRESH_REUSED:
		return api_fail(p, ERR_INVALID_TOKEN, "refresh_token",
		    "the refresh token was already used; its session is "
		    "revoked");
	case REFRESH_ERROR:
		break;
	}
	return 0;
}

static const struct route routes[] = {
	{ METHOD_POST, "/refresh", ACCESS_PUBLIC, F(FIELD_REFRESH_TOKEN),
	    F(FIELD_REFRESH_TOKEN), refresh_post },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
