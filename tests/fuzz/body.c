/*
 * libFuzzer harness for request bodies: the input is a body as
 * body_parse() has it once the headers passed (body_parse_text()), run
 * through the scan, json-c, the duplicate-key check and a field table
 * with every validator.  Besides the sanitizers, it checks what the
 * layer promises handlers: every field that passed is set, a NUL-free
 * string of the stated length, and refused bodies get a 400 or 413.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "reply.h"
#include "body.h"

enum {
	FIELD_EMAIL,
	FIELD_USERNAME,
	FIELD_PASSWORD,
	FIELD_NEW_PASSWORD,
	FIELD_TOKEN,
	FIELD_ROLE,
	FIELD_FLAG,
	FIELD__MAX
};

static const struct field fields[FIELD__MAX] = {
	{ "email", valid_email, NULL },			/* FIELD_EMAIL */
	{ "username", valid_username, "user" },		/* FIELD_USERNAME */
	{ "password", valid_password, NULL },		/* FIELD_PASSWORD */
	{ "new_password", valid_new_password, NULL },	/* FIELD_NEW_PASSWORD */
	{ "refresh_token", valid_token, NULL },		/* FIELD_TOKEN */
	{ "role", valid_role, NULL },			/* FIELD_ROLE */
	{ "email_verified", valid_bool, NULL },		/* FIELD_FLAG */
};

#define ALL	((1u << FIELD__MAX) - 1)

/*
 * One route takes every field and needs none, one needs a password;
 * the third, an OAuth endpoint's, reads the input as a form.
 */
static const struct route routes[] = {
	{ METHOD_POST, "/fuzz", ACCESS_PUBLIC, ALL, 0, NULL },
	{ METHOD_POST, "/fuzz", ACCESS_PUBLIC, ALL & ~F(FIELD_ROLE),
	    F(FIELD_PASSWORD), NULL },
	{ METHOD_POST, "/fuzz", ACCESS_CLIENT, ALL, 0, NULL },
};

static struct param	 params[FIELD__MAX];

int	 LLVMFuzzerInitialize(int *, char ***);
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 err[256];

	(void)argc;
	(void)argv;
	setenv("AUTH_JWT_SECRET", "fuzz-secret-0123456789abcdef0123456789", 1);
	setenv("AUTH_DB", ":memory:", 1);
	setenv("AUTH_JWT_ALG", "HS256", 1);
	if (config_load(err, sizeof(err)) != 1 || body_init() == -1)
		abort();
	return 0;
}

/* What a handler may rely on for a field that passed. */
static void
check_param(size_t i, const struct param *p)
{
	size_t	 k;

	if (!p->set)
		return;
	if (i == FIELD_FLAG) {
		if (p->flag != 0 && p->flag != 1)
			abort();
		return;
	}
	if (p->str == NULL || strlen(p->str) != p->len || p->len == 0)
		abort();
	if (i == FIELD_EMAIL)
		for (k = 0; k < p->len; k++)
			if ((unsigned char)p->str[k] >= 0x80 ||
			    (p->str[k] >= 'A' && p->str[k] <= 'Z'))
				abort();
	if (i == FIELD_NEW_PASSWORD && (p->len > PASSWORD_MAX ||
	    pw_common(p->str, p->len)))
		abort();
	if (i == FIELD_ROLE && strcmp(p->str, "user") != 0 &&
	    strcmp(p->str, "admin") != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const struct route	*rt = &routes[len % nitems(routes)];
	struct json_object	*root = NULL;
	struct req		 r;
	struct resp		 p;
	size_t			 i;
	int			 rc;

	memset(&r, 0, sizeof(r));
	memset(&p, 0, sizeof(p));
	r.params = params;
	if (rt->access == ACCESS_CLIENT)
		rc = body_parse_form_text(&r, &p, rt, fields, FIELD__MAX,
		    (const char *)data, len, &root);
	else
		rc = body_parse_text(&r, &p, rt, fields, FIELD__MAX,
		    (const char *)data, len, &root);
	if (rc) {
		if (p.body != NULL)
			abort();
		for (i = 0; i < FIELD__MAX; i++)
			check_param(i, &params[i]);
		if ((rt->needs & F(FIELD_PASSWORD)) &&
		    !params[FIELD_PASSWORD].set)
			abort();
	} else if ((p.status != 400 && p.status != 413) || p.body == NULL)
		abort();
	body_params_clear(params, FIELD__MAX);
	json_object_put(root);
	json_object_put(p.body);
	return 0;
}
