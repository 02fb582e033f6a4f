/*
 * Single-use tokens sent by mail, for a password reset, for email
 * verification and for the confirmation of a new address, in one
 * table told apart by kind.  A reset or verification token is bound to
 * the address it was mailed to, so it stops working when the
 * account's email changes; an email-change token carries the new
 * address it confirms.  At most MAIL_PER_HOUR mails go to one address
 * in an hour, counted in the database so that every process sees the
 * same count.  The mail is queued only once the token is stored for
 * good (mailtoken_mail() after the commit) and goes out after the
 * answer (mail.c): the client never waits for the mailer, nor learns
 * from its timing whether an account exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "keys.h"
#include "mail.h"
#include "mailtoken.h"
#include "util.h"

#define HOUR	3600

/* Each kind: its name in the table, its mail and its link. */
static const struct {
	const char	*name;
	const char	*subject;
	const char	*page;	/* the link: the pages, page?token= */
	const char	*text;	/* printf: address, lifetime, link */
} kinds[MAIL__MAX] = {
	/* MAIL_RESET */
	{ "reset", "Reset your password", "reset-password",
	    "Hello,\n\n"
	    "someone asked to reset the password of the account for\n"
	    "%s.  To choose a new password, open this link within %s:\n\n"
	    "%s\n\n"
	    "The link works once.  If you did not ask for this, ignore this\n"
	    "mail: your password stays as it is.\n" },
	/* MAIL_VERIFY */
	{ "verify", "Confirm your email address", "verify-email",
	    "Hello,\n\n"
	    "please confirm that %s is your email address by\n"
	    "opening this link within %s:\n\n"
	    "%s\n\n"
	    "The link works once.  If you did not ask for this, ignore this\n"
	    "mail.\n" },
	/* MAIL_EMAIL */
	{ "email", "Confirm your new email address", "confirm-email",
	    "Hello,\n\n"
	    "someone asked to make %s the email address of\n"
	    "their account.  To confirm it, open this link within %s:\n\n"
	    "%s\n\n"
	    "The link works once.  Until then the account keeps its old\n"
	    "address.  If you did not ask for this, ignore this mail:\n"
	    "nothing changes.\n" },
};

/* How long a token of kind lives, in seconds. */
static long
lifetime(enum mailkind kind)
{

	return kind == MAIL_RESET ? cfg->reset_ttl : cfg->verify_ttl;
}

/* A lifetime in words for the mail: "1 hour", "90 minutes". */
static void
words(long s, char out[32])
{
	static const struct {
		long		 unit;
		const char	*name;
	} units[] = {
		{ 86400, "day" }, { 3600, "hour" }, { 60, "minute" },
		{ 1, "second" },
	};
	size_t	 i;

	for (i = 0; i < nitems(units) - 1 && s % units[i].unit != 0; i++)
		continue;
	snprintf(out, 32, "%ld %s%s", s / units[i].unit, units[i].name,
	    s / units[i].unit == 1 ? "" : "s");
}

/*
 * Queue the mail of an issued token (now stored for good): the link
 * is the pages' address, the kind's page and the token.  The pages are
 * AUTH_ACCOUNT_URL when a site has its own, else the account pages
 * this service serves, AUTH_PUBLIC_URL/account (either without a
 * trailing '/').  A failure is logged by mail.c; the token stays
 * valid, so asking again works.  m is wiped.  Returns 1, or -1.
 */
int
mailtoken_mail(struct mailtoken *m)
{
	const char	*url = cfg->account_url != NULL ? cfg->account_url :
			    cfg->public_url;
	const char	*dir = cfg->account_url != NULL ? "" : "/account";
	char		*link = NULL, *body = NULL, ttl[32];
	int		 n = (int)strlen(url), rc = -1;

	while (n > 0 && url[n - 1] == '/')
		n--;
	words(lifetime(m->kind), ttl);
	if (asprintf(&link, "%.*s%s/%s?token=%s", n, url, dir,
	    kinds[m->kind].page, m->token) == -1)
		link = NULL;
	else if (asprintf(&body, kinds[m->kind].text, m->to, ttl, link) == -1)
		body = NULL;
	if (body != NULL)
		rc = mail_queue(m->to, kinds[m->kind].subject, body) == -1 ?
		    -1 : 1;
	else
		LOG("mail: out of memory");
	if (link != NULL)
		explicit_bzero(link, strlen(link));
	if (body != NULL)
		explicit_bzero(body, strlen(body));
	free(link);
	free(body);
	explicit_bzero(m, sizeof(*m));
	return rc;
}

