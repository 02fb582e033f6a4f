/*
 * Sessions and the token lifecycle.  A login opens a session; each
 * refresh rotates its refresh token; presenting a rotated token after
 * the grace window is treated as theft and revokes the session (OAuth
 * 2.0 Security BCP, refresh token rotation).  Every write that touches
 * more than one row runs in one transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "session.h"
#include "util.h"

/* Longest User-Agent kept for the session list. */
#define AGENT_MAX	256

/* Store a new refresh token for session sid. */
static int
refresh_insert(const char *token, int64_t sid)
{
	sqlite3_stmt	*st = db_stmt(SQL_REFRESH_INSERT);
	unsigned char	 hash[SHA256_LEN];

	token_refresh_hash(token, hash);
	if (db_bind_blob(st, 1, hash, sizeof(hash)) == -1 ||
	    db_bind_int(st, 2, sid) == -1)
		return -1;
	return db_run(st);
}

/* Copy a User-Agent, printable ASCII only, cut at AGENT_MAX bytes. */
static void
clean_agent(const char *in, char out[AGENT_MAX + 1])
{
	size_t	 i;

	for (i = 0; in != NULL && in[i] != '\0' && i < AGENT_MAX; i++)
		out[i] = in[i] >= 0x20 && in[i] < 0x7f ? in[i] : '?';
	out[i] = '\0';
}

/* Drop a bounded number of expired or revoked sessions. */
static int
purge(int64_t now)
{
	sqlite3_stmt	*st = db_stmt(SQL_SESSION_PURGE);

	if (db_bind_int(st, 1, now) == -1)
		return -1;
	return db_run(st);
}

/*
 * In cookie mode, make the session's fingerprint: t->fgp gets the
 * cookie's value, hash its SHA-256 (kept with the session) and hex the
 * same as the access token's "fgp" claim.  Returns 0, or -1.
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
	return 0;
}

/* How long a session opened now may live: a refresh TTL, within the max age. */
static int64_t
first_expiry(int64_t now)
{

	return now + (cfg->refresh_ttl < cfg->session_max_age ?
	    cfg->refresh_ttl : cfg->session_max_age);
}

/*
 * Open a session for u from address ip and agent ua, revoking the least
 * recently used ones beyond AUTH_MAX_SESSIONS.  In cookie mode the
 * session gets a fingerprint (t->fgp).  Returns 0 with t filled, or -1.
 */
int
session_open(const struct user *u, const char *ip, const char *ua,
    struct tokens *t)
{
	sqlite3_stmt	*st;
	unsigned char	 raw[REFRESH_RAW], fgp[SHA256_LEN];
	char		 agent[AGENT_MAX + 1], claim[2 * SHA256_LEN + 1];
	int64_t		 now = util_now();

	memset(t, 0, sizeof(*t));
	clean_agent(ua, agent);
	t->expires_at = first_expiry(now);
	if (token_refresh_new(raw, t->refresh) == -1 ||
	    (cfg->cookie_mode && fingerprint_new(t, fgp, claim) == -1) ||
	    db_begin() == -1)
		goto fail;
	if (purge(now) == -1)
		goto err;

	/* Keep max - 1 active sessions, so the new one makes max. */
	st = db_stmt(SQL_SESSION_EVICT);
	if (db_bind_int(st, 1, now) == -1 || db_bind_int(st, 2, u->id) == -1 ||
	    db_bind_int(st, 3, cfg->max_sessions - 1) == -1 || db_run(st) == -1)
		goto err;

	st = db_stmt(SQL_SESSION_INSERT);
	if (db_bind_int(st, 1, u->id) == -1 || db_bind_int(st, 2, now) == -1 ||
	    db_bind_int(st, 3, now) == -1 ||
	    db_bind_int(st, 4, t->expires_at) == -1 ||
	    db_bind_text(st, 5, ip != NULL ? ip : "") == -1 ||
	    db_bind_text(st, 6, agent) == -1 ||
	    (cfg->cookie_mode ? db_bind_blob(st, 7, fgp, sizeof(fgp)) :
	    db_bind_null(st, 7)) == -1 || db_run(st) == -1)
		goto err;
	t->sid = db_last_id();

	if (refresh_insert(t->refresh, t->sid) == -1 ||
	    token_access_issue(u->id, t->sid, u->role,
	    cfg->cookie_mode ? claim : NULL, &t->access) == -1 ||
	    db_commit() == -1)
		goto err;
	explicit_bzero(raw, sizeof(raw));
	return 0;
err:
	db_rollback();
fail:
	explicit_bzero(raw, sizeof(raw));
	tokens_free(t);
	return -1;
}

/*
 * Move a session's last use to now and its end to now + refresh TTL,
 * never past its maximum age; *expires gets the new end.  Returns 0,
 * or -1.
 */
