/*
 * The audit log: one entry per security event (API.md "Audit log").
 * audit_record() writes inside the caller's transaction, so a change
 * rolled back leaves no entry; audit_note() writes an attempt that
 * changed nothing (a failed login) in a transaction of its own.  The
 * request's client address, user agent and caller come from the audit
 * context, set once per request by the HTTP layer (audit_context(),
 * audit_actor()) or by a tool, so the domain functions that record
 * need no parameter for them.  Reads (audit_each(), audit_hourly())
 * are one statement each.
 */
#ifndef AUDIT_H
#define AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

/* Every event, named as the contract names them (audit.c's table). */
enum audit_event {
	AUDIT_REGISTER,
	AUDIT_LOGIN_SUCCESS,
	AUDIT_LOGIN_FAILURE,
	AUDIT_LOGIN_THROTTLED,
	AUDIT_MFA_SUCCESS,
	AUDIT_MFA_FAILURE,
	AUDIT_MFA_ENABLED,
	AUDIT_MFA_DISABLED,
	AUDIT_REFRESH_REUSE,
	AUDIT_LOGOUT,
	AUDIT_SESSION_REVOKED,
	AUDIT_PASSWORD_CHANGED,
	AUDIT_PASSWORD_RESET,
	AUDIT_EMAIL_CHANGE_REQUESTED,
	AUDIT_EMAIL_CHANGED,
	AUDIT_ROLE_CHANGED,
	AUDIT_USER_DELETED,
	AUDIT_KEY_ROTATED,
	AUDIT_CLIENT_ADDED,
	AUDIT__MAX
};

/* Longest stored user agent, as the session list keeps it. */
#define AUDIT_AGENT_MAX	256

/* One entry, as audit_each() hands it over (valid during the call). */
struct audit_entry {
	int64_t		 id;
	int64_t		 time;
	const char	*event;
	int64_t		 user_id;	/* 0: none */
	int64_t		 session_id;	/* 0: none */
	int64_t		 actor_id;	/* 0: nobody signed in */
	const char	*ip;		/* NULL: not known */
	const char	*user_agent;	/* NULL: not known */
	const char	*outcome;	/* "success", "failure", "blocked" */
	unsigned char	 subject[KEY_LEN];	/* of an unknown login name */
	int		 has_subject;
};

/* Which entries audit_each() lists: all filters optional. */
struct audit_query {
	int64_t		 user_id;	/* 0: any */
	int		 event;		/* an enum audit_event, or -1: any */
	int64_t		 before;	/* only ids below this; 0: from the newest */
	int64_t		 since;		/* only times from this on; 0: all */
	long		 limit;		/* at most this many, newest first */
};

/* The events authctl stats counts per hour. */
struct audit_hour {
	int64_t		 ok, failed, throttled, reuse;
};

void		 audit_context(const char *, const char *);
void		 audit_actor(int64_t, int64_t);
const char	*audit_ip(void);
int		 audit_record(enum audit_event, int64_t, int64_t);
int		 audit_note(enum audit_event, int64_t,
		    const unsigned char *);
int		 audit_sessions(int64_t);
const char	*audit_event_name(enum audit_event);
int		 audit_event_parse(const char *);
int		 audit_each(const struct audit_query *,
		    int (*)(const struct audit_entry *, void *), void *);
int		 audit_hourly(int64_t, struct audit_hour [24]);

#endif
