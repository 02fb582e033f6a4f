/*
 * The connection to the web server.  Under FastCGI the request's
 * parameters and streams come from libfcgi; as plain CGI (no FastCGI
 * socket on standard input) they are the process's own.  libfcgi's
 * fcgiapp does not fall back to CGI by itself, hence this layer.
 */
#include <stdio.h>
#include <stdlib.h>

#include "io.h"

static FCGX_Request	*current;

/* Serve the next request from fr, or from stdio when fr is NULL. */
void
io_start(FCGX_Request *fr)
{

	current = fr;
}

/* A CGI variable of the current request, or NULL. */
const char *
io_env(const char *name)
{

	return current != NULL ? FCGX_GetParam(name, current->envp) :
	    getenv(name);
}

/* Read up to len body bytes; returns how many were read. */
size_t
io_read(char *buf, size_t len)
{
	size_t	 got = 0;
	int	 n;

	if (current == NULL)
		return fread(buf, 1, len, stdin);
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
