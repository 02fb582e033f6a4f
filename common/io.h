/*
 * The connection to the web server: a FastCGI request, or the process's
 * own environment and standard streams when run as plain CGI.
 * Internal to common/; endpoints use api.h.
 */
#ifndef IO_H
#define IO_H

#include <stddef.h>

#include <fcgiapp.h>

void		 io_start(FCGX_Request *);
const char	*io_env(const char *);
long		 io_content_length(void);
size_t		 io_read(char *, size_t);
void		 io_write(const char *, size_t);
void		 io_finish(void);

#endif
