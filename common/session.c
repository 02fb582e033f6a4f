/*
 * Sessions and the token lifecycle.  A login opens a session; each
 * refresh rotates its refresh token; presenting a rotated token after
 * the grace window is treated as theft and revokes the session (OAuth
 * 2.0 Security BCP, refresh token rotation).  Every write that touches
 * more than one row runs in one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "metrics.h"
#include "notice.h"
#include "session.h"
#include "throttle.h"
#include "util.h"

/*
 * Store a new refresh token for session sid, held back (an INSERT of
 * VALUES makes its row or fails).  Returns 1, or -1.
 */
static int
refresh_insert(const char *token, int64_t sid, int64_t now)
{
	unsigned char	 hash[SHA256_LEN];

	token_refresh_hash(token, hash);
	return db_exec_later(SQL_REFRESH_INSERT, DB_ARGS(DB_BLOB(hash,
	    sizeof(hash)), DB_INT(sid), DB_INT(now)), -1);
}

/*
 * In cookie mode, make the session's fingerprint: t->fgp gets the
 * cookie's value, hash its SHA-256 (kept with the session) and hex the
 * same as the access token's "fgp" claim.  Returns 1, or -1.
 */
static int
fingerprint_new(struct tokens *t, unsigned char hash[SHA256_LEN],
    char hex[2 * SHA256_LEN + 1])
{
	unsigned char	 raw[FGP_RAW];

	if (util_random(raw, sizeof(raw)) == -1)
		return -1;
	util_base64url(raw, sizeof(raw), t->fgp);
	explicit_bzero(raw, sizeof(raw));
	util_sha256(t->fgp, FGP_LEN, hash);
	util_hex(hash, SHA256_LEN, hex);
	return 1;
}

/*
 * The end of a session begun at created and used at now: a refresh TTL
 * from now, never past its maximum age.
 */
static int64_t
end_of(int64_t created, int64_t now)
{
	int64_t	 end = now + cfg->refresh_ttl;

	return end < created + cfg->session_max_age ? end :
	    created + cfg->session_max_age;
}

/* A db_write() callback: the int64_t at arg gets the first column. */
static int
first_int(const struct db_row *row, void *arg)
{

	*(int64_t *)arg = db_int(row, 0);
	return 0;
}

/*
 * A db_each() callback of SQL_SESSION_EVICT: record session.revoked
 * for each session a login evicted, of user *arg.  (The rows are the
 * backend's by now: a write in between is safe on either store.)
 */
static int
evicted_row(const struct db_row *row, void *arg)
{

	return audit_record(AUDIT_SESSION_REVOKED, *(const int64_t *)arg,
	    db_int(row, 0)) == 1 ? 0 : -1;
}

/*
 * The writes of a login, inside the caller's transaction: hold user
 * uid (parallel logins of one account take turns, so each counts the
 * sessions the last one left; u gets the user as held), purge a few
 * dead sessions, keep max - 1 active ones (so the new one makes max;
 * each evicted one recorded as session.revoked), insert the session
 * (t->sid, made by amr) and its refresh token, forget the failures
 * counted on th (the login's proof), and record the login (and its
 * second factor, mfa.success, if it had one).
 */
static int
open_locked(int64_t uid, struct user *u, const char *ip, const char *agent,
    const unsigned char *fgp, const char *amr, const struct throttle *th,
    struct tokens *t, int64_t now)
{

	if (user_lock(uid, u) != 1 ||
	    db_exec_later(SQL_SESSION_PURGE, DB_ARGS(DB_INT(now)), -1) == -1 ||
	    db_each(SQL_SESSION_EVICT, DB_ARGS(DB_INT(now), DB_INT(uid),
	    DB_INT(cfg->max_sessions - 1)), evicted_row, &uid) == -1)
		return -1;
	if (db_write(SQL_SESSION_INSERT, DB_ARGS(DB_INT(uid), DB_INT(now),
	    DB_INT(now), DB_INT(t->expires_at), DB_TEXT(ip != NULL ? ip : ""),
	    DB_TEXT(agent), fgp != NULL ? DB_BLOB(fgp, SHA256_LEN) : DB_NULL,
	    DB_TEXT(amr)), first_int, &t->sid) != DB_DONE ||
	    refresh_insert(t->refresh, t->sid, now) == -1 ||
	    throttle_forget(th) == -1)
		return -1;
	if (strcmp(amr, AMR_PWD) != 0 &&
	    audit_record(AUDIT_MFA_SUCCESS, uid, t->sid) == -1)
		return -1;
	return audit_record(AUDIT_LOGIN_SUCCESS, uid, t->sid);
}

