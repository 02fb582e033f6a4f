/*
 * Security notices, queued like every other mail (mail.c) and sent
 * after the answer.  A notice only tells: it holds no link that
 * changes anything, so a notice read by someone else hands them
 * nothing, and it names what to do if the change was not the owner's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "notice.h"
#include "util.h"

static const struct {
	const char	*subject;
	const char	*text;	/* printf: the address, the detail */
} notices[NOTICE__MAX] = {
	/* NOTICE_EMAIL_CHANGE */
	{ "Your email address is about to change",
	    "Hello,\n\n"
	    "someone who knew the password of the account for %s\n"
	    "asked to change its email address to %s.\n\n"
	    "Nothing changes until the new address is confirmed from a link\n"
	    "mailed there; until then this address still logs in and can\n"
	    "reset the password.\n\n"
	    "If this was not you, reset your password now: a reset also\n"
	    "signs out every session, and makes the pending change void.\n" },
};

/*
 * Queue notice n to address to; detail is what the notice names (the
 * new address).  Returns 1, or -1 (logged).
 */
int
notice_mail(enum notice n, const char *to, const char *detail)
{
	char	*body;
	int	 rc;

	if (asprintf(&body, notices[n].text, to, detail) == -1) {
		LOG("mail: out of memory");
		return -1;
	}
	rc = mail_queue(to, notices[n].subject, body);
	free(body);
	return rc;
}
