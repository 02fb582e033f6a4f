/*
 * authctl: the administrator's tool, using the same settings (AUTH_*)
 * and the same common library as the programs, so every rule (email
 * syntax, password policy, bcrypt cost, sessions) is the programs' own.
 * Exit status: 0 done, 1 refused or failed (one line on stderr),
 * 2 bad usage.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "audit.h"
#include "conffile.h"
#include "client.h"
#include "config.h"
#include "ctlconf.h"
#include "db.h"
#include "mail.h"
#include "keyset.h"
#include "mfa.h"
#include "pw.h"
#include "session.h"
#include "user.h"
#include "util.h"
#include "valid.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2

/* Longest line read as a password: anything longer fails the policy. */
#define LINE_MAX_PW	1024

/* The terminal's settings while echo is off, for the signal handler. */
static struct termios		 saved_tty;
static volatile sig_atomic_t	 echo_off;

/* Give the terminal its echo back, then die of the signal as usual. */
static void
on_signal(int sig)
{

	if (echo_off)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Read one line from standard input into buf (size bytes), byte by
 * byte so nothing past the line is consumed and no stdio buffer keeps
 * a copy.  The newline (and a CR before it) is dropped.
 * Returns the length, or -1 at end of input with nothing read, or -2
 * if the line does not fit.
 */
static ssize_t
read_line(char *buf, size_t size)
{
	size_t	 len = 0;
	ssize_t	 n;
	char	 c;

	for (;;) {
		if ((n = read(STDIN_FILENO, &c, 1)) == -1 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n')
			break;
		if (len + 1 >= size) {
			explicit_bzero(buf, size);
			return -2;
		}
		buf[len++] = c;
	}
	if (n <= 0 && len == 0)
		return -1;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	return (ssize_t)len;
}

/*
 * Prompt on stderr and read a line with echo off (ECHONL keeps the
 * newline visible).  Returns as read_line().
 */
static ssize_t
read_hidden(const char *prompt, char *buf, size_t size)
{
	struct termios	 t;
	ssize_t		 n;

	if (tcgetattr(STDIN_FILENO, &saved_tty) == -1)
		return read_line(buf, size);
	t = saved_tty;
	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_lflag |= ECHONL;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	echo_off = 1;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == -1)
		echo_off = 0;
	fputs(prompt, stderr);
	fflush(stderr);
	n = read_line(buf, size);
	if (echo_off)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	echo_off = 0;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	return n;
}

/*
 * Read a new password for the account of email and username (NULL if
 * none) from standard input: one line, or on a terminal typed twice
 * without echo.  It must meet the programs' policy, and not be the
 * account's email or username.  Returns 1 with the password in pw, or
 * 0 after saying why not.
 */
static int
read_password(char pw[LINE_MAX_PW], const char *email, const char *username)
{
	char		 again[LINE_MAX_PW];
	const char	*why;
	ssize_t		 n, m;
	int		 ok = 0;

	if (isatty(STDIN_FILENO)) {
		n = read_hidden("Password: ", pw, LINE_MAX_PW);
		m = n < 0 ? n : read_hidden("Again: ", again, sizeof(again));
		if (n >= 0 && m >= 0 && (n != m ||
		    memcmp(pw, again, (size_t)n) != 0)) {
			fprintf(stderr, "authctl: the passwords differ\n");
			goto out;
		}
	} else
		n = read_line(pw, LINE_MAX_PW);

	if (n == -1)
		fprintf(stderr, "authctl: no password on standard input\n");
	else if (n == -2)
		fprintf(stderr, "authctl: password is too long\n");
	else if ((why = pw_policy(pw, (size_t)n)) != NULL ||
	    (why = pw_personal(pw, (size_t)n, email, username)) != NULL)
		fprintf(stderr, "authctl: password %s\n", why);
	else
		ok = 1;
out:
	explicit_bzero(again, sizeof(again));
	if (!ok)
		explicit_bzero(pw, LINE_MAX_PW);
	return ok;
}

/*
 * Find the user an EMAIL argument names, compared as the programs
 * compare emails (trimmed, lower case).  Returns 1 with u filled, or 0
 * after saying why not.
 */
static int
find_user(const char *email, struct user *u)
{
	char	*norm = NULL;
	int	 rc = 0;

	if (valid_email_text(email, strlen(email), &norm))
		rc = user_find_email(norm, u);
	free(norm);
	if (rc == 0)
		fprintf(stderr, "authctl: no user with email \"%s\"\n", email);
	else if (rc == -1)
		fprintf(stderr, "authctl: cannot read the database\n");
	return rc == 1;
}

/* After taking admin rights from the last admin, say how to undo it. */
static void
warn_no_admin(void)
{

	fprintf(stderr, "authctl: warning: no admin is left; make one with "
	    "\"authctl set-role EMAIL admin\"\n");
}

/*
 * The arguments of add-user: EMAIL [--role ROLE] [--username NAME], in
 * any order.  Returns 0 with them set (role and name keep their
 * defaults when not given), or EXIT_USAGE.
 */
static int
add_user_args(int argc, char *argv[], const char **email, const char **role,
    const char **name)
{
	int	 i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			*role = argv[++i];
		else if (strcmp(argv[i], "--username") == 0 && i + 1 < argc)
			*name = argv[++i];
		else if (argv[i][0] == '-' || *email != NULL) {
			fprintf(stderr, "authctl: unexpected \"%s\"\n", argv[i]);
			return EXIT_USAGE;
		} else
			*email = argv[i];
	}
	return *email == NULL ? EXIT_USAGE : 0;
}

