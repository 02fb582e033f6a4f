/*
 * POST /change-password: needs the current password, checked as a
 * login is (401 if wrong and counted, 429 once the account is
 * throttled; nothing changes), with code too when the caller has a
 * second factor (400 naming it if missing, 401 if wrong, counted), and
 * a new password that meets the policy and is not the account's email
 * or username.  Every other session of the
 * caller is revoked; the current one stays.  200 {"revoked": n}.
 */
#include <string.h>

#include "api.h"
#include "config.h"
#include "reply.h"

enum {
	FIELD_CURRENT,
	FIELD_NEW,
	FIELD_CODE,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "current_password", valid_password, NULL },	/* FIELD_CURRENT */
	{ "new_password", valid_new_password, NULL },	/* FIELD_NEW */
	{ "code", valid_code, NULL },			/* FIELD_CODE */
};

static int
change_password_post(struct req *r, struct resp *p)
{
	const struct user	*u = &r->auth.user;
	const struct param	*cur = &r->params[FIELD_CURRENT];
	const struct param	*new = &r->params[FIELD_NEW];
	const struct param	*code = &r->params[FIELD_CODE];
	const char		*why;
	char			 hash[HASH_MAX];
	enum proof		 pr;
	int64_t			 retry;
	int			 ok, n;

	if (cur->len == new->len && memcmp(cur->str, new->str, new->len) == 0)
		return resp_fail(p, ERR_INVALID_REQUEST, "new_password",
		    "new_password must differ from current_password");
	if ((why = pw_personal(new->str, new->len, u->email,
	    u->username)) != NULL)
		return resp_fail(p, ERR_INVALID_REQUEST, "new_password", why);
	pr = account_prove(u->id, r->auth.sid, cur->str,
	    code->set ? code->str : NULL, r->ip, &retry);
	if ((ok = reply_proof(p, pr, "current_password", "code", retry)) != 1)
		return ok == 0;
	if (pw_hash(new->str, cfg->bcrypt_cost, hash) == -1)
		return 0;
	n = account_password_change(u->id, hash, r->auth.sid);
	explicit_bzero(hash, sizeof(hash));
	return n == -1 ? 0 : reply_revoked(p, n);
}

static const struct route routes[] = {
	{ METHOD_POST, "/change-password", ACCESS_BEARER,
	    F(FIELD_CURRENT) | F(FIELD_NEW) | F(FIELD_CODE),
	    F(FIELD_CURRENT) | F(FIELD_NEW),
	    change_password_post },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), fields, nitems(fields));
}
