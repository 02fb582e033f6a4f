#!/usr/bin/env bats
# POST /refresh: rotation, the grace window, reuse detection.
# The grace window is 2 s here so "after the window" is a short wait.
# Parallel refreshes of one token are in races.bats, whose 60 s window
# no wait in a queue (mod_fcgid sleeps a second for a free process) can
# outlast.

load lib/server

setup_file() { server_start AUTH_REFRESH_GRACE=2; }
teardown_file() { server_stop; }
setup() {
	load_helpers
	fresh_user
}

# refresh TOKEN: POST /refresh.
refresh() {
	req POST /refresh "{\"refresh_token\":\"$1\"}"
}

@test "refresh: rotates, returning a full token response" {
	refresh "$REFRESH"
	assert_status 200
	assert_json .token_type Bearer
	assert_json '.refresh_token | length' 43
	new=$(jq -r .refresh_token <<<"$BODY")
	access=$(jq -r .access_token <<<"$BODY")
	[ "$new" != "$REFRESH" ]
	[ "$access" != "$ACCESS" ]
	req GET /user-info '' -H "$(auth "$access")"
	assert_status 200
	assert_json .email "$EMAIL"
}

@test "refresh: the new refresh token rotates again" {
	refresh "$REFRESH"
	r2=$(jq -r .refresh_token <<<"$BODY")
	refresh "$r2"
	assert_status 200
	r3=$(jq -r .refresh_token <<<"$BODY")
	[ "$r3" != "$r2" ] && [ "$r3" != "$REFRESH" ]
}

@test "refresh: within the grace window the old token gets the current one" {
	refresh "$REFRESH"
	current=$(jq -r .refresh_token <<<"$BODY")
	refresh "$REFRESH"
	assert_status 200
	assert_json .refresh_token "$current"
	# Nothing was revoked: the current token still rotates.
	refresh "$current"
	assert_status 200
}

@test "refresh: after the grace window reuse revokes the whole session" {
	refresh "$REFRESH"
	current=$(jq -r .refresh_token <<<"$BODY")
	access=$(jq -r .access_token <<<"$BODY")
	sleep 3
	refresh "$REFRESH"
	assert_error 401 invalid_token refresh_token
	assert_header WWW-Authenticate 'Bearer error="invalid_token"'
	# The thief's and the owner's tokens of that session are all dead.
	refresh "$current"
	assert_error 401 invalid_token
	req GET /user-info '' -H "$(auth "$access")"
	assert_error 401 invalid_token
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
}

@test "refresh: reuse revokes only that session" {
	login "$EMAIL"
	other_access=$ACCESS
	other_refresh=$REFRESH
	login "$EMAIL"
	refresh "$REFRESH"
	sleep 3
	refresh "$REFRESH"
	assert_status 401
	req GET /user-info '' -H "$(auth "$other_access")"
	assert_status 200
	refresh "$other_refresh"
	assert_status 200
}

@test "refresh: an access token is not a refresh token, nor the reverse" {
	refresh "$ACCESS"
	assert_error 401 invalid_token
	req GET /user-info '' -H "$(auth "$REFRESH")"
	assert_error 401 invalid_token
	# Neither attempt cost the session anything.
	refresh "$REFRESH"
	assert_status 200
}

@test "refresh: unknown, malformed, missing and ill-typed tokens" {
	refresh "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	assert_error 401 invalid_token
	refresh "not a token"
	assert_error 401 invalid_token
	req POST /refresh '{}'
	assert_error 400 invalid_request refresh_token
	req POST /refresh '{"refresh_token":42}'
	assert_error 400 invalid_request refresh_token
	req POST /refresh '{"refresh_token":""}'
	assert_error 400 invalid_request refresh_token
}

@test "refresh: the database keeps hashes, never the tokens" {
	refresh "$REFRESH"
	new=$(jq -r .refresh_token <<<"$BODY")
	[ -z "$(db_dump | grep -e "$REFRESH" -e "$new")" ]
	hex=$(printf '%s' "$new" | sha256sum | cut -c1-64 | tr a-f A-F)
	[ "$(db "SELECT count(*) FROM refresh_tokens WHERE hex(hash) = '$hex'")" = 1 ]
}

@test "refresh: GET is 405" {
	req GET /refresh
	assert_error 405 method_not_allowed
	assert_header Allow POST
}

# seq_scans: how often refresh_tokens was read whole, once every
# backend has reported its counts (at most a second after it idles).
seq_scans() {
	sleep 2
	db "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'refresh_tokens'"
}

@test "refresh: PostgreSQL keeps to the indexes of a table analyzed while small" {
	skip_on_store sqlite "no planner statistics to mislead"
	# Statistics of a one-page table favour reading it whole; a
	# connection would keep that plan while the table grows.
	db "ANALYZE refresh_tokens, sessions, users"
	before=$(seq_scans)
	for _ in 1 2 3 4 5 6 7 8; do
		refresh "$REFRESH"
		assert_status 200
		REFRESH=$(jq -r .refresh_token <<<"$BODY")
	done
	after=$(seq_scans)
	echo "sequential scans: $before, then $after" >&2
	[ "$after" = "$before" ]
}
