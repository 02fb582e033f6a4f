/*
 * Users: loading, creating and changing them, through the store.
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "user.h"
#include "util.h"

/*
 * A db_get() callback: fill the struct user at arg from a row whose
 * columns are id, email, username, role, email_verified, created_at,
 * updated_at, mfa_enabled (USER_COLUMNS in db.c).
 */
int
user_row(const struct db_row *row, void *arg)
{
	struct user	*u = arg;

	u->id = db_int(row, 0);
	snprintf(u->email, sizeof(u->email), "%s", db_text(row, 1));
	snprintf(u->username, sizeof(u->username), "%s", db_text(row, 2));
	snprintf(u->role, sizeof(u->role), "%s", db_text(row, 3));
	u->email_verified = db_int(row, 4) != 0;
	u->created_at = db_int(row, 5);
	u->updated_at = db_int(row, 6);
	u->mfa_enabled = db_int(row, 7) != 0;
	return 0;
}

/* Load user id.  Returns 1 if found, 0 if not, -1 on error. */
int
user_load(int64_t id, struct user *u)
{

	return db_get(SQL_USER_GET, DB_ARGS(DB_INT(id)), user_row, u);
}

/*
 * user_load() inside the caller's transaction, holding user id's row
 * until it ends: another transaction that locks the same user waits,
 * so what this one reads about the user (its sessions, its pending
 * changes) stays as read until it commits.  SQLite's write transaction
 * holds the whole database already; PostgreSQL's form of the statement
 * locks the row.  Returns 1, 0 if there is no such user, -1.
 */
int
user_lock(int64_t id, struct user *u)
{

	return db_get(SQL_USER_LOCK, DB_ARGS(DB_INT(id)), user_row, u);
}

/* A db_get() callback: the int64_t at arg gets the first column. */
static int
first_id(const struct db_row *row, void *arg)
{

	*(int64_t *)arg = db_int(row, 0);
	return 0;
}

/*
 * Create a user; username may be NULL.  Returns DB_DONE with *id set,
 * DB_CONFLICT if the email or username is taken, or DB_ERROR.
 */
int
user_insert(const char *email, const char *username, const char *hash,
    const char *role, int64_t *id)
{
	int64_t	 now = util_now();

	return db_write(SQL_USER_INSERT, DB_ARGS(DB_TEXT(email),
	    DB_TEXT(username), DB_TEXT(hash), DB_TEXT(role), DB_INT(now),
	    DB_INT(now)), first_id, id);
}

/*
 * Register a user: user_insert() and its register entry, in one
 * transaction.  Returns DB_DONE with *id set, DB_CONFLICT if the email
 * or username is taken, or DB_ERROR.
 */
int
user_create(const char *email, const char *username, const char *hash,
    const char *role, int64_t *id)
{
	int	 rc;

	if (db_begin() == -1)
		return DB_ERROR;
	if ((rc = user_insert(email, username, hash, role, id)) == DB_DONE &&
	    (audit_record(AUDIT_REGISTER, *id, 0) == -1 || db_commit() == -1))
		rc = DB_ERROR;
	if (rc != DB_DONE)
		db_rollback();
	return rc;
}

/* What user_find_login() reads: an id, a hash, a second factor. */
struct login {
	int64_t	*id;
	char	*hash;
	int	*mfa;
};

static int
login_row(const struct db_row *row, void *arg)
{
	struct login	*l = arg;

	*l->id = db_int(row, 0);
	snprintf(l->hash, HASH_MAX, "%s", db_text(row, 1));
	*l->mfa = db_int(row, 2) != 0;
	return 0;
}

/*
 * Find the account a login names, by email or else by username.
 * Returns 1 with its id, its hash (the caller wipes it) and *mfa,
 * whether its second factor is enabled; 0 if there is none, -1 on
 * error.
 */
int
user_find_login(const char *email, const char *username, int64_t *id,
    char hash[HASH_MAX], int *mfa)
{
	struct login	 l = { id, hash, mfa };

	return db_get(email != NULL ? SQL_USER_LOGIN_EMAIL :
	    SQL_USER_LOGIN_NAME, DB_ARGS(DB_TEXT(email != NULL ? email :
	    username)), login_row, &l);
}

/* Load the user with this (normalised) email.  Returns 1, 0, or -1. */
int
user_find_email(const char *email, struct user *u)
{

	return db_get(SQL_USER_BY_EMAIL, DB_ARGS(DB_TEXT(email)), user_row, u);
}

/*
 * Which field made user_insert() answer DB_CONFLICT for email: "email"
 * if another user has it, else "username" (the only other unique one).
 */
const char *
user_conflict(const char *email)
{
	struct user	 u;

	return user_find_email(email, &u) == 0 ? "username" : "email";
}

static int
hash_row(const struct db_row *row, void *arg)
{

	snprintf(arg, HASH_MAX, "%s", db_text(row, 0));
	return 0;
}

