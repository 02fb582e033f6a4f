/*
 * The connection to the web server.  Under FastCGI the request's
 * parameters and streams come from libfcgi; as plain CGI (no FastCGI
 * socket on standard input) they are the process's own.  libfcgi's
 * fcgiapp does not fall back to CGI by itself, hence this layer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "io.h"
#include "util.h"

static FCGX_Request	*current;
static size_t		 consumed;	/* body bytes read, as CGI */
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

/*
 * As CGI, read and drop what is left of the body before the program
 * exits, then free what was read ahead.  Apache's mod_cgid hands a
 * program one socket for both streams: closing it with unread input
 * resets it, and Apache then cuts the answer already written (curl:
 * "transfer closed with outstanding read data remaining").  libfcgi
 * does the same for FastCGI requests in FCGX_Finish_r().
 */
void
io_finish(void)
{
	char		 buf[4096];
	const char	*v = getenv("CONTENT_LENGTH");
	long		 len = 0;
	size_t		 n, want;

	if (current != NULL)
		return;
	if (to_eof) {
		while (fread(buf, 1, sizeof(buf), stdin) > 0)
			continue;
	} else if (v != NULL && util_parse_long(v, 0, 0x7fffffff, &len)) {
		while (consumed < (size_t)len) {
			want = (size_t)len - consumed;
			n = fread(buf, 1, want < sizeof(buf) ? want :
			    sizeof(buf), stdin);
			if (n == 0)
				break;
			consumed += n;
		}
	}
	free(ahead);
	ahead = NULL;
	aheadlen = 0;
	to_eof = 0;
}
