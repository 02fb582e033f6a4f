/*
 * Checks of what goes to the mailer: the From setting, the public
 * URL's host, any header value, and how many words its command may
 * have.
 */
#ifndef MAILADDR_H
#define MAILADDR_H

#include <stddef.h>

#define MAIL_HOST_MAX	255
#define MAIL_ARGS_MAX	32	/* words in AUTH_SENDMAIL */

int	 mailaddr_header_ok(const char *);
int	 mailaddr_from_ok(const char *);
int	 mailaddr_url_host(const char *, char *, size_t);

#endif