/*
 * A user's password hash, into hash (the caller wipes it).  Returns 1,
 * 0 if there is no such user, -1 on error.
 */
int
user_hash_get(int64_t id, char hash[HASH_MAX])
{

	return db_get(SQL_USER_HASH_GET, DB_ARGS(DB_INT(id)), hash_row, hash);
}

/* Replace a user's password hash.  Returns 1, 0 if no such user, -1. */
int
user_hash_set(int64_t id, const char *hash)
{
	int	 n;

	n = db_exec(SQL_USER_HASH_SET, DB_ARGS(DB_TEXT(hash),
	    DB_INT(util_now()), DB_INT(id)));
	return n == -1 ? -1 : n > 0;
}

/*
 * Replace user id's hash old with new, but only if old is still the
 * stored one: a rehash at login must not undo a password changed in
 * the meantime.  Returns 1 if replaced, 0 if not, -1 on error.
 */
int
user_hash_upgrade(int64_t id, const char *old, const char *new)
{
	int	 n;

	n = db_exec(SQL_USER_HASH_UPGRADE, DB_ARGS(DB_TEXT(new), DB_INT(id),
	    DB_TEXT(old)));
	return n == -1 ? -1 : n > 0;
}

/* Is u an admin (by the stored role, never a token's claim)?  1 or 0. */
int
user_is_admin(const struct user *u)
{

	return strcmp(u->role, "admin") == 0;
}

/* The roles, lowest first: each has what the ones before it have. */
static const char *const roles[] = { "user", "admin" };

/* A role's place in roles[], or -1 for none of them. */
static int
rank(const char *role)
{
	size_t	 i;

	for (i = 0; i < nitems(roles); i++)
		if (strcmp(role, roles[i]) == 0)
			return (int)i;
	return -1;
}

/*
 * Has u (by the stored role) the role required, or one above it?  An
 * unknown role, required or held, is never had.  Returns 1 or 0.
 */
int
user_has_role(const struct user *u, const char *required)
{
	int	 want = rank(required), got = rank(u->role);

	return want != -1 && got != -1 && got >= want;
}

/* How many users there are, into *n.  Returns 1, or -1 on error. */
int
user_count(int64_t *n)
{

	return db_count(SQL_USER_COUNT, DB_NOARGS, n);
}

/* What user_each() hands its rows to. */
struct each {
	int	(*fn)(const struct user *, void *);
	void	*arg;
};

static int
each_row(const struct db_row *row, void *arg)
{
	struct each	*e = arg;
	struct user	 u;

	user_row(row, &u);
	return e->fn(&u, e->arg);
}

/*
 * Call fn(u, arg) for each user of one page, limit users from offset
 * on, in order of id.  fn returns 0 to go on or -1 to stop.  Returns 1,
 * or -1 on error or when fn stopped.
 */
int
user_each(long limit, long offset, int (*fn)(const struct user *, void *),
    void *arg)
{
	struct each	 e = { fn, arg };

	return db_each(SQL_USER_LIST, DB_ARGS(DB_INT(limit), DB_INT(offset)),
	    each_row, &e);
}

/*
 * Whether u is the only admin left, so that demoting or deleting it
 * would leave the service with nobody to manage it.  Needs the
 * caller's transaction, so no other request can demote the other admin
 * in between.  Returns 1 if u is the last admin, 0 if not, -1 on error.
 */
int
user_last_admin(const struct user *u)
{
	int64_t	 n;

	if (!user_is_admin(u))
		return 0;
	if (db_count(SQL_USER_ADMINS, DB_NOARGS, &n) == -1)
		return -1;
	return n <= 1;
}

/*
 * Set a user's role (NULL keeps it) and email_verified (-1 keeps it).
 * Returns 1 if the user was there, 0 if not, -1 on error.
 */
int
user_set(int64_t id, const char *role, int verified)
{
	int	 n;

	n = db_exec(SQL_USER_SET, DB_ARGS(DB_TEXT(role), verified == -1 ?
	    DB_NULL : DB_INT(verified != 0), DB_INT(util_now()), DB_INT(id)));
	return n == -1 ? -1 : n > 0;
}

/*
 * Change a user's email (normalised by valid_email_text()) at once; a
 * new address is unverified.  Returns DB_DONE, DB_CONFLICT if another
 * user has it, or DB_ERROR.
 */
int
user_email_set(int64_t id, const char *email)
{

	return db_write(SQL_USER_EMAIL_SET, DB_ARGS(DB_TEXT(email),
	    DB_INT(util_now()), DB_INT(id)), NULL, NULL);
}

/*
 * Make email (proven by the token mailed to it) user id's address,
 * verified.  Returns DB_DONE, DB_CONFLICT if another user took it
 * meanwhile, or DB_ERROR.
 */