/* The stored form of a token: an HMAC under the mail tokens' key. */
static int
token_key(const char *token, unsigned char h[SHA256_LEN])
{

	if (!token_opaque(token))
		return 0;
	keys_hmac(KEY_MAIL, token, REFRESH_LEN, h);
	return 1;
}

/*
 * Drop a bounded number of expired tokens and of mail counts older
 * than the hour, then count the mails to email within the hour, its
 * count held until the caller's transaction ends (so parallel requests
 * for one address take turns: a row lock cannot hold a count).
 * Returns the count, or -1.
 */
static int
purge_and_count(const char *email, int64_t now)
{
	int64_t	 n;

	if (db_get(SQL_MAIL_LOG_LOCK, DB_ARGS(DB_TEXT(email)), NULL,
	    NULL) == -1 ||
	    db_exec_later(SQL_MAIL_TOKEN_PURGE, DB_ARGS(DB_INT(now)), -1) == -1 ||
	    db_exec_later(SQL_MAIL_LOG_PURGE, DB_ARGS(DB_INT(now - HOUR)),
	    -1) == -1 ||
	    db_count(SQL_MAIL_LOG_COUNT, DB_ARGS(DB_TEXT(email),
	    DB_INT(now - HOUR)), &n) == -1)
		return -1;
	return (int)n;
}

/*
 * Store a token of kind (hash h) for user uid at email, replacing the
 * user's older ones of that kind, and count the mail.  Returns 1 or -1.
 */
static int
store(enum mailkind kind, int64_t uid, const char *email,
    const unsigned char h[SHA256_LEN], int64_t now)
{

	if (mailtoken_drop(kind, uid) == -1 ||
	    db_exec_later(SQL_MAIL_TOKEN_INSERT, DB_ARGS(DB_BLOB(h, SHA256_LEN),
	    DB_TEXT(kinds[kind].name), DB_INT(uid), DB_TEXT(email),
	    DB_INT(now), DB_INT(now + lifetime(kind))), -1) == -1 ||
	    db_exec_later(SQL_MAIL_LOG_INSERT, DB_ARGS(DB_TEXT(email),
	    DB_INT(now)), -1) == -1)
		return -1;
	return 1;
}

/*
 * Issue user uid a new token of kind for address email, inside the
 * caller's transaction, unless MAIL_PER_HOUR mails went to that address
 * within the hour.  uid 0 (no such account) makes the same purge and
 * count and stores nothing, so the request costs about the same either
 * way.  Returns 1 with m filled (mail it with mailtoken_mail() once the
 * transaction has committed), 0 if there is nothing to mail (no
 * account, or over the limit), -1 on error.
 */
int
mailtoken_issue(enum mailkind kind, int64_t uid, const char *email,
    struct mailtoken *m)
{
	unsigned char	 raw[REFRESH_RAW], h[SHA256_LEN];
	int64_t		 now = util_now();
	int		 n, rc = -1;

	memset(m, 0, sizeof(*m));
	if (token_random(raw, m->token) == -1)
		goto out;
	token_key(m->token, h);
	if ((n = purge_and_count(email, now)) == -1)
		goto out;
	if (uid == 0 || n >= MAIL_PER_HOUR) {
		rc = 0;
		goto out;
	}
	if (store(kind, uid, email, h, now) == -1)
		goto out;
	m->kind = kind;
	snprintf(m->to, sizeof(m->to), "%s", email);
	rc = 1;
out:
	explicit_bzero(raw, sizeof(raw));
	if (rc != 1)
		explicit_bzero(m, sizeof(*m));
	return rc;
}

