/*
 * The second factor's store.  A TOTP secret is sealed with AES-256-GCM
 * under its own derived key (KEY_TOTP), a random 96-bit nonce each
 * time, and the user id as associated data, so a secret copied to
 * another user's row, or altered, does not open.  A code is accepted
 * for the step before, the step of, or the step after the server's
 * clock (RFC 6238 section 5.2: one step of drift either way), and only
 * for a step later than the last one accepted (section 5.2 again: no
 * code twice), which one UPDATE decides, so two requests racing with
 * one code cannot both win.
 *
 * Recovery codes are 50 random bits each, shown once and kept as HMACs
 * (KEY_RECOVERY) of the user id and the code; using one deletes it.
 * An mfa_token is 256 random bits, kept as an HMAC (KEY_MFA) beside the
 * HMAC of the client's address and user agent: it works for one
 * login, from the client that proved the password, for MFA_TOKEN_TTL
 * seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "keys.h"
#include "mfa.h"
#include "notice.h"
#include "user.h"
#include "util.h"

/* Recovery codes: Crockford's base32 alphabet, in lower case. */
#define RECOVERY_ABC	"0123456789abcdefghjkmnpqrstvwxyz"
#define RECOVERY_RAW	10	/* characters of a code, its dash aside */

/* The associated data that binds a sealed secret to user uid. */
static int
aad(int64_t uid, char out[32])
{

	return snprintf(out, 32, "totp-secret:%lld", (long long)uid);
}

/*
 * Seal user uid's TOTP secret raw into out: nonce, ciphertext, tag.
 * Returns 1, or -1 (logged).
 */
int
mfa_seal(int64_t uid, const unsigned char raw[TOTP_SECRET_RAW],
    unsigned char out[MFA_SEALED])
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	*ct = out + MFA_NONCE;
	char		 a[32];
	int		 n, len, rc = -1;

	n = aad(uid, a);
	if (util_random(out, MFA_NONCE) == -1)
		return -1;
	if ((ctx = EVP_CIPHER_CTX_new()) != NULL &&
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL,
	    keys_get(KEY_TOTP), out) == 1 &&
	    EVP_EncryptUpdate(ctx, NULL, &len, (unsigned char *)a, n) == 1 &&
	    EVP_EncryptUpdate(ctx, ct, &len, raw, TOTP_SECRET_RAW) == 1 &&
	    len == TOTP_SECRET_RAW &&
	    EVP_EncryptFinal_ex(ctx, ct + len, &len) == 1 && len == 0 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, MFA_TAG,
	    ct + TOTP_SECRET_RAW) == 1)
		rc = 1;
	else
		LOG("AES-256-GCM: cannot seal a TOTP secret");
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/*
 * Open user uid's sealed TOTP secret into raw.  Returns 1, or -1
 * (logged) if it does not open: altered, another user's, or sealed
 * under another master secret.
 */
int
mfa_unseal(int64_t uid, const unsigned char in[MFA_SEALED],
    unsigned char raw[TOTP_SECRET_RAW])
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	 tag[MFA_TAG];
	char		 a[32];
	int		 n, len, rc = -1;

	n = aad(uid, a);
	memcpy(tag, in + MFA_NONCE + TOTP_SECRET_RAW, MFA_TAG);
	if ((ctx = EVP_CIPHER_CTX_new()) != NULL &&
	    EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL,
	    keys_get(KEY_TOTP), in) == 1 &&
	    EVP_DecryptUpdate(ctx, NULL, &len, (unsigned char *)a, n) == 1 &&
	    EVP_DecryptUpdate(ctx, raw, &len, in + MFA_NONCE,
	    TOTP_SECRET_RAW) == 1 && len == TOTP_SECRET_RAW &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, MFA_TAG, tag) == 1 &&
	    EVP_DecryptFinal_ex(ctx, raw + len, &len) == 1)
		rc = 1;
	else {
		explicit_bzero(raw, TOTP_SECRET_RAW);
		LOG("user %lld: the TOTP secret does not decrypt (was the "
		    "master secret changed?)", (long long)uid);
	}
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/* A user's row of totp_secrets, as SQL_TOTP_GET reads it. */
struct secret {
	unsigned char	 sealed[MFA_SEALED];
	int		 whole;		/* the blob had the sealed length */
	int		 active;
	int64_t		 last;		/* the last step accepted */
};

