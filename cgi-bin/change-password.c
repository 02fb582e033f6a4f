/*
 * POST /change-password: needs the current password, checked as a
 * login is (401 if wrong and counted, 429 once the account is
 * throttled; nothing changes), and a new one that meets the policy and
 * is not the account's email or username.  Every other session of the
 * caller is revoked; the current one stays.  200 {"revoked": n}.
 */
#include "api.h"

enum {
	FIELD_CURRENT,
	FIELD_NEW,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "current_password", valid_password, NULL },	/* FIELD_CURRENT */
	{ "new_password", valid_new_password, NULL },	/* FIELD_NEW */
};

static int
change_password_post(struct req *r, struct resp *p)
{
	const struct user	*u = &r->auth.user;
	const struct param	*cur = &r->params[FIELD_CURRENT];
	const struct param	*new = &r->params[FIELD_NEW];
	struct json_object	*o;
	const char		*why;
	char			 hash[HASH_MAX];
	enum proof		 pr;
	int64_t			 retry;
	int			 ok, n = -1;

	if (cur->len == new->len && memcmp(cur->str, new->str, new->len) == 0)
		return api_fail(p, ERR_INVALID_REQUEST, "new_password",
		    "new_password must differ from current_password");
	if ((why = pw_personal(new->str, new->len, u->email,
	    u->username)) != NULL)
		return api_fail(p, ERR_INVALID_REQUEST, "new_password", why);
	pr = account_prove(u->id, cur->str, r->ip, &retry);
	if ((ok = api_proof(p, pr, "current_password", retry)) != 1)
		return ok == 0;

	ok = pw_hash(new->str, cfg->bcrypt_cost, hash) == 0 &&
	    db_begin() == 0 &&
	    (n = account_password_store(u->id, hash, r->auth.sid)) >= 0 &&
	    db_commit() == 0;
	explicit_bzero(hash, sizeof(hash));
	if (!ok || (o = json_object_new_object()) == NULL)
		return 0;
	json_object_object_add(o, "revoked", json_object_new_int(n));
	return api_reply(p, 200, o);
}

static const struct route routes[] = {
	{ METHOD_POST, "/change-password", ACCESS_BEARER,
	    F(FIELD_CURRENT) | F(FIELD_NEW), F(FIELD_CURRENT) | F(FIELD_NEW),
	    change_password_post },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