/*
 * Open a session for user uid from address ip and agent ua, logged in
 * by amr (AMR_PWD, AMR_PWD_OTP) through the counters of th, revoking
 * the least recently used ones beyond AUTH_MAX_SESSIONS, forgetting
 * th's failures and recording login.success, in one transaction (a
 * login's success is one write); the token carries the role the user
 * has then.  In cookie mode the session gets a fingerprint (t->fgp).
 * Returns 1 with t filled, or -1 (no such user included).
 */
int
session_open(int64_t uid, const char *ip, const char *ua, const char *amr,
    const struct throttle *th, struct tokens *t)
{
	unsigned char	 raw[REFRESH_RAW], fgp[SHA256_LEN];
	char		 agent[AGENT_MAX + 1], claim[2 * SHA256_LEN + 1];
	int64_t		 now = util_now();
	struct user	 u;
	struct grant	 g = { uid, 0, NULL, NULL, now, amr };
	int		 rc = -1;

	memset(t, 0, sizeof(*t));
	util_printable(ua, agent, AGENT_MAX);
	t->expires_at = end_of(now, now);
	t->issued_at = now;
	if (token_random(raw, t->refresh) == -1 ||
	    (cfg->cookie_mode && fingerprint_new(t, fgp, claim) == -1) ||
	    db_begin() == -1)
		goto out;
	g.fgp = cfg->cookie_mode ? claim : NULL;
	if (open_locked(uid, &u, ip, agent, cfg->cookie_mode ? fgp : NULL, amr,
	    th, t, now) != 1 || db_commit() != 1) {
		db_rollback();
		goto out;
	}
	/*
	 * Signed after the commit, so the write lock is held for the
	 * writes alone; a session whose token could not be signed is
	 * closed again (nobody holds its tokens).
	 */
	g.sid = t->sid;
	g.role = u.role;
	if (token_access_issue(&g, &t->access) == 1) {
		metrics_add(METRIC_LOGIN_SUCCESS, 1);
		rc = 1;
	} else
		session_revoke(uid, t->sid);
out:
	explicit_bzero(raw, sizeof(raw));
	if (rc == -1)
		tokens_free(t);
	return rc;
}

/*
 * Move the last use of session sid (begun at created) to now and its
 * end to end_of() them; *expires gets the new end.  Computed here, not
 * returned by the UPDATE, so that PostgreSQL sends it with the COMMIT:
 * no round trip of its own.  Returns 1, or -1.
 */
static int
extend(int64_t sid, int64_t created, int64_t now, int64_t *expires)
{

	*expires = end_of(created, now);
	return db_exec_later(SQL_SESSION_EXTEND, DB_ARGS(DB_INT(now),
	    DB_INT(*expires), DB_INT(sid)), 1);
}

/*
 * Bound what session sid keeps once the token of hash h was rotated
 * out: the current token, h's row and the REFRESH_KEEP rows rotated
 * before it stay, for reuse detection; only h keeps a sealed successor
 * (no other's successor can still be current).  Returns 1, or -1.
 */
static int
prune(int64_t sid, const unsigned char h[SHA256_LEN])
{

	if (db_exec_later(SQL_REFRESH_PRUNE, DB_ARGS(DB_INT(sid),
	    DB_INT(REFRESH_KEEP + 2)), -1) == -1 ||
	    db_exec_later(SQL_REFRESH_UNSEAL_SESSION, DB_ARGS(DB_INT(sid),
	    DB_BLOB(h, SHA256_LEN)), -1) == -1)
		return -1;
	return 1;
}

