#!/usr/bin/env bats
# Token lifetimes with short TTLs: AUTH_ACCESS_TTL and AUTH_REFRESH_TTL.

load lib/server

# TTLs of whole seconds: a token lives from 1 s (issued at the end of a
# second) to 2 s, so the shortest lifetime tested is 2 s.
setup_file() { server_start AUTH_ACCESS_TTL=2 AUTH_REFRESH_TTL=5; }
teardown_file() { server_stop; }
setup() {
	load_helpers
	fresh_user
}

@test "expiry: the token response states the configured lifetimes" {
	assert_json .expires_in 2
	assert_json .refresh_expires_in 5
}

@test "expiry: an access token stops working after AUTH_ACCESS_TTL" {
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	sleep 3
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	# The session itself lives on: refresh still works.
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 200
}

@test "expiry: a refresh token stops working after AUTH_REFRESH_TTL" {
	sleep 6
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_error 401 invalid_token
}

@test "expiry: an expired session is not listed and is purged" {
	first=$REFRESH
	sleep 6
	login "$EMAIL"
	req GET /tokens '' -H "$(auth "$ACCESS")"
	assert_status 200
	assert_json '.tokens | length' 1
	# The login purged the expired session from the table.
	[ "$(sqlite3 "$STATE/auth.db" "SELECT count(*) FROM sessions WHERE user_id = $USER_ID")" = 1 ]
	req POST /refresh "{\"refresh_token\":\"$first\"}"
	assert_error 401 invalid_token
}
