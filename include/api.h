/*
 * The HTTP layer every endpoint program is built on.  A program is two
 * tables, its fields and its routes, and one call:
 *
 *	int
 *	main(void)
 *	{
 *		return api_serve(routes, nitems(routes),
 *		    fields, nitems(fields));
 *	}
 *
 * api_serve() (serve.c) reads the configuration, opens the store and
 * serves requests under FastCGI, or one request as plain CGI.  Before a
 * handler runs it has matched the route exactly (404, 405), checked the
 * body's type (415) and the bearer token (401, 403), and read, capped,
 * parsed and validated the body (413, 400).  Handlers never print: they
 * fill in a struct resp through resp_*() (response.c), JSON unless a
 * handler sets another type with resp_text(), and return 1, or
 * return 0 on internal failure (a logged 500, or 503 when the database
 * was locked).  Mail a handler's change queued goes out once the answer
 * is out, or not at all if the handler failed.  The answers several
 * programs share are in reply.h.
 */
#ifndef API_H
#define API_H

#include <stddef.h>
#include <stdint.h>

#include "session.h"
#include "valid.h"

struct json_object;

enum method {
	METHOD_GET,
	METHOD_POST,
	METHOD_PUT,
	METHOD_PATCH,
	METHOD_DELETE,
	METHOD_OPTIONS,	/* answered by the layer: CORS preflight, Allow */
	METHOD_ANY,	/* matches every method */
	METHOD__MAX
};

enum access {
	ACCESS_PUBLIC,	/* no token needed */
	ACCESS_BEARER,	/* a valid access token */
	ACCESS_ADMIN,	/* a valid access token of an admin */
	ACCESS_CLIENT,	/* a resource server's HTTP Basic credentials;
			 * these are the OAuth endpoints (RFC 7662, RFC
			 * 7009), whose bodies may also be form-encoded */
};

/*
 * Every error the service answers: one status, one "error" code and a
 * default message each (response.c's table).
 */
enum err {
	ERR_INVALID_REQUEST,		/* 400 */
	ERR_INVALID_CREDENTIALS,	/* 401 */
	ERR_INVALID_TOKEN,		/* 401, WWW-Authenticate: Bearer */
	ERR_INVALID_CLIENT,		/* 401, WWW-Authenticate: Basic */
	ERR_FORBIDDEN,			/* 403 */
	ERR_NOT_FOUND,			/* 404 */
	ERR_METHOD_NOT_ALLOWED,		/* 405 */
	ERR_TIMEOUT,			/* 408 invalid_request */
	ERR_CONFLICT,			/* 409 */
	ERR_LENGTH_REQUIRED,		/* 411 invalid_request */
	ERR_PAYLOAD_TOO_LARGE,		/* 413 */
	ERR_UNSUPPORTED_MEDIA_TYPE,	/* 415 */
	ERR_EXPECTATION_FAILED,		/* 417 invalid_request */
	ERR_TOO_MANY_REQUESTS,		/* 429 */
	ERR_INTERNAL,			/* 500 */
	ERR_NOT_IMPLEMENTED,		/* 501 */
	ERR_UNAVAILABLE,		/* 503, Retry-After */
	ERR__MAX
};

/* A JSON body field a program accepts, and how it is checked. */
struct field {
	const char	*name;
	validator	 valid;
	const char	*alias;	/* another accepted name, or NULL */
};

#define F(x)	(1u << (x))	/* a field's bit in route masks */

/* What a request's credential came to (caller.c). */
enum caller {
	CALLER_OK,		/* a live session's: r->auth is its caller */
	CALLER_NONE,		/* no credential */
	CALLER_REFUSED,		/* not a live session's access token */
	CALLER_UNBOUND,		/* a browser's, without its fingerprint */
	CALLER_ERROR,		/* an error, logged */
};

struct req {
	enum method	 method;
	const char	*path;		/* the URL path routed */
	const char	*base;		/* the path it is served under: "" or
					   "/auth", never ending in "/" */
	int64_t		 id;		/* the {id} in the path, or 0 */
	const char	*query;		/* QUERY_STRING, never NULL */
	const char	*ip;		/* the client's address */
	const char	*user_agent;	/* never NULL */
	const char	*bearer;	/* the token after "Bearer ", or NULL */
	const char	*origin;	/* the Origin header, or NULL */
	struct param	*params;	/* indexed like the field table */
	struct auth	 auth;		/* the caller (caller_check()) */
};

#define RESP_HEADERS	16

struct header {
	const char	*name;
	char		 value[512];
	char		*big;		/* a longer value (a cookie holding a
					   token, a redirect), malloc'd; or NULL */
};

struct resp {
	int		 status;
	struct json_object *body;	/* NULL: no body (204) */
	char		*text;		/* a body that is not JSON, or NULL */
	size_t		 textlen;
	const char	*type;		/* its Content-Type (static) */
	const char	*cache;		/* Cache-Control; NULL: no-store */
	int		 bare;		/* the status and the handler's headers
					   only (resp_bare()) */
	struct header	 headers[RESP_HEADERS];
	size_t		 nheaders;
};

struct route {
	enum method	 method;
	const char	*path;	/* exact; "{id}" matches a positive integer */
	enum access	 access;
	unsigned int	 takes;	/* fields accepted in the body (F() bits) */
	unsigned int	 needs;	/* fields required, a subset of takes */
	int		(*handle)(struct req *, struct resp *);
};

/* serve.c */
int		 api_serve(const struct route *, size_t, const struct field *,
		    size_t);
int		 api_authorize(int (*)(struct req *, struct resp *));

/* caller.c: the one check of a request's credential */
enum caller	 caller_check(struct req *, int);
int		 caller_refuse(struct resp *, enum caller);

/* response.c: every setter returns 1, so a handler can return it. */
int		 resp_fail(struct resp *, enum err, const char *,
		    const char *);
int		 resp_reply(struct resp *, int, struct json_object *);
int		 resp_text(struct resp *, int, const char *, char *, size_t);
int		 resp_header(struct resp *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
int		 resp_cache(struct resp *, const char *);
int		 resp_bare(struct resp *, int);

/* browser.c: cookie mode (no-ops without it) */
void		 browser_tokens(struct resp *, const struct tokens *);
void		 browser_clear(struct resp *);
int		 browser_refresh(char *, size_t);
int		 browser_fingerprint(char [FGP_LEN + 1]);

/* request.c */
const char	*req_env(const char *);
int		 req_cookie(const char *, char *, size_t);
int		 req_query_long(const struct req *, const char *, long, long,
		    long, long *);
int		 req_query_text(const struct req *, const char *, char *,
		    size_t);
int		 req_loopback(const struct req *);
int		 req_accepts(const char *);

#endif
