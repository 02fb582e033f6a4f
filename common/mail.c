/*
 * Outgoing mail.  A message is composed here, headers from checked
 * values only, and handed to the mailer (AUTH_SENDMAIL, by default
 * "/usr/sbin/sendmail -t -i") on its standard input.  The mailer runs
 * without a shell, without the program's open descriptors and with
 * none of its settings (the secret among them), in a process group
 * of its own, and is killed if it takes longer than
 * AUTH_SENDMAIL_TIMEOUT seconds.  A failure is logged, never the
 * message itself: it carries a token.
 *
 * A request's mails are queued (mail_queue()) and handed off once its
 * answer is out (mail_flush()) to a detached process of their own, so
 * no request waits for a mailer, none learns from its timing, and a
 * hung mailer holds no program process.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "mail.h"
#include "mailaddr.h"
#include "util.h"

/* RFC 5322 2.1.1: no line longer than 998 characters. */
#define LINE_MAX_LEN	998

/* The mailer's PATH when the program was given none (lighttpd). */
#define MAILER_PATH	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:" \
			"/usr/bin:/sbin:/bin"

extern char	**environ;

/* The messages of the current request, composed, waiting for the answer. */
struct queued {
	char		*msg;
	char		 id[32 + MAIL_HOST_MAX + 4];
	struct queued	*next;
};
static struct queued	*queue;

/* The body: no CR (lines end in LF alone), no NUL, short lines. */
static int
body_ok(const char *b)
{
	size_t	 n;

	for (; *b != '\0'; b += n + (b[n] == '\n')) {
		n = strcspn(b, "\r\n");
		if (b[n] == '\r' || n > LINE_MAX_LEN)
			return 0;
	}
	return 1;
}

