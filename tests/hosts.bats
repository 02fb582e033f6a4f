#!/usr/bin/env bats
# More than one host: two web servers ($HOST), A and B, on two ports,
# each with a state folder and programs of its own, sharing one store
# and one secret, as two machines behind a load balancer would (the
# README's "More than one host").  With DB=postgresql that is the
# deployment itself; on SQLite, two servers of one machine sharing its
# file behave the same.

load lib/server

setup_file() {
	server_start AUTH_LOGIN_MAX_FAILURES=3 AUTH_LOGIN_MAX_FAILURES_ADDR=100000 \
	    AUTH_REFRESH_GRACE=60
	export A=$BASE A_STATE=$STATE
	# B: a state folder of its own; SERVER_DB and SERVER_SECRET (or, on
	# SQLite, the jwt.secret beside the file) are A's.
	export STATE=
	server_start AUTH_LOGIN_MAX_FAILURES=3 AUTH_LOGIN_MAX_FAILURES_ADDR=100000 \
	    AUTH_REFRESH_GRACE=60
	export B=$BASE B_STATE=$STATE
}

teardown_file() {
	STATE=$B_STATE server_stop
	STATE=$A_STATE server_stop
}

setup() { load_helpers; }

# via A|B: the host the next requests go to.
via() {
	BASE=${!1}
}

@test "hosts: two servers, two state folders, one store" {
	[ "$A" != "$B" ] && [ "$A_STATE" != "$B_STATE" ]
	via A
	req GET /health
	assert_status 200
	via B
	req GET /health
	assert_status 200
}

@test "hosts: registered through A, logged in through B, served by both" {
	via A
	EMAIL=$(new_email)
	register "$EMAIL"
	via B
	login "$EMAIL"
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	assert_json .email "$EMAIL"
	via A
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 200
}

@test "hosts: a session revoked through one host is refused by the other at once" {
	via A
	fresh_user
	req POST /logout '' -H "$(auth "$ACCESS")"
	assert_status 204
	via B
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_error 401 invalid_token
	# And the other way round, for every session of the user.
	login "$EMAIL"
	first=$ACCESS
	via A
	login "$EMAIL"
	via B
	req POST /revoke-all-tokens '' -H "$(auth "$ACCESS")"
	assert_status 200
	assert_json .revoked 2
	via A
	req GET /user-info '' -H "$(auth "$first")"
	assert_error 401 invalid_token
}

@test "hosts: a refresh raced through both hosts leaves one live token" {
	via A
	fresh_user
	db_hold_tables refresh_tokens sessions
	for i in 1 2 3 4; do
		for h in A B; do
			curl -s -o "$BATS_TEST_TMPDIR/$h$i" -w '%{http_code}' \
			    -X POST -H 'Content-Type: application/json' \
			    -d "{\"refresh_token\":\"$REFRESH\"}" \
			    "${!h}/refresh" >"$BATS_TEST_TMPDIR/$h$i.status" 3>&- &
		done
	done
	db_waiting 4
	db_release
	wait
	[ "$(awk 1 "$BATS_TEST_TMPDIR"/*.status | sort -u)" = 200 ]
	[ "$(jq -r .refresh_token "$BATS_TEST_TMPDIR"/A? "$BATS_TEST_TMPDIR"/B? |
	    sort -u | wc -l)" = 1 ]
	[ "$(db "SELECT count(*) FROM refresh_tokens r JOIN sessions s
	    ON s.id = r.session_id WHERE s.user_id = $USER_ID
	    AND r.rotated_at IS NULL")" = 1 ]
	via B
	req POST /refresh "{\"refresh_token\":\"$(jq -r .refresh_token "$BATS_TEST_TMPDIR/A1")\"}"
	assert_status 200
}

@test "hosts: failures through A and B add up in one throttle" {
	via A
	EMAIL=$(new_email)
	register "$EMAIL"
	for h in A B A; do
		via "$h"
		req POST /login "{\"email\":\"$EMAIL\",\"password\":\"wrong horse\"}"
		assert_error 401 invalid_credentials
	done
	# AUTH_LOGIN_MAX_FAILURES=3, counted once for both.
	for h in B A; do
		via "$h"
		req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
		assert_error 429 too_many_requests
	done
}
