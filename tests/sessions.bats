#!/usr/bin/env bats
# Sessions: logout, the session list, revoking one or all, changing the
# password, the session limit, last use, and revocations across restarts.

load lib/server

setup_file() { server_start; }
teardown_file() { server_stop; }
setup() {
	load_helpers
	EMAIL=$(new_email)
	register "$EMAIL"
}

@test "logout: 204, then neither token works" {
	login "$EMAIL"
	req POST /logout '' -H "$(auth "$ACCESS")"
	assert_status 204
	[ -z "$BODY" ]
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_error 401 invalid_token
	req POST /logout '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
}

@test "logout: other sessions of the user stay" {
	login "$EMAIL"
	keep=$ACCESS
	login "$EMAIL"
	req POST /logout '' -H "$(auth "$ACCESS")"
	assert_status 204
	req GET /user-info '' -H "$(auth "$keep")"
	assert_status 200
}

@test "logout: without a token is 401" {
	req POST /logout
	assert_error 401 invalid_token
}

@test "tokens: the caller's active sessions, newest first" {
	login "$EMAIL" "correct horse" -A "first-agent/1.0"
	first=$ACCESS
	login "$EMAIL" "correct horse" -A "second-agent/2.0"
	req GET /tokens '' -H "$(auth "$ACCESS")"
	assert_status 200
	assert_json '.tokens | length' 2
	assert_json '.tokens[0].user_agent' second-agent/2.0
	assert_json '.tokens[0].current' true
	assert_json '.tokens[1].user_agent' first-agent/1.0
	assert_json '.tokens[1].current' false
	assert_json '.tokens[0].ip' 127.0.0.1
	assert_json '.tokens[0] | keys | sort | join(",")' \
	    created_at,current,expires_at,id,ip,last_used_at,user_agent
	assert_json '.tokens[0].id > .tokens[1].id' true
	assert_json '.tokens[0].expires_at | test("Z$")' true
	# Never a token or a hash.
	[[ $BODY != *"$ACCESS"* && $BODY != *"$REFRESH"* && $BODY != *hash* ]]
	req GET /tokens '' -H "$(auth "$first")"
	assert_json '.tokens[1].current' true
}

@test "tokens: other users' sessions are not listed" {
	login "$EMAIL"
	other=$(new_email)
	register "$other"
	login "$other"
	req GET /tokens '' -H "$(auth "$ACCESS")"
	assert_json '.tokens | length' 1
}

@test "tokens: DELETE revokes one of the caller's sessions" {
	login "$EMAIL"
	victim_access=$ACCESS
	victim_refresh=$REFRESH
	login "$EMAIL"
	req GET /tokens '' -H "$(auth "$ACCESS")"
	id=$(jq -r '.tokens[1].id' <<<"$BODY")
	req DELETE "/tokens/$id" '' -H "$(auth "$ACCESS")"
	assert_status 204
	req GET /user-info '' -H "$(auth "$victim_access")"
	assert_error 401 invalid_token
	req POST /refresh "{\"refresh_token\":\"$victim_refresh\"}"
	assert_error 401 invalid_token
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	req DELETE "/tokens/$id" '' -H "$(auth "$ACCESS")"
	assert_error 404 not_found
}

@test "tokens: another user's session id is 404 and stays alive" {
	other=$(new_email)
	register "$other"
	login "$other"
	other_access=$ACCESS
	req GET /tokens '' -H "$(auth "$other_access")"
	id=$(jq -r '.tokens[0].id' <<<"$BODY")
	login "$EMAIL"
	req DELETE "/tokens/$id" '' -H "$(auth "$ACCESS")"
	assert_error 404 not_found
	req GET /user-info '' -H "$(auth "$other_access")"
	assert_status 200
}

@test "tokens: bad ids are 404, GET of one id is 405" {
	login "$EMAIL"
	for id in abc 2abc -1 0 1.5 99999999999999999999 ''; do
		req DELETE "/tokens/$id" '' -H "$(auth "$ACCESS")"
		assert_error 404 not_found
	done
	req GET /tokens/1 '' -H "$(auth "$ACCESS")"
	assert_error 405 method_not_allowed
	assert_header Allow DELETE
}

@test "tokens: without a token is 401" {
	req GET /tokens
	assert_error 401 invalid_token
}

@test "revoke-all: from one of two sessions kills both" {
	login "$EMAIL"
	a_access=$ACCESS
	a_refresh=$REFRESH
	login "$EMAIL"
	req POST /revoke-all-tokens '' -H "$(auth "$ACCESS")"
	assert_status 200
	assert_json .revoked 2
	for t in "$a_access" "$ACCESS"; do
		req GET /user-info '' -H "$(auth "$t")"
		assert_error 401 invalid_token
	done
	for t in "$a_refresh" "$REFRESH"; do
		req POST /refresh "{\"refresh_token\":\"$t\"}"
		assert_error 401 invalid_token
	done
	login "$EMAIL"
}