/*
 * add-user EMAIL [--role ROLE] [--username NAME]: every argument is
 * checked before the password is asked for; a clash names the field.
 */
static int
cmd_add_user(int argc, char *argv[])
{
	const char	*email = NULL, *role = "user", *name = NULL;
	const char	*why;
	char		*norm = NULL, pw[LINE_MAX_PW], hash[HASH_MAX];
	int64_t		 id;
	int		 hashed, rc = EXIT_FAIL;

	/* Parse and check every argument before asking for a password. */
	if ((rc = add_user_args(argc, argv, &email, &role, &name)) != 0)
		return rc;
	rc = EXIT_FAIL;
	if (!valid_email_text(email, strlen(email), &norm)) {
		fprintf(stderr, "authctl: \"%s\" is not an email address\n",
		    email);
		return EXIT_FAIL;
	}
	if (!valid_role_text(role)) {
		fprintf(stderr, "authctl: role must be \"user\" or \"admin\"\n");
		goto out;
	}
	if (name != NULL &&
	    (why = valid_username_text(name, strlen(name))) != NULL) {
		fprintf(stderr, "authctl: username %s\n", why);
		goto out;
	}

	if (!read_password(pw, norm, name))
		goto out;
	hashed = pw_hash(pw, cfg->bcrypt_cost, hash) == 1;
	explicit_bzero(pw, sizeof(pw));
	if (!hashed) {
		fprintf(stderr, "authctl: cannot hash the password\n");
		goto out;
	}
	switch (user_create(norm, name, hash, role, &id)) {
	case DB_DONE:
		printf("created user %lld %s (%s)\n", (long long)id, norm, role);
		rc = 0;
		break;
	case DB_CONFLICT:
		fprintf(stderr, "authctl: %s already taken\n",
		    user_conflict(norm));
		break;
	default:
		fprintf(stderr, "authctl: cannot write the database\n");
	}
	explicit_bzero(hash, sizeof(hash));
out:
	free(norm);
	return rc;
}

/*
 * set-role EMAIL ROLE: the API refuses to demote the last admin; this
 * tool may (it can promote one again), but says so.
 */
static int
cmd_set_role(int argc, char *argv[])
{
	struct user	 u;

	if (argc != 2)
		return EXIT_USAGE;
	if (!valid_role_text(argv[1])) {
		fprintf(stderr, "authctl: role must be \"user\" or \"admin\"\n");
		return EXIT_FAIL;
	}
	if (!find_user(argv[0], &u))
		return EXIT_FAIL;
	if (strcmp(argv[1], "user") == 0 && user_last_admin(&u) == 1)
		warn_no_admin();
	if (user_update_forced(u.id, argv[1], &u) != USER_CHANGED) {
		fprintf(stderr, "authctl: cannot write the database\n");
		return EXIT_FAIL;
	}
	printf("user %lld %s is now %s\n", (long long)u.id, u.email, argv[1]);
	return 0;
}

