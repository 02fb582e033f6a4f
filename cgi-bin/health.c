/*
 * GET /health: 200 {"status":"ok"} once the database answers, else 503.
 */
#include <json-c/json.h>

#include "api.h"
#include "db.h"

static int
health_get(struct req *r, struct resp *p)
{
	struct json_object	*o;

	(void)r;
	if (!db_ping())
		return resp_fail(p, ERR_UNAVAILABLE, NULL,
		    "the database does not answer");
	if ((o = json_object_new_object()) == NULL)
		return 0;
	json_object_object_add(o, "status", json_object_new_string("ok"));
	return resp_reply(p, 200, o);
}

static const struct route routes[] = {
	{ METHOD_GET, "/health", ACCESS_PUBLIC, 0, 0, health_get },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), NULL, 0);
}