/* Rotate old (hash h) out of session sid: t->refresh gets its successor. */
static int
rotate(const char *old, const unsigned char h[SHA256_LEN], int64_t sid,
    int64_t now, struct tokens *t)
{
	unsigned char	 raw[REFRESH_RAW], sealed[REFRESH_RAW];
	int		 rc = -1;

	if (token_random(raw, t->refresh) == -1)
		return -1;
	token_refresh_seal(raw, old, sealed);
	if (db_exec_later(SQL_REFRESH_ROTATE, DB_ARGS(DB_INT(now),
	    DB_BLOB(sealed, sizeof(sealed)), DB_BLOB(h, SHA256_LEN)), 1) == 1 &&
	    refresh_insert(t->refresh, sid, now) == 1 && prune(sid, h) == 1)
		rc = 1;
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(sealed, sizeof(sealed));
	return rc;
}

/*
 * Within the grace window, the token just rotated out gets the
 * session's current refresh token: unseal its successor and check that
 * it is still current.  Returns 1 with t->refresh set, 0 if not, -1.
 */
static int
grace(const char *old, const unsigned char sealed[REFRESH_RAW], int64_t sid,
    struct tokens *t)
{
	unsigned char	 h[SHA256_LEN];
	int		 rc;

	token_refresh_unseal(sealed, old, t->refresh);
	token_refresh_hash(t->refresh, h);
	rc = db_get(SQL_REFRESH_IS_CURRENT, DB_ARGS(DB_BLOB(h, sizeof(h)),
	    DB_INT(sid)), NULL, NULL);
	if (rc != 1)
		explicit_bzero(t->refresh, sizeof(t->refresh));
	return rc;
}

/* What the row of a presented refresh token says, read under the lock. */
struct presented {
	int64_t		 now;		/* in: the time of the refresh */
	int64_t		 sid, uid;
	int		 active;	/* the session is live */
	int		 fresh;		/* the token was never rotated */
	int		 graced;	/* rotated within the grace window */
	int		 bound;		/* the session has a fingerprint */
	unsigned char	 sealed[REFRESH_RAW];
	unsigned char	 fgp[SHA256_LEN];
	int64_t		 auth_time;	/* the last password proof */
	char		 amr[AMR_MAX + 1];
	char		 role[ROLE_MAX + 1];	/* its user's */
	int64_t		 created;	/* the session's login */
};

/* A db_get() callback: fill the struct presented at arg. */
static int
presented_row(const struct db_row *row, void *arg)
{
	struct presented	*pr = arg;
	const void		*b;
	size_t			 len;

	pr->sid = db_int(row, 0);
	pr->fresh = db_null(row, 1);
	b = db_blob(row, 2, &len);
	pr->graced = !pr->fresh && pr->now - db_int(row, 1) <
	    cfg->refresh_grace && len == REFRESH_RAW;
	if (pr->graced)
		memcpy(pr->sealed, b, REFRESH_RAW);
	pr->uid = db_int(row, 3);
	pr->active = db_int(row, 4) != 0;
	b = db_blob(row, 5, &len);
	if ((pr->bound = len == SHA256_LEN))
		memcpy(pr->fgp, b, SHA256_LEN);
	pr->auth_time = db_int(row, 6);
	snprintf(pr->amr, sizeof(pr->amr), "%s", db_text(row, 7));
	snprintf(pr->role, sizeof(pr->role), "%s", db_text(row, 8));
	pr->created = db_int(row, 9);
	return 0;
}

/*
 * A session with a fingerprint refreshes only with its cookie fgp: a
 * refresh token alone, stolen without it, gets nothing (and costs the
 * owner nothing).  The cookie is sent again as it is, and claim gets
 * the access token's "fgp".  Returns 1 if the refresh may go on, 0.
 */
static int
fingerprint_match(const struct presented *pr, const char *fgp,
    struct tokens *t, char claim[2 * SHA256_LEN + 1])
{
	unsigned char	 got[SHA256_LEN];

