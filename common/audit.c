/*
 * The audit log (OWASP ASVS 5.0 16.3.1: every authentication event is
 * logged).  An entry names the event, the account and session it
 * concerns, who asked (the signed-in caller, if any), from which
 * address and user agent, and how it came out; never a password,
 * token, code, nor a hash of a secret.
 *
 * The address and agent are facts of the request, the same for every
 * entry it writes, so they are set once per request (audit_context())
 * rather than passed through every domain function that records: the
 * programs are single-threaded and serve one request at a time, and
 * the HTTP layer clears the context after each.  A tool sets its own
 * (authctl: no address, agent "authctl").
 *
 * Entries older than AUTH_AUDIT_DAYS go in bounded batches, one with
 * each entry written, which always keeps up: every write adds one
 * entry and may take away a hundred.
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "util.h"

#define DAY	86400

/* A throttled login is noted at most once a minute per address. */
#define NOTE_INTERVAL	60

/* Each event: its name, and how it came out. */
static const struct {
	const char	*name;
	const char	*outcome;
} events[AUDIT__MAX] = {
	{ "register", "success" },		/* AUDIT_REGISTER */
	{ "login.success", "success" },		/* AUDIT_LOGIN_SUCCESS */
	{ "login.failure", "failure" },		/* AUDIT_LOGIN_FAILURE */
	{ "login.throttled", "blocked" },	/* AUDIT_LOGIN_THROTTLED */
	{ "mfa.success", "success" },		/* AUDIT_MFA_SUCCESS */
	{ "mfa.failure", "failure" },		/* AUDIT_MFA_FAILURE */
	{ "mfa.enabled", "success" },		/* AUDIT_MFA_ENABLED */
	{ "mfa.disabled", "success" },		/* AUDIT_MFA_DISABLED */
	{ "refresh.reuse", "blocked" },		/* AUDIT_REFRESH_REUSE */
	{ "logout", "success" },		/* AUDIT_LOGOUT */
	{ "session.revoked", "success" },	/* AUDIT_SESSION_REVOKED */
	{ "password.changed", "success" },	/* AUDIT_PASSWORD_CHANGED */
	{ "password.reset", "success" },	/* AUDIT_PASSWORD_RESET */
	{ "email.change_requested", "success" },
					/* AUDIT_EMAIL_CHANGE_REQUESTED */
	{ "email.changed", "success" },		/* AUDIT_EMAIL_CHANGED */
	{ "role.changed", "success" },		/* AUDIT_ROLE_CHANGED */
	{ "user.deleted", "success" },		/* AUDIT_USER_DELETED */
	{ "key.rotated", "success" },		/* AUDIT_KEY_ROTATED */
	{ "client.added", "success" },		/* AUDIT_CLIENT_ADDED */
};

/*
 * The context of the current request, borrowed from it: every request
 * sets it, and few write an entry, so the agent is cleaned and copied
 * only into an entry.
 */
static struct {
	const char	*ip;	/* "" where not known */
	const char	*agent;
	int64_t		 uid;	/* the signed-in caller, or 0 */
	int64_t		 sid;	/* the caller's session, or 0 */
} ctx = { "", "", 0, 0 };

/*
 * Set the client address and user agent of what follows (NULL: not
 * known), and forget the caller: the HTTP layer calls this when a
 * request starts and again, with NULLs, when it is answered.  The
 * strings are borrowed until the next call.
 */
void
audit_context(const char *ip, const char *agent)
{

	ctx.ip = ip != NULL ? ip : "";
	ctx.agent = agent != NULL ? agent : "";
	ctx.uid = ctx.sid = 0;
}

/* The request's caller, once authenticated: user uid, session sid. */
void
audit_actor(int64_t uid, int64_t sid)
{

	ctx.uid = uid;
	ctx.sid = sid;
}

/* The client address of the context, or "" (for notices). */
const char *
audit_ip(void)
{

	return ctx.ip;
}

