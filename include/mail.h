/*
 * Outgoing mail: an RFC 5322 message handed to AUTH_SENDMAIL on its
 * standard input, waited for at most AUTH_SENDMAIL_TIMEOUT seconds, by
 * a detached process once the request's answer is out.
 */
#ifndef MAIL_H
#define MAIL_H

#include <stddef.h>

#include "mailaddr.h"


int	 mail_send(const char *, const char *, const char *);
int	 mail_queue(const char *, const char *, const char *);
int	 mail_flush(void);
void	 mail_drop(void);

#endif