	claim[0] = '\0';
	if (!pr->bound)
		return 1;
	if (fgp == NULL || strlen(fgp) != FGP_LEN)
		return 0;
	util_sha256(fgp, FGP_LEN, got);
	if (!util_equal(got, pr->fgp, SHA256_LEN))
		return 0;
	memcpy(t->fgp, fgp, FGP_LEN + 1);
	util_hex(pr->fgp, SHA256_LEN, claim);
	return 1;
}

/*
 * Take the token of hash h one step, once its session and fingerprint
 * passed: rotate a fresh one, answer one rotated within the grace
 * window, or treat any other as stolen: revoke its session, record
 * refresh.reuse and keep the owner's address for the notice (to).
 */
static enum refresh
advance(const char *token, const unsigned char h[SHA256_LEN],
    struct presented *pr, struct tokens *t, char to[EMAIL_MAX + 1])
{
	struct user	 u;
	int		 rc;

	if (pr->fresh)
		rc = rotate(token, h, pr->sid, pr->now, t);
	else if (pr->graced)
		rc = grace(token, pr->sealed, pr->sid, t);
	else
		rc = 0;
	if (rc != 0)
		return rc == 1 ? REFRESH_OK : REFRESH_ERROR;
	if (session_revoke(pr->uid, pr->sid) == -1 ||
	    audit_record(AUDIT_REFRESH_REUSE, pr->uid, pr->sid) == -1 ||
	    user_load(pr->uid, &u) != 1)
		return REFRESH_ERROR;
	memcpy(to, u.email, EMAIL_MAX + 1);
	LOG("session %lld: refresh token reused; session revoked",
	    (long long)pr->sid);
	return REFRESH_REUSED;
}

/*
 * What a refresh learns under the lock for the access token it mints
 * after it: the token's row (with its user's role), the "fgp" claim.
 */
struct refreshed {
	struct presented pr;
	char		 claim[2 * SHA256_LEN + 1];
};

/* The grant of a refresh's access token, in g. */
static const struct grant *
grant_of(const struct refreshed *f, struct grant *g)
{

	g->uid = f->pr.uid;
	g->sid = f->pr.sid;
	g->role = f->pr.role;
	g->fgp = f->claim[0] != '\0' ? f->claim : NULL;
	g->auth_time = f->pr.auth_time;
	g->amr = f->pr.amr;
	return g;
}

/*
 * When this process last committed a refresh, which wipes the seals
 * older than the grace window: once a second is as good as every
 * refresh (a seal is only ever read within the window, and this only
 * wipes it at rest) and costs a statement a second, not one each.
 */
static int64_t	 swept;

/*
 * The refresh itself, inside the caller's transaction: wipe old seals
 * (at most once a second), find the token, check its session and
 * fingerprint, advance it, then extend the session; f gets what the
 * access token needs.
 */
static enum refresh
refresh_locked(const char *token, const unsigned char h[SHA256_LEN],
    const char *fgp, struct tokens *t, char to[EMAIL_MAX + 1],
    struct refreshed *f)
{
	struct presented	*pr = &f->pr;
	enum refresh		 rc;
	int			 found;

	pr->now = util_now();
	if ((pr->now != swept && db_exec_later(SQL_REFRESH_UNSEAL_OLD,
	    DB_ARGS(DB_INT(pr->now - cfg->refresh_grace)), -1) == -1) ||
	    (found = db_get(SQL_REFRESH_FIND, DB_ARGS(DB_BLOB(h, SHA256_LEN),
	    DB_INT(pr->now), DB_INT(cfg->session_max_age)), presented_row,
	    pr)) == -1)
		rc = REFRESH_ERROR;
	else if (!found || !pr->active ||
	    !fingerprint_match(pr, fgp, t, f->claim))
		rc = REFRESH_INVALID;
	else if ((rc = advance(token, h, pr, t, to)) == REFRESH_OK &&
	    extend(pr->sid, pr->created, pr->now, &t->expires_at) == -1)
		rc = REFRESH_ERROR;
	t->sid = pr->sid;
	t->issued_at = pr->now;
	return rc;
}

