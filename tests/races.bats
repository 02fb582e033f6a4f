#!/usr/bin/env bats
# Races: what one write transaction at a time gives SQLite, row locks
# give PostgreSQL (common/db.c, "Locking"), so both stores end a race
# the same way.  Each test holds a lock from a connection of its own
# (db_hold_tables) until its parallel requests wait behind it, then
# lets them go at once and checks how it ended.  Eight processes per
# program keep eight requests in flight.

load lib/server
load lib/users

setup_file() {
	export PROCS=8
	server_start AUTH_MAX_SESSIONS=1 AUTH_LOGIN_MAX_FAILURES=3 \
	    AUTH_LOGIN_MAX_FAILURES_ADDR=100000 AUTH_REFRESH_GRACE=60 \
	    AUTH_SENDMAIL=/bin/true
}
teardown_file() { server_stop; }
setup() { load_helpers; }

# bg N NAME METHOD PATH JSON [curl args]: N copies of a request at once,
# in the background; each status goes to NAME.I.status, each body to
# NAME.I.body.  bg_wait waits for all of them; statuses NAME prints the
# statuses, sorted.
BG=()
bg() {
	local n=$1 name=$BATS_TEST_TMPDIR/$2 i
	for i in $(seq "$n"); do
		curl -s -o "$name.$i.body" -w '%{http_code}' -X "$3" \
		    -H 'Content-Type: application/json' --data-binary "$5" \
		    "${@:6}" "$BASE$4" >"$name.$i.status" 3>&- &
		BG+=($!)
	done
}

bg_wait() {
	wait "${BG[@]}"
	BG=()
}

statuses() {
	awk 1 "$BATS_TEST_TMPDIR/$1".*.status | sort | uniq -c |
	    awk '{ printf "%s:%s ", $2, $1 }'
}

@test "races: parallel logins leave AUTH_MAX_SESSIONS sessions" {
	EMAIL=$(new_email)
	register "$EMAIL"
	db_hold_tables users sessions
	bg 3 login POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	db_waiting 3
	db_release
	bg_wait
	[ "$(statuses login)" = "200:3 " ]
	# Each login evicted what the one before it left: one is live.
	[ "$(db "SELECT count(*) FROM sessions WHERE user_id = $USER_ID
	    AND revoked_at IS NULL")" = 1 ]
}

@test "races: parallel guesses: the limit counts before the password check" {
	EMAIL=$(new_email)
	register "$EMAIL"
	db_hold_tables throttle
	bg 8 guess POST /login "{\"email\":\"$EMAIL\",\"password\":\"wrong horse\"}"
	db_waiting 8
	db_release
	bg_wait
	# AUTH_LOGIN_MAX_FAILURES=3: three reached bcrypt, five were refused.

	[ "$(statuses guess)" = "401:3 429:5 " ]
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	assert_error 429 too_many_requests
}

@test "races: parallel refreshes of one token leave one live token" {
	fresh_user
	db_hold_tables refresh_tokens sessions
	bg 8 refresh POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	db_waiting 8
	db_release
	bg_wait

	[ "$(statuses refresh)" = "200:8 " ]
	# The first rotated it; the others got the same successor.
	[ "$(jq -r .refresh_token "$BATS_TEST_TMPDIR"/refresh.*.body | sort -u |
	    wc -l)" = 1 ]
	[ "$(db "SELECT count(*) FROM refresh_tokens r JOIN sessions s
	    ON s.id = r.session_id WHERE s.user_id = $USER_ID
	    AND r.rotated_at IS NULL")" = 1 ]
	req POST /refresh "{\"refresh_token\":\"$(jq -r .refresh_token \
	    "$BATS_TEST_TMPDIR/refresh.1.body")\"}"
	assert_status 200
}

@test "races: a rehash at login never undoes a password set meanwhile" {
	# A cost-5 hash, which a login at cost 4 replaces if it is still
	# the one it checked.
	EMAIL=$(new_email)
	printf 'correct horse\n' | env $(store_env) AUTH_BCRYPT_COST=5 \
	    "$ROOT/tools/authctl" add-user "$EMAIL" >/dev/null
	other=$(new_email)
	register "$other" "other horse pw"
	new=$(db "SELECT password_hash FROM users WHERE email = '$other'")
	# The new password is written, not yet committed, while the login
	# checks the old one.
	db_hold "UPDATE users SET password_hash = '$new' WHERE email = '$EMAIL'"
	bg 1 login POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	db_waiting 1
	db_release COMMIT
	bg_wait
	[ "$(statuses login)" = "200:1 " ]
	[ "$(db "SELECT password_hash FROM users WHERE email = '$EMAIL'")" = "$new" ]
	login "$EMAIL" "other horse pw"
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	assert_error 401 invalid_credentials
}

@test "races: two admins demoting each other at once leave one admin" {
	[ "$(db "SELECT count(*) FROM users WHERE role = 'admin'")" = 0 ]
	admin_login
	a_id=$ADMIN_ID a_access=$ADMIN_ACCESS
	admin_login
	b_id=$ADMIN_ID b_access=$ADMIN_ACCESS
	db_hold_tables users
	bg 1 ab PATCH "/users/$b_id" '{"role":"user"}' -H "$(auth "$a_access")"
	bg 1 ba PATCH "/users/$a_id" '{"role":"user"}' -H "$(auth "$b_access")"
	db_waiting 2
	db_release
	bg_wait
	# One demotion won; the other found the last admin (409), or, had
	# it come in later, a caller no longer admin (403).
	got=$(awk 1 "$BATS_TEST_TMPDIR"/ab.1.status "$BATS_TEST_TMPDIR"/ba.1.status |
	    sort | tr '\n' ' ')
	[[ $got == "200 403 " || $got == "200 409 " ]]
	[ "$(db "SELECT count(*) FROM users WHERE role = 'admin'")" = 1 ]
}

@test "races: parallel reset requests mail one address at most three times" {
	EMAIL=$(new_email)
	register "$EMAIL"
	db_hold_tables mail_log
	bg 8 reset POST /password-reset "{\"email\":\"$EMAIL\"}"
	db_waiting 8
	db_release
	bg_wait

	[ "$(statuses reset)" = "202:8 " ]
	[ "$(db "SELECT count(*) FROM mail_log WHERE email = '$EMAIL'")" = 3 ]
}