static int
secret_row(const struct db_row *row, void *arg)
{
	struct secret	*s = arg;
	const void	*b;
	size_t		 len;

	b = db_blob(row, 0, &len);
	if ((s->whole = len == MFA_SEALED))
		memcpy(s->sealed, b, MFA_SEALED);
	s->active = db_int(row, 1) != 0;
	s->last = db_int(row, 2);
	return 0;
}

/* Where user uid's second factor stands: an enum mfa_state, or -1. */
int
mfa_state(int64_t uid)
{
	struct secret	 s;
	int		 rc;

	if ((rc = db_get(SQL_TOTP_GET, DB_ARGS(DB_INT(uid)), secret_row,
	    &s)) != 1)
		return rc == 0 ? MFA_NONE : -1;
	rc = s.active ? MFA_ACTIVE : MFA_PENDING;
	explicit_bzero(&s, sizeof(s));
	return rc;
}

/*
 * Enrol user uid, whose account apps will show as account (the email):
 * a new random secret, sealed and stored pending, replacing a pending
 * one; e gets its base32 and otpauth:// URI (e->uri freed by the
 * caller).  Returns DB_DONE, DB_CONFLICT if the user's factor is
 * enabled already (nothing changed), or DB_ERROR.
 */
int
mfa_enroll(int64_t uid, const char *account, struct mfa_enrolment *e)
{
	unsigned char	 raw[TOTP_SECRET_RAW], sealed[MFA_SEALED];
	char		 issuer[TOTP_ISSUER_MAX + 1];
	int		 rc = DB_ERROR, n;

	memset(e, 0, sizeof(*e));
	if (util_random(raw, sizeof(raw)) == -1 ||
	    mfa_seal(uid, raw, sealed) == -1)
		goto out;
	totp_base32(raw, sizeof(raw), e->secret);
	totp_issuer(cfg->issuer, issuer);
	if ((e->uri = totp_uri(issuer, account, e->secret)) == NULL)
		goto out;
	if ((n = db_exec(SQL_TOTP_ENROLL, DB_ARGS(DB_INT(uid),
	    DB_BLOB(sealed, sizeof(sealed)), DB_INT(util_now())))) != -1)
		rc = n > 0 ? DB_DONE : DB_CONFLICT;
out:
	explicit_bzero(raw, sizeof(raw));
	if (rc != DB_DONE) {
		free(e->uri);
		explicit_bzero(e, sizeof(*e));
	}
	return rc;
}

/*
 * Is code (6 digits) a code of user uid's secret, of its enabled
 * factor or, with pending, of its enrolment, for a step later than the
 * last accepted?  If so that step is now the last.  Returns 1, 0, -1.
 */
static int
totp_check(int64_t uid, const char *code, int pending)
{
	struct secret	 s;
	unsigned char	 raw[TOTP_SECRET_RAW];
	char		 want[TOTP_DIGITS + 1];
	int64_t		 now = totp_step(util_now()), step = -1, d;
	uint32_t	 c;
	int		 rc;

	if ((rc = db_get(SQL_TOTP_GET, DB_ARGS(DB_INT(uid)), secret_row,
	    &s)) != 1)
		return rc;
	if (s.active == pending)
		rc = 0;
	else if (!s.whole || mfa_unseal(uid, s.sealed, raw) == -1)
		rc = -1;
	/* The latest step whose code it is, each compared in full. */
	for (d = 1; rc == 1 && d >= -1; d--) {
		if (totp_code(raw, sizeof(raw), now + d, TOTP_DIGITS, &c) ==
		    -1) {
			rc = -1;
			break;
		}
		totp_format(c, TOTP_DIGITS, want);
		if (util_equal(want, code, TOTP_DIGITS) && now + d > s.last &&
		    step == -1)
			step = now + d;
	}
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(want, sizeof(want));
	if (rc == 1 && step == -1)
		rc = 0;
	else if (rc == 1 && (rc = db_exec(SQL_TOTP_STEP, DB_ARGS(DB_INT(step),
	    DB_INT(uid), DB_BLOB(s.sealed, MFA_SEALED)))) > 0)
		rc = 1;
	explicit_bzero(&s, sizeof(s));
	return rc;
}

