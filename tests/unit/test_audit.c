/*
 * The audit log and the metrics file, without a server: entries stand
 * or fall with their transaction and carry the context; a note of a
 * throttled login is written once a minute per address; the purge is
 * bounded; the lists page; and the counters of two processes, and of
 * a process that opens the file again, add up in one file made whole,
 * private, and refused when its layout is another.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "metrics.h"
#include "tap.h"
#include "util.h"

/* audit_each() callback: count and keep the last entry's fields. */
struct seen {
	int		 n;
	int64_t		 last_id, session_id, actor_id;
	char		 ip[64], agent[300], event[40];
	int		 has_subject;
};

static int
seen_entry(const struct audit_entry *a, void *arg)
{
	struct seen	*s = arg;

	s->n++;
	s->last_id = a->id;
	s->session_id = a->session_id;
	s->actor_id = a->actor_id;
	snprintf(s->ip, sizeof(s->ip), "%s", a->ip != NULL ? a->ip : "-");
	snprintf(s->agent, sizeof(s->agent), "%s",
	    a->user_agent != NULL ? a->user_agent : "-");
	snprintf(s->event, sizeof(s->event), "%s", a->event);
	s->has_subject = a->has_subject;
	return 0;
}

/* The entries of user uid (0: all), newest first, into s. */
static int
list(int64_t uid, int event, int64_t before, long limit, struct seen *s)
{
	struct audit_query	 q = { uid, event, before, 0, limit };

	memset(s, 0, sizeof(*s));
	return audit_each(&q, seen_entry, s);
}

static void
test_record(void)
{
	struct seen	 s;
	unsigned char	 subject[KEY_LEN];

	ok(audit_event_parse("login.success") == AUDIT_LOGIN_SUCCESS &&
	    audit_event_parse("client.added") == AUDIT_CLIENT_ADDED &&
	    audit_event_parse("login") == -1 && audit_event_parse(NULL) == -1,
	    "event names parse exactly");
	ok(strcmp(audit_event_name(AUDIT_EMAIL_CHANGE_REQUESTED),
	    "email.change_requested") == 0, "and print as the contract spells");

	audit_context("192.0.2.1", "agent\twith\ncontrols");
	audit_actor(7, 70);
	ok(db_begin() == 1 && audit_record(AUDIT_ROLE_CHANGED, 5, 0) == 1,
	    "an entry inside a transaction");
	db_rollback();
	ok(list(5, -1, 0, 10, &s) == 1 && s.n == 0,
	    "a rollback takes it away with the change");
	ok(db_begin() == 1 && audit_record(AUDIT_ROLE_CHANGED, 5, 0) == 1 &&
	    db_commit() == 1 && list(5, -1, 0, 10, &s) == 1 && s.n == 1,
	    "a commit keeps it");
	ok(s.session_id == 70 && s.actor_id == 7 &&
	    strcmp(s.ip, "192.0.2.1") == 0 &&
	    strcmp(s.agent, "agent?with?controls") == 0,
	    "with the caller's session, id, address and agent (printable)");
	audit_context(NULL, NULL);
	memset(subject, 0xab, sizeof(subject));
	ok(audit_note(AUDIT_LOGIN_FAILURE, 0, subject) == 1 &&
	    list(0, AUDIT_LOGIN_FAILURE, 0, 10, &s) == 1 && s.n == 1 &&
	    s.has_subject && strcmp(s.ip, "-") == 0 && s.actor_id == 0 &&
	    strcmp(s.agent, "-") == 0,
	    "a note of an unknown name: its key, no address, no caller");
	ok(audit_note(AUDIT_LOGIN_FAILURE, 9, subject) == 1 &&
	    list(9, -1, 0, 10, &s) == 1 && s.n == 1 && !s.has_subject,
	    "a known account's failure keeps no subject");
}

static void
test_throttled_once(void)
{
	struct seen	 s;

	audit_context("198.51.100.1", "x");
	ok(audit_note(AUDIT_LOGIN_THROTTLED, 3, NULL) == 1 &&
	    audit_note(AUDIT_LOGIN_THROTTLED, 4, NULL) == 1 &&
	    list(0, AUDIT_LOGIN_THROTTLED, 0, 10, &s) == 1 && s.n == 1,
	    "a throttled login is noted once a minute per address");
	audit_context("198.51.100.2", "x");
	ok(audit_note(AUDIT_LOGIN_THROTTLED, 4, NULL) == 1 &&
	    list(0, AUDIT_LOGIN_THROTTLED, 0, 10, &s) == 1 && s.n == 2,
	    "another address is noted");
	audit_context(NULL, NULL);
}

