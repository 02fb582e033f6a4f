/*
 * The accept loop and dispatch: match the route, authenticate, read the
 * body, run the handler, write the answer, free the request.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "api.h"
#include "body.h"
#include "io.h"
#include "mail.h"
#include "resp.h"

/* The longest path routed; longer ones are 404. */
#define PATH_MAX_LEN	1024

static volatile sig_atomic_t	 stopping;

/* What api_serve() was given, for serve_one(). */
static const struct route	*routes;
static size_t			 nroutes;
static const struct field	*fields;
static size_t			 nfields;
static struct param		*params;

static const char *const methods[METHOD__MAX] = {
	"GET",		/* METHOD_GET */
	"POST",		/* METHOD_POST */
	"PUT",		/* METHOD_PUT */
	"PATCH",	/* METHOD_PATCH */
	"DELETE",	/* METHOD_DELETE */
	"OPTIONS",	/* METHOD_OPTIONS */
	NULL,		/* METHOD_ANY */
};

static void
on_signal(int sig)
{

	(void)sig;
	stopping = 1;
}

/* A CGI variable of the current request, or NULL. */
const char *
api_env(const char *name)
{

	return io_env(name);
}

/* The method of the request; HEAD counts as GET (*head set). */
static enum method
parse_method(const char *m, int *head)
{
	size_t	 i;

	*head = m != NULL && strcmp(m, "HEAD") == 0;
	if (*head)
		return METHOD_GET;
	for (i = 0; m != NULL && i < METHOD_ANY; i++)
		if (strcmp(m, methods[i]) == 0)
			return (enum method)i;
	return METHOD__MAX;
}

/*
 * Match path against a route pattern.  "{id}" matches one segment that
 * is a positive integer without sign or leading zero; "*" matches all.
 * Returns 1 with *id set when the pattern has "{id}".
 */
static int
path_match(const char *pattern, const char *path, int64_t *id)
{
	size_t	 n;

	if (strcmp(pattern, "*") == 0)
		return 1;
	while (*pattern != '\0') {
		if (strncmp(pattern, "{id}", 4) == 0) {
			n = strcspn(path, "/");
			if (!util_parse_id(path, n, id))
				return 0;
			pattern += 4;
			path += n;
		} else if (*pattern++ != *path++)
			return 0;
	}
	return *path == '\0';
}

