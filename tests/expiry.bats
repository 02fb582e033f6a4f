#!/usr/bin/env bats
# Token lifetimes with short TTLs: AUTH_ACCESS_TTL and AUTH_REFRESH_TTL.

load lib/server

# Whole seconds: a token issued at T with a TTL of 3 is good until T + 3,
# so it is used well within that and tried again well after.  The
# refresh token outlives the access token by 7 s, room for the three
# requests after the access token's end even when each is a
# sanitized CGI program on a loaded machine (with 3 s of room, once,
# the refresh came after its end).
setup_file() { server_start AUTH_ACCESS_TTL=3 AUTH_REFRESH_TTL=10; }
teardown_file() { server_stop; }
setup() {
	load_helpers
	fresh_user
}

@test "expiry: the token response states the configured lifetimes" {
	assert_json .expires_in 3
	assert_json .refresh_expires_in 10
}

@test "expiry: an access token stops working after AUTH_ACCESS_TTL" {
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	sleep 4
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	# The session itself lives on: refresh still works.
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 200
}

@test "expiry: a refresh token stops working after AUTH_REFRESH_TTL" {
	sleep 11
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_error 401 invalid_token
}

@test "expiry: an expired session is not listed and is purged" {
	first=$REFRESH
	sleep 11
	login "$EMAIL"
	req GET /tokens '' -H "$(auth "$ACCESS")"
	assert_status 200
	assert_json '.tokens | length' 1
	# The login purged the expired session from the table.
	[ "$(db "SELECT count(*) FROM sessions WHERE user_id = $USER_ID")" = 1 ]
	req POST /refresh "{\"refresh_token\":\"$first\"}"
	assert_error 401 invalid_token
}