/* Each outcome's counter. */
static const enum metric outcomes[] = {
	METRIC_REFRESH_SUCCESS,		/* REFRESH_OK */
	METRIC_REFRESH_INVALID,		/* REFRESH_INVALID */
	METRIC_REFRESH_REUSED,		/* REFRESH_REUSED */
	METRIC_REFRESH_ERROR,		/* REFRESH_ERROR */
};

/*
 * Exchange a refresh token for new tokens, in one transaction, so that
 * parallel refreshes of one token are serialised: the first rotates,
 * the rest see a token rotated within the grace window and get the
 * same successor.  fgp is the fingerprint cookie's value, or NULL.
 * A reuse commits the revocation it made and its audit entry, then
 * tells the owner by mail; anything else but success writes nothing.
 */
enum refresh
session_refresh(const char *token, const char *fgp, struct tokens *t)
{
	unsigned char	 h[SHA256_LEN];
	char		 to[EMAIL_MAX + 1] = "";
	struct refreshed f;
	struct grant	 g;
	enum refresh	 rc = REFRESH_INVALID;

	memset(t, 0, sizeof(*t));
	memset(&f, 0, sizeof(f));
	if (!token_refresh_hash(token, h))
		goto out;
	if (db_begin() == -1) {
		rc = REFRESH_ERROR;
		goto out;
	}
	rc = refresh_locked(token, h, fgp, t, to, &f);
	if ((rc == REFRESH_OK || rc == REFRESH_REUSED) && db_commit() == -1)
		rc = REFRESH_ERROR;
	if (rc != REFRESH_OK && rc != REFRESH_REUSED)
		db_rollback();
	else
		swept = f.pr.now;
	/*
	 * Signed after the commit, so the write lock is held for the
	 * writes alone (an ES256 signature is most of a refresh's CPU).
	 * Should it fail, the successor stays within the grace window:
	 * the client's retry with the same token gets it again.
	 */
	if (rc == REFRESH_OK &&
	    token_access_issue(grant_of(&f, &g), &t->access) == -1)
		rc = REFRESH_ERROR;
	if (rc == REFRESH_REUSED) {
		metrics_add(METRIC_REUSE_DETECTED, 1);
		notice_mail(NOTICE_REFRESH_REUSE, to, NULL);
	}
out:
	explicit_bzero(&f, sizeof(f));
	metrics_add(outcomes[rc], 1);
	if (rc != REFRESH_OK)
		tokens_free(t);
	return rc;
}

/* A db_get() callback: the struct auth at arg and the last use. */
struct verified {
	struct auth	*a;
	int64_t		 last;
};

static int
verified_row(const struct db_row *row, void *arg)
{
	struct verified	*v = arg;

	user_row(row, &v->a->user);
	v->last = db_int(row, 8);
	return 0;
}

/*
 * The session and user of access token token, if the token verifies
 * (c gets its claims) and its session is active: a->user from the
 * database, *last its session's last use.  Returns 1, 0, -1.
 */
static int
live(const char *token, struct claims *c, struct auth *a, int64_t *last)
{
	struct verified	 v = { a, 0 };
	int		 rc;

	if (!token_access_verify(token, c))
		return 0;
	if ((rc = db_get(SQL_SESSION_AUTH, DB_ARGS(DB_INT(c->sid),
	    DB_INT(c->uid), DB_INT(util_now())), verified_row, &v)) != 1)
		return rc;
	a->sid = c->sid;
	memcpy(a->fgp, c->fgp, sizeof(a->fgp));
	*last = v.last;
	return 1;
}

/*
 * Authenticate a bearer token: a valid JWT whose session is active and
 * whose user exists.  The user, and so the role, come from the
 * database.  Returns 1 with a filled, 0 if the token is refused, -1.
 */
int
session_authenticate(const char *token, struct auth *a)
{
	struct claims	 c;
	int64_t		 now = util_now(), last;
	int		 rc;

	if ((rc = live(token, &c, a, &last)) != 1)
		return rc;
	/* Record use at most once a minute: no write per request. */
	if (now - last >= TOUCH_INTERVAL)
		db_exec(SQL_SESSION_TOUCH, DB_ARGS(DB_INT(now), DB_INT(c.sid)));
	return 1;
}

