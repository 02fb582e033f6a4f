/*
 * The request/response layer every endpoint program is built on.
 * A program is two tables, its fields and its routes, and one call:
 *
 *	int
 *	main(void)
 *	{
 *		return api_serve(routes, nitems(routes),
 *		    fields, nitems(fields));
 *	}
 *
 * api_serve() reads the configuration, opens the database and serves
 * requests under FastCGI, or one request as plain CGI.  Before a
 * handler runs it has matched the route exactly (404, 405), checked the
 * bearer token (401, 403), and read, capped, parsed and validated the
 * body (413, 415, 400).  Handlers never print: they fill in a struct
 * resp and return 1, or return 0 on internal failure (a logged 500, or
 * 503 when the database was locked).  Mail a handler queued goes out
 * once the answer is out, or not at all if the handler failed.
 */
#ifndef API_H
#define API_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "account.h"
#include "config.h"
#include "db.h"
#include "mailtoken.h"
#include "pw.h"
#include "session.h"
#include "throttle.h"
#include "token.h"
#include "user.h"
#include "util.h"
#include "valid.h"

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
};

/* The contract's errors: each is one status and one "error" code. */
enum err {
	ERR_INVALID_REQUEST,
	ERR_INVALID_CREDENTIALS,
	ERR_INVALID_TOKEN,
	ERR_FORBIDDEN,
	ERR_NOT_FOUND,
	ERR_METHOD_NOT_ALLOWED,
	ERR_CONFLICT,
	ERR_PAYLOAD_TOO_LARGE,
	ERR_UNSUPPORTED_MEDIA_TYPE,
	ERR_TOO_MANY_REQUESTS,
	ERR_INTERNAL,
	ERR_UNAVAILABLE,
	ERR__MAX
};

/* A JSON body field a program accepts, and how it is checked. */
struct field {
	const char	*name;
	validator	 valid;
	const char	*alias;	/* another accepted name, or NULL */
};

#define F(x)	(1u << (x))	/* a field's bit in route masks */

/* Cookie mode's cookies (AUTH_COOKIE_MODE). */
#define COOKIE_REFRESH	"__Host-refresh"
#define COOKIE_FGP	"__Host-fgp"

struct req {
	enum method	 method;
	const char	*path;		/* the URL path routed (request_path) */
	int64_t		 id;		/* the {id} in the path, or 0 */
	const char	*query;		/* QUERY_STRING, never NULL */
	const char	*ip;		/* the client's address */
	const char	*user_agent;	/* never NULL */
	const char	*bearer;	/* the token after "Bearer ", or NULL */
	const char	*origin;	/* the Origin header, or NULL */
	struct param	*params;	/* indexed like the field table */
	struct auth	 auth;		/* the caller, for ACCESS_BEARER */
};

#define RESP_HEADERS	16

struct header {
	const char	*name;
	char		 value[512];
};

struct resp {
	int		 status;
	struct json_object *body;	/* NULL: no body (204) */
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

int		 api_serve(const struct route *, size_t, const struct field *,
		    size_t);
int		 api_fail(struct resp *, enum err, const char *, const char *);
int		 api_fail_status(struct resp *, int, const char *, const char *,
		    const char *);
int		 api_reply(struct resp *, int, struct json_object *);
int		 api_tokens(struct resp *, int, const struct tokens *);
void		 api_cookies_clear(struct resp *);
int		 api_cookie(const char *, char *, size_t);
int		 api_header(struct resp *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
const char	*api_env(const char *);
int		 api_query_long(const struct req *, const char *, long, long,
		    long, long *);
int		 api_self_or_admin(const struct req *);
int		 api_user_get(struct req *, struct resp *);
int		 api_throttled(struct resp *, int64_t, const char *);
int		 api_proof(struct resp *, enum proof, const char *, int64_t);

#endif