/* Append ", item" (or "item" first) to a list in buf. */
static void
list_add(char *buf, size_t size, const char *item)
{
	size_t	 n = strlen(buf);

	snprintf(buf + n, size - n, "%s%s", n > 0 ? ", " : "", item);
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
static void
cors(struct resp *p, const char *origin, const char *allow)
{

	if (cfg->cors_origins == NULL)
		return;
	api_header(p, "Vary", "Origin");
	if (!cors_allowed(origin))
		return;
	api_header(p, "Access-Control-Allow-Origin", "%s", origin);
	if (cfg->cookie_mode)
		api_header(p, "Access-Control-Allow-Credentials", "true");
	if (allow == NULL) {
		api_header(p, "Access-Control-Expose-Headers",
		    "Location, Retry-After, WWW-Authenticate");
		return;
	}
	api_header(p, "Access-Control-Allow-Methods", "%s", allow);
	api_header(p, "Access-Control-Allow-Headers",
	    "Authorization, Content-Type");
	api_header(p, "Access-Control-Max-Age", "600");
}

/*
 * Find the route for the request.  Returns it, or NULL with a 404 (no
 * route has this path) or a 405 with Allow (none has this method).
 */
static const struct route *
route_find(struct req *r, struct resp *p)
{
	char	 allow[128] = "";
	size_t	 i;
	int	 known = 0;

	for (i = 0; i < nroutes; i++) {
		if (!path_match(routes[i].path, r->path, &r->id))
			continue;
		known = 1;
		if (routes[i].method == r->method ||
		    routes[i].method == METHOD_ANY)
			return &routes[i];
		list_add(allow, sizeof(allow), methods[routes[i].method]);
		if (routes[i].method == METHOD_GET)
			list_add(allow, sizeof(allow), "HEAD");
	}
	if (!known) {
		api_fail(p, ERR_NOT_FOUND, NULL, NULL);
		return NULL;
	}
	if (r->method == METHOD_OPTIONS) {
		/* Any known path, without a token: CORS preflights. */
		list_add(allow, sizeof(allow), "OPTIONS");
		api_reply(p, 204, NULL);
		api_header(p, "Allow", "%s", allow);
		cors(p, r->origin, allow);
		return NULL;
	}
	api_fail(p, ERR_METHOD_NOT_ALLOWED, NULL, NULL);
	api_header(p, "Allow", "%s", allow);
	return NULL;
}

/*
 * The client's address: REMOTE_ADDR, or with AUTH_TRUST_PROXY the last
 * hop of X-Forwarded-For (the one the trusted proxy added).
 */
static const char *
client_ip(char out[64])
{
	const char	*xff = io_env("HTTP_X_FORWARDED_FOR"), *last;
	const char	*addr = io_env("REMOTE_ADDR");
	size_t		 n;

	if (cfg->trust_proxy && xff != NULL) {
		last = strrchr(xff, ',');
		last = last != NULL ? last + 1 : xff;
		last += strspn(last, " \t");
		n = strspn(last, "0123456789abcdefABCDEF.:");
		if (n > 0 && n < 64 && last[n + strspn(last + n, " \t")] == '\0') {
			memcpy(out, last, n);
			out[n] = '\0';
			return out;
		}
	}
	return addr != NULL ? addr : "";
}

/* The token of "Authorization: Bearer <token>", or NULL. */
static const char *
bearer(void)
{
	const char	*h = io_env("HTTP_AUTHORIZATION");

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	h += strspn(h, " ");
	return *h != '\0' ? h : NULL;
}

/*
 * Copy the value of cookie name from the Cookie header into out.
 * Returns 1 if it is there (the first one) and fits, else 0.
 */
int
api_cookie(const char *name, char *out, size_t outsz)
{
	const char	*c = io_env("HTTP_COOKIE");
	size_t		 nlen = strlen(name), n;

	while (c != NULL && *c != '\0') {
		c += strspn(c, " \t;");
		n = strcspn(c, ";");
		if (n > nlen && strncmp(c, name, nlen) == 0 && c[nlen] == '=') {
			n -= nlen + 1;
			while (n > 0 && (c[nlen + n] == ' ' || c[nlen + n] == '\t'))
				n--;
			if (n >= outsz)
				return 0;
			memcpy(out, c + nlen + 1, n);
			out[n] = '\0';
			return 1;
		}
		c += n;
	}
	return 0;
}

/*
 * Check the caller for a route that needs a token.
 * Returns 1 to go on, 0 with the response set, -1 on internal error.
 */
static int
authenticate(struct req *r, struct resp *p, enum access access)
{
	char	 fgp[FGP_LEN + 1];
	int	 rc;

	if (access == ACCESS_PUBLIC)
		return 1;
	if (r->bearer == NULL) {
		api_fail(p, ERR_INVALID_TOKEN, NULL,
		    "a bearer token is required");
		return 0;
	}
	if ((rc = session_authenticate(r->bearer, &r->auth)) != 1) {
		if (rc == 0)
			api_fail(p, ERR_INVALID_TOKEN, NULL, NULL);
		return rc;
	}
	/* A token minted for a browser works only beside its cookie. */
	if (!session_fingerprint_ok(&r->auth,
	    api_cookie(COOKIE_FGP, fgp, sizeof(fgp)) ? fgp : NULL)) {
		api_fail(p, ERR_INVALID_TOKEN, NULL,
		    "the token's fingerprint cookie is missing or wrong");
		return 0;
	}
	if (access == ACCESS_ADMIN && !user_is_admin(&r->auth.user)) {
		api_fail(p, ERR_FORBIDDEN, NULL, "administrators only");
		return 0;
	}
	return 1;
}

/*
 * Take one request from route to handler.  Returns 1 when the response
 * is set, 0 on internal failure.
 */
static int
dispatch(struct req *r, struct resp *p, struct json_object **root)
{
	const struct route	*rt;
	int			 rc;

	if ((rt = route_find(r, p)) == NULL)
		return 1;
	if (!body_type_ok(r->method)) {
		api_fail(p, ERR_UNSUPPORTED_MEDIA_TYPE, NULL, NULL);
		return 1;
	}
	if ((rc = authenticate(r, p, rt->access)) != 1)
		return rc == 0;
	if (rt->takes != 0 &&
	    !body_parse(r, p, rt, fields, nfields, root))
		return 1;
	return rt->handle(r, p);
}

/* Does the last segment of a URL path name a program file? */
static int
is_program(const char *url)
{
	const char	*base = strrchr(url, '/');
	size_t		 n;

	base = base != NULL ? base + 1 : url;
	n = strlen(base);
	return (n > 5 && strcmp(base + n - 5, ".fcgi") == 0) ||
	    (n > 4 && strcmp(base + n - 4, ".cgi") == 0);
}

/*
 * The path to route, into buf: SCRIPT_NAME + PATH_INFO, as lighttpd
 * (SCRIPT_NAME empty) and Apache's AliasMatch (PATH_INFO empty) give
 * it.  Under the .htaccess rewrites of shared hosting SCRIPT_NAME is
 * the program's own URL ("/auth/cgi-bin/login.fcgi") and the rewrite
 * put the API path, without the site's folder, in PATH_INFO: then
 * PATH_INFO alone is the path.  No route ends in ".fcgi" or ".cgi".
 * Returns buf, or "" (no route) when the path is too long.
 */
static const char *
request_path(char *buf, size_t size)
{
	const char	*sn = io_env("SCRIPT_NAME");
	const char	*pi = io_env("PATH_INFO");
	size_t		 a, b;

	if (sn == NULL || is_program(sn))
		sn = "";
	if (pi == NULL)
		pi = "";
	a = strlen(sn);
	b = strlen(pi);
	if (a + b >= size)
		return "";
	memcpy(buf, sn, a);
	memcpy(buf + a, pi, b + 1);
	return buf;
}

/* Serve the request io_start() pointed at. */
static void
serve_one(void)
{
	struct req		 r;
	struct resp		 p;
	struct json_object	*root = NULL;
	char			 path[PATH_MAX_LEN + 1], ip[64];
	int			 head;

	memset(&r, 0, sizeof(r));
	/* Not memset: its 8 KiB of header buffers are read only up to
	 * nheaders, and clearing them was an eighth of a request. */
	p.status = 0;
	p.body = NULL;
	p.nheaders = 0;
	r.params = params;
	r.method = parse_method(io_env("REQUEST_METHOD"), &head);
	r.path = request_path(path, sizeof(path));
	if ((r.query = io_env("QUERY_STRING")) == NULL)
		r.query = "";
	r.ip = client_ip(ip);
	if ((r.user_agent = io_env("HTTP_USER_AGENT")) == NULL)
		r.user_agent = "";
	r.bearer = bearer();
	r.origin = io_env("HTTP_ORIGIN");

	if (!dispatch(&r, &p, &root)) {
		/* Nothing half-written nor mailed: undo, then say so. */
		mail_drop();
		db_rollback();
		api_fail(&p, db_busy() ? ERR_UNAVAILABLE : ERR_INTERNAL,
		    NULL, NULL);
	}
	/* A preflight's CORS headers are set with its answer. */
	if (r.method != METHOD_OPTIONS || p.status != 204)
		cors(&p, r.origin, NULL);
	resp_write(&p, head);

	db_rollback();
	db_busy();
	body_params_clear(params, nfields);
	json_object_put(root);
	json_object_put(p.body);
	explicit_bzero(&r.auth, sizeof(r.auth));
}

/* Stop cleanly on SIGTERM (lighttpd, Apache) and SIGINT (Ctrl-C). */
static void
signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: accept() returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A client that hangs up must not kill the program. */
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Serve requests for a program's routes and fields until told to stop:
 * under FastCGI when standard input is a listening socket, else one
 * request as plain CGI.  Returns the process's exit status.
 */
int
api_serve(const struct route *rts, size_t nrts, const struct field *fs,
    size_t nfs)
{
	FCGX_Request	 fr;
	char		 err[512];
	int		 status = 1;

	routes = rts;
	nroutes = nrts;
	fields = fs;
	nfields = nfs;
	signals();
	/*
	 * OpenSSL reads its configuration file now, not in the first
	 * request that hashes.  Nothing here prints its error strings,
	 * and loading them put 450 KiB more of libcrypto in every such
	 * process (make bench, resident memory).
	 */
	OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG |
	    OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);

	if (!config_load(err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, err);
		goto out;
	}
	if (db_open(cfg->db) == -1) {
		fprintf(stderr, "%s: %s: cannot open the database\n",
		    program_invocation_short_name, cfg->db);
		goto out;
	}
	if (body_init() == -1 ||
	    (params = calloc(nfields + 1, sizeof(*params))) == NULL)
		goto out;

	if (FCGX_IsCGI()) {
		io_start(NULL);
		serve_one();
		/* Drain what was not read (mod_cgid resets the connection
		 * otherwise), end the answer, then hand off its mail. */
		io_finish();
		fflush(stdout);
		mail_flush();
	} else {
		if (FCGX_Init() != 0 ||
		    FCGX_InitRequest(&fr, 0, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
			goto out;
		while (!stopping && FCGX_Accept_r(&fr) >= 0) {
			io_start(&fr);
			serve_one();
			FCGX_Finish_r(&fr);
			mail_flush();
		}
		FCGX_Free(&fr, 1);
	}
	status = 0;
out:
	free(params);
	body_free();
	db_close();
	config_free();
	return status;
}

/*
 * A whole-number query parameter name in [min, max], or def when it is
 * absent.  Returns 1, or 0 if it is present but not such a number.
 */
int
api_query_long(const struct req *r, const char *name, long def, long min,
    long max, long *out)
{
	const char	*q = r->query, *v;
	char		 num[24];
	size_t		 nlen = strlen(name), vlen;

	*out = def;
	while (*q != '\0') {
		vlen = strcspn(q, "&");
		if (strncmp(q, name, nlen) == 0 && q[nlen] == '=') {
			v = q + nlen + 1;
			if ((size_t)(v - q) > vlen ||
			    vlen - nlen - 1 >= sizeof(num))
				return 0;
			memcpy(num, v, vlen - nlen - 1);
			num[vlen - nlen - 1] = '\0';
			return util_parse_long(num, min, max, out);
		}
		q += vlen;
		q += *q == '&';
	}
	return 1;
}

/*
 * Whether the caller may act on the user named by the path's {id}:
 * that user themselves, or an admin (the role from the database, never
 * the token's claim).  Returns 1 or 0.
 */
int
api_self_or_admin(const struct req *r)
{

	return r->id == r->auth.user.id || user_is_admin(&r->auth.user);
}

/*
 * The handler of GET /users/{id}, GET /user/{id} and GET /profile/{id}:
 * the user resource, for the user themselves or an admin.  Another
 * user's id is 403 for a non-admin whether or not that user exists, so
 * the answer does not tell which ids are taken.
 */
int
api_user_get(struct req *r, struct resp *p)
{
	struct user	 u;

	if (!api_self_or_admin(r))
		return api_fail(p, ERR_FORBIDDEN, NULL,
		    "only an admin may see another user");
	switch (user_load(r->id, &u)) {
	case 1:
		return api_reply(p, 200, user_json(&u));
	case 0:
		return api_fail(p, ERR_NOT_FOUND, NULL, "no such user");
	}
	return 0;
}

/*
 * Answer a request refused by a throttle: 429 with Retry-After (at
 * least 1 s) and message (NULL: the contract's default).  Returns 1.
 */
int
api_throttled(struct resp *p, int64_t retry, const char *message)
{

	api_fail(p, ERR_TOO_MANY_REQUESTS, NULL, message);
	api_header(p, "Retry-After", "%lld", (long long)(retry > 0 ? retry : 1));
	return 1;
}

/*
 * Map a password check to the answer: 1 to go on (proved), or 0 with
 * 401 invalid_credentials naming field (NULL: none, as at login) or
 * 429, or -1 on internal error.
 */
int
api_proof(struct resp *p, enum proof rc, const char *field, int64_t retry)
{

	switch (rc) {
	case PROOF_OK:
		return 1;
	case PROOF_WRONG:
		api_fail(p, ERR_INVALID_CREDENTIALS, field, field == NULL ?
		    NULL : "the password is wrong");
		return 0;
	case PROOF_THROTTLED:
		api_throttled(p, retry, NULL);
		return 0;
	default:
		return -1;
	}
}
