/*
 * The FastCGI Authorizer, in front of anything the web server serves
 * (lighttpd "mode" => "authorizer", Apache FcgidAccessChecker): a
 * request goes on only with the credential the API takes, checked the
 * same way (caller.c), a bearer token or in cookie mode the access
 * cookie.  Allowed: a bare 200 with Variable-AUTH_USER_ID, _ROLE,
 * _EMAIL and Variable-AUTH_SESSION_ID, which the server hands to what
 * serves the page as AUTH_USER_ID ... AUTH_SESSION_ID.  Refused: 401
 * invalid_token, or for a browser asking for a page a 302 to
 * AUTH_LOGIN_URL with the page in "next"; 403 below the role required,
 * by the program's AUTH_REQUIRE_ROLE and by the location's (a request
 * variable of that name the server sets): the caller needs both.
 *
 * Apache's mod_fcgid keeps no more of an access checker's refusal
 * than that it refused, and answers 401 itself; the location's
 * ErrorDocument 401 is this program again, as a responder, which
 * answers the same request (its headers, REDIRECT_ variables and the
 * original REQUEST_URI) with the refusal in full.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "config.h"
#include "reply.h"
#include "util.h"

/* Longest page kept for "next"; longer ones come back to "/". */
#define NEXT_MAX	1024

/* How this request reached the program. */
enum role {
	ROLE_AUTHORIZER,	/* lighttpd, mod_authnz_fcgi */
	ROLE_CHECKER,		/* mod_fcgid's access checker */
	ROLE_ERROR_DOCUMENT,	/* Apache's ErrorDocument 401, a responder */
	ROLE_OTHER,		/* anything else, a request for this URL */
};

/*
 * How this request reached the program, from what only the server can
 * set: FCGI_ROLE (libfcgi, from the FastCGI request itself),
 * FCGI_APACHE_ROLE (mod_fcgid), REDIRECT_STATUS (Apache's internal
 * redirect to an error document).  A client's headers come as HTTP_*
 * and cannot pose as any of them.
 */
static enum role
role_of(void)
{
	const char	*fcgi = req_env("FCGI_ROLE");
	const char	*apache = req_env("FCGI_APACHE_ROLE");
	const char	*status = req_env("REDIRECT_STATUS");

	if (fcgi != NULL && strcmp(fcgi, "AUTHORIZER") == 0)
		return apache != NULL && strcmp(apache, "ACCESS_CHECKER") == 0 ?
		    ROLE_CHECKER : ROLE_AUTHORIZER;
	return status != NULL && strcmp(status, "401") == 0 ?
	    ROLE_ERROR_DOCUMENT : ROLE_OTHER;
}

/*
 * The role the location requires, as the web server says for this
 * request (in an error document, as it said for the refused one), into
 * *need: NULL for none.  Returns 1, or 0 if it is no role (logged).
 */
static int
location_role(enum role how, const char **need)
{

	*need = req_env(how == ROLE_ERROR_DOCUMENT ?
	    "REDIRECT_AUTH_REQUIRE_ROLE" : "AUTH_REQUIRE_ROLE");
	if (*need != NULL && !valid_role_text(*need)) {
		LOG("AUTH_REQUIRE_ROLE \"%.20s\" for this location is not "
		    "user or admin", *need);
		return 0;
	}
	return 1;
}

/*
 * Send a browser to the login page, with the page it asked for in
 * "next": the original path and query, if it is a path on this site
 * (not "//host" nor "/\host", which a login page sending the browser
 * back would take for another site).  Returns 1, or 0 on failure.
 */
static int
to_login(struct resp *p)
{
	const char	*page = req_env("REQUEST_URI");
	char		 next[3 * NEXT_MAX + 1];

	if (page == NULL || page[0] != '/' || page[1] == '/' ||
	    page[1] == '\\' || strlen(page) > NEXT_MAX)
		page = "/";
	util_url_encode(page, next, sizeof(next));
	if (!reply_message(p, 302, "sign in first"))
		return 0;
	resp_header(p, "Location", "%s%cnext=%s", cfg->login_url,
	    strchr(cfg->login_url, '?') != NULL ? '&' : '?', next);
	return 1;
}

/* Refuse a caller without a good credential (caller_check()). */
static int
refuse(struct resp *p, enum role how, enum caller c)
{

	if (how == ROLE_CHECKER)
		return resp_bare(p, 401);
	if (cfg->login_url != NULL && req_accepts("text/html"))
		return to_login(p);
	return caller_refuse(p, c);
}

/* Refuse a caller below the role need. */
static int
forbid(struct resp *p, enum role how, const char *need)
{
	char	 why[64];

	if (how == ROLE_CHECKER)
		return resp_bare(p, 401);
	snprintf(why, sizeof(why), "this page needs the %s role", need);
	return resp_fail(p, ERR_FORBIDDEN, NULL, why);
}

/* Let the request through, handing on who is calling. */
static int
allow(const struct req *r, struct resp *p)
{

	resp_bare(p, 200);
	resp_header(p, "Variable-AUTH_USER_ID", "%lld",
	    (long long)r->auth.user.id);
	resp_header(p, "Variable-AUTH_USER_ROLE", "%s", r->auth.user.role);
	resp_header(p, "Variable-AUTH_USER_EMAIL", "%s", r->auth.user.email);
	resp_header(p, "Variable-AUTH_SESSION_ID", "%lld",
	    (long long)r->auth.sid);
	return 1;
}

/*
 * Decide request r: let it through (allow()) or refuse it, as the
 * server that asked can hear.  An error document never lets anything
 * through: it only says why the checker refused.  Returns 1, or 0 on
 * internal failure (serve.c answers 500 or 503).
 */
static int
authorize(struct req *r, struct resp *p)
{
	const char	*need;
	enum role	 how = role_of();
	enum caller	 c;

	if (how == ROLE_OTHER)
		return resp_fail(p, ERR_NOT_FOUND, NULL, NULL);
	if (!location_role(how, &need))
		return 0;
	if ((c = caller_check(r, 1)) == CALLER_ERROR)
		return 0;
	if (c != CALLER_OK)
		return refuse(p, how, c);
	if (cfg->require_role != NULL &&
	    !user_has_role(&r->auth.user, cfg->require_role))
		return forbid(p, how, cfg->require_role);
	if (need != NULL && !user_has_role(&r->auth.user, need))
		return forbid(p, how, need);
	/* Apache refused what is good now: it failed on the way. */
	if (how == ROLE_ERROR_DOCUMENT)
		return resp_fail(p, ERR_UNAVAILABLE, NULL,
		    "the request could not be checked; try again");
	return allow(r, p);
}

int
main(void)
{

	return api_authorize(authorize);
}