/* The stored HMAC of user uid's recovery code (RECOVERY_RAW bytes). */
static void
recovery_hash(int64_t uid, const char *code, unsigned char out[KEY_LEN])
{
	char	 msg[32 + RECOVERY_RAW];
	int	 n;

	n = snprintf(msg, sizeof(msg), "%lld:%.*s", (long long)uid,
	    RECOVERY_RAW, code);
	keys_hmac(KEY_RECOVERY, msg, (size_t)n, out);
	explicit_bzero(msg, sizeof(msg));
}

/*
 * A code as typed, without the spaces and dashes apps and people put
 * in, lower case, with Crockford's look-alikes (i, l: 1; o: 0) read as
 * what they look like, into out (size bytes).  Returns its length, or
 * 0 if it does not fit.
 */
static size_t
normalise(const char *code, char *out, size_t size)
{
	size_t	 n = 0;
	char	 c;

	for (; *code != '\0'; code++) {
		if (*code == ' ' || *code == '-')
			continue;
		if (n + 1 >= size)
			return 0;
		c = (char)(*code >= 'A' && *code <= 'Z' ? *code - 'A' + 'a' :
		    *code);
		out[n++] = c == 'i' || c == 'l' ? '1' : c == 'o' ? '0' : c;
	}
	out[n] = '\0';
	return n;
}

/*
 * Is code right for user uid, as kind says it may be: a TOTP code
 * (then its step is used up) or a recovery code (then it is deleted)?
 * Returns 1 if so, 0 if not, -1 on error.
 */
int
mfa_verify(int64_t uid, const char *code, enum mfa_kind kind)
{
	unsigned char	 h[KEY_LEN];
	char		 c[RECOVERY_RAW + 1];
	size_t		 n;
	int		 rc = 0;

	n = normalise(code, c, sizeof(c));
	if (n == TOTP_DIGITS && strspn(c, "0123456789") == n &&
	    kind != MFA_RECOVERY)
		rc = totp_check(uid, c, kind == MFA_ENROLLING);
	else if (n == RECOVERY_RAW && kind != MFA_ENROLLING) {
		recovery_hash(uid, c, h);
		if ((rc = db_exec(SQL_RECOVERY_USE, DB_ARGS(DB_INT(uid),
		    DB_BLOB(h, sizeof(h))))) > 0)
			rc = 1;
	}
	explicit_bzero(c, sizeof(c));
	return rc;
}

/*
 * New recovery codes into codes, "xxxxx-xxxxx", and their HMACs for
 * user uid into h.  Returns 1, or -1.
 */
static int
recovery_new(int64_t uid, char codes[MFA_RECOVERY_N][MFA_RECOVERY_LEN + 1],
    unsigned char h[MFA_RECOVERY_N][KEY_LEN])
{
	unsigned char	 raw[RECOVERY_RAW];
	char		 c[RECOVERY_RAW + 1];
	size_t		 i, j;

	for (i = 0; i < MFA_RECOVERY_N; i++) {
		if (util_random(raw, sizeof(raw)) == -1)
			return -1;
		/* 256 is a multiple of 32: no bias. */
		for (j = 0; j < RECOVERY_RAW; j++)
			c[j] = RECOVERY_ABC[raw[j] & 31];
		c[RECOVERY_RAW] = '\0';
		recovery_hash(uid, c, h[i]);
		snprintf(codes[i], MFA_RECOVERY_LEN + 1, "%.5s-%.5s", c, c + 5);
	}
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(c, sizeof(c));
	return 1;
}

/*
 * The writes of an activation, inside the caller's transaction: the
 * pending factor enabled (0 if there is none), its recovery codes
 * stored, mfa.enabled recorded; u gets the user.  Returns 1, 0, -1.
 */