/*
 * User uid proved a password in session sid (re-authentication): the
 * session's next access tokens say so in auth_time.  Returns 1, -1.
 */
int
session_proved(int64_t uid, int64_t sid)
{

	return db_exec(SQL_SESSION_PROVED, DB_ARGS(DB_INT(util_now()),
	    DB_INT(sid), DB_INT(uid))) == -1 ? -1 : 1;
}

/* A db_get() callback: the struct inspection at arg, of a refresh token. */
static int
inspected_row(const struct db_row *row, void *arg)
{
	struct inspection	*in = arg;
	int64_t			 end = db_int(row, 3);
	int64_t			 max = db_int(row, 4) + cfg->session_max_age;

	in->sid = db_int(row, 0);
	in->uid = db_int(row, 1);
	snprintf(in->role, sizeof(in->role), "%s", db_text(row, 2));
	in->exp = end < max ? end : max;
	in->iat = db_int(row, 5);
	return 0;
}

/*
 * What a resource server may know of token (RFC 7662): live if it is
 * an access token whose session is active (one bound to a browser's
 * fingerprint cookie is not: it is good only beside that cookie), or
 * its session's current refresh token.  Nothing is written.  Returns
 * 1 with in filled, 0 if it is not live, -1.
 */
int
session_inspect(const char *token, struct inspection *in)
{
	struct claims	 c;
	struct auth	 a;
	unsigned char	 h[SHA256_LEN];
	int64_t		 last, now = util_now();
	int		 rc;

	memset(in, 0, sizeof(*in));
	if (token_refresh_hash(token, h)) {
		in->refresh = 1;
		return db_get(SQL_REFRESH_INSPECT, DB_ARGS(DB_BLOB(h,
		    sizeof(h)), DB_INT(now), DB_INT(cfg->session_max_age)),
		    inspected_row, in);
	}
	if ((rc = live(token, &c, &a, &last)) != 1 || c.fgp[0] != '\0')
		rc = rc == -1 ? -1 : 0;
	else {
		in->uid = c.uid;
		in->sid = c.sid;
		memcpy(in->role, a.user.role, sizeof(in->role));
		in->exp = c.exp;
		in->iat = c.iat;
	}
	explicit_bzero(&a, sizeof(a));
	return rc;
}

/* A db_get() callback of SQL_REFRESH_FIND: session and user ids. */
static int
owner_row(const struct db_row *row, void *arg)
{
	int64_t	*ids = arg;

	ids[0] = db_int(row, 0);
	ids[1] = db_int(row, 3);
	return 0;
}

/*
 * Revoke the session of token (RFC 7009), recorded as session.revoked:
 * an access token that verifies, or a refresh token of the session,
 * current or kept.
 * Returns 1 if a session was revoked, 0 if none was (an unknown or
 * spent token, a session revoked already), -1.
 */
int
session_revoke_token(const char *token)
{
	struct claims	 c;
	unsigned char	 h[SHA256_LEN];
	int64_t		 ids[2];
	int		 rc;

	if (token_access_verify(token, &c))
		return session_close(c.uid, c.sid, AUDIT_SESSION_REVOKED);
	if (!token_refresh_hash(token, h))
		return 0;
	if ((rc = db_get(SQL_REFRESH_FIND, DB_ARGS(DB_BLOB(h, sizeof(h)),
	    DB_INT(util_now()), DB_INT(cfg->session_max_age)), owner_row,
	    ids)) != 1)
		return rc;
	return session_close(ids[1], ids[0], AUDIT_SESSION_REVOKED);
}

/*
 * Does the fingerprint cookie fgp (NULL if none) match the access
 * token's "fgp" claim?  A token without the claim (bearer mode) needs
 * no cookie.  Returns 1 if the request may go on, 0 if not.
 */
int
session_fingerprint_ok(const struct auth *a, const char *fgp)
{
	unsigned char	 hash[SHA256_LEN];
	char		 hex[2 * SHA256_LEN + 1];

	if (a->fgp[0] == '\0')
		return 1;
	if (fgp == NULL || strlen(fgp) != FGP_LEN)
		return 0;
	util_sha256(fgp, FGP_LEN, hash);
	util_hex(hash, SHA256_LEN, hex);
	return util_equal(hex, a->fgp, 2 * SHA256_LEN);
}

