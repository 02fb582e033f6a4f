/*
 * GET /audit (admins): the audit log, newest first, a page at a time,
 * filtered by user_id and event.  GET /audit/me: the caller's own
 * entries (the events of their account), the same way.
 * Query: before (the "next" of the page before: a cursor, not an
 * offset, so entries written meanwhile never shift a page), limit (1
 * to 200, default 50), event (a name, exactly), user_id (/audit only).
 * 200 {"events": [...], "next": the cursor of the next page, or null}.
 * On /audit/me an admin's action on the caller shows no address nor
 * agent: those are the admin's.
 */
#include <limits.h>

#include <json-c/json.h>

#include "api.h"
#include "audit.h"

#define LIMIT_DEFAULT	50
#define LIMIT_MAX	200

/* What audit_each() fills: a page of entries, one more to know. */
struct page {
	struct json_object	*events;
	long			 limit;
	long			 n;
	int64_t			 last;		/* the page's last id */
	int			 more;		/* a next page exists */
	int64_t			 me;		/* /audit/me: the caller */
};

/* A string, or null for NULL. */
static struct json_object *
text_or_null(const char *s)
{

	return s != NULL ? json_object_new_string(s) : NULL;
}

/* An id, or null for 0. */
static struct json_object *
id_or_null(int64_t id)
{

	return id > 0 ? json_object_new_int64(id) : NULL;
}

/* audit_each() callback: append one entry as the contract shows it. */
static int
add_entry(const struct audit_entry *a, void *arg)
{
	struct page		*pg = arg;
	struct json_object	*o;
	char			 t[RFC3339_LEN];
	int			 theirs;

	if (pg->n == pg->limit) {
		pg->more = 1;
		return -1;
	}
	if ((o = json_object_new_object()) == NULL ||
	    json_object_array_add(pg->events, o) != 0) {
		json_object_put(o);
		return -1;
	}
	pg->n++;
	pg->last = a->id;
	util_rfc3339(a->time, t);
	/* Another user's doing (an admin's) keeps its address. */
	theirs = pg->me > 0 && a->actor_id > 0 && a->actor_id != pg->me;
	json_object_object_add(o, "id", json_object_new_int64(a->id));
	json_object_object_add(o, "time", json_object_new_string(t));
	json_object_object_add(o, "event", json_object_new_string(a->event));
	json_object_object_add(o, "user_id", id_or_null(a->user_id));
	json_object_object_add(o, "session_id", id_or_null(a->session_id));
	json_object_object_add(o, "ip", text_or_null(theirs ? NULL : a->ip));
	json_object_object_add(o, "user_agent",
	    text_or_null(theirs ? NULL : a->user_agent));
	return 0;
}

/*
 * Read the query shared by both routes into q.  Returns 1, or 0 with
 * a 400 naming the parameter.
 */
static int
query(struct req *r, struct resp *p, struct audit_query *q)
{
	char	 event[32];
	long	 v;
	int	 rc;

	q->since = 0;
	q->event = -1;
	if (!req_query_long(r, "limit", LIMIT_DEFAULT, 1, LIMIT_MAX, &v))
		return !resp_fail(p, ERR_INVALID_REQUEST, "limit",
		    "limit must be a whole number from 1 to 200");
	/* One more than asked, to know whether a next page exists. */
	q->limit = v + 1;
	if (!req_query_long(r, "before", 0, 1, LONG_MAX, &v))
		return !resp_fail(p, ERR_INVALID_REQUEST, "before",
		    "before must be the next of an earlier page");
	q->before = v;
	if ((rc = req_query_text(r, "event", event, sizeof(event))) != 0 &&
	    (rc == -1 || (q->event = audit_event_parse(event)) == -1))
		return !resp_fail(p, ERR_INVALID_REQUEST, "event",
		    "event must be one of the audit log's event names");
	return 1;
}

/* Answer the page q selects. */
static int
answer(struct resp *p, struct audit_query *q, int64_t me)
{
	struct page		 pg = { NULL, q->limit - 1, 0, 0, 0, me };
	struct json_object	*o;

	if ((pg.events = json_object_new_array()) == NULL)
		return 0;
	if (audit_each(q, add_entry, &pg) == -1 && !pg.more) {
		json_object_put(pg.events);
		return 0;
	}
	if ((o = json_object_new_object()) == NULL) {
		json_object_put(pg.events);
		return 0;
	}
	json_object_object_add(o, "events", pg.events);
	json_object_object_add(o, "next", pg.more ?
	    json_object_new_int64(pg.last) : NULL);
	return resp_reply(p, 200, o);
}

static int
audit_list(struct req *r, struct resp *p)
{
	struct audit_query	 q;
	long			 uid;

	if (!query(r, p, &q))
		return 1;
	if (!req_query_long(r, "user_id", 0, 1, LONG_MAX, &uid))
		return resp_fail(p, ERR_INVALID_REQUEST, "user_id",
		    "user_id must be a user's id");
	q.user_id = uid;
	return answer(p, &q, 0);
}

static int
audit_me(struct req *r, struct resp *p)
{
	struct audit_query	 q;
	char			 v[2];

	if (!query(r, p, &q))
		return 1;
	if (req_query_text(r, "user_id", v, sizeof(v)) != 0)
		return resp_fail(p, ERR_INVALID_REQUEST, "user_id",
		    "/audit/me lists the caller's own entries only");
	q.user_id = r->auth.user.id;
	return answer(p, &q, r->auth.user.id);
}

static const struct route routes[] = {
	{ METHOD_GET, "/audit", ACCESS_ADMIN, 0, 0, audit_list },
	{ METHOD_GET, "/audit/me", ACCESS_BEARER, 0, 0, audit_me },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), NULL, 0);
}
