/*
 * Users: loading, creating and presenting them.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "user.h"
#include "util.h"

/* Copy at most size - 1 bytes of a column into dst. */
static void
copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{

	snprintf(dst, size, "%s", db_text(st, col));
}

/*
 * Fill u from a row whose columns, from col on, are id, email, username,
 * role, email_verified, created_at, updated_at (SQL_USER_GET's order).
 */
void
user_from_row(sqlite3_stmt *st, int col, struct user *u)
{

	u->id = sqlite3_column_int64(st, col);
	copy_text(u->email, sizeof(u->email), st, col + 1);
	copy_text(u->username, sizeof(u->username), st, col + 2);
	copy_text(u->role, sizeof(u->role), st, col + 3);
	u->email_verified = sqlite3_column_int(st, col + 4);
	u->created_at = sqlite3_column_int64(st, col + 5);
	u->updated_at = sqlite3_column_int64(st, col + 6);
}

/* Load user id.  Returns 1 if found, 0 if not, -1 on error. */
int
user_load(int64_t id, struct user *u)
{
	sqlite3_stmt	*st = db_stmt(SQL_USER_GET);
	int		 rc;

	if (db_bind_int(st, 1, id) == -1 || (rc = db_step(st)) == -1)
		return -1;
	if (rc == SQLITE_ROW)
		user_from_row(st, 0, u);
	sqlite3_reset(st);
	return rc == SQLITE_ROW;
}

/*
 * Create a user; username may be NULL.  Returns DB_DONE with *id set,
 * DB_CONFLICT if the email or username is taken, or DB_ERROR.
 */
int
user_insert(const char *email, const char *username, const char *hash,
    const char *role, int64_t *id)
{
	sqlite3_stmt	*st = db_stmt(SQL_USER_INSERT);
	int64_t		 now = util_now();
	int		 rc;

	if (db_bind_text(st, 1, email) == -1 ||
	    db_bind_text(st, 2, username) == -1 ||
	    db_bind_text(st, 3, hash) == -1 ||
	    db_bind_text(st, 4, role) == -1 ||
	    db_bind_int(st, 5, now) == -1 ||
	    db_bind_int(st, 6, now) == -1)
		return DB_ERROR;
	if ((rc = db_write(st)) == DB_DONE)
		*id = db_last_id();
	return rc;
}

/*
 * Find the account a login names, by email or else by username.
 * Returns 1 with its id and hash, 0 if there is none, -1 on error.
 */
