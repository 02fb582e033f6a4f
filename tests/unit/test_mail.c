/*
 * Mail: header values, the From and URL checks config.c uses, the
 * composed message, and the mailer's run: its exit status, a timeout,
 * what it inherits.  Includes mail.c to reach its static functions.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/mail.c"
#include "api.h"
#include "config.h"
#include "db.h"
#include "reply.h"
#include "tap.h"

static char	 err[512];
static char	 dir[] = "/tmp/fcgi-auth-mail.XXXXXX";

static void
test_checks(void)
{
	static const char *const good_from[] = {
		"fcgi-auth <noreply@localhost>", "a@example.com",
		"<a@example.com>", "\"Example, Inc.\" <a@example.com>",
		"Example Auth <auth@mail.example.com>",
	};
	static const char *const bad_from[] = {
		"", "a@example.com\nBcc: b@example.com", "A <a@example.com>\r",
		"no address", "A <a@example.com", "A a@example.com>",
		"A <a@example.com> trailing", "Example, Inc. <a@example.com>",
		"\"A\\\" <a@example.com>", "A <<a@example.com>>",
		"@example.com",
		"a@", "J\xc3\xb6rg <a@example.com>", "A\t<a@example.com>",
	};
	char	 host[MAIL_HOST_MAX + 1];
	size_t	 i;

	for (i = 0; i < nitems(good_from); i++)
		ok(mailaddr_from_ok(good_from[i]), "From \"%s\" accepted",
		    good_from[i]);
	for (i = 0; i < nitems(bad_from); i++)
		ok(!mailaddr_from_ok(bad_from[i]), "From #%zu refused", i);

	ok(mailaddr_header_ok("ann@example.com") && !mailaddr_header_ok("a\r\nBcc: b") &&
	    !mailaddr_header_ok("a\nb") && !mailaddr_header_ok("") && !mailaddr_header_ok(NULL),
	    "a header value with CR or LF, or empty, is refused");
	ok(body_ok("one\ntwo\n") && !body_ok("one\r\ntwo\n"),
	    "a body with CR is refused");

	ok(mailaddr_url_host("https://auth.example.com/app/", host,
	    sizeof(host)) && strcmp(host, "auth.example.com") == 0,
	    "host of a URL with a path");
	ok(mailaddr_url_host("http://user:pw@127.0.0.1:3456", host,
	    sizeof(host)) && strcmp(host, "127.0.0.1") == 0,
	    "host without user info and port: %s", host);
	ok(mailaddr_url_host("http://[::1]:8080/x", host, sizeof(host)) &&
	    strcmp(host, "[::1]") == 0, "an IPv6 literal keeps its brackets");
	ok(!mailaddr_url_host("http:///x", host, sizeof(host)) &&
	    !mailaddr_url_host("http://a b/", host, sizeof(host)) &&
	    !mailaddr_url_host("http://[]/", host, sizeof(host)) &&
	    !mailaddr_url_host("http://a\nb/", host, sizeof(host)),
	    "a URL without a clean host is refused");
}

static void
test_compose(void)
{
	char	 id[32 + MAIL_HOST_MAX + 4], *msg;

	tap_env();
	setenv("AUTH_PUBLIC_URL", "https://auth.example.com/app/", 1);
	setenv("AUTH_MAIL_FROM", "Example <auth@example.com>", 1);
	if (!tap_config(err, sizeof(err)))
		abort();
	msg = compose("ann@example.com", "Hi", "line one\nline two", id);
	ok(msg != NULL && strncmp(msg, "From: Example <auth@example.com>\n"
	    "To: ann@example.com\nSubject: Hi\nDate: ", 64) == 0,
	    "From, To, Subject, Date in order");
	ok(msg != NULL && strstr(msg, "\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\nline one\nline two\n") != NULL,
	    "MIME headers, a blank line, the body ending in LF");
	ok(msg != NULL && strlen(id) == 2 + 32 + 1 +
	    strlen("auth.example.com") && strstr(msg, id) != NULL,
	    "Message-ID %s", id);
	ok(msg != NULL && strchr(msg, '\r') == NULL, "LF line ends only");
	free(msg);
	ok(compose("ann@example.com\nBcc: x@example.com", "Hi", "b", id) ==
	    NULL && compose("ann@example.com", "Hi\r\nBcc: x", "b", id) ==
	    NULL && compose("ann@example.com", "Hi", "a\r\nb", id) == NULL,
	    "a CR or LF in a header value, or a CR in the body, is refused");
	tap_config_free();
}

/* Write an executable script dir/name; returns its path (static). */
static const char *
script(const char *name, const char *body)
{
	static char	 path[256];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	chmod(path, 0700);
	return path;
}