/* An id, or NULL for 0. */
static struct db_arg
id_or_null(int64_t id)
{

	return id > 0 ? DB_INT(id) : DB_NULL;
}

/* A context string, or NULL for "". */
static struct db_arg
text_or_null(const char *s)
{

	return s[0] != '\0' ? DB_TEXT(s) : DB_NULL;
}

/*
 * Write an entry of event e for user uid and session sid (0: the
 * caller's session, if any), with subject (NULL: none), then purge a
 * bounded batch of expired ones.  Returns 1, or -1.
 */
static int
write_entry(enum audit_event e, int64_t uid, int64_t sid,
    const unsigned char *subject)
{
	char	 agent[AUDIT_AGENT_MAX + 1];
	int64_t	 now = util_now();

	util_printable(ctx.agent, agent, AUDIT_AGENT_MAX);
	if (db_exec_later(SQL_AUDIT_INSERT, DB_ARGS(DB_INT(now),
	    DB_TEXT(events[e].name), id_or_null(uid),
	    id_or_null(sid > 0 ? sid : ctx.sid), id_or_null(ctx.uid),
	    text_or_null(ctx.ip), text_or_null(agent),
	    DB_TEXT(events[e].outcome), subject != NULL ?
	    DB_BLOB(subject, KEY_LEN) : DB_NULL), -1) == -1)
		return -1;
	return db_exec_later(SQL_AUDIT_PURGE, DB_ARGS(DB_INT(now -
	    cfg->audit_days * DAY)), -1);
}

/*
 * Record event e for user uid (0: none) and session sid (0: the
 * session the request came with, if any), inside the caller's
 * transaction: the entry stands or falls with the change.
 * Returns 1, or -1 (the caller rolls back).
 */
int
audit_record(enum audit_event e, int64_t uid, int64_t sid)
{

	return write_entry(e, uid, sid, NULL);
}

/*
 * Has a throttled login from this address been noted within the
 * minute?  A flood of throttled attempts, which the throttle answers
 * without a lock, then costs a read, not a write per attempt.
 * Returns 1, 0, or -1.
 */
static int
noted(enum audit_event e)
{
	int64_t	 n;

	if (e != AUDIT_LOGIN_THROTTLED || ctx.ip[0] == '\0')
		return 0;
	if (db_count(SQL_AUDIT_NOTED, DB_ARGS(DB_TEXT(ctx.ip),
	    DB_INT(util_now() - NOTE_INTERVAL), DB_TEXT(events[e].name)),
	    &n) == -1)
		return -1;
	return n > 0;
}

/*
 * Note an attempt that changed nothing (login.failure,
 * login.throttled, mfa.failure), or a change outside the database
 * (key.rotated: the key set is files), for account uid, or, when uid
 * is 0 (a name nobody has, or no account), for subject, the throttle's
 * key of that name (NULL: none), in a transaction of its own.  A
 * throttled login is noted once a minute per address.  Returns 1, or -1.
 */
int
audit_note(enum audit_event e, int64_t uid, const unsigned char *subject)
{
	int	 rc;

	if ((rc = noted(e)) != 0)
		return rc;
	if (db_begin() == -1)
		return -1;
	if (write_entry(e, uid, 0, uid > 0 ? NULL : subject) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		return -1;
	}
	return 1;
}

/*
 * Record session.revoked for each active session of user uid, inside
 * the caller's transaction, before it revokes them all.
 * Returns 1, or -1.
 */
int
audit_sessions(int64_t uid)
{
	char	 agent[AUDIT_AGENT_MAX + 1];

	util_printable(ctx.agent, agent, AUDIT_AGENT_MAX);
	return db_exec(SQL_AUDIT_SESSIONS, DB_ARGS(DB_INT(util_now()),
	    DB_INT(uid), id_or_null(ctx.uid), text_or_null(ctx.ip),
	    text_or_null(agent),
	    DB_TEXT(events[AUDIT_SESSION_REVOKED].name))) == -1 ? -1 : 1;
}