/*
 * Void user uid's unused tokens of kind, inside the caller's
 * transaction.  Returns 1, or -1.
 */
int
mailtoken_drop(enum mailkind kind, int64_t uid)
{

	return db_exec(SQL_MAIL_TOKEN_DROP, DB_ARGS(DB_INT(uid),
	    DB_TEXT(kinds[kind].name))) == -1 ? -1 : 1;
}

/*
 * mailtoken_issue() in a transaction of its own, then the mail.
 * Returns 1 if a mail is on its way, 0 if none is, -1 on error.
 */
int
mailtoken_send(enum mailkind kind, int64_t uid, const char *email)
{
	struct mailtoken	 m;
	int			 rc;

	if (db_begin() == -1)
		return -1;
	if ((rc = mailtoken_issue(kind, uid, email, &m)) == -1 ||
	    db_commit() == -1) {
		db_rollback();
		explicit_bzero(&m, sizeof(m));
		return -1;
	}
	if (rc == 1 && mailtoken_mail(&m) == -1)
		return -1;
	return rc;
}

/* A token's row, as SQL_MAIL_TOKEN_FIND reads it. */
struct found {
	int64_t	*uid;
	char	*email;
	int64_t	 expires;
	int	 used, same;
};

static int
found_row(const struct db_row *row, void *arg)
{
	struct found	*f = arg;

	*f->uid = db_int(row, 0);
	f->expires = db_int(row, 1);
	f->used = db_int(row, 2) != 0;
	f->same = db_int(row, 3) != 0;
	snprintf(f->email, EMAIL_MAX + 1, "%s", db_text(row, 4));
	return 0;
}

/*
 * Look a presented token of kind up (its stored form into h).  Returns
 * REDEEM_OK with *uid and email (the address it was mailed to) set,
 * why it does not work, or REDEEM_ERROR.
 */
static enum redeem
find(enum mailkind kind, const char *token, unsigned char h[SHA256_LEN],
    int64_t *uid, char email[EMAIL_MAX + 1])
{
	struct found	 f = { uid, email, 0, 0, 0 };
	int		 rc;

	if (!token_key(token, h))
		return REDEEM_UNKNOWN;
	rc = db_get(SQL_MAIL_TOKEN_FIND, DB_ARGS(DB_BLOB(h, SHA256_LEN),
	    DB_TEXT(kinds[kind].name)), found_row, &f);
	if (rc != 1)
		return rc == 0 ? REDEEM_UNKNOWN : REDEEM_ERROR;
	if (f.used)
		return REDEEM_USED;
	if (f.expires <= util_now())
		return REDEEM_EXPIRED;
	/* A new address's token confirms that address, not the old one. */
	return f.same || kind == MAIL_EMAIL ? REDEEM_OK : REDEEM_MOVED;
}

/*
 * Would a token of kind work?  Reads only: a handler checks before
 * slow work (bcrypt), then redeems in its transaction.
 */
enum redeem
mailtoken_check(enum mailkind kind, const char *token, int64_t *uid)
{
	unsigned char	 h[SHA256_LEN];
	char		 email[EMAIL_MAX + 1];

	return find(kind, token, h, uid, email);
}

/*
 * Use up a token of kind, inside the caller's transaction.  Returns
 * REDEEM_OK with *uid and email (the address it was mailed to) set
 * (the token is now used), why it does not work, or REDEEM_ERROR.
 */
enum redeem
mailtoken_redeem(enum mailkind kind, const char *token, int64_t *uid,
    char email[EMAIL_MAX + 1])
{
	unsigned char	 h[SHA256_LEN];
	enum redeem	 rc;

	if ((rc = find(kind, token, h, uid, email)) != REDEEM_OK)
		return rc;
	switch (db_exec(SQL_MAIL_TOKEN_USE, DB_ARGS(DB_INT(util_now()),
	    DB_BLOB(h, SHA256_LEN)))) {
	case -1:
		return REDEEM_ERROR;
	case 0:
		return REDEEM_USED;
	}
	return REDEEM_OK;
}
