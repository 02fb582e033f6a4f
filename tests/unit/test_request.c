/*
 * The path a program routes and the path it is served under, from
 * SCRIPT_NAME and PATH_INFO as each host sets them (request.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "config.h"
#include "request.h"
#include "tap.h"

static const struct {
	const char	*host;
	const char	*script_name;	/* NULL: unset */
	const char	*path_info;	/* NULL: unset */
	const char	*path;		/* what is routed */
	const char	*base;		/* what it is served under */
} cases[] = {
	{ "lighttpd, \"/\" key", "", "/login", "/login", "" },
	{ "lighttpd, no SCRIPT_NAME", NULL, "/users/7", "/users/7", "" },
	{ "Apache, AliasMatch to the file", "/users/7", "", "/users/7", "" },
	{ "Apache, no PATH_INFO", "/health", NULL, "/health", "" },
	{ "plain CGI", "/register", NULL, "/register", "" },
	{ "lighttpd, \"/auth\" key", "/auth", "/login", "/login", "/auth" },
	{ "Apache, AliasMatch with $1", "/auth", "/users/7", "/users/7",
	    "/auth" },
	{ "a deeper prefix", "/a/b", "/me", "/me", "/a/b" },
	{ "a prefix ending in /", "/auth/", "/me", "/me", "/auth" },
	{ "a prefix alone is no route", "/auth/login", "", "/auth/login",
	    "" },
	{ ".htaccess at the root", "/cgi-bin/login.fcgi", "/login", "/login",
	    "" },
	{ ".htaccess in a folder", "/auth/cgi-bin/login.fcgi", "/login",
	    "/login", "/auth" },
	{ ".htaccess, the error document", "/auth/cgi-bin/error.fcgi", NULL,
	    "", "/auth" },
	{ "a program file outside cgi-bin/", "/x/login.cgi", "/login",
	    "/login", "" },
	{ "nothing", NULL, NULL, "", "" },
};

/* Set or unset one CGI variable. */
static void
set(const char *name, const char *value)
{

	if (value == NULL)
		unsetenv(name);
	else
		setenv(name, value, 1);
}

int
main(void)
{
	struct req		 r;
	struct req_store	 st;
	char			 err[512], *long_path;
	size_t			 i;
	int			 head;

	tap_env();
	if (!ok(tap_config(err, sizeof(err)), "settings load: %s", err))
		return tap_done();
	setenv("REQUEST_METHOD", "GET", 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set("SCRIPT_NAME", cases[i].script_name);
		set("PATH_INFO", cases[i].path_info);
		memset(&r, 0, sizeof(r));
		req_read(&r, &st, &head);
		ok(strcmp(r.path, cases[i].path) == 0 &&
		    strcmp(r.base, cases[i].base) == 0,
		    "%s: path \"%s\", base \"%s\"", cases[i].host, r.path,
		    r.base);
	}

	/* Too long: no route, never a path cut short. */
	long_path = malloc(PATH_MAX_LEN + 3);
	long_path[0] = '/';
	memset(long_path + 1, 'a', PATH_MAX_LEN + 1);
	long_path[PATH_MAX_LEN + 2] = '\0';
	set("SCRIPT_NAME", "/auth");
	set("PATH_INFO", long_path);
	req_read(&r, &st, &head);
	ok(*r.path == '\0', "a path over %d bytes is no route", PATH_MAX_LEN);
	set("SCRIPT_NAME", long_path);
	set("PATH_INFO", "/me");
	req_read(&r, &st, &head);
	ok(strcmp(r.path, "/me") == 0 && *r.base == '\0',
	    "a base over %d bytes is dropped", PATH_MAX_LEN);
	free(long_path);

	/* A browser asking for a page names text/html; q=0 refuses it. */
	set("HTTP_ACCEPT", "text/html,application/xhtml+xml,*/*;q=0.8");
	ok(req_accepts("text/html"), "a browser's Accept takes text/html");
	set("HTTP_ACCEPT", "application/json, TEXT/HTML ;q=0.5");
	ok(req_accepts("text/html"), "text/html later, any case, q=0.5");
	set("HTTP_ACCEPT", "text/html;q=0, application/json");
	ok(!req_accepts("text/html"), "text/html with q=0 is refused");
	set("HTTP_ACCEPT", "text/html; level=1; q=0.000");
	ok(!req_accepts("text/html"), "q=0.000 after a parameter too");
	set("HTTP_ACCEPT", "*/*");
	ok(!req_accepts("text/html"), "*/* does not name text/html");
	set("HTTP_ACCEPT", "text/*, text/htmlx");
	ok(!req_accepts("text/html"), "nor text/* or a longer name");
	set("HTTP_ACCEPT", NULL);
	ok(!req_accepts("text/html"), "no Accept header");
	tap_config_free();
	return tap_done();
}