/* Revoke one session of user uid.  Returns 1 if it was active, 0, -1. */
int
session_revoke(int64_t uid, int64_t sid)
{
	int	 n;

	n = db_exec(SQL_SESSION_REVOKE, DB_ARGS(DB_INT(util_now()),
	    DB_INT(sid), DB_INT(uid)));
	return n == -1 ? -1 : n > 0;
}

/*
 * Revoke every active session of user uid except session keep (0 to
 * revoke all).  Returns how many were revoked, or -1.
 */
int
session_revoke_user(int64_t uid, int64_t keep)
{

	return db_exec(SQL_SESSION_REVOKE_USER, DB_ARGS(DB_INT(util_now()),
	    DB_INT(uid), DB_INT(keep)));
}

/*
 * End session sid of user uid and record event e (logout,
 * session.revoked), in one transaction.  Returns 1 if it was active,
 * 0 if not (nothing recorded), -1.
 */
int
session_close(int64_t uid, int64_t sid, enum audit_event e)
{
	int	 rc;

	if (db_begin() == -1)
		return -1;
	if ((rc = session_revoke(uid, sid)) == 1 &&
	    audit_record(e, uid, sid) == -1)
		rc = -1;
	if (rc != 1 || db_commit() == -1) {
		db_rollback();
		return rc == 0 ? 0 : -1;
	}
	return 1;
}

/*
 * Revoke every active session of user uid, each recorded as
 * session.revoked, in one transaction.  The user is held first, as a
 * login holds it, so that the sessions recorded are the sessions
 * revoked on PostgreSQL too.  Returns how many, or -1.
 */
int
session_revoke_all(int64_t uid)
{
	struct user	 held;
	int		 n;

	if (db_begin() == -1)
		return -1;
	if (user_lock(uid, &held) == -1 || audit_sessions(uid) == -1 ||
	    (n = session_revoke_user(uid, 0)) == -1 || db_commit() == -1) {
		db_rollback();
		return -1;
	}
	return n;
}

/* How many sessions are active, into *n.  Returns 1, or -1. */
int
session_active(int64_t *n)
{

	return db_count(SQL_SESSION_ACTIVE, DB_ARGS(DB_INT(util_now())), n);
}

/* What session_each() hands its rows to. */
struct each {
	int	(*fn)(const struct session *, void *);
	void	*arg;
};

static int
each_row(const struct db_row *row, void *arg)
{
	struct each	*e = arg;
	struct session	 s;

	s.id = db_int(row, 0);
	s.created_at = db_int(row, 1);
	s.last_used_at = db_int(row, 2);
	s.expires_at = db_int(row, 3);
	snprintf(s.ip, sizeof(s.ip), "%s", db_text(row, 4));
	snprintf(s.user_agent, sizeof(s.user_agent), "%s", db_text(row, 5));
	return e->fn(&s, e->arg);
}

/*
 * Call fn(s, arg) for each active session of user uid, newest first;
 * fn returns 0 to go on or -1 to stop.  Returns 1, or -1 on error or
 * when fn stopped.
 */
int
session_each(int64_t uid, int (*fn)(const struct session *, void *),
    void *arg)
{
	struct each	 e = { fn, arg };

	return db_each(SQL_SESSION_LIST, DB_ARGS(DB_INT(uid),
	    DB_INT(util_now())), each_row, &e);
}

/*
 * Seconds the session has left (its refresh token with it), at least
 * 0, as of the instant its end was reckoned, as a token's expires_in
 * is of its iat: a fresh login says AUTH_REFRESH_TTL even when its
 * answer goes out in the next second.
 */
long
tokens_left(const struct tokens *t)
{
	int64_t	 left = t->expires_at - t->issued_at;

	return left > 0 ? (long)left : 0;
}

/* Free and wipe what a login or refresh handed out. */
void
tokens_free(struct tokens *t)
{

	free(t->access);
	explicit_bzero(t, sizeof(*t));
}