static int
extend(int64_t sid, int64_t now, int64_t *expires)
{
	sqlite3_stmt	*st = db_stmt(SQL_SESSION_EXTEND);
	int		 rc;

	if (db_bind_int(st, 1, now) == -1 ||
	    db_bind_int(st, 2, cfg->refresh_ttl) == -1 ||
	    db_bind_int(st, 3, cfg->session_max_age) == -1 ||
	    db_bind_int(st, 4, sid) == -1 || (rc = db_step(st)) == -1)
		return -1;
	if (rc == SQLITE_ROW)
		*expires = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Bound what session sid keeps once the token of hash h was rotated
 * out: the current token, h's row and the REFRESH_KEEP rows rotated
 * before it stay, for reuse detection; only h keeps a sealed successor
 * (no other's successor can still be current).
 */
static int
prune(int64_t sid, const unsigned char h[SHA256_LEN])
{
	sqlite3_stmt	*st;

	st = db_stmt(SQL_REFRESH_PRUNE);
	if (db_bind_int(st, 1, sid) == -1 ||
	    db_bind_int(st, 2, REFRESH_KEEP + 2) == -1 || db_run(st) == -1)
		return -1;
	st = db_stmt(SQL_REFRESH_UNSEAL_SESSION);
	if (db_bind_int(st, 1, sid) == -1 ||
	    db_bind_blob(st, 2, h, SHA256_LEN) == -1)
		return -1;
	return db_run(st);
}

/*
 * Wipe the sealed successors of tokens rotated a grace window or more
 * ago, a bounded number at a time: past the window nobody may recover
 * them, so the database no longer holds them.
 */
static int
unseal_old(int64_t now)
{
	sqlite3_stmt	*st = db_stmt(SQL_REFRESH_UNSEAL_OLD);

	if (db_bind_int(st, 1, now - cfg->refresh_grace) == -1)
		return -1;
	return db_run(st);
}

/* Rotate old (hash h) out of session sid: t->refresh gets its successor. */
static int
rotate(const char *old, const unsigned char h[SHA256_LEN], int64_t sid,
    int64_t now, struct tokens *t)
{
	sqlite3_stmt	*st = db_stmt(SQL_REFRESH_ROTATE);
	unsigned char	 raw[REFRESH_RAW], sealed[REFRESH_RAW];
	int		 rc = -1;

	if (token_refresh_new(raw, t->refresh) == -1)
		return -1;
	token_refresh_seal(raw, old, sealed);
	if (db_bind_int(st, 1, now) == 0 &&
	    db_bind_blob(st, 2, sealed, sizeof(sealed)) == 0 &&
	    db_bind_blob(st, 3, h, SHA256_LEN) == 0 && db_run(st) == 0 &&
	    db_changes() == 1 && refresh_insert(t->refresh, sid) == 0 &&
	    prune(sid, h) == 0)
		rc = 0;
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
	sqlite3_stmt	*st;
	unsigned char	 h[SHA256_LEN];
	int		 rc;

	token_refresh_unseal(sealed, old, t->refresh);
	token_refresh_hash(t->refresh, h);
	st = db_stmt(SQL_REFRESH_IS_CURRENT);
	if (db_bind_blob(st, 1, h, sizeof(h)) == -1 ||
	    db_bind_int(st, 2, sid) == -1 || (rc = db_step(st)) == -1)
		return -1;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		explicit_bzero(t->refresh, sizeof(t->refresh));
	return rc == SQLITE_ROW;
}

/* Revoke session sid of user uid; returns 0 or -1. */
static int
revoke(int64_t uid, int64_t sid, int64_t now)
{
	sqlite3_stmt	*st = db_stmt(SQL_SESSION_REVOKE);

	if (db_bind_int(st, 1, now) == -1 || db_bind_int(st, 2, sid) == -1 ||
	    db_bind_int(st, 3, uid) == -1)
		return -1;
	return db_run(st);
}

/* What the row of a presented refresh token says, read under the lock. */
struct presented {
	int64_t		 sid, uid;
	int		 active;	/* the session is live */
	int		 fresh;		/* the token was never rotated */
	int		 graced;	/* rotated within the grace window */
	int		 bound;		/* the session has a fingerprint */
	unsigned char	 sealed[REFRESH_RAW];
	unsigned char	 fgp[SHA256_LEN];
};

/*
 * Read the row of the token of hash h and its session's state.
 * Returns 1 with pr filled, 0 if there is none, -1 on error.
 */
static int
presented_read(const unsigned char h[SHA256_LEN], int64_t now,
    struct presented *pr)
{
	sqlite3_stmt	*st = db_stmt(SQL_REFRESH_FIND);
	int		 rc;

	if (db_bind_blob(st, 1, h, SHA256_LEN) == -1 ||
	    db_bind_int(st, 2, now) == -1 ||
	    db_bind_int(st, 3, cfg->session_max_age) == -1 ||
	    (rc = db_step(st)) == -1)
		return -1;
	if (rc == SQLITE_ROW) {
		pr->sid = sqlite3_column_int64(st, 0);
		pr->fresh = sqlite3_column_type(st, 1) == SQLITE_NULL;
		pr->graced = !pr->fresh &&
		    now - sqlite3_column_int64(st, 1) < cfg->refresh_grace &&
		    sqlite3_column_bytes(st, 2) == REFRESH_RAW;
		if (pr->graced)
			memcpy(pr->sealed, sqlite3_column_blob(st, 2),
			    REFRESH_RAW);
		pr->uid = sqlite3_column_int64(st, 3);
		pr->active = sqlite3_column_int(st, 4);
		pr->bound = sqlite3_column_bytes(st, 5) == SHA256_LEN;
		if (pr->bound)
			memcpy(pr->fgp, sqlite3_column_blob(st, 5), SHA256_LEN);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW;
}

/*
 * A session with a fingerprint refreshes only with its cookie fgp: a
 * refresh token alone, stolen without it, gets nothing (and costs the
 * owner nothing).  The cookie is sent again as it is, and claim gets
 * the access token's "fgp".  Returns 1 if the refresh may go on.
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
 * The refresh itself, inside the caller's transaction: find the token,
 * check its session and fingerprint, then rotate it, answer it within
 * the grace window, or treat it as stolen (revoke the session).
 */
static enum refresh
refresh_locked(const char *token, const unsigned char h[SHA256_LEN],
    const char *fgp, int64_t now, struct tokens *t)
{
	struct presented	 pr;
	struct user		 u;
	char			 claim[2 * SHA256_LEN + 1];
	int			 rc;

	memset(&pr, 0, sizeof(pr));
	if (unseal_old(now) == -1 || (rc = presented_read(h, now, &pr)) == -1)
		return REFRESH_ERROR;
	if (rc == 0 || !pr.active || !fingerprint_match(&pr, fgp, t, claim))
		return REFRESH_INVALID;
	if (pr.fresh)
		rc = rotate(token, h, pr.sid, now, t) == 0 ? 1 : -1;
	else if (pr.graced)
		rc = grace(token, pr.sealed, pr.sid, t);
	else
		rc = 0;
	explicit_bzero(pr.sealed, sizeof(pr.sealed));
	if (rc == -1)
		return REFRESH_ERROR;
	if (rc == 0) {
		/* A rotated token, outside the grace: theft. */
		if (revoke(pr.uid, pr.sid, now) == -1)
			return REFRESH_ERROR;
		LOG("session %lld: refresh token reused; session revoked",
		    (long long)pr.sid);
		return REFRESH_REUSED;
	}
	if (user_load(pr.uid, &u) != 1 ||
	    extend(pr.sid, now, &t->expires_at) == -1 ||
	    token_access_issue(pr.uid, pr.sid, u.role,
	    claim[0] != '\0' ? claim : NULL, &t->access) == -1)
		return REFRESH_ERROR;
	t->sid = pr.sid;
	return REFRESH_OK;
}

/*
 * Exchange a refresh token for new tokens, in one transaction, so that
 * parallel refreshes of one token are serialised: the first rotates,
 * the rest see a token rotated within the grace window and get the
 * same successor.  fgp is the fingerprint cookie's value, or NULL.
 * A reuse commits the revocation it made; anything else but success
 * writes nothing.
 */
enum refresh
session_refresh(const char *token, const char *fgp, struct tokens *t)
{
	unsigned char	 h[SHA256_LEN];
	enum refresh	 rc = REFRESH_INVALID;

	memset(t, 0, sizeof(*t));
	if (!token_refresh_hash(token, h))
		goto out;
	if (db_begin() == -1) {
		rc = REFRESH_ERROR;
		goto out;
	}
	rc = refresh_locked(token, h, fgp, util_now(), t);
	if ((rc == REFRESH_OK || rc == REFRESH_REUSED) && db_commit() == -1)
		rc = REFRESH_ERROR;
	if (rc != REFRESH_OK && rc != REFRESH_REUSED)
		db_rollback();
out:
	if (rc != REFRESH_OK)
		tokens_free(t);
	return rc;
}

/*
 * Authenticate a bearer token: a valid JWT whose session is active and
 * whose user exists.  The user, and so the role, come from the
 * database.  Returns 1 with a filled, 0 if the token is refused, -1.
 */
int
session_authenticate(const char *token, struct auth *a)
{
	sqlite3_stmt	*st;
	struct claims	 c;
	int64_t		 now = util_now(), last;
	int		 rc;

	if (!token_access_verify(token, &c))
		return 0;
	st = db_stmt(SQL_SESSION_AUTH);
	if (db_bind_int(st, 1, c.sid) == -1 || db_bind_int(st, 2, c.uid) == -1 ||
	    db_bind_int(st, 3, now) == -1 || (rc = db_step(st)) == -1)
		return -1;
	if (rc != SQLITE_ROW)
		return 0;
	user_from_row(st, 0, &a->user);
	last = sqlite3_column_int64(st, 7);
	sqlite3_reset(st);
	a->sid = c.sid;
	memcpy(a->fgp, c.fgp, sizeof(a->fgp));

	/* Record use at most once a minute: no write per request. */
	if (now - last >= TOUCH_INTERVAL) {
		st = db_stmt(SQL_SESSION_TOUCH);
		if (db_bind_int(st, 1, now) == 0 && db_bind_int(st, 2, c.sid) == 0)
			db_run(st);
	}
	return 1;
}

/*
 * Does the fingerprint cookie fgp (NULL if none) match the access
 * token's "fgp" claim?  A token without the claim (bearer mode) needs
 * no cookie.  Returns 1 if the request may go on.
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

	if (revoke(uid, sid, util_now()) == -1)
		return -1;
	return db_changes() > 0;
}

/*
 * Revoke every active session of user uid except session keep (0 to
 * revoke all).  Returns how many were revoked, or -1.
 */
int
session_revoke_user(int64_t uid, int64_t keep)
{
	sqlite3_stmt	*st = db_stmt(SQL_SESSION_REVOKE_USER);

	if (db_bind_int(st, 1, util_now()) == -1 ||
	    db_bind_int(st, 2, uid) == -1 || db_bind_int(st, 3, keep) == -1 ||
	    db_run(st) == -1)
		return -1;
	return db_changes();
}

/*
 * The active sessions of user uid, newest first, as a JSON array; the
 * one with id current is marked.  Returns NULL on failure.
 */
struct json_object *
session_list(int64_t uid, int64_t current)
{
	sqlite3_stmt		*st = db_stmt(SQL_SESSION_LIST);
	struct json_object	*list, *o;
	char			 t[RFC3339_LEN];
	int			 rc;

	if (db_bind_int(st, 1, uid) == -1 ||
	    db_bind_int(st, 2, util_now()) == -1)
		return NULL;
	if ((list = json_object_new_array()) == NULL)
		return NULL;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		if ((o = json_object_new_object()) == NULL ||
		    json_object_array_add(list, o) != 0) {
			json_object_put(o);
			rc = -1;
			break;
		}
		json_object_object_add(o, "id",
		    json_object_new_int64(sqlite3_column_int64(st, 0)));
		util_rfc3339(sqlite3_column_int64(st, 1), t);
		json_object_object_add(o, "created_at", json_object_new_string(t));
		util_rfc3339(sqlite3_column_int64(st, 2), t);
		json_object_object_add(o, "last_used_at",
		    json_object_new_string(t));
		util_rfc3339(sqlite3_column_int64(st, 3), t);
		json_object_object_add(o, "expires_at", json_object_new_string(t));
		json_object_object_add(o, "ip",
		    json_object_new_string(db_text(st, 4)));
		json_object_object_add(o, "user_agent",
		    json_object_new_string(db_text(st, 5)));
		json_object_object_add(o, "current", json_object_new_boolean(
		    sqlite3_column_int64(st, 0) == current));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_object_put(list);
		return NULL;
	}
	return list;
}

/*
 * The token response.  In cookie mode the refresh token travels only
 * in its cookie, so it is left out.
 */
struct json_object *
tokens_json(const struct tokens *t)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(o, "access_token",
	    json_object_new_string(t->access));
	json_object_object_add(o, "token_type", json_object_new_string("Bearer"));
	json_object_object_add(o, "expires_in",
	    json_object_new_int64(cfg->access_ttl));
	if (!cfg->cookie_mode)
		json_object_object_add(o, "refresh_token",
		    json_object_new_string(t->refresh));
	json_object_object_add(o, "refresh_expires_in",
	    json_object_new_int64(tokens_refresh_left(t)));
	return o;
}

/* Seconds until the session ends (its refresh token with it), at least 0. */
long
tokens_refresh_left(const struct tokens *t)
{
	int64_t	 left = t->expires_at - util_now();

	return left > 0 ? (long)left : 0;
}

/* Free and wipe what a login or refresh handed out. */
void
tokens_free(struct tokens *t)
{

	free(t->access);
	explicit_bzero(t, sizeof(*t));
}