/*
 * set-password EMAIL: the new hash and the end of every session of
 * the user, in one transaction.
 */
static int
cmd_set_password(int argc, char *argv[])
{
	struct user	 u;
	char		 pw[LINE_MAX_PW], hash[HASH_MAX];
	int		 ok, n = -1;

	if (argc != 1)
		return EXIT_USAGE;
	if (!find_user(argv[0], &u) || !read_password(pw, u.email, u.username))
		return EXIT_FAIL;
	ok = pw_hash(pw, cfg->bcrypt_cost, hash) == 1 &&
	    (n = account_password_change(u.id, hash, 0)) >= 0;
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(hash, sizeof(hash));
	if (!ok) {
		fprintf(stderr, "authctl: cannot set the password\n");
		return EXIT_FAIL;
	}
	printf("password set for %s; %d sessions revoked\n", u.email, n);
	return 0;
}

/* user_each() callback: one tab-separated line per user. */
static int
print_user(const struct user *u, void *arg)
{
	char	 created[RFC3339_LEN];

	(*(long *)arg)++;
	util_rfc3339(u->created_at, created);
	printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)u->id, u->email,
	    u->username[0] != '\0' ? u->username : "-", u->role,
	    u->email_verified ? "yes" : "no", created);
	return 0;
}

/* list-users: a header line, then one tab-separated line per user. */
static int
cmd_list_users(int argc, char *argv[])
{
	long	 offset = 0, page;

	(void)argv;
	if (argc != 0)
		return EXIT_USAGE;
	printf("ID\tEMAIL\tUSERNAME\tROLE\tVERIFIED\tCREATED\n");

	/* Page through, so a large table is never held at once. */
	do {
		page = 0;
		if (user_each(200, offset, print_user, &page) == -1) {
			fprintf(stderr, "authctl: cannot read the database\n");
			return EXIT_FAIL;
		}
		offset += page;
	} while (page == 200);
	return 0;
}

/* revoke-sessions EMAIL: every active session; prints how many. */
static int
cmd_revoke_sessions(int argc, char *argv[])
{
	struct user	 u;
	int		 n;

	if (argc != 1)
		return EXIT_USAGE;
	if (!find_user(argv[0], &u))
		return EXIT_FAIL;
	if ((n = session_revoke_all(u.id)) == -1) {
		fprintf(stderr, "authctl: cannot write the database\n");
		return EXIT_FAIL;
	}
	printf("%s: %d sessions revoked\n", u.email, n);
	return 0;
}

/* delete-user EMAIL: sessions and refresh tokens go by cascade. */
static int
cmd_delete_user(int argc, char *argv[])
{
	struct user	 u;

	if (argc != 1)
		return EXIT_USAGE;
	if (!find_user(argv[0], &u))
		return EXIT_FAIL;
	if (user_last_admin(&u) == 1)
		warn_no_admin();
	if (user_remove_forced(u.id) != USER_CHANGED) {
		fprintf(stderr, "authctl: cannot delete the user\n");
		return EXIT_FAIL;
	}
	printf("deleted user %lld %s\n", (long long)u.id, u.email);
	return 0;
}

/*
 * mfa reset USER: remove the second factor of a user who lost it (an
 * email or an id), with its recovery codes; recorded as mfa.disabled,
 * and the user told by mail.
 */
static int
cmd_mfa(int argc, char *argv[])
{
	struct user	 u;
	int64_t		 id;
	int		 st, rc;

	if (argc != 2 || strcmp(argv[0], "reset") != 0)
		return EXIT_USAGE;
	if (util_parse_id(argv[1], strlen(argv[1]), &id)) {
		if ((rc = user_load(id, &u)) != 1) {
			fprintf(stderr, rc == 0 ? "authctl: no user %s\n" :
			    "authctl: cannot read the database (%s)\n", argv[1]);
			return EXIT_FAIL;
		}
	} else if (!find_user(argv[1], &u))
		return EXIT_FAIL;
	if ((st = mfa_state(u.id)) == MFA_NONE) {
		fprintf(stderr, "authctl: %s has no second factor\n", u.email);
		return EXIT_FAIL;
	}
	if (st == -1 || (rc = mfa_remove(u.id, " An administrator removed "
	    "it.")) == -1) {
		fprintf(stderr, "authctl: cannot write the database\n");
		return EXIT_FAIL;
	}
	printf(rc == 1 ? "second factor removed for %s; the user was told "
	    "by mail\n" : "pending enrolment removed for %s (never "
	    "confirmed: nothing to tell)\n",
	    u.email);
	return 0;
}