static void
test_paging_and_purge(void)
{
	struct seen	 s;
	int64_t		 cursor;
	int		 i, all = 1;

	for (i = 0; i < 5; i++)
		all &= db_begin() == 1 && audit_record(AUDIT_LOGOUT, 42, i + 1)
		    == 1 && db_commit() == 1;
	ok(all && list(42, AUDIT_LOGOUT, 0, 3, &s) == 1 && s.n == 3 &&
	    s.session_id == 3, "a page, newest first");
	cursor = s.last_id;
	ok(list(42, -1, cursor, 3, &s) == 1 && s.n == 2 && s.session_id == 1,
	    "the next page starts below the cursor");
	ok(list(42, AUDIT_REGISTER, 0, 3, &s) == 1 && s.n == 0,
	    "filtered by event");

	/* 120 more: as if all were past AUTH_AUDIT_DAYS, 130 go. */
	db_begin();
	for (i = 0; i < 120; i++)
		audit_record(AUDIT_LOGOUT, 43, 0);
	db_commit();
	ok(list(0, -1, 0, 1000, &s) == 1 && s.n == 130, "130 entries");
	ok(db_exec(SQL_AUDIT_PURGE, DB_ARGS(DB_INT(util_now() + 1))) == 100 &&
	    db_exec(SQL_AUDIT_PURGE, DB_ARGS(DB_INT(util_now() + 1))) == 30 &&
	    list(0, -1, 0, 1000, &s) == 1 && s.n == 0,
	    "the purge takes at most 100 at a time");
}

static void
test_metrics(void)
{
	char		 dir[] = "/tmp/test_audit.XXXXXX", path[128], *text;
	struct stat	 st;
	size_t		 len;
	pid_t		 pid;
	int		 i, status, rc;

	if (mkdtemp(dir) == NULL) {
		ok(0, "a temporary folder");
		return;
	}
	snprintf(path, sizeof(path), "%s/metrics.shm", dir);
	metrics_add(METRIC_DB_ERRORS, 1);
	ok(metrics_render(0, &text, &len) == -1 && text == NULL,
	    "without a file, counting is off and nothing renders");
	ok(metrics_open(path, "unit.fcgi") == 1 && stat(path, &st) == 0 &&
	    (st.st_mode & 0777) == 0600, "the file is made, mode 0600");

	/* Two processes at once, then this one again after a reopen. */
	if ((pid = fork()) == 0) {
		for (i = 0; i < 100000; i++) {
			metrics_add(METRIC_LOGIN_SUCCESS, 1);
			metrics_request(200, 1000);
		}
		_exit(0);
	}
	for (i = 0; i < 100000; i++) {
		metrics_add(METRIC_LOGIN_SUCCESS, 1);
		metrics_request(200, 300000000);
	}
	waitpid(pid, &status, 0);
	metrics_close();
	ok(metrics_open(path, "unit") == 1, "opened again, by name");
	metrics_request(404, 1);
	metrics_request(999, 1);
	rc = metrics_render(3, &text, &len);
	ok(rc == 1 && strstr(text, "fcgi_auth_logins_total{outcome=\"success\"} "
	    "200000\n") != NULL, "two processes' adds sum exactly");
	ok(rc == 1 && strstr(text, "fcgi_auth_requests_total{program=\"unit\","
	    "status=\"200\"} 200000\n") != NULL && strstr(text,
	    "{program=\"unit\",status=\"404\"} 1\n") != NULL && strstr(text,
	    "{program=\"unit\",status=\"500\"} 1\n") != NULL,
	    "requests by program and status; a status out of range is 500");
	ok(rc == 1 && strstr(text, "_bucket{program=\"unit\",le=\"0.0001\"} "
	    "100002\n") != NULL && strstr(text, "_bucket{program=\"unit\","
	    "le=\"0.25\"} 100002\n") != NULL && strstr(text, "_bucket{program="
	    "\"unit\",le=\"0.5\"} 200002\n") != NULL && strstr(text,
	    "_count{program=\"unit\"} 200002\n") != NULL,
	    "the histogram is cumulative, its count the +Inf bucket");
	ok(rc == 1 && strstr(text, "fcgi_auth_active_sessions 3\n") != NULL,
	    "the gauge is the caller's");
	free(text);
	metrics_close();

	/* A file of another layout is left alone. */
	ok(truncate(path, 4096) == 0, "the file cut short");
	ok(metrics_open(path, "unit") == -1 && stat(path, &st) == 0 &&
	    st.st_size == 4096, "a file of another layout is refused, kept");
	chmod(path, 0644);
	ok(metrics_open(path, "unit") == -1, "and so is one others may read");
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	char	 err[256];

	tap_env();
	if (!ok(tap_config(err, sizeof(err)) && db_open(cfg->db) == 1,
	    "the database opens"))
		return tap_done();
	test_record();
	test_throttled_once();
	test_paging_and_purge();
	test_metrics();
	db_close();
	tap_config_free();
	return tap_done();
}
