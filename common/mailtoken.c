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

#include "api.h"
#include "keys.h"
#include "mail.h"
#include "mailtoken.h"

#define HOUR	3600

/* Each kind: its name in the table, its mail and its link. */
static const struct {
	const char	*name;
	const char	*subject;
	const char	*page;	/* the link is AUTH_PUBLIC_URL/page?token= */
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

/* Why a token does not work. */
static const char *const whys[] = {
	"the token is valid",				/* REDEEM_OK */
	"the token is not valid",			/* REDEEM_UNKNOWN */
	"the token has already been used",		/* REDEEM_USED */
	"the token has expired; ask for a new one",	/* REDEEM_EXPIRED */
	"the token was sent to an address the account no longer has",
							/* REDEEM_MOVED */
	"internal error",				/* REDEEM_ERROR */
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
 * is AUTH_PUBLIC_URL (without a trailing '/'), the kind's page and the
 * token.  A failure is logged by mail.c; the token stays valid, so
 * asking again works.  m is wiped.  Returns 0, or -1.
 */
int
mailtoken_mail(struct mailtoken *m)
{
	const char	*url = cfg->public_url;
	char		*link = NULL, *body = NULL, ttl[32];
	int		 n = (int)strlen(url), rc = -1;

	while (n > 0 && url[n - 1] == '/')
		n--;
	words(lifetime(m->kind), ttl);
	if (asprintf(&link, "%.*s/%s?token=%s", n, url, kinds[m->kind].page,
	    m->token) == -1)
		link = NULL;
	else if (asprintf(&body, kinds[m->kind].text, m->to, ttl, link) == -1)
		body = NULL;
	if (body != NULL)
		rc = mail_queue(m->to, kinds[m->kind].subject, body);
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

	if (token == NULL || strlen(token) != REFRESH_LEN ||
	    strspn(token, B64URL_CHARS) != REFRESH_LEN)
		return 0;
	keys_hmac(KEY_MAIL, token, REFRESH_LEN, h);
	return 1;
}

/*
 * Drop a bounded number of expired tokens and of mail counts older
 * than the hour, then count the mails to email within the hour.
 * Returns the count, or -1.
 */
static int
purge_and_count(const char *email, int64_t now)
{
	sqlite3_stmt	*st;
	int		 rc, n;

	st = db_stmt(SQL_MAIL_TOKEN_PURGE);
	if (db_bind_int(st, 1, now) == -1 || db_run(st) == -1)
		return -1;
	st = db_stmt(SQL_MAIL_LOG_PURGE);
	if (db_bind_int(st, 1, now - HOUR) == -1 || db_run(st) == -1)
		return -1;
	st = db_stmt(SQL_MAIL_LOG_COUNT);
	if (db_bind_text(st, 1, email) == -1 ||
	    db_bind_int(st, 2, now - HOUR) == -1 || (rc = db_step(st)) == -1)
		return -1;
	n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return n;
}

/*
 * Store a token of kind (hash h) for user uid at email, replacing the
 * user's older ones of that kind, and count the mail.  Returns 0 or -1.
 */
static int
store(enum mailkind kind, int64_t uid, const char *email,
    const unsigned char h[SHA256_LEN], int64_t now)
{
	sqlite3_stmt	*st;

	st = db_stmt(SQL_MAIL_TOKEN_DROP);
	if (db_bind_int(st, 1, uid) == -1 ||
	    db_bind_text(st, 2, kinds[kind].name) == -1 || db_run(st) == -1)
		return -1;
	st = db_stmt(SQL_MAIL_TOKEN_INSERT);
	if (db_bind_blob(st, 1, h, SHA256_LEN) == -1 ||
	    db_bind_text(st, 2, kinds[kind].name) == -1 ||
	    db_bind_int(st, 3, uid) == -1 || db_bind_text(st, 4, email) == -1 ||
	    db_bind_int(st, 5, now) == -1 ||
	    db_bind_int(st, 6, now + lifetime(kind)) == -1 || db_run(st) == -1)
		return -1;
	st = db_stmt(SQL_MAIL_LOG_INSERT);
	if (db_bind_text(st, 1, email) == -1 || db_bind_int(st, 2, now) == -1)
		return -1;
	return db_run(st);
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
	if (token_refresh_new(raw, m->token) == -1)
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
 * transaction.  Returns 0, or -1.
 */
int
mailtoken_drop(enum mailkind kind, int64_t uid)
{
	sqlite3_stmt	*st = db_stmt(SQL_MAIL_TOKEN_DROP);

	if (db_bind_int(st, 1, uid) == -1 ||
	    db_bind_text(st, 2, kinds[kind].name) == -1)
		return -1;
	return db_run(st);
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

/*
 * Look a presented token of kind up (its stored form into h).  Returns
 * REDEEM_OK with *uid and email (the address it was mailed to) set,
 * why it does not work, or REDEEM_ERROR.
 */
static enum redeem
find(enum mailkind kind, const char *token, unsigned char h[SHA256_LEN],
    int64_t *uid, char email[EMAIL_MAX + 1])
{
	sqlite3_stmt	*st;
	int64_t		 expires;
	int		 rc, used, same;

	if (!token_key(token, h))
		return REDEEM_UNKNOWN;
	st = db_stmt(SQL_MAIL_TOKEN_FIND);
	if (db_bind_blob(st, 1, h, SHA256_LEN) == -1 ||
	    db_bind_text(st, 2, kinds[kind].name) == -1 ||
	    (rc = db_step(st)) == -1)
		return REDEEM_ERROR;
	if (rc != SQLITE_ROW)
		return REDEEM_UNKNOWN;
	*uid = sqlite3_column_int64(st, 0);
	expires = sqlite3_column_int64(st, 1);
	used = sqlite3_column_int(st, 2);
	same = sqlite3_column_int(st, 3);
	snprintf(email, EMAIL_MAX + 1, "%s", db_text(st, 4));
	sqlite3_reset(st);
	if (used)
		return REDEEM_USED;
	if (expires <= util_now())
		return REDEEM_EXPIRED;
	/* A new address's token confirms that address, not the old one. */
	return same || kind == MAIL_EMAIL ? REDEEM_OK : REDEEM_MOVED;
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
	sqlite3_stmt	*st;
	unsigned char	 h[SHA256_LEN];
	enum redeem	 rc;

	if ((rc = find(kind, token, h, uid, email)) != REDEEM_OK)
		return rc;
	st = db_stmt(SQL_MAIL_TOKEN_USE);
	if (db_bind_int(st, 1, util_now()) == -1 ||
	    db_bind_blob(st, 2, h, SHA256_LEN) == -1 || db_run(st) == -1)
		return REDEEM_ERROR;
	return db_changes() == 1 ? REDEEM_OK : REDEEM_USED;
}

/*
 * Answer a token that does not work: 400 on field "token", saying why.
 * Returns 1, or 0 for REDEEM_ERROR (an internal failure).
 */
int
mailtoken_refuse(struct resp *p, enum redeem rc)
{

	if (rc == REDEEM_ERROR)
		return 0;
	return api_fail(p, ERR_INVALID_REQUEST, "token", whys[rc]);
}
