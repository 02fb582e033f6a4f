/*
 * The accept loop and dispatch: read the request, match the route,
 * check the body's type and the caller, read the body, run the
 * handler, write the answer, count it, hand off its mail, free the
 * request; or, for the authorizer, hand every request to its one
 * function.  The request's address, agent and caller are the audit
 * context while it is served (audit.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>
#include <json-c/json.h>
#include <openssl/crypto.h>

#include "api.h"
#include "audit.h"
#include "body.h"
#include "browser.h"
#include "client.h"
#include "config.h"
#include "db.h"
#include "io.h"
#include "keyset.h"
#include "mail.h"
#include "metrics.h"
#include "reply.h"
#include "request.h"
#include "response.h"
#include "throttle.h"
#include "util.h"

static volatile sig_atomic_t	 stopping;

/* What api_serve() or api_authorize() was given, for serve_one(). */
static const struct route	*routes;
static size_t			 nroutes;
static const struct field	*fields;
static size_t			 nfields;
static struct param		*params;
static int			(*decide)(struct req *, struct resp *);

static void
on_signal(int sig)
{

	(void)sig;
	stopping = 1;
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

/*
 * Find the route for the request.  Returns it, or NULL with a 404 (no
 * route has this path), a 204 for a preflight, or a 405 with Allow
 * (none has this method).
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
		list_add(allow, sizeof(allow), req_method_name(routes[i].method));
		if (routes[i].method == METHOD_GET)
			list_add(allow, sizeof(allow), "HEAD");
	}
	if (!known) {
		resp_fail(p, ERR_NOT_FOUND, NULL, NULL);
		return NULL;
	}
	if (r->method == METHOD_OPTIONS) {
		/* Any known path, without a token: CORS preflights. */
		list_add(allow, sizeof(allow), "OPTIONS");
		resp_reply(p, 204, NULL);
		resp_header(p, "Allow", "%s", allow);
		browser_cors(p, r->origin, allow);
		return NULL;
	}
	resp_fail(p, ERR_METHOD_NOT_ALLOWED, NULL, NULL);
	resp_header(p, "Allow", "%s", allow);
	return NULL;
}

/*
 * Check a resource server's HTTP Basic credentials (ACCESS_CLIENT):
 * 429 while its address has had too many wrong ones, 401
 * invalid_client without them or with wrong ones (counted).
 * Returns 1 to go on, 0 with the response set, -1 on internal error.
 */
static int
authenticate_client(struct req *r, struct resp *p)
{
	char	 id[CLIENT_NAME_MAX + 2], secret[CLIENT_SECRET_MAX + 2];
	int64_t	 retry;
	int	 rc;

	if ((rc = throttle_reached(LIMIT_CLIENT, r->ip, &retry)) != 0) {
		if (rc == 1)
			reply_throttled(p, retry, "too many failed client "
			    "authentications; try again later");
		return rc == 1 ? 0 : -1;
	}
	if (!req_basic(id, sizeof(id), secret, sizeof(secret))) {
		resp_fail(p, ERR_INVALID_CLIENT, NULL, "client credentials "
		    "(HTTP Basic) are required");
		return 0;
	}
	rc = client_verify(id, secret);
	explicit_bzero(secret, sizeof(secret));
	if (rc == 0) {
		resp_fail(p, ERR_INVALID_CLIENT, NULL, NULL);
		rc = throttle_failed(LIMIT_CLIENT, r->ip) == -1 ? -1 : 0;
	}
	return rc;
}

/*
 * Check the caller for a route that needs a token or a client.
 * Returns 1 to go on, 0 with the response set, -1 on internal error.
 */