static int
activate_locked(int64_t uid, unsigned char h[MFA_RECOVERY_N][KEY_LEN],
    struct user *u)
{
	size_t	 i;
	int	 n;

	if ((n = db_exec(SQL_TOTP_ACTIVATE, DB_ARGS(DB_INT(util_now()),
	    DB_INT(uid)))) < 1)
		return n;
	if (db_exec(SQL_RECOVERY_DROP, DB_ARGS(DB_INT(uid))) == -1)
		return -1;
	for (i = 0; i < MFA_RECOVERY_N; i++)
		if (db_exec(SQL_RECOVERY_INSERT, DB_ARGS(DB_INT(uid),
		    DB_BLOB(h[i], KEY_LEN))) != 1)
			return -1;
	if (audit_record(AUDIT_MFA_ENABLED, uid, 0) == -1 ||
	    user_load(uid, u) != 1)
		return -1;
	return 1;
}

/*
 * Enable user uid's pending factor (its first code was checked) with
 * new recovery codes, into codes, shown this once; recorded as
 * mfa.enabled, in one transaction; once committed the owner is told
 * by mail.  Returns 1, 0 if nothing is pending (enabled meanwhile, or
 * removed), -1.
 */
int
mfa_activate(int64_t uid, char codes[MFA_RECOVERY_N][MFA_RECOVERY_LEN + 1])
{
	unsigned char	 h[MFA_RECOVERY_N][KEY_LEN];
	struct user	 u;
	int		 rc = -1;

	if (recovery_new(uid, codes, h) == -1 || db_begin() == -1)
		goto out;
	if ((rc = activate_locked(uid, h, &u)) == 1 && db_commit() == -1)
		rc = -1;
	if (rc != 1)
		db_rollback();
	else
		notice_mail(NOTICE_MFA_ENABLED, u.email, NULL);
out:
	explicit_bzero(h, sizeof(h));
	if (rc != 1)
		explicit_bzero(codes, MFA_RECOVERY_N * (MFA_RECOVERY_LEN + 1));
	return rc;
}

/* A db_write() callback: the int at arg gets the first column. */
static int
first_flag(const struct db_row *row, void *arg)
{

	*(int *)arg = (int)db_int(row, 0);
	return 0;
}

/*
 * Remove user uid's second factor, enabled or pending, with its
 * recovery codes and the logins waiting for a code, in one
 * transaction; an enabled one is recorded as mfa.disabled and, once
 * committed, the owner told by mail, with detail (NULL: none) in the
 * notice.  Returns 1 if an enabled factor was removed, 0 if there was
 * none (a pending one removed, or nothing), -1.
 */
int
mfa_remove(int64_t uid, const char *detail)
{
	struct user	 u;
	int		 was = -1;

	if (db_begin() == -1)
		return -1;
	if (db_write(SQL_TOTP_REMOVE, DB_ARGS(DB_INT(uid)), first_flag,
	    &was) != DB_DONE ||
	    db_exec(SQL_RECOVERY_DROP, DB_ARGS(DB_INT(uid))) == -1 ||
	    mfa_challenge_drop(uid) == -1 ||
	    (was == 1 && (audit_record(AUDIT_MFA_DISABLED, uid, 0) == -1 ||
	    user_load(uid, &u) != 1)) || db_commit() == -1) {
		db_rollback();
		return -1;
	}
	if (was != 1)
		return 0;
	notice_mail(NOTICE_MFA_DISABLED, u.email, detail);
	return 1;
}

/* The HMAC that binds an mfa_token to the client it was issued to. */
static void
client_hash(const char *ip, const char *ua, unsigned char out[KEY_LEN])
{
	char	 msg[512];
	int	 n;

	n = snprintf(msg, sizeof(msg), "client\n%s\n%s", ip != NULL ? ip : "",
	    ua != NULL ? ua : "");
	keys_hmac(KEY_MFA, msg, n < 0 ? 0 : (size_t)n < sizeof(msg) ?
	    (size_t)n : sizeof(msg) - 1, out);
}