/* Load with AUTH_SENDMAIL set to prog (and args); aborts if refused. */
static void
mailer(const char *prog, const char *args)
{
	char	 v[512];

	tap_env();
	snprintf(v, sizeof(v), "%s%s", prog, args);
	setenv("AUTH_SENDMAIL", v, 1);
	setenv("AUTH_SENDMAIL_TIMEOUT", "1", 1);
	if (!tap_config(err, sizeof(err)))
		abort();
}

/* The contents of dir/name, or "" (static). */
static const char *
slurp(const char *name)
{
	static char	 buf[8192];
	char		 path[256];
	size_t		 n = 0;
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf[0] = '\0';
	if ((f = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void
test_run(void)
{
	char	 body[512], *big;
	time_t	 t0;
	size_t	 i;
	int	 fd;

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(body, sizeof(body),
	    "echo \"$@\" > %s/args\n"
	    "env > %s/env\n"
	    "[ -e /proc/$$/fd/40 ] && echo open > %s/fd40\n"
	    "cat > %s/msg\n", dir, dir, dir, dir);
	mailer(script("ok", body), " -t -i");
	/* A descriptor without close-on-exec must still not reach it. */
	if ((fd = open("/dev/null", O_RDONLY)) == -1 || dup2(fd, 40) == -1)
		abort();
	close(fd);
	setenv("AUTH_TEST_SECRET", "x", 1);
	ok(mail_send("ann@example.com", "Hi", "hello\n") == 1,
	    "a mailer that exits 0 succeeds");
	ok(strcmp(slurp("args"), "-t -i\n") == 0, "argv split on spaces");
	ok(strstr(slurp("msg"), "To: ann@example.com\n") != NULL &&
	    strstr(slurp("msg"), "\n\nhello\n") != NULL,
	    "the message arrives on standard input");
	ok(strstr(slurp("env"), "AUTH_") == NULL &&
	    strstr(slurp("env"), "PATH=") != NULL,
	    "no AUTH_* setting in the mailer's environment");
	ok(*slurp("fd40") == '\0', "inherited descriptors are closed");
	close(40);
	tap_config_free();

	mailer("/bin/false", "");
	ok(mail_send("ann@example.com", "Hi", "hello\n") == -1,
	    "a mailer that exits 1 fails");
	/* More than a pipe holds: the write meets a mailer gone. */
	if ((big = malloc(200 * 901 + 1)) == NULL)
		abort();
	for (i = 0; i < 200; i++) {
		memset(big + i * 901, 'x', 900);
		big[i * 901 + 900] = '\n';
	}
	big[200 * 901] = '\0';
	ok(mail_send("ann@example.com", "Hi", big) == -1,
	    "a mailer that exits unread fails, without SIGPIPE");
	free(big);
	tap_config_free();
	mailer("/nonexistent/sendmail", " -t");
	ok(mail_send("ann@example.com", "Hi", "hello\n") == -1,
	    "a mailer that cannot be run fails");
	tap_config_free();

	mailer(script("hang", "exec sleep 30\n"), "");
	t0 = time(NULL);
	ok(mail_send("ann@example.com", "Hi", "hello\n") == -1 &&
	    time(NULL) - t0 < 10, "a hanging mailer is killed at the timeout");
	tap_config_free();

	snprintf(body, sizeof(body), "rm -rf '%s'\n", dir);
	if (system(body) != 0)
		abort();
}

int
main(void)
{

	test_checks();
	test_compose();
	test_run();
	return tap_done();
}
