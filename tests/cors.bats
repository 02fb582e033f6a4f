#!/usr/bin/env bats
# CORS for AUTH_CORS_ORIGINS: exact origins only, Vary: Origin, no
# credentials outside cookie mode, OPTIONS preflights answered 204 by
# every program; nothing for other origins.

load lib/server

APP=https://app.example.com
setup_file() {
	server_start AUTH_CORS_ORIGINS="$APP https://admin.example.com"
}
teardown_file() { server_stop; }
setup() { load_helpers; }

# No Access-Control-* header at all in the last answer.
refute_cors() {
	! grep -qi '^access-control-' "$HEADERS" || { cat "$HEADERS" >&2; return 1; }
}

@test "cors: a listed origin gets itself back, with Vary" {
	for origin in "$APP" https://admin.example.com; do
		req GET /health '' -H "Origin: $origin"
		assert_status 200
		assert_header Access-Control-Allow-Origin "$origin"
		assert_header Vary Origin
		assert_header Access-Control-Expose-Headers 'Location, Retry-After, WWW-Authenticate'
		refute_header Access-Control-Allow-Credentials
	done
}

@test "cors: errors carry the headers too, so the browser can read them" {
	req POST /login '{"email":"nobody@example.com","password":"wrong horse"}' -H "Origin: $APP"
	assert_error 401 invalid_credentials
	assert_header Access-Control-Allow-Origin "$APP"
}

@test "cors: other origins get no CORS headers" {
	for origin in https://evil.example.com "$APP.evil.com" http://app.example.com \
	    https://APP.example.com "$APP/" null '*'; do
		req GET /health '' -H "Origin: $origin"
		assert_status 200
		refute_cors
		assert_header Vary Origin
	done
	req GET /health
	refute_cors
}

@test "cors: a preflight from a listed origin is 204 with what it may send" {
	req OPTIONS /login '' -H "Origin: $APP" -H 'Access-Control-Request-Method: POST' \
	    -H 'Access-Control-Request-Headers: content-type'
	assert_status 204
	[ -z "$BODY" ]
	assert_header Access-Control-Allow-Origin "$APP"
	assert_header Access-Control-Allow-Methods 'POST, OPTIONS'
	assert_header Access-Control-Allow-Headers 'Authorization, Content-Type'
	assert_header Access-Control-Max-Age 600
	assert_header Allow 'POST, OPTIONS'
}

@test "cors: a preflight needs no token, and lists the path's methods" {
	req OPTIONS /users/1 '' -H "Origin: $APP"
	assert_status 204
	assert_header Access-Control-Allow-Methods 'GET, HEAD, PATCH, DELETE, OPTIONS'
	req OPTIONS /tokens '' -H "Origin: $APP"
	assert_header Access-Control-Allow-Methods 'GET, HEAD, OPTIONS'
}

@test "cors: every program answers OPTIONS with 204" {
	for path in /register /user /login /token /refresh /user-info /me \
	    /get-resource /logout /tokens /tokens/7 /revoke-all-tokens \
	    /change-password /users /users/7 /user/7 /profile/7 \
	    /password-reset /password-reset/confirm /verify-email \
	    /verify-email/confirm /health; do
		req OPTIONS "$path" '' -H "Origin: $APP"
		assert_status 204
		assert_header Access-Control-Allow-Origin "$APP"
	done
}

@test "cors: a preflight from another origin gets Allow but no CORS" {
	req OPTIONS /login '' -H 'Origin: https://evil.example.com' \
	    -H 'Access-Control-Request-Method: POST'
	assert_status 204
	assert_header Allow 'POST, OPTIONS'
	refute_cors
}

@test "cors: OPTIONS on an unknown path is 404" {
	req OPTIONS /nope '' -H "Origin: $APP"
	assert_error 404 not_found
}