/*
 * A login of user uid from address ip and agent ua proved its password
 * and waits for its second factor: token gets the mfa_token to carry
 * on with, stored as its HMAC for MFA_TOKEN_TTL seconds, in one
 * transaction with a bounded purge of expired ones.  Returns 1, -1.
 */
int
mfa_challenge_issue(int64_t uid, const char *ip, const char *ua,
    char token[REFRESH_LEN + 1])
{
	unsigned char	 raw[REFRESH_RAW], h[KEY_LEN], c[KEY_LEN];
	int64_t		 now = util_now();
	int		 rc = -1;

	if (token_random(raw, token) == -1)
		goto out;
	keys_hmac(KEY_MFA, token, REFRESH_LEN, h);
	client_hash(ip, ua, c);
	if (db_begin() == -1)
		goto out;
	if (db_exec_later(SQL_MFA_TOKEN_PURGE, DB_ARGS(DB_INT(now)), -1) == -1 ||
	    db_exec_later(SQL_MFA_TOKEN_INSERT, DB_ARGS(DB_BLOB(h, sizeof(h)),
	    DB_INT(uid), DB_BLOB(c, sizeof(c)), DB_INT(now +
	    MFA_TOKEN_TTL)), 1) == -1 || db_commit() == -1)
		db_rollback();
	else
		rc = 1;
out:
	explicit_bzero(raw, sizeof(raw));
	if (rc != 1)
		explicit_bzero(token, REFRESH_LEN + 1);
	return rc;
}

/* A row of SQL_MFA_TOKEN_FIND. */
struct challenge {
	int64_t		 uid;
	unsigned char	 client[KEY_LEN];
	int		 whole;
	int64_t		 expires_at;
};

static int
challenge_row(const struct db_row *row, void *arg)
{
	struct challenge	*ch = arg;
	const void		*b;
	size_t			 len;

	ch->uid = db_int(row, 0);
	b = db_blob(row, 1, &len);
	if ((ch->whole = len == KEY_LEN))
		memcpy(ch->client, b, KEY_LEN);
	ch->expires_at = db_int(row, 2);
	return 0;
}

/*
 * The account whose login token carries on, if token is a live
 * mfa_token issued to this client (address ip, agent ua) and the
 * account's factor is still enabled.  Nothing is written.  Returns 1
 * with *uid set, 0 if not, -1.
 */
int
mfa_challenge_find(const char *token, const char *ip, const char *ua,
    int64_t *uid)
{
	struct challenge	 ch;
	unsigned char		 h[KEY_LEN], c[KEY_LEN];
	int			 rc;

	*uid = 0;
	if (!token_opaque(token))
		return 0;
	keys_hmac(KEY_MFA, token, REFRESH_LEN, h);
	if ((rc = db_get(SQL_MFA_TOKEN_FIND, DB_ARGS(DB_BLOB(h, sizeof(h))),
	    challenge_row, &ch)) != 1)
		return rc;
	client_hash(ip, ua, c);
	if (!ch.whole || ch.expires_at <= util_now() ||
	    !util_equal(c, ch.client, KEY_LEN))
		return 0;
	*uid = ch.uid;
	return 1;
}

/*
 * Spend mfa_token token, found by mfa_challenge_find(): of two logins
 * racing with it, one does.  Returns 1 if this one did, 0, -1.
 */
int
mfa_challenge_spend(const char *token)
{
	unsigned char	 h[KEY_LEN];
	int		 n;

	if (!token_opaque(token))
		return 0;
	keys_hmac(KEY_MFA, token, REFRESH_LEN, h);
	n = db_exec(SQL_MFA_TOKEN_USE, DB_ARGS(DB_BLOB(h, sizeof(h)),
	    DB_INT(util_now())));
	return n == -1 ? -1 : n > 0;
}

/*
 * Forget every login of user uid waiting for a code (its password or
 * factor changed).  Returns 1, -1.
 */
int
mfa_challenge_drop(int64_t uid)
{

	return db_exec(SQL_MFA_TOKEN_DROP, DB_ARGS(DB_INT(uid))) == -1 ? -1 :
	    1;
}