int
user_find_login(const char *email, const char *username, int64_t *id,
    char hash[HASH_MAX])
{
	sqlite3_stmt	*st;
	int		 rc;

	st = db_stmt(email != NULL ? SQL_USER_LOGIN_EMAIL :
	    SQL_USER_LOGIN_NAME);
	if (db_bind_text(st, 1, email != NULL ? email : username) == -1 ||
	    (rc = db_step(st)) == -1)
		return -1;
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		copy_text(hash, HASH_MAX, st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW;
}

/*
 * A user's password hash, into hash (the caller wipes it).  Returns 1,
 * 0 if there is no such user, -1 on error.
 */
int
user_hash_get(int64_t id, char hash[HASH_MAX])
{
	sqlite3_stmt	*st = db_stmt(SQL_USER_HASH_GET);
	int		 rc;

	if (db_bind_int(st, 1, id) == -1 || (rc = db_step(st)) == -1)
		return -1;
	if (rc == SQLITE_ROW)
		copy_text(hash, HASH_MAX, st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW;
}

/* Replace a user's password hash.  Returns 0, or -1 on error. */
int
user_hash_set(int64_t id, const char *hash)
{
	sqlite3_stmt	*st = db_stmt(SQL_USER_HASH_SET);

	if (db_bind_text(st, 1, hash) == -1 ||
	    db_bind_int(st, 2, util_now()) == -1 ||
	    db_bind_int(st, 3, id) == -1)
		return -1;
	return db_run(st);
}

/*
 * Replace user id's hash old with new, but only if old is still the
 * stored one: a rehash at login must not undo a password changed in
 * the meantime.  Returns 1 if replaced, 0 if not, -1 on error.
 */
int
user_hash_upgrade(int64_t id, const char *old, const char *new)
{
	sqlite3_stmt	*st = db_stmt(SQL_USER_HASH_UPGRADE);

	if (db_bind_text(st, 1, new) == -1 || db_bind_int(st, 2, id) == -1 ||
	    db_bind_text(st, 3, old) == -1 || db_write(st) != DB_DONE)
		return -1;
	return db_changes() == 1;
}

int
user_is_admin(const struct user *u)
{

	return strcmp(u->role, "admin") == 0;
}

/*
 * Add a member whose name is a string constant: json-c then neither
 * copies the key nor looks for an earlier one of the same name, which
 * saved a dozen allocations per user resource.
 */
static void
add(struct json_object *o, const char *key, struct json_object *v)
{

	json_object_object_add_ex(o, key, v, JSON_C_OBJECT_ADD_KEY_IS_NEW |
	    JSON_C_OBJECT_KEY_IS_CONSTANT);
}

/* The user resource of the contract.  Returns NULL on failure. */
struct json_object *
user_json(const struct user *u)
{
	struct json_object	*o;
	char			 created[RFC3339_LEN], updated[RFC3339_LEN];

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	util_rfc3339(u->created_at, created);
	util_rfc3339(u->updated_at, updated);
	add(o, "id", json_object_new_int64(u->id));
	add(o, "email", json_object_new_string(u->email));
	add(o, "username", u->username[0] == '\0' ? NULL :
	    json_object_new_string(u->username));
	add(o, "role", json_object_new_string(u->role));
	add(o, "email_verified", json_object_new_boolean(u->email_verified));
	add(o, "created_at", json_object_new_string(created));
	add(o, "updated_at", json_object_new_string(updated));
	return o;
}

/* Load the user with this (normalised) email.  Returns 1, 0, or -1. */
int
user_find_email(const char *email, struct user *u)
{
	sqlite3_stmt	*st = db_stmt(SQL_USER_BY_EMAIL);
	int		 rc;

	if (db_bind_text(st, 1, email) == -1 || (rc = db_step(st)) == -1)
		return -1;
	if (rc == SQLITE_ROW)
		user_from_row(st, 0, u);
	sqlite3_reset(st);
	return rc == SQLITE_ROW;
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

/* The single number a count(*) statement gives, or -1 on error. */
static int64_t
count(enum sql id)
{
	sqlite3_stmt	*st = db_stmt(id);
	int64_t		 n = -1;

	if (db_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* How many users there are, into *n.  Returns 0, or -1 on error. */
int
user_count(int64_t *n)
{

	return (*n = count(SQL_USER_COUNT)) == -1 ? -1 : 0;
}

/*
 * Call fn(u, arg) for each user of one page, limit users from offset
 * on, in order of id.  fn returns 0 to go on or -1 to stop; it must
 * not run another user listing.  Returns 0, or -1 on error or when fn
 * stopped.
 */
int
user_each(long limit, long offset, int (*fn)(const struct user *, void *),
    void *arg)
{
	sqlite3_stmt	*st = db_stmt(SQL_USER_LIST);
	struct user	 u;
	int		 rc;

	if (db_bind_int(st, 1, limit) == -1 || db_bind_int(st, 2, offset) == -1)
		return -1;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		user_from_row(st, 0, &u);
		if (fn(&u, arg) == -1) {
			rc = -1;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Whether u is the only admin left, so that demoting or deleting it
 * would leave the service with nobody to manage it.  Call it inside
 * the transaction that makes the change, so no other request can
 * demote the other admin in between.
 * Returns 1 if u is the last admin, 0 if not, -1 on error.
 */
int
user_last_admin(const struct user *u)
{
	int64_t	 n;

	if (!user_is_admin(u))
		return 0;
	if ((n = count(SQL_USER_ADMINS)) == -1)
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
	sqlite3_stmt	*st = db_stmt(SQL_USER_SET);

	if (db_bind_text(st, 1, role) == -1 ||
	    (verified == -1 ? db_bind_null(st, 2) :
	    db_bind_int(st, 2, verified != 0)) == -1 ||
	    db_bind_int(st, 3, util_now()) == -1 ||
	    db_bind_int(st, 4, id) == -1 || db_write(st) != DB_DONE)
		return -1;
	return db_changes() > 0;
}

/*
 * Change a user's email (normalised by valid_email_text()); a new
 * address is unverified.  Returns DB_DONE, DB_CONFLICT if another user
 * has it, or DB_ERROR.
 */
int
user_email_set(int64_t id, const char *email)
{
	sqlite3_stmt	*st = db_stmt(SQL_USER_EMAIL_SET);

	if (db_bind_text(st, 1, email) == -1 ||
	    db_bind_int(st, 2, util_now()) == -1 ||
	    db_bind_int(st, 3, id) == -1)
		return DB_ERROR;
	return db_write(st);
}

/*
 * Change a user's username; NULL clears it.  Returns DB_DONE,
 * DB_CONFLICT if another user has it (in any case), or DB_ERROR.
 */
int
user_name_set(int64_t id, const char *username)
{
	sqlite3_stmt	*st = db_stmt(SQL_USER_NAME_SET);

	if (db_bind_text(st, 1, username) == -1 ||
	    db_bind_int(st, 2, util_now()) == -1 ||
	    db_bind_int(st, 3, id) == -1)
		return DB_ERROR;
	return db_write(st);
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
	sqlite3_stmt	*st = db_stmt(SQL_USER_DELETE);

	if (db_bind_int(st, 1, id) == -1 || db_write(st) != DB_DONE)
		return -1;
	return db_changes() > 0;
}

/*
 * Make email (proven by the token mailed to it) user id's address,
 * verified.  Returns DB_DONE, DB_CONFLICT if another user took it
 * meanwhile, or DB_ERROR.
 */
int
user_email_confirm(int64_t id, const char *email)
{
	sqlite3_stmt	*st = db_stmt(SQL_USER_EMAIL_CONFIRM);

	if (db_bind_text(st, 1, email) == -1 ||
	    db_bind_int(st, 2, util_now()) == -1 ||
	    db_bind_int(st, 3, id) == -1)
		return DB_ERROR;
	return db_write(st);
}

/* Mark user id's address verified.  Returns 0, or -1 on error. */
int
user_email_verified(int64_t id)
{
	sqlite3_stmt	*st = db_stmt(SQL_USER_EMAIL_VERIFY);

	if (db_bind_int(st, 1, util_now()) == -1 ||
	    db_bind_int(st, 2, id) == -1)
		return -1;
	return db_run(st);
}