static int
authenticate(struct req *r, struct resp *p, enum access access)
{
	enum caller	 c;

	if (access == ACCESS_PUBLIC)
		return 1;
	if (access == ACCESS_CLIENT)
		return authenticate_client(r, p);
	/* The bearer token only: the API never reads the access cookie. */
	if ((c = caller_check(r, 0)) != CALLER_OK) {
		if (c == CALLER_ERROR)
			return -1;
		caller_refuse(p, c);
		return 0;
	}
	audit_actor(r->auth.user.id, r->auth.sid);
	if (access == ACCESS_ADMIN && !user_is_admin(&r->auth.user)) {
		resp_fail(p, ERR_FORBIDDEN, NULL, "administrators only");
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
	if (!body_type_ok(rt, r->method))
		return resp_fail(p, ERR_UNSUPPORTED_MEDIA_TYPE, NULL, NULL);
	if ((rc = authenticate(r, p, rt->access)) != 1)
		return rc == 0;
	if (rt->takes != 0 &&
	    !body_parse(r, p, rt, fields, nfields, root))
		return 1;
	return rt->handle(r, p);
}

/* Serve the request io_start() pointed at; returns the status answered. */
static int
serve_one(void)
{
	struct req		 r;
	struct req_store	 st;
	struct resp		 p;
	struct json_object	*root = NULL;
	int			 head, status;

	memset(&r, 0, sizeof(r));
	resp_init(&p);
	r.params = params;
	req_read(&r, &st, &head);
	audit_context(r.ip, r.user_agent);
	if (decide != NULL ? !decide(&r, &p) : !dispatch(&r, &p, &root)) {
		/* Nothing half-written nor mailed: undo, then say so. */
		mail_drop();
		db_rollback();
		resp_fail(&p, db_busy() ? ERR_UNAVAILABLE : ERR_INTERNAL,
		    NULL, NULL);
	}
	/* A preflight's CORS headers are set with its answer; a bare
	 * answer gets none. */
	if (!p.bare && (r.method != METHOD_OPTIONS || p.status != 204))
		browser_cors(&p, r.origin, NULL);
	resp_write(&p, head);
	status = p.status;

	db_rollback();
	db_busy();
	audit_context(NULL, NULL);
	body_params_clear(params, nfields);
	json_object_put(root);
	resp_free(&p);
	explicit_bzero(&r.auth, sizeof(r.auth));
	return status;
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
 * Everything a program needs before its first request: settings, the
 * list of common passwords, the signing keys (made at first start),
 * the store (a PostgreSQL server that is down is connected to later),
 * the body parser.  OpenSSL reads its configuration now, not in the
 * first request that hashes, and without its error strings (450 KiB
 * more of libcrypto per process, for text nothing here prints).
 * Returns 1, or -1 (said on stderr).
 */
static int
start(void)
{
	char	 err[512];

	OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG |
	    OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
	if (config_load(err, sizeof(err)) != 1 ||
	    pw_denylist_load(cfg->password_denylist, err, sizeof(err)) != 1 ||
	    keyset_open(err, sizeof(err)) != 1) {
		fprintf(stderr, "%s: %s\n", program_invocation_short_name, err);
		return -1;
	}
	/*
	 * The counts are a host's own: a PostgreSQL database has no
	 * folder of this host's to keep them beside.  (authctl, which
	 * counts nothing, needs no file.)
	 */
	if (cfg->metrics_file == NULL && db_remote(cfg->db)) {
		fprintf(stderr, "%s: AUTH_DB is PostgreSQL: set "
		    "AUTH_METRICS_FILE, a file of this host's own\n",
		    program_invocation_short_name);
		return -1;
	}
	/* A database server that does not answer yet is a 503, not an exit. */
	if (db_open(cfg->db) == -1) {
		fprintf(stderr, "%s: %s: cannot open the database\n",
		    program_invocation_short_name, db_where());
		return -1;
	}
	if (body_init() == -1 ||
	    (params = calloc(nfields + 1, sizeof(*params))) == NULL)
		return -1;
	/* Without its file a program still serves, uncounted (logged). */
	metrics_open(cfg->metrics_file, program_invocation_short_name);
	return 1;
}

/* Release what start() took; safe after a partial start. */
static void
stop(void)
{

	free(params);
	params = NULL;
	metrics_close();
	body_free();
	db_close();
	pw_denylist_free();
	token_free();
	keyset_close();
	config_free();
}

/* Serve FastCGI requests on standard input until told to stop. */
static int
serve_fastcgi(void)
{
	FCGX_Request	 fr;
	int64_t		 t0;
	int		 status;

	if (FCGX_Init() != 0 ||
	    FCGX_InitRequest(&fr, 0, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		return -1;
	while (!stopping && FCGX_Accept_r(&fr) >= 0) {
		t0 = util_monotonic_ns();
		io_start(&fr);
		status = serve_one();
		io_finish();
		FCGX_Finish_r(&fr);
		metrics_request(status, util_monotonic_ns() - t0);
		mail_flush();
	}
	FCGX_Free(&fr, 1);
	return 1;
}

/*
 * Serve requests until told to stop: under FastCGI when standard input
 * is a listening socket, else one request as plain CGI.  Returns the
 * process's exit status.
 */
static int
serve(void)
{
	int64_t	 t0;
	int	 status = 1;

	signals();
	if (start() == 1) {
		if (!FCGX_IsCGI())
			status = serve_fastcgi() == 1 ? 0 : 1;
		else {
			t0 = util_monotonic_ns();
			io_start(NULL);
			status = serve_one();
			/* End the answer (io_finish()), count it, then
			 * hand off its mail. */
			io_finish();
			metrics_request(status, util_monotonic_ns() - t0);
			mail_flush();
			status = 0;
		}
	}
	stop();
	return status;
}

/*
 * Serve requests for a program's routes and fields (serve()).
 * Returns the process's exit status.
 */
int
api_serve(const struct route *rts, size_t nrts, const struct field *fs,
    size_t nfs)
{

	routes = rts;
	nroutes = nrts;
	fields = fs;
	nfields = nfs;
	return serve();
}

/*
 * Serve requests that are not routed: every one, whatever its method,
 * path and body (never read), is handed to fn, as an authorizer sees
 * them.  fn sets the answer and returns 1, or 0 on internal failure,
 * as a handler does (serve()).  Returns the process's exit status.
 */
int
api_authorize(int (*fn)(struct req *, struct resp *))
{

	decide = fn;
	return serve();
}
