/*
 * Security notices: mail that tells the account's owner what happened
 * to the account, with no link that changes anything.  Queue them
 * only once the change they tell of has committed.
 */
#ifndef NOTICE_H
#define NOTICE_H

enum notice {
	NOTICE_EMAIL_CHANGE,	/* to the old address: a new one was asked */
	NOTICE_PASSWORD_CHANGED,
	NOTICE_PASSWORD_RESET,
	NOTICE_MFA_ENABLED,	/* a second factor was added */
	NOTICE_MFA_DISABLED,	/* a second factor was removed */
	NOTICE_REFRESH_REUSE,	/* a rotated refresh token came back */
	NOTICE__MAX
};

int	 notice_mail(enum notice, const char *, const char *);

#endif
