#!/usr/bin/env bats
# POST /login (and POST /token).

load lib/server

setup_file() {
	server_start
	curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
	    -d '{"email":"ann@example.com","password":"correct horse","username":"ann"}' \
	    "$BASE/register"
}
teardown_file() { server_stop; }
setup() { load_helpers; }

@test "login: 200 with the full token response" {
	req POST /login '{"email":"ann@example.com","password":"correct horse"}'
	assert_status 200
	assert_json .token_type Bearer
	assert_json .expires_in 600
	assert_json .refresh_expires_in 1209600
	assert_json '.access_token | split(".") | length' 3
	assert_json '.refresh_token | length' 43
}

@test "login: the access token carries the contract's claims" {
	login ann@example.com
	header=$(jwt_part "$ACCESS" 1)
	claims=$(jwt_part "$ACCESS" 2)
	[ "$(jq -r .iss <<<"$claims")" = fcgi-auth ]
	[ "$(jq -r '.sub | type' <<<"$claims")" = string ]
	[ "$(jq -r '.sid | type' <<<"$claims")" = number ]
	[ "$(jq -r .role <<<"$claims")" = user ]
	[ "$(jq -r '.jti | length' <<<"$claims")" = 32 ]
	[ "$(jq -r '.exp - .iat' <<<"$claims")" = 600 ]
	# RFC 9068: the audience, the last password proof, how it was made.
	[ "$(jq -r .aud <<<"$claims")" = fcgi-auth ]
	[ "$(jq -r '.auth_time == .iat' <<<"$claims")" = true ]
	[ "$(jq -c .amr <<<"$claims")" = '["pwd"]' ]
	# ES256 by default, typ at+jwt, and the key's id: nothing else.
	[ "$(jq -r .alg <<<"$header")" = ES256 ]
	[ "$(jq -r .typ <<<"$header")" = at+jwt ]
	[ "$(jq -r '.kid | length' <<<"$header")" = 43 ]
	[ "$(jq -r 'keys | join(",")' <<<"$header")" = alg,kid,typ ]
}

@test "login: by username, in any case, and with the user synonym" {
	req POST /login '{"username":"ANN","password":"correct horse"}'
	assert_status 200
	req POST /login '{"user":"ann","password":"correct horse"}'
	assert_status 200
}

@test "login: the email in another case logs in the same account" {
	req POST /login '{"email":" ANN@Example.com","password":"correct horse"}'
	assert_status 200
}

@test "login: POST /token is the same program" {
	req POST /token '{"email":"ann@example.com","password":"correct horse"}'
	assert_status 200
	assert_json .token_type Bearer
}

@test "login: a wrong password and an unknown account answer the same" {
	req POST /login '{"email":"ann@example.com","password":"wrong horse"}'
	assert_error 401 invalid_credentials
	wrong=$BODY
	req POST /login '{"email":"nobody@example.com","password":"wrong horse"}'
	assert_error 401 invalid_credentials
	[ "$BODY" = "$wrong" ]
	refute_header WWW-Authenticate
}

@test "login: a password over 72 bytes never matches" {
	p72=$(printf 'b%.0s' $(seq 72))
	req POST /register "{\"email\":\"long@example.com\",\"password\":\"$p72\"}"
	assert_status 201
	req POST /login "{\"email\":\"long@example.com\",\"password\":\"$p72\"}"
	assert_status 200
	req POST /login "{\"email\":\"long@example.com\",\"password\":\"${p72}b\"}"
	assert_error 401 invalid_credentials
}

@test "login: neither email nor username is 400" {
	req POST /login '{"password":"correct horse"}'
	assert_error 400 invalid_request email
}

@test "login: a missing password is 400" {
	req POST /login '{"email":"ann@example.com"}'
	assert_error 400 invalid_request password
}

@test "login: a password that is not a string is 400" {
	req POST /login '{"email":"ann@example.com","password":12345678}'
	assert_error 400 invalid_request password
	req POST /login '{"email":"ann@example.com","password":{"$ne":""}}'
	assert_error 400 invalid_request password
}

@test "login: 415 without a JSON content type, 405 for GET" {
	req POST /login '' --data 'email=ann@example.com'
	assert_error 415 unsupported_media_type
	req GET /login
	assert_error 405 method_not_allowed
	assert_header Allow POST
}

@test "login: 413 over the body limit" {
	big=$(head -c 70000 /dev/zero | tr '\0' a)
	req POST /login "{\"email\":\"ann@example.com\",\"password\":\"$big\"}"
	assert_error 413 payload_too_large
}
