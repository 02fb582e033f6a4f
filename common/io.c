/*
 * The connection to the web server.  Under FastCGI the request's
 * parameters and streams come from libfcgi; as plain CGI (no FastCGI
 * socket on standard input) they are the process's own.  libfcgi's
 * fcgiapp does not fall back to CGI by itself, hence this layer.
 */
#include <sys/socket.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <fastcgi.h>

#include "config.h"
#include "io.h"
#include "util.h"

static FCGX_Request	*current;
static size_t		 consumed;	/* body bytes read */
static char		*ahead;		/* a chunked CGI body, read ahead */
static size_t		 aheadlen;
static char		 aheadcl[24];	/* its CONTENT_LENGTH */
static int		 to_eof;	/* as CGI, the body ends at EOF */

/*
 * As plain CGI, a body sent chunked comes without CONTENT_LENGTH
 * (Apache's mod_cgid, against RFC 3875 4.1.2, which FastCGI servers
 * honour by de-chunking), and ends where standard input does.  Read it
 * ahead, AUTH_MAX_BODY + 1 bytes at most, so that it looks like any
 * other body: a longer one is then refused as too large.
 */
static void
read_ahead(void)
{
	const char	*te = getenv("HTTP_TRANSFER_ENCODING");
	size_t		 n, max = (size_t)cfg->max_body + 1;

	if (getenv("CONTENT_LENGTH") != NULL || te == NULL ||
	    strcasestr(te, "chunked") == NULL)
		return;
	to_eof = 1;
	if ((ahead = malloc(max)) == NULL) {
		LOG("out of memory");
		return;
	}
	while (aheadlen < max &&
	    (n = fread(ahead + aheadlen, 1, max - aheadlen, stdin)) > 0)
		aheadlen += n;
	snprintf(aheadcl, sizeof(aheadcl), "%zu", aheadlen);
}

/* Serve the next request from fr, or from stdio when fr is NULL. */
void
io_start(FCGX_Request *fr)
{

	current = fr;
	consumed = 0;
	if (fr == NULL)
		read_ahead();
}

/* A CGI variable of the current request, or NULL. */
const char *
io_env(const char *name)
{

	if (current != NULL)
		return FCGX_GetParam(name, current->envp);
	if (ahead != NULL && strcmp(name, "CONTENT_LENGTH") == 0)
		return aheadcl;
	return getenv(name);
}

/* Read up to len body bytes; returns how many were read. */
size_t
io_read(char *buf, size_t len)
{
	size_t	 got = 0;
	int	 n;

	if (current == NULL && ahead != NULL) {
		got = aheadlen - consumed < len ? aheadlen - consumed : len;
		memcpy(buf, ahead + consumed, got);
		consumed += got;
		return got;
	}
	if (current == NULL) {
		got = fread(buf, 1, len, stdin);
		consumed += got;
		return got;
	}
	while (got < len) {
		n = FCGX_GetStr(buf + got, (int)(len - got), current->in);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	consumed += got;
	return got;
}

/* Write response bytes; a client that went away is not an error here. */
void
io_write(const char *buf, size_t len)
{

	if (current == NULL)
		fwrite(buf, 1, len, stdout);
	else
		FCGX_PutStr(buf, (int)len, current->out);
}

/* Bounds on draining an unread CGI body: the web server's own body
 * limit, and a second for it to arrive, so that a client declaring a
 * body it never sends cannot hold the program. */
#define DRAIN_MAX	(1024 * 1024)
#define DRAIN_MS	1000

/* Read and drop up to max bytes of standard input, within DRAIN_MS. */
static void
drain(size_t max)
{
	struct pollfd	 pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	int64_t		 deadline = util_monotonic_ms() + DRAIN_MS, left;
	char		 buf[4096];
	ssize_t		 n;

	while (max > 0) {
		left = deadline - util_monotonic_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		n = read(STDIN_FILENO, buf, max < sizeof(buf) ? max :
		    sizeof(buf));
		if (n <= 0)
			break;
		max -= (size_t)n;
	}
}

/*
 * The body's length as CONTENT_LENGTH announces it: 0 when it is absent
 * or empty (no body), -1 when it is not a number.
 */
long
io_content_length(void)
{
	const char	*v = io_env("CONTENT_LENGTH");
	long		 len;

	if (v == NULL || *v == '\0')
		return 0;
	return util_parse_long(v, 0, 0x7fffffff, &len) ? len : -1;
}

/* The body bytes CONTENT_LENGTH announces that were not read yet. */
static size_t
unread(void)
{
	long	 len = io_content_length();

	return len > 0 && consumed < (size_t)len ? (size_t)len - consumed : 0;
}

/* Is the FastCGI listening socket (standard input) a Unix socket? */
static int
unix_listener(void)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);

	return getsockname(STDIN_FILENO, (struct sockaddr *)&ss, &len) == 0 &&
	    ss.ss_family == AF_UNIX;
}

