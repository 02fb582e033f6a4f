/*
 * Security notices: mail that tells the account's owner what happened
 * to the account, with no link that changes anything.
 */
#ifndef NOTICE_H
#define NOTICE_H

enum notice {
	NOTICE_EMAIL_CHANGE,	/* to the old address: a new one was asked */
	NOTICE__MAX
};

int	 notice_mail(enum notice, const char *, const char *);

#endif