/* An event's name, as the contract spells it. */
const char *
audit_event_name(enum audit_event e)
{

	return events[e].name;
}

/* The event a name spells, or -1 if none does. */
int
audit_event_parse(const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && i < AUDIT__MAX; i++)
		if (strcmp(name, events[i].name) == 0)
			return (int)i;
	return -1;
}

/* What audit_each() hands its rows to. */
struct each {
	int	(*fn)(const struct audit_entry *, void *);
	void	*arg;
};

/* A row of AUDIT_COLUMNS (db.c) as an entry. */
static int
entry_row(const struct db_row *row, void *arg)
{
	struct each		*e = arg;
	struct audit_entry	 a;
	const void		*b;
	size_t			 len;

	memset(&a, 0, sizeof(a));
	a.id = db_int(row, 0);
	a.time = db_int(row, 1);
	a.event = db_text(row, 2);
	a.user_id = db_int(row, 3);
	a.session_id = db_int(row, 4);
	a.actor_id = db_int(row, 5);
	a.ip = db_null(row, 6) ? NULL : db_text(row, 6);
	a.user_agent = db_null(row, 7) ? NULL : db_text(row, 7);
	a.outcome = db_text(row, 8);
	b = db_blob(row, 9, &len);
	if ((a.has_subject = len == KEY_LEN))
		memcpy(a.subject, b, KEY_LEN);
	return e->fn(&a, e->arg);
}

/*
 * Call fn(entry, arg) for each entry q selects, newest first; fn
 * returns 0 to go on or -1 to stop.  Returns 1, or -1 on error or when
 * fn stopped.
 */
int
audit_each(const struct audit_query *q,
    int (*fn)(const struct audit_entry *, void *), void *arg)
{
	struct each	 e = { fn, arg };
	struct db_arg	 a[5];
	enum sql	 id = SQL_AUDIT_LIST;
	size_t		 n = 3;

	a[0] = DB_INT(q->before > 0 ? q->before : INT64_MAX);
	a[1] = DB_INT(q->since);
	a[2] = DB_INT(q->limit);
	if (q->user_id > 0) {
		id = SQL_AUDIT_LIST_USER;
		a[n++] = DB_INT(q->user_id);
	}
	if (q->event >= 0 && q->event < AUDIT__MAX) {
		id = q->user_id > 0 ? SQL_AUDIT_LIST_USER_EVENT :
		    SQL_AUDIT_LIST_EVENT;
		a[n++] = DB_TEXT(events[q->event].name);
	}
	return db_each(id, a, n, entry_row, &e);
}

/* A row of SQL_AUDIT_HOURLY, added to the hour it counts. */
static int
hour_row(const struct db_row *row, void *arg)
{
	struct audit_hour	*h = arg;
	int64_t			 i = db_int(row, 0), n = db_int(row, 2);

	if (i < 0 || i >= 24)
		return 0;
	switch (audit_event_parse(db_text(row, 1))) {
	case AUDIT_LOGIN_SUCCESS:
		h[i].ok += n;
		break;
	case AUDIT_LOGIN_FAILURE:
		h[i].failed += n;
		break;
	case AUDIT_LOGIN_THROTTLED:
		h[i].throttled += n;
		break;
	case AUDIT_REFRESH_REUSE:
		h[i].reuse += n;
		break;
	}
	return 0;
}

/*
 * The logins (ok, failed, throttled) and refresh reuses of the 24
 * hours from start on, into h[0] to h[23].  Returns 1, or -1.
 */
int
audit_hourly(int64_t start, struct audit_hour h[24])
{

	memset(h, 0, 24 * sizeof(*h));
	return db_each(SQL_AUDIT_HOURLY, DB_ARGS(DB_INT(start)), hour_row, h);
}
