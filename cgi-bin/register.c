/*
 * POST /register (and POST /user): create an account.
 * 201 with the user resource and Location; 409 if the email or username
 * is taken.
 */
#include "api.h"

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
	const struct param	*name = &r->params[FIELD_USERNAME];
	const char		*field;
	struct user		 u;
	char			 hash[HASH_MAX], why[32];
	int64_t			 id;
	int			 rc;

	if (pw_hash(r->params[FIELD_PASSWORD].str, cfg->bcrypt_cost, hash))
		return 0;
	rc = user_insert(r->params[FIELD_EMAIL].str,
	    name->set ? name->str : NULL, hash, "user", &id);
	explicit_bzero(hash, sizeof(hash));
	if (rc == DB_CONFLICT) {
		field = user_conflict(r->params[FIELD_EMAIL].str);
		snprintf(why, sizeof(why), "%s already taken", field);
		return api_fail(p, ERR_CONFLICT, field, why);
	}
	if (rc != DB_DONE || user_load(id, &u) != 1)
		return 0;
	api_header(p, "Location", "/users/%lld", (long long)id);
	return api_reply(p, 201, user_json(&u));
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