/*
 * Before FCGX_Finish_r().  libfcgi ends each connection lingering:
 * shutdown(), then it waits (up to 2 s) for the web server to close its
 * end, reading what still comes, so that a TCP peer never gets a reset
 * that loses the answer.  Over a Unix socket (lighttpd's, mod_fcgid's)
 * a written answer is in the peer's queue and a close loses nothing,
 * while the wait holds the process until the web server has read it:
 * one more sleep and wakeup a request, and an idle core under load.
 * So there, an authorizer (sent no body) and a responder
 * whose input is at its end (the whole body read, then the end of the
 * stream, which the web server sends right behind it) are detached and
 * their connection closed at once; a body left unread, as a refused
 * one is, still gets libfcgi's drain.
 */
static void
finish_fastcgi(void)
{
	static int	 local = -1;

	if (local == -1)
		local = unix_listener();
	if (!local)
		return;
	/* lighttpd sends an authorizer no input stream at all. */
	if (current->role == FCGI_AUTHORIZER) {
		FCGX_Detach(current);
		return;
	}
	if (current->role != FCGI_RESPONDER)
		return;
	if (unread() == 0 && FCGX_GetChar(current->in) == EOF)
		FCGX_Detach(current);
}

/*
 * As CGI, the web server sees the answer end when the last copy of the
 * program's standard output (and, under mod_cgid, of the one socket
 * that is also its input) closes.  Flush it and put /dev/null in its
 * place, so that what the program still does (the mail hand-off, two
 * forks) neither delays the answer nor changes how the web server
 * frames it: Apache chunks an answer whose end it has not yet seen.
 */
static void
end_cgi(void)
{
	int	 null;

	if (fflush(stdout) != 0)
		LOG("cgi: the answer was not written whole");
	if ((null = open("/dev/null", O_RDWR)) == -1) {
		LOG("cgi: /dev/null: cannot open");
		return;
	}
	if (dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1)
		LOG("cgi: the answer stays open until the program ends");
	if (null > STDOUT_FILENO)
		close(null);
}

/*
 * End the request: under FastCGI, see finish_fastcgi().  As CGI, read
 * and drop what is left of the body, then free what was read ahead.
 * Apache's mod_cgid hands a program one socket for both streams:
 * closing it with unread input resets it, and Apache then cuts the
 * answer already written (curl: "transfer closed with outstanding read
 * data remaining").  libfcgi does the same for FastCGI requests in
 * FCGX_Finish_r().  The drain is bounded (drain()), so a body refused
 * as too large is never read whole.  Then the answer is ended (end_cgi()).
 */
void
io_finish(void)
{
	size_t	 left;

	if (current != NULL) {
		finish_fastcgi();
		return;
	}
	if (to_eof)
		drain(DRAIN_MAX);
	else if ((left = unread()) > 0)
		drain(left < DRAIN_MAX ? left : DRAIN_MAX);
	free(ahead);
	ahead = NULL;
	aheadlen = 0;
	to_eof = 0;
	end_cgi();
}
