#!/usr/bin/env bats
# GET /user-info (and GET /me, GET /get-resource): bearer tokens.

load lib/server

setup_file() { server_start; }
teardown_file() { server_stop; }
setup() { load_helpers; }

@test "user-info: 200 with the caller's user resource" {
	register ann@example.com
	login ann@example.com
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	assert_json .email ann@example.com
	assert_json .id "$USER_ID"
	assert_json 'has("password_hash")' false
}

@test "user-info: /me and /get-resource are the same" {
	email=$(new_email)
	register "$email"
	login "$email"
	for path in /me /get-resource; do
		req GET "$path" '' -H "$(auth "$ACCESS")"
		assert_status 200
		assert_json .email "$email"
	done
}

@test "user-info: no token is 401 with WWW-Authenticate" {
	req GET /user-info
	assert_error 401 invalid_token
	assert_header WWW-Authenticate 'Bearer error="invalid_token"'
}

@test "user-info: a malformed or forged token is 401" {
	for t in garbage a.b.c "$(printf 'x%.0s' $(seq 5000))" \
	    'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwic2lkIjoxfQ.'; do
		req GET /user-info '' -H "$(auth "$t")"
		assert_error 401 invalid_token
	done
}

@test "user-info: another scheme than Bearer is 401" {
	fresh_user
	req GET /user-info '' -H "Authorization: Basic $ACCESS"
	assert_error 401 invalid_token
	req GET /user-info '' -H "Authorization: bearer $ACCESS"
	assert_status 200
}

@test "user-info: a refresh token is not an access token" {
	fresh_user
	req GET /user-info '' -H "$(auth "$REFRESH")"
	assert_error 401 invalid_token
}

@test "user-info: a token signed with another secret is 401" {
	fresh_user
	forged=$(sign "$(cut -d. -f1-2 <<<"$ACCESS")" other-secret-0123456789abcdef0123)
	req GET /user-info '' -H "$(auth "$forged")"
	assert_error 401 invalid_token
}

@test "user-info: a token signed with the real secret is accepted (control)" {
	fresh_user
	resigned=$(resign "$(cut -d. -f1-2 <<<"$ACCESS")")
	[ "$resigned" != "$ACCESS" ]
	req GET /user-info '' -H "$(auth "$resigned")"
	assert_status 200
}

@test "user-info: POST is 405 with Allow" {
	req POST /user-info '{}'
	assert_error 405 method_not_allowed
	assert_header Allow 'GET, HEAD'
}

@test "user-info: HEAD answers the headers only" {
	fresh_user
	req HEAD /user-info '' -H "$(auth "$ACCESS")" --head
	assert_status 200
	assert_header Content-Type application/json
	[[ $BODY != *'"email"'* ]]
}