int
user_email_confirm(int64_t id, const char *email)
{

	return db_write(SQL_USER_EMAIL_CONFIRM, DB_ARGS(DB_TEXT(email),
	    DB_INT(util_now()), DB_INT(id)), NULL, NULL);
}

/* Mark user id's address verified.  Returns 1, 0 if no such user, -1. */
int
user_email_verified(int64_t id)
{
	int	 n;

	n = db_exec(SQL_USER_EMAIL_VERIFY, DB_ARGS(DB_INT(util_now()),
	    DB_INT(id)));
	return n == -1 ? -1 : n > 0;
}

/*
 * Change a user's username; NULL clears it.  Returns DB_DONE,
 * DB_CONFLICT if another user has it (in any case), or DB_ERROR.
 */
int
user_name_set(int64_t id, const char *username)
{

	return db_write(SQL_USER_NAME_SET, DB_ARGS(DB_TEXT(username),
	    DB_INT(util_now()), DB_INT(id)), NULL, NULL);
}

/*
 * Delete a user.  The foreign keys take their sessions and refresh
 * tokens with them, so their access tokens fail at once.  Check
 * user_last_admin() first, in the same transaction.
 * Returns 1 if deleted, 0 if there was no such user, -1 on error.
 */
int
user_delete(int64_t id)
{
	int	 n;

	n = db_exec(SQL_USER_DELETE, DB_ARGS(DB_INT(id)));
	return n == -1 ? -1 : n > 0;
}

/*
 * Open the transaction of a change to user id and load (and lock) it
 * into u; when the change takes admin rights away (demote), check in
 * the same transaction that it is not the last admin, so two admins
 * demoting each other at once cannot both succeed.  The admins are
 * counted first, which on PostgreSQL locks them all in one order: the
 * second demotion waits for the first, then counts what it left.
 * Returns USER_CHANGED with the transaction open, or why not with it
 * closed.
 */
static enum user_change
guard(int64_t id, int demote, struct user *u)
{
	enum user_change	 rc = USER_FAILED;
	int64_t			 admins = 0;

	if (db_begin() == -1)
		return USER_FAILED;
	if (demote && db_count(SQL_USER_ADMINS, DB_NOARGS, &admins) == -1)
		goto out;
	switch (user_lock(id, u)) {
	case 1:
		break;
	case 0:
		rc = USER_MISSING;
		/* FALLTHROUGH */
	default:
		goto out;
	}
	if (!demote || !user_is_admin(u) || admins > 1)
		return USER_CHANGED;
	rc = USER_LAST_ADMIN;
out:
	db_rollback();
	return rc;
}

/*
 * Set user id's role (NULL keeps it) and email_verified (-1 keeps it),
 * a role that changes recorded as role.changed, in one transaction;
 * with guarded, not if it would leave no admin.  u gets the user as it
 * now is.
 */
static enum user_change
update(int64_t id, const char *role, int verified, int guarded,
    struct user *u)
{
	enum user_change	 rc;
	int			 changes;

	if ((rc = guard(id, guarded && role != NULL &&
	    strcmp(role, "admin") != 0, u)) != USER_CHANGED)
		return rc;
	changes = role != NULL && strcmp(role, u->role) != 0;
	if ((role != NULL || verified != -1) &&
	    (user_set(id, role, verified) != 1 || user_load(id, u) != 1 ||
	    (changes && audit_record(AUDIT_ROLE_CHANGED, id, 0) == -1))) {
		db_rollback();
		return USER_FAILED;
	}
	return db_commit() == 1 ? USER_CHANGED : USER_FAILED;
}

/*
 * Delete user id, recorded as user.deleted, in one transaction; with
 * guarded, not the last admin.
 */
static enum user_change
remove_user(int64_t id, int guarded)
{
	enum user_change	 rc;
	struct user		 u;

	if ((rc = guard(id, guarded, &u)) != USER_CHANGED)
		return rc;
	if (user_delete(id) != 1 ||
	    audit_record(AUDIT_USER_DELETED, id, 0) == -1) {
		db_rollback();
		return USER_FAILED;
	}
	return db_commit() == 1 ? USER_CHANGED : USER_FAILED;
}

/*
 * An admin's change through the API: user id's role and
 * email_verified, never leaving the service without an admin.
 */
enum user_change
user_update(int64_t id, const char *role, int verified, struct user *u)
{

	return update(id, role, verified, 1, u);
}

/* Delete user id through the API: never the last admin. */
enum user_change
user_remove(int64_t id)
{

	return remove_user(id, 1);
}

/*
 * authctl's: set a role or delete a user without the last-admin
 * guard, since authctl is also the tool that makes admins (it warns).
 */
enum user_change
user_update_forced(int64_t id, const char *role, struct user *u)
{

	return update(id, role, -1, 0, u);
}

enum user_change
user_remove_forced(int64_t id)
{

	return remove_user(id, 0);
}
