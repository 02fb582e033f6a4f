#!/usr/bin/env bats
# POST /register (and its compatibility path POST /user).

load lib/server

setup_file() { server_start; }
teardown_file() { server_stop; }
setup() { load_helpers; }

@test "register: 201 with the user resource and Location" {
	req POST /register '{"email":"ann@example.com","password":"correct horse","username":"ann"}'
	assert_status 201
	assert_json .email ann@example.com
	assert_json .username ann
	assert_json .role user
	assert_json .email_verified false
	assert_json '.id | type' number
	assert_json '.created_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")' true
	assert_header Location "$SITE_PREFIX/users/$(jq -r .id <<<"$BODY")"
	assert_json 'has("password") or has("password_hash")' false
}

@test "register: the email is trimmed and lower-cased" {
	req POST /register '{"email":"  Bob@Example.COM ","password":"correct horse"}'
	assert_status 201
	assert_json .email bob@example.com
	assert_json .username null
}

@test "register: \"user\" is a synonym for username" {
	req POST /register '{"email":"carl@example.com","password":"correct horse","user":"carl"}'
	assert_status 201
	assert_json .username carl
}

@test "register: POST /user is the same program" {
	req POST /user '{"email":"dora@example.com","password":"correct horse"}'
	assert_status 201
	assert_json .email dora@example.com
}

@test "register: a taken email is 409, in any case" {
	register erin@example.com
	req POST /register '{"email":"ERIN@example.com","password":"correct horse"}'
	assert_error 409 conflict email
}

@test "register: a taken username is 409, in any case" {
	req POST /register '{"email":"fay@example.com","password":"correct horse","username":"Fay"}'
	assert_status 201
	req POST /register '{"email":"fay2@example.com","password":"correct horse","username":"fay"}'
	assert_error 409 conflict username
}

@test "register: missing email or password is 400 naming the field" {
	req POST /register '{"password":"correct horse"}'
	assert_error 400 invalid_request email
	req POST /register '{"email":"gil@example.com"}'
	assert_error 400 invalid_request password
	req POST /register '{}'
	assert_error 400 invalid_request
}

@test "register: an empty body is 400, not a crash" {
	req POST /register '' -H 'Content-Type: application/json' --data-binary ''
	assert_error 400 invalid_request email
}

@test "register: a bad email is 400" {
	for e in '"nope"' '"a@b"' '"a b@c.de"' '42' 'null' '"x@y.z\r\nBcc: v@w.x"'; do
		req POST /register "{\"email\":$e,\"password\":\"correct horse\"}"
		assert_error 400 invalid_request email
	done
}

@test "register: a short password is 400" {
	req POST /register '{"email":"hal@example.com","password":"short"}'
	assert_error 400 invalid_request password
	assert_json .message "password must be at least 8 characters"
}

@test "register: 72-byte password accepted, 73 refused" {
	p72=$(printf 'a%.0s' $(seq 72))
	req POST /register "{\"email\":\"ida@example.com\",\"password\":\"$p72\"}"
	assert_status 201
	req POST /register "{\"email\":\"ida2@example.com\",\"password\":\"${p72}b\"}"
	assert_error 400 invalid_request password
}

@test "register: a bad username is 400" {
	req POST /register '{"email":"jo@example.com","password":"correct horse","username":"j"}'
	assert_error 400 invalid_request username
	req POST /register '{"email":"jo@example.com","password":"correct horse","username":"j o e"}'
	assert_error 400 invalid_request username
}

@test "register: role, id and unknown fields are refused, not ignored" {
	req POST /register '{"email":"kim@example.com","password":"correct horse","role":"admin"}'
	assert_error 400 invalid_request role
	req POST /register '{"email":"kim@example.com","password":"correct horse","id":1}'
	assert_error 400 invalid_request id
	req POST /register '{"email":"kim@example.com","password":"correct horse","email_verified":true}'
	assert_error 400 invalid_request email_verified
	req POST /login '{"email":"kim@example.com","password":"correct horse"}'
	assert_error 401 invalid_credentials
}

@test "register: username and user together are refused" {
	req POST /register '{"email":"lu@example.com","password":"correct horse","username":"lu1","user":"lu2"}'
	assert_error 400 invalid_request
}

@test "register: malformed JSON, arrays and duplicate keys are 400" {
	for b in '{"email":' '[1,2]' '"text"' '{"email":"a@b.cd","email":"c@d.ef","password":"correct horse"}' '{"email":"m@example.com","password":"correct horse"} x'; do
		req POST /register "$b"
		assert_error 400 invalid_request
	done
}

@test "register: a body without a JSON content type is 415" {
	req POST /register '' --data-binary '{"email":"n@example.com","password":"correct horse"}' -H 'Content-Type: text/plain'
	assert_error 415 unsupported_media_type
	req POST /register '' --data 'email=n@example.com&password=correct+horse'
	assert_error 415 unsupported_media_type
}

@test "register: application/json with a charset is accepted" {
	req POST /register '' -H 'Content-Type: application/json; charset=utf-8' --data-binary '{"email":"olga@example.com","password":"correct horse"}'
	assert_status 201
}

@test "register: a body over 64 KiB is 413" {
	big=$(head -c 70000 /dev/zero | tr '\0' a)
	req POST /register "{\"email\":\"p@example.com\",\"password\":\"$big\"}"
	assert_error 413 payload_too_large
}

@test "register: a body over lighttpd's limit is 413 JSON too" {
	head -c 2000000 /dev/zero | tr '\0' a > "$BATS_TEST_TMPDIR/huge"
	req POST /register '' -H 'Content-Type: application/json' --data-binary "@$BATS_TEST_TMPDIR/huge"
	assert_error 413 payload_too_large
}

@test "register: GET is 405 with Allow" {
	req GET /register
	assert_error 405 method_not_allowed
	assert_header Allow POST
}