/*
 * A time for --since: an RFC 3339 UTC time ("2026-11-21T22:48:18Z"), a
 * day ("2026-11-21", its midnight UTC), or an age ("90m", "24h", "7d":
 * that long ago).  Returns 1 with *t set, or 0.
 */
static int
parse_since(const char *s, int64_t *t)
{
	struct tm	 tm;
	const char	*end;
	long		 n;
	char		 unit;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) != NULL &&
	    *end == '\0') {
		*t = timegm(&tm);
		return 1;
	}
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) != NULL && *end == '\0') {
		*t = timegm(&tm);
		return 1;
	}
	if (sscanf(s, "%ld%c", &n, &unit) != 2 || n < 0 || n > 36500L * 24 ||
	    strchr("mhd", unit) == NULL || s[strspn(s, "0123456789") + 1] !=
	    '\0')
		return 0;
	*t = util_now() - n * (unit == 'm' ? 60 : unit == 'h' ? 3600 : 86400);
	return 1;
}

/*
 * The user a --user argument names: an id (a deleted user's too), or
 * an email.  Returns 1 with *id set, or 0 after saying why not.
 */
static int
user_arg(const char *arg, int64_t *id)
{
	struct user	 u;

	if (util_parse_id(arg, strlen(arg), id))
		return 1;
	if (!find_user(arg, &u))
		return 0;
	*id = u.id;
	return 1;
}

