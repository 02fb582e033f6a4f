/*
 * POST /register (and POST /user): create an account.
 * 201 with the user resource and Location; 409 if the email or username
 * is taken; 429 with Retry-After past AUTH_REGISTER_PER_HOUR
 * registrations from one client address in an hour.
 */
#include <stdio.h>

#include <string.h>

#include "api.h"
#include "db.h"
#include "config.h"
#include "reply.h"

enum {
	FIELD_EMAIL,
	FIELD_PASSWORD,
	FIELD_USERNAME,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "email", valid_email, NULL },			/* FIELD_EMAIL */
	{ "password", valid_new_password, NULL },	/* FIELD_PASSWORD */
	{ "username", valid_username, "user" },		/* FIELD_USERNAME */
};

static int
register_post(struct req *r, struct resp *p)
{
	const char		*email = r->params[FIELD_EMAIL].str;
	const struct param	*pw = &r->params[FIELD_PASSWORD];
	const char		*name = r->params[FIELD_USERNAME].str;
	const char		*field, *why;
	struct user		 u;
	char			 hash[HASH_MAX], taken[32];
	int64_t			 id;
	int			 rc;

	/* Counted before any work, so a flood costs no bcrypt. */
	if ((rc = reply_counted(r, p, LIMIT_REGISTER, "too many "
	    "registrations from this address; try again later")) != 1)
		return rc == 0;
	if ((why = pw_personal(pw->str, pw->len, email, name)) != NULL)
		return resp_fail(p, ERR_INVALID_REQUEST, "password", why);
	if (pw_hash(pw->str, cfg->bcrypt_cost, hash) == -1)
		return 0;
	rc = user_create(email, name, hash, "user", &id);
	explicit_bzero(hash, sizeof(hash));
	if (rc == DB_CONFLICT) {
		field = user_conflict(email);
		snprintf(taken, sizeof(taken), "%s already taken", field);
		return resp_fail(p, ERR_CONFLICT, field, taken);
	}
	if (rc != DB_DONE || user_load(id, &u) != 1)
		return 0;
	resp_header(p, "Location", "%s/users/%lld", r->base, (long long)id);
	return reply_user(p, 201, &u);
}

static const struct route routes[] = {
	{ METHOD_POST, "/register", ACCESS_PUBLIC,
	    F(FIELD_EMAIL) | F(FIELD_PASSWORD) | F(FIELD_USERNAME),
	    F(FIELD_EMAIL) | F(FIELD_PASSWORD), register_post },
	{ METHOD_POST, "/user", ACCESS_PUBLIC,
	    F(FIELD_EMAIL) | F(FIELD_PASSWORD) | F(FIELD_USERNAME),
	    F(FIELD_EMAIL) | F(FIELD_PASSWORD), register_post },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