/* The current time in RFC 5322 form: "Tue, 21 Nov 2026 22:48:18 +0000". */
static void
rfc5322_date(char out[64])
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t		 t = time(NULL);
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(out, 64, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/*
 * Compose the message: headers from checked values, then the body,
 * every line ending in LF.  id gets the Message-ID for the log.
 * Returns the message (the caller frees it), or NULL (logged).
 */
static char *
compose(const char *to, const char *subject, const char *body,
    char id[32 + MAIL_HOST_MAX + 4])
{
	unsigned char	 raw[16];
	char		 host[MAIL_HOST_MAX + 1], hex[2 * sizeof(raw) + 1];
	char		 date[64], *msg = NULL;
	size_t		 blen = strlen(body);

	if (!mailaddr_header_ok(to) || !mailaddr_header_ok(subject) ||
	    !mailaddr_header_ok(cfg->mail_from)) {
		LOG("mail: refused, a header value is empty or holds a "
		    "control character");
		return NULL;
	}
	if (!body_ok(body)) {
		LOG("mail: refused, the body has a CR or an over-long line");
		return NULL;
	}
	if (!mailaddr_url_host(cfg->public_url, host, sizeof(host)) ||
	    util_random(raw, sizeof(raw)) == -1)
		return NULL;
	util_hex(raw, sizeof(raw), hex);
	snprintf(id, 32 + MAIL_HOST_MAX + 4, "<%s@%s>", hex, host);
	rfc5322_date(date);

	if (asprintf(&msg, "From: %s\n"
	    "To: %s\n"
	    "Subject: %s\n"
	    "Date: %s\n"
	    "Message-ID: %s\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n"
	    "\n"
	    "%s%s", cfg->mail_from, to, subject, date, id, body,
	    blen > 0 && body[blen - 1] == '\n' ? "" : "\n") == -1) {
		LOG("mail: out of memory");
		return NULL;
	}
	return msg;
}

/*
 * Split AUTH_SENDMAIL on spaces into argv, in buf (a copy the caller
 * frees).  config.c saw to it that there are 1 to MAIL_ARGS_MAX words.
 * Returns their number.
 */
static size_t
split(char *buf, char *argv[MAIL_ARGS_MAX + 1])
{
	char	*word, *save = NULL;
	size_t	 n = 0;

	for (word = strtok_r(buf, " \t", &save);
	    word != NULL && n < MAIL_ARGS_MAX;
	    word = strtok_r(NULL, " \t", &save))
		argv[n++] = word;
	argv[n] = NULL;
	return n;
}

/*
 * The mailer's environment: a few harmless variables of this process's
 * own, never the AUTH_* settings (the JWT secret) nor, under plain CGI,
 * the request's (its Authorization header), plus a PATH when there is
 * none (lighttpd passes only AUTH_*).  Returns a NULL-terminated array
 * of borrowed strings (the caller frees the array), or NULL.
 */
static char **
mailer_env(void)
{
	static const char *const keep[] = {
		"PATH=", "HOME=", "LANG=", "LC_ALL=", "TZ=", "TMPDIR=",
		"USER=", "LOGNAME=",
	};
	char	**env, **e;
	size_t	 i, n = 0;
	int	 path = 0;

	if ((env = calloc(nitems(keep) + 2, sizeof(*env))) == NULL)
		return NULL;
	for (e = environ; *e != NULL; e++)
		for (i = 0; i < nitems(keep); i++)
			if (strncmp(*e, keep[i], strlen(keep[i])) == 0 &&
			    n < nitems(keep)) {
				path |= i == 0;
				env[n++] = *e;
			}
	if (!path)
		env[n++] = (char *)MAILER_PATH;
	env[n] = NULL;
	return env;
}

/*
 * In the child: the message on standard input, /dev/null as standard
 * output, standard error kept for the web server's log, every other
 * descriptor (the FastCGI socket, the database) closed, the default
 * SIGPIPE back.  Only async-signal-safe calls until execve().
 */
static void
child(int rd, char *const argv[], char *const envp[])
{
	int	 null;

	setpgid(0, 0);
	if (rd == STDIN_FILENO)
		fcntl(rd, F_SETFD, 0);
	else if (dup2(rd, STDIN_FILENO) == -1)
		_exit(126);
	if ((null = open("/dev/null", O_WRONLY)) == -1 ||
	    (null != STDOUT_FILENO && dup2(null, STDOUT_FILENO) == -1))
		_exit(126);
	if (close_range(3, ~0U, 0) == -1)
		for (null = 3; null < 1024; null++)
			close(null);
	signal(SIGPIPE, SIG_DFL);
	execve(argv[0], argv, envp);
	_exit(127);
}

/*
 * Write len bytes of msg to fd (non-blocking) before the deadline.
 * Returns 1, or -1 with errno set (ETIMEDOUT for the deadline).
 */
static int
feed(int fd, const char *msg, size_t len, int64_t deadline)
{
	struct pollfd	 pfd = { fd, POLLOUT, 0 };
	ssize_t		 n;
	int64_t		 left;

	while (len > 0) {
		if ((left = deadline - util_monotonic_ms()) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR)
			return -1;
		if ((n = write(fd, msg, len)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -1;
		}
		msg += n;
		len -= (size_t)n;
	}
	return 1;
}

/*
 * Wait for pid until the deadline, polling with a growing step.
 * Returns 1 with its wait status, 0 if it is still running, or -1 if
 * it cannot be waited for.
 */
static int
reap(pid_t pid, int64_t deadline, int *status)
{
	struct timespec	 ts;
	int64_t		 step = 1, left;
	pid_t		 r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 1;
		if (r == -1 && errno != EINTR)
			return -1;
		if ((left = deadline - util_monotonic_ms()) <= 0)
			return 0;
		if (step > left)
			step = left;
		ts.tv_sec = (time_t)(step / 1000);
		ts.tv_nsec = (long)(step % 1000) * 1000000;
		nanosleep(&ts, NULL);
		if (step < 50)
			step *= 2;
	}
}

/*
 * Wait for mailer pid (argv0) until the deadline; one still running
 * then is killed with its process group (a script's own children too).
 * Returns 1 if it exited with status 0, -1 otherwise (logged, with the
 * Message-ID id, never the message).
 */
static int
finish(pid_t pid, const char *argv0, const char *id, int64_t deadline)
{
	int	 status;

	switch (reap(pid, deadline, &status)) {
	case -1:
		LOG("mail %s: waitpid: %s", id, strerror(errno));
		return -1;
	case 0:
		kill(-pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			continue;
		LOG("mail %s: %s did not finish within %ld s; killed", id,
		    argv0, cfg->sendmail_timeout);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		LOG("mail %s: %s could not be run", id, argv0);
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		LOG("mail %s: %s exited with status %d", id, argv0,
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		LOG("mail %s: %s killed by signal %d", id, argv0,
		    WTERMSIG(status));
	else
		return 1;
	return -1;
}

/*
 * Write msg to the mailer's standard input (fd, which is closed)
 * before the deadline.  A mailer that exits unread is EPIPE, not a
 * signal to die of.
 */
static void
hand(int fd, const char *msg, const char *argv0, const char *id,
    int64_t deadline)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, pipe_was;

	sigaction(SIGPIPE, &ign, &pipe_was);
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1 ||
	    feed(fd, msg, strlen(msg), deadline) == -1)
		LOG("mail %s: writing to %s: %s", id, argv0,
		    errno == ETIMEDOUT ? "timed out" : strerror(errno));
	close(fd);
	sigaction(SIGPIPE, &pipe_was, NULL);
}

/*
 * Run the mailer with msg on its standard input, waiting at most
 * AUTH_SENDMAIL_TIMEOUT seconds for it to read the message and exit.
 * Returns 1 if it exited with status 0, -1 otherwise (logged).
 */
static int
run_mailer(const char *msg, const char *id)
{
	char		*argv[MAIL_ARGS_MAX + 1], *words = NULL, **envp = NULL;
	int		 fds[2] = { -1, -1 }, rc = -1;
	int64_t		 deadline;
	pid_t		 pid;

	if ((words = strdup(cfg->sendmail)) == NULL ||
	    split(words, argv) == 0 || (envp = mailer_env()) == NULL) {
		LOG("mail %s: cannot prepare the mailer", id);
		goto out;
	}
	if (pipe2(fds, O_CLOEXEC) == -1) {
		LOG("mail %s: pipe: %s", id, strerror(errno));
		goto out;
	}
	/* Children must stay waitable even if SIGCHLD came in ignored. */
	signal(SIGCHLD, SIG_DFL);
	if ((pid = fork()) == -1) {
		LOG("mail %s: fork: %s", id, strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(fds[0], argv, envp);
	setpgid(pid, pid);
	close(fds[0]);
	fds[0] = -1;
	deadline = util_monotonic_ms() + cfg->sendmail_timeout * 1000;
	hand(fds[1], msg, argv[0], id, deadline);
	fds[1] = -1;
	rc = finish(pid, argv[0], id, deadline);
out:
	if (fds[0] != -1)
		close(fds[0]);
	if (fds[1] != -1)
		close(fds[1]);
	free(envp);
	free(words);
	return rc;
}

/*
 * Mail a plain-text body (lines ending in LF) to one address, now.
 * Every header value is checked for control characters, whatever the
 * caller checked before.  Returns 1 if the mailer accepted the
 * message, -1 if not (logged).  The message is wiped: it may carry a
 * token.
 */
int
mail_send(const char *to, const char *subject, const char *body)
{
	char	 id[32 + MAIL_HOST_MAX + 4];
	char	*msg;
	int	 rc;

	if ((msg = compose(to, subject, body, id)) == NULL)
		return -1;
	rc = run_mailer(msg, id);
	explicit_bzero(msg, strlen(msg));
	free(msg);
	return rc;
}

/* Wipe and free one queued message. */
static void
queued_free(struct queued *q)
{

	explicit_bzero(q->msg, strlen(q->msg));
	free(q->msg);
	free(q);
}

/*
 * Compose a message as mail_send() does and queue it for mail_flush().
 * Returns 1, or -1 (logged) if it cannot be composed.
 */
int
mail_queue(const char *to, const char *subject, const char *body)
{
	struct queued	*q, **end;

	if ((q = calloc(1, sizeof(*q))) == NULL) {
		LOG("mail: out of memory");
		return -1;
	}
	if ((q->msg = compose(to, subject, body, q->id)) == NULL) {
		free(q);
		return -1;
	}
	for (end = &queue; *end != NULL; end = &(*end)->next)
		continue;
	*end = q;
	return 1;
}

/* Forget the queued messages unsent (the request failed). */
void
mail_drop(void)
{
	struct queued	*q;

	while ((q = queue) != NULL) {
		queue = q->next;
		queued_free(q);
	}
}

/*
 * In the detached process: nothing of the program's but standard
 * error (the web server's log), then every queued message to the
 * mailer in turn.
 */
static void
courier(void)
{
	struct queued	*q;
	int		 null;

	setsid();
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if ((null = open("/dev/null", O_RDWR)) == -1)
		_exit(1);
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	if (close_range(3, ~0U, 0) == -1)
		for (null = 3; null < 1024; null++)
			close(null);
	for (q = queue; q != NULL; q = q->next)
		run_mailer(q->msg, q->id);
	_exit(0);
}

/*
 * Hand the queued messages to a process of their own and forget them.
 * The process is detached (a grandchild, reparented at once), so the
 * program neither waits for it nor has to reap it.  Returns 1, or -1
 * (logged; the messages are dropped, their tokens stay valid).
 */
int
mail_flush(void)
{
	pid_t	 pid;
	int	 status, rc = -1;

	if (queue == NULL)
		return 1;
	fflush(stderr);
	/* Children must stay waitable even if SIGCHLD came in ignored. */
	signal(SIGCHLD, SIG_DFL);
	if ((pid = fork()) == -1)
		LOG("mail: fork: %s", strerror(errno));
	else if (pid == 0) {
		if ((pid = fork()) == 0)
			courier();
		if (pid == -1)
			LOG("mail: fork: %s", strerror(errno));
		_exit(0);
	} else {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			continue;
		rc = 1;
	}
	mail_drop();
	return rc;
}
