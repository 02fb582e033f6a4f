/*
 * Security notices, queued like every other mail (mail.c) and sent
 * after the answer.  A notice only tells: it holds no link that
 * changes anything, so a notice read by someone else hands them
 * nothing, and it names what to do if the change was not the owner's.
 * It says when, and from which address, the change was asked for;
 * never the client's user agent, which is the client's own text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "mail.h"
#include "notice.h"
#include "util.h"

/* What every notice but the first says about the password's holder. */
#define NOT_YOU \
	"If this was not you, someone else knows your password: reset it\n" \
	"now from the password-reset page.  A reset signs out every\n" \
	"session.\n"

static const struct {
	const char	*subject;
	const char	*text;	/* printf: the address, the detail, when */
} notices[NOTICE__MAX] = {
	/* NOTICE_EMAIL_CHANGE */
	{ "Your email address is about to change",
	    "Hello,\n\n"
	    "someone who knew the password of the account for %s\n"
	    "asked to change its email address to %s.\n"
	    "%s\n"
	    "Nothing changes until the new address is confirmed from a link\n"
	    "mailed there; until then this address still logs in and can\n"
	    "reset the password.\n\n"
	    "If this was not you, reset your password now: a reset also\n"
	    "signs out every session, and makes the pending change void.\n" },
	/* NOTICE_PASSWORD_CHANGED */
	{ "Your password was changed",
	    "Hello,\n\n"
	    "the password of the account for %s was changed.%s\n"
	    "%s\n"
	    "Every other session of the account was signed out.\n\n"
	    NOT_YOU },
	/* NOTICE_PASSWORD_RESET */
	{ "Your password was reset",
	    "Hello,\n\n"
	    "the password of the account for %s was reset with a link\n"
	    "mailed to this address.%s\n"
	    "%s\n"
	    "Every session of the account was signed out.\n\n"
	    "If this was not you, someone can read this mailbox: secure it,\n"
	    "then reset your password again.\n" },
	/* NOTICE_MFA_ENABLED */
	{ "A second factor was added to your account",
	    "Hello,\n\n"
	    "a second factor (an authenticator app) was added to the\n"
	    "account for %s.%s\n"
	    "%s\n"
	    "From now on a login asks for its code.\n\n"
	    NOT_YOU },
	/* NOTICE_MFA_DISABLED */
	{ "The second factor of your account was removed",
	    "Hello,\n\n"
	    "the second factor of the account for %s was removed.%s\n"
	    "%s\n"
	    "A login now asks for the password alone.\n\n"
	    NOT_YOU },
	/* NOTICE_REFRESH_REUSE */
	{ "A session of your account was signed out",
	    "Hello,\n\n"
	    "a sign-in of the account for %s was used again after\n"
	    "it had been replaced.%s\n"
	    "%s\n"
	    "That happens when a copy of it was taken from a device or\n"
	    "browser, so that session was signed out: its device has to log\n"
	    "in again.\n\n"
	    "If you do not know why, change your password, which signs out\n"
	    "every other session too, and look through your sessions for\n"
	    "any you do not know.\n" },
};

/*
 * "On 2026-11-21T22:48:18Z, from 192.0.2.1." into out, the address
 * left out where none is known (authctl).
 */
static void
when(char *out, size_t size)
{
	char	 t[RFC3339_LEN];

	util_rfc3339(util_now(), t);
	if (audit_ip()[0] != '\0')
		snprintf(out, size, "On %s, from %s.", t, audit_ip());
	else
		snprintf(out, size, "On %s.", t);
}

/*
 * Queue notice n to address to; detail is what the notice names (the
 * new address of an email change; NULL: nothing).  Returns 1, or -1
 * (logged).
 */
int
notice_mail(enum notice n, const char *to, const char *detail)
{
	char	*body, at[128];
	int	 rc;

	when(at, sizeof(at));
	if (asprintf(&body, notices[n].text, to, detail != NULL ? detail : "",
	    at) == -1) {
		LOG("mail: out of memory");
		return -1;
	}
	rc = mail_queue(to, notices[n].subject, body);
	free(body);
	return rc;
}