@test "change-password: keeps the current session, kills the others" {
	login "$EMAIL"
	other_access=$ACCESS
	other_refresh=$REFRESH
	login "$EMAIL"
	req POST /change-password '{"current_password":"correct horse","new_password":"battery staple"}' -H "$(auth "$ACCESS")"
	assert_status 200
	assert_json .revoked 1
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 200
	req GET /user-info '' -H "$(auth "$other_access")"
	assert_error 401 invalid_token
	req POST /refresh "{\"refresh_token\":\"$other_refresh\"}"
	assert_error 401 invalid_token
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	assert_error 401 invalid_credentials
	login "$EMAIL" "battery staple"
}

@test "change-password: a wrong current password is 401 and changes nothing" {
	login "$EMAIL"
	other_access=$ACCESS
	login "$EMAIL"
	before=$(db "SELECT password_hash FROM users WHERE id = $USER_ID")
	req POST /change-password '{"current_password":"wrong horse","new_password":"battery staple"}' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_credentials current_password
	[ "$(db "SELECT password_hash FROM users WHERE id = $USER_ID")" = "$before" ]
	req GET /user-info '' -H "$(auth "$other_access")"
	assert_status 200
	login "$EMAIL"
}

@test "change-password: the new password must meet the policy" {
	login "$EMAIL"
	req POST /change-password '{"current_password":"correct horse","new_password":"short"}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request new_password
	req POST /change-password '{"current_password":"correct horse","new_password":"correct horse"}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request new_password
	req POST /change-password '{"current_password":"correct horse"}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request new_password
	req POST /change-password '{"new_password":"battery staple"}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request current_password
	login "$EMAIL"
}

@test "change-password: without a token is 401" {
	req POST /change-password '{"current_password":"correct horse","new_password":"battery staple"}'
	assert_error 401 invalid_token
}

@test "sessions: the eleventh login evicts the least recently used" {
	declare -a refresh
	for i in $(seq 10); do
		login "$EMAIL"
		refresh[$i]=$REFRESH
	done
	# Use session 1 a second later, so session 2 is the least recent.
	sleep 1
	req POST /refresh "{\"refresh_token\":\"${refresh[1]}\"}"
	assert_status 200
	refresh[1]=$(jq -r .refresh_token <<<"$BODY")
	login "$EMAIL"
	req GET /tokens '' -H "$(auth "$ACCESS")"
	assert_json '.tokens | length' 10
	req POST /refresh "{\"refresh_token\":\"${refresh[2]}\"}"
	assert_error 401 invalid_token
	# The audit log says which session went: the second login's.
	second=$(db "SELECT id FROM sessions WHERE user_id = $USER_ID
	    ORDER BY id LIMIT 1 OFFSET 1")
	[ "$(db "SELECT session_id FROM audit WHERE user_id = $USER_ID
	    AND event = 'session.revoked'")" = "$second" ]
	for i in 1 3 10; do
		req POST /refresh "{\"refresh_token\":\"${refresh[$i]}\"}"
		assert_status 200
	done
}

@test "sessions: last_used_at is written at most once a minute" {
	login "$EMAIL"
	sid=$(db "SELECT max(id) FROM sessions WHERE user_id = $USER_ID")
	db "UPDATE sessions SET last_used_at = last_used_at - 30 WHERE id = $sid"
	before=$(db "SELECT last_used_at FROM sessions WHERE id = $sid")
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	[ "$(db "SELECT last_used_at FROM sessions WHERE id = $sid")" = "$before" ]
	db "UPDATE sessions SET last_used_at = last_used_at - 60 WHERE id = $sid"
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	after=$(db "SELECT last_used_at FROM sessions WHERE id = $sid")
	[ "$after" -ge "$(( $(date +%s) - 5 ))" ]
	req GET /tokens '' -H "$(auth "$ACCESS")"
	assert_json ".tokens[0].last_used_at" "$(date -u -d "@$after" +%Y-%m-%dT%H:%M:%SZ)"
}

@test "sessions: revoked sessions are purged at the next login" {
	login "$EMAIL"
	req POST /logout '' -H "$(auth "$ACCESS")"
	assert_status 204
	[ "$(db "SELECT count(*) FROM sessions WHERE user_id = $USER_ID")" = 1 ]
	login "$EMAIL"
	[ "$(db "SELECT count(*) FROM sessions WHERE user_id = $USER_ID AND revoked_at IS NOT NULL")" = 0 ]
}

@test "sessions: revocations and the secret survive a restart" {
	login "$EMAIL"
	dead_access=$ACCESS
	dead_refresh=$REFRESH
	req POST /logout '' -H "$(auth "$ACCESS")"
	login "$EMAIL"
	server_restart
	req GET /user-info '' -H "$(auth "$dead_access")"
	assert_error 401 invalid_token
	req POST /refresh "{\"refresh_token\":\"$dead_refresh\"}"
	assert_error 401 invalid_token
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 200
}