/* The arguments of audit: --user U, --event E, --since T. */
static int
audit_args(int argc, char *argv[], struct audit_query *q)
{
	int	 i;

	for (i = 0; i < argc; i++) {
		if (i + 1 == argc || argv[i][0] != '-') {
			fprintf(stderr, "authctl: unexpected \"%s\"\n", argv[i]);
			return EXIT_USAGE;
		}
		if (strcmp(argv[i], "--user") == 0) {
			if (!user_arg(argv[++i], &q->user_id))
				return EXIT_FAIL;
		} else if (strcmp(argv[i], "--event") == 0) {
			if ((q->event = audit_event_parse(argv[++i])) == -1) {
				fprintf(stderr, "authctl: no event \"%s\"\n",
				    argv[i]);
				return EXIT_FAIL;
			}
		} else if (strcmp(argv[i], "--since") == 0) {
			if (!parse_since(argv[++i], &q->since)) {
				fprintf(stderr, "authctl: --since takes a time "
				    "(2026-11-21T22:48:18Z), a day (2026-11-21) "
				    "or an age (90m, 24h, 7d)\n");
				return EXIT_FAIL;
			}
		} else {
			fprintf(stderr, "authctl: unexpected \"%s\"\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* An id column: the number, or "-". */
static void
print_id(int64_t id)
{

	if (id > 0)
		printf("%lld\t", (long long)id);
	else
		fputs("-\t", stdout);
}

/* audit_each() callback: one tab-separated line per entry. */
static int
print_entry(const struct audit_entry *a, void *arg)
{
	char	 t[RFC3339_LEN], hex[2 * KEY_LEN + 1];

	((struct audit_query *)arg)->before = a->id;
	util_rfc3339(a->time, t);
	printf("%lld\t%s\t%s\t", (long long)a->id, t, a->event);
	if (a->user_id == 0 && a->has_subject) {
		/* An unknown name, by its throttle key: never the name. */
		util_hex(a->subject, 8, hex);
		printf("name:%s\t", hex);
	} else
		print_id(a->user_id);
	print_id(a->session_id);
	print_id(a->actor_id);
	printf("%s\t%s\t%s\n", a->ip != NULL ? a->ip : "-", a->outcome,
	    a->user_agent != NULL ? a->user_agent : "-");
	return 0;
}

/* audit [--user U] [--event E] [--since T]: newest first. */
static int
cmd_audit(int argc, char *argv[])
{
	struct audit_query	 q = { 0, -1, 0, 0, 200 };
	int64_t			 before;
	int			 rc;

	if ((rc = audit_args(argc, argv, &q)) != 0)
		return rc;
	printf("ID\tTIME\tEVENT\tUSER\tSESSION\tBY\tIP\tOUTCOME\t"
	    "USER-AGENT\n");
	/* A page at a time, by cursor, so a long log is never held. */
	do {
		before = q.before;
		if (audit_each(&q, print_entry, &q) == -1) {
			fprintf(stderr, "authctl: cannot read the database\n");
			return EXIT_FAIL;
		}
	} while (q.before != before);
	return 0;
}

/* A bar of n marks of c, for the chart. */
static void
bar(int64_t n, char c)
{

	while (n-- > 0)
		putchar(c);
}

/*
 * stats: the last 24 hours, an hour a line, as counts and a bar chart:
 * logins ok (#) and failed (x), throttled logins (!), refresh reuses
 * (R), from the audit log.
 */
static int
cmd_stats(int argc, char *argv[])
{
	struct audit_hour	 h[24];
	int64_t			 start, max = 0, sum, scale;
	char			 t[RFC3339_LEN];
	int			 i;

	(void)argv;
	if (argc != 0)
		return EXIT_USAGE;
	start = (util_now() / 3600 - 23) * 3600;
	if (audit_hourly(start, h) == -1) {
		fprintf(stderr, "authctl: cannot read the database\n");
		return EXIT_FAIL;
	}
	for (i = 0; i < 24; i++)
		if ((sum = h[i].ok + h[i].failed + h[i].throttled +
		    h[i].reuse) > max)
			max = sum;
	scale = max > 50 ? (max + 49) / 50 : 1;
	util_rfc3339(start, t);
	printf("the last 24 hours from %.13s:00Z, an hour a line (UTC)\n\n"
	    "hour      ok  failed  throttled  reuse\n", t);
	for (i = 0; i < 24; i++) {
		util_rfc3339(start + i * 3600, t);
		printf("%.5s %6lld %7lld %10lld %6lld  ", t + 11,
		    (long long)h[i].ok, (long long)h[i].failed,
		    (long long)h[i].throttled, (long long)h[i].reuse);
		bar((h[i].ok + scale - 1) / scale, '#');
		bar((h[i].failed + scale - 1) / scale, 'x');
		bar((h[i].throttled + scale - 1) / scale, '!');
		bar((h[i].reuse + scale - 1) / scale, 'R');
		putchar('\n');
	}
	printf("\n# login  x failed login  ! throttled login  R refresh "
	    "reuse; a mark is %lld or fewer\n", (long long)scale);
	return 0;
}

/* Open the key set (making the first key if there is none). */
static int
open_keys(void)
{
	char	 err[512];

	if (keyset_open(err, sizeof(err)) == 1)
		return 1;
	fprintf(stderr, "authctl: %s\n", err);
	return 0;
}

static int
cmd_migrate(int argc, char *argv[])
{

	(void)argv;
	if (argc != 0)
		return EXIT_USAGE;
	/* db_open() has already migrated; the keys are made now. */
	if (!open_keys())
		return EXIT_FAIL;
	printf("database %s is at schema %d\n", db_where(), db_schema());
	return 0;
}

/* A time for people: RFC 3339, or "-" for none. */
static const char *
when(int64_t t, char buf[RFC3339_LEN])
{

	if (t == 0)
		return "-";
	util_rfc3339(t, buf);
	return buf;
}

/* keyset_each() callback: one tab-separated line per key. */
static int
print_key(const struct key_info *k, void *arg)
{
	static const char *const states[] = { "signing", "next", "standby",
	    "retired" };
	char	 a[RFC3339_LEN], b[RFC3339_LEN], c[RFC3339_LEN];
	char	 d[RFC3339_LEN];

	(void)arg;
	printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k->kid, k->alg,
	    states[k->state], when(k->created, a), when(k->from, b),
	    when(k->retired, c), when(k->deleted, d));
	return 0;
}

/* Record a change of the key set (key.rotated), or warn that it is not. */
static void
key_changed(void)
{

	if (audit_note(AUDIT_KEY_ROTATED, 0, NULL) == -1)
		fprintf(stderr, "authctl: warning: the key set changed, but "
		    "the audit log could not record it\n");
}

/* keys retire KID: what it took for a key to sign now, said. */
static int
keys_retire(const char *kid)
{
	enum retire	 rc = keyset_retire(kid);

	switch (rc) {
	case RETIRE_UNKNOWN:
		fprintf(stderr, "authctl: no %s key \"%s\" (authctl keys "
		    "list)\n", cfg->jwt_alg_name, kid);
		return EXIT_FAIL;
	case RETIRE_ALREADY:
		fprintf(stderr, "authctl: key %s is retired already\n", kid);
		return EXIT_FAIL;
	case RETIRE_ERROR:
		fprintf(stderr, "authctl: cannot change the key set in %s\n",
		    cfg->key_dir);
		return EXIT_FAIL;
	default:
		break;
	}
	key_changed();
	printf("key %s retired: it signs nothing more, and its tokens are "
	    "accepted until they expire\n", kid);
	if (rc != RETIRE_DONE)
		printf("warning: %s signs now, without being published ahead: "
		    "a verifier holding an older copy of the key set refuses "
		    "its tokens until it fetches the set again\n",
		    rc == RETIRE_PROMOTED ? "the next key" : "a new key");
	return 0;
}

/* keys list | rotate | retire KID */
static int
cmd_keys(int argc, char *argv[])
{
	char	 kid[64], t[RFC3339_LEN];
	int64_t	 from;

	if (argc < 1 || (strcmp(argv[0], "retire") == 0) != (argc == 2) ||
	    argc > 2)
		return EXIT_USAGE;
	if (cfg->jwt_alg == ALG_HS256) {
		fprintf(stderr, "authctl: AUTH_JWT_ALG is HS256: tokens are "
		    "signed with one shared secret, there is no key set\n");
		return EXIT_FAIL;
	}
	if (!open_keys())
		return EXIT_FAIL;
	if (strcmp(argv[0], "list") == 0) {
		printf("KID\tALG\tSTATE\tPUBLISHED\tSIGNS FROM\tRETIRED\t"
		    "DELETED\n");
		return keyset_each(print_key, NULL) == 1 ? 0 : EXIT_FAIL;
	}
	if (strcmp(argv[0], "retire") == 0)
		return keys_retire(argv[1]);
	if (strcmp(argv[0], "rotate") != 0)
		return EXIT_USAGE;
	if (keyset_rotate(kid, sizeof(kid), &from) != 1) {
		fprintf(stderr, "authctl: cannot change the key set in %s\n",
		    cfg->key_dir);
		return EXIT_FAIL;
	}
	key_changed();
	printf("key %s (%s) published now; it signs from %s, when the key "
	    "signing now retires\n", kid, cfg->jwt_alg_name, when(from, t));
	return 0;
}

/* client_each() callback: one tab-separated line per client. */
static int
print_client(const char *name, int64_t created, void *arg)
{
	char	 t[RFC3339_LEN];

	(void)arg;
	printf("%s\t%s\n", name, when(created, t));
	return 0;
}

/* clients add NAME: the secret is printed once, never stored. */
static int
clients_add(const char *name)
{
	char	 secret[CLIENT_SECRET_LEN + 1];
	int	 rc;

	if (!client_name_ok(name)) {
		fprintf(stderr, "authctl: a client name is 1 to %d of A-Z a-z "
		    "0-9 . _ -\n", CLIENT_NAME_MAX);
		return EXIT_FAIL;
	}
	if ((rc = client_add(name, secret)) == DB_CONFLICT) {
		fprintf(stderr, "authctl: client %s exists already\n", name);
		return EXIT_FAIL;
	}
	if (rc != DB_DONE) {
		fprintf(stderr, "authctl: cannot write the database\n");
		return EXIT_FAIL;
	}
	printf("client %s\nsecret %s\n", name, secret);
	explicit_bzero(secret, sizeof(secret));
	fprintf(stderr, "authctl: the secret is shown this once: keep it "
	    "now\n");
	return 0;
}

/* clients add NAME | list | remove NAME */
static int
cmd_clients(int argc, char *argv[])
{
	int	 rc;

	if (argc == 1 && strcmp(argv[0], "list") == 0) {
		printf("NAME\tCREATED\n");
		if (client_each(print_client, NULL) == 1)
			return 0;
		fprintf(stderr, "authctl: cannot read the database\n");
		return EXIT_FAIL;
	}
	if (argc != 2)
		return EXIT_USAGE;
	if (strcmp(argv[0], "add") == 0)
		return clients_add(argv[1]);
	if (strcmp(argv[0], "remove") != 0)
		return EXIT_USAGE;
	if ((rc = client_remove(argv[1])) == 1) {
		printf("removed client %s\n", argv[1]);
		return 0;
	}
	fprintf(stderr, rc == 0 ? "authctl: no client %s\n" :
	    "authctl: cannot write the database (%s)\n", argv[1]);
	return EXIT_FAIL;
}

/*
 * settings: the settings file's settings, checked, one NAME=value a
 * line; what the web servers' configurations are written from.
 */
static int
cmd_settings(int argc, char *argv[])
{
	char	 err[512];

	(void)argv;
	if (argc != 0)
		return EXIT_USAGE;
	if (ctlconf_print(err, sizeof(err)) == -1) {
		fprintf(stderr, "authctl: %s\n", err);
		return EXIT_FAIL;
	}
	return 0;
}

/*
 * Each usage is one synopsis line, then what the command does.  Every
 * command but settings works on the database.
 */
static const struct command {
	const char	*name;
	int		(*run)(int, char *[]);
	const char	*usage;
} commands[] = {
	{ "add-user", cmd_add_user, "add-user EMAIL [--role user|admin] "
	    "[--username NAME]\n"
	    "\tCreate a user (role \"user\" unless --role admin).  The\n"
	    "\tpassword is read from standard input, one line; on a\n"
	    "\tterminal it is asked twice, without echo.  It must meet the\n"
	    "\tpassword policy (AUTH_PASSWORD_MIN ...)." },
	{ "set-role", cmd_set_role, "set-role EMAIL user|admin\n"
	    "\tChange a user's role.  It takes effect at the user's next\n"
	    "\trequest: the role that counts is the database's." },
	{ "set-password", cmd_set_password, "set-password EMAIL\n"
	    "\tSet a user's password, read like add-user's, and revoke\n"
	    "\tevery session of the user." },
	{ "list-users", cmd_list_users, "list-users\n"
	    "\tList every user by id, tab-separated: id, email, username\n"
	    "\t(\"-\" for none), role, email verified, created." },
	{ "revoke-sessions", cmd_revoke_sessions, "revoke-sessions EMAIL\n"
	    "\tRevoke every session of a user: their access and refresh\n"
	    "\ttokens stop working at once." },
	{ "delete-user", cmd_delete_user, "delete-user EMAIL\n"
	    "\tDelete a user with their sessions and tokens." },
	{ "mfa", cmd_mfa, "mfa reset USER\n"
	    "\tRemove the second factor (TOTP) of a user who lost it, with\n"
	    "\tits recovery codes: the next login asks for the password\n"
	    "\talone.  USER is an email or an id.  Recorded as\n"
	    "\tmfa.disabled; the user is told by mail." },
	{ "audit", cmd_audit, "audit [--user USER] [--event EVENT] "
	    "[--since TIME]\n"
	    "\tPrint the audit log, newest first, tab-separated: id, time,\n"
	    "\tevent, user (or name:HMAC for an unknown login name),\n"
	    "\tsession, by (the signed-in caller), address, outcome, user\n"
	    "\tagent.  USER is an email or an id; TIME is\n"
	    "\t2026-11-21T22:48:18Z, 2026-11-21 or an age (90m, 24h, 7d)." },
	{ "stats", cmd_stats, "stats\n"
	    "\tChart the last 24 hours from the audit log, an hour a line:\n"
	    "\tlogins ok and failed, throttled logins, refresh reuses." },
	{ "migrate", cmd_migrate, "migrate\n"
	    "\tCreate the database, or bring its schema up to date, and\n"
	    "\tmake the first signing key if there is none." },
	{ "keys", cmd_keys, "keys list | rotate | retire KID\n"
	    "\tThe keys that sign access tokens (AUTH_JWT_ALG ES256, EdDSA\n"
	    "\tor RS256), in AUTH_KEY_DIR.  list: each key, its state and\n"
	    "\ttimes.  rotate: make the next key, published at once, signing\n"
	    "\tfrom AUTH_KEY_PUBLISH_AHEAD seconds on, when the keys signing\n"
	    "\tnow retire.  retire: stop a key signing now; it stays in the\n"
	    "\tkey set until its last token has expired, then is deleted.\n"
	    "\tEvery program sees a change within a second." },
	{ "clients", cmd_clients, "clients add NAME | list | remove NAME\n"
	    "\tThe resource servers that may call /introspect and /revoke\n"
	    "\twith HTTP Basic credentials.  add prints the secret, once;\n"
	    "\tonly its HMAC is stored." },
	{ "settings", cmd_settings, "settings\n"
	    "\tCheck the settings file and print its settings, one\n"
	    "\tNAME=value a line (the environment plays no part)." },
};

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: authctl COMMAND [ARGS]\n\n"
	    "Settings come from the same AUTH_* variables as the programs "
	    "(AUTH_DB, ...),\nand from %s for those not set.\n"
	    "Run as root, authctl acts as the owner of the database's "
	    "folder.\n\nCommands:\n", conffile_path());
	for (i = 0; i < nitems(commands); i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fprintf(f, "\nEmails are matched as the programs match them (trimmed, "
	    "any case).\nExit status: 0 done, 1 refused or failed (the reason "
	    "on stderr), 2 bad usage.\n\nThe first admin:\n"
	    "  authctl add-user admin@example.com --role admin\n"
	    "or, for a user who registered already:\n"
	    "  authctl set-role ann@example.com admin\n");
}

/* The synopsis of c: its usage up to the first newline. */
static void
synopsis(FILE *f, const struct command *c)
{

	fprintf(f, "usage: authctl %.*s\n", (int)strcspn(c->usage, "\n"),
	    c->usage);
}

int
main(int argc, char *argv[])
{
	const struct command	*c = NULL;
	char			 err[512];
	size_t			 i;
	int			 rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	for (i = 0; i < nitems(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			c = &commands[i];
	if (c == NULL) {
		fprintf(stderr, "authctl: unknown command \"%s\" "
		    "(authctl --help lists them)\n", argv[1]);
		return EXIT_USAGE;
	}
	if (argc == 3 && (strcmp(argv[2], "--help") == 0 ||
	    strcmp(argv[2], "-h") == 0)) {
		printf("usage: authctl %s\n", c->usage);
		return 0;
	}
	if (c->run == cmd_settings) {
		if ((rc = c->run(argc - 2, argv + 2)) == EXIT_USAGE)
			synopsis(stderr, c);
		return rc;
	}
	/* The file under the environment; root acts as the programs. */
	if (ctlconf_apply(err, sizeof(err)) == -1 ||
	    config_check(err, sizeof(err)) == -1 ||
	    ctlconf_drop_root(cfg->db, err, sizeof(err)) == -1 ||
	    config_load(err, sizeof(err)) == -1 ||
	    pw_denylist_load(cfg->password_denylist, err, sizeof(err)) == -1) {
		fprintf(stderr, "authctl: %s\n", err);
		config_free();
		return EXIT_FAIL;
	}
	if (db_open(cfg->db) != 1) {
		fprintf(stderr, "authctl: %s: cannot open the database\n",
		    db_where());
		pw_denylist_free();
		config_free();
		return EXIT_FAIL;
	}
	/* What this tool records has no address; its agent is its name. */
	audit_context(NULL, "authctl");
	if ((rc = c->run(argc - 2, argv + 2)) == EXIT_USAGE)
		synopsis(stderr, c);
	/* The notices of a change (set-password), after it committed. */
	mail_flush();
	db_close();
	pw_denylist_free();
	config_free();
	return rc;
}
