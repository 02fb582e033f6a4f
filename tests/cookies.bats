#!/usr/bin/env bats
# Cookie mode (AUTH_COOKIE_MODE=on) over HTTPS: the refresh token lives
# only in the __Host-refresh cookie, the OWASP sidejacking fingerprint
# in __Host-fgp, and an access token carrying "fgp" works only beside
# its cookie.  curl keeps the cookies in a jar per test, as a browser.

load lib/server
load lib/users
load lib/totp

setup_file() {
	"$ROOT/tools/deps.sh" python3 >&2
	server_start --tls AUTH_COOKIE_MODE=on AUTH_REFRESH_GRACE=2 \
	    AUTH_CORS_ORIGINS=https://app.example.com
}
teardown_file() { server_stop; }
setup() {
	load_helpers
	JAR=$BATS_TEST_TMPDIR/jar
	EMAIL=$(new_email)
	register "$EMAIL"
}

# browser_login [JAR]: log in keeping the cookies; sets ACCESS.
browser_login() {
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}" \
	    -c "${1:-$JAR}"
	assert_status 200
	ACCESS=$(jq -r .access_token <<<"$BODY")
}

# cookie NAME [JAR]: a cookie's value in the jar.
cookie() {
	awk -v n="$1" '$6 == n {print $7}' "${2:-$JAR}"
}

# set_cookie NAME: the Set-Cookie header for NAME in the last answer.
set_cookie() {
	grep -i "^set-cookie: $1=" "$HEADERS" | tr -d '\r'
}

@test "cookies: login sets both cookies and keeps the refresh token out of JSON" {
	browser_login
	assert_json 'has("refresh_token")' false
	assert_json '.access_token | length > 0' true
	for name in __Host-refresh __Host-fgp; do
		line=$(set_cookie "$name")
		[[ $line == *"; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=1209600" ]]
		[[ $line != *Domain* ]]
	done
	[ "$(cookie __Host-refresh | wc -c)" = 44 ]
	[ "$(cookie __Host-fgp | wc -c)" = 44 ]
}

@test "cookies: a refresh's cookies last what is left of the session" {
	browser_login
	db() { sqlite3 -cmd '.timeout 5000' "$STATE/auth.db" "$@"; }
	db "UPDATE sessions SET created_at = created_at - (2592000 - 7200)
	    WHERE user_id = (SELECT id FROM users WHERE email = '$EMAIL')"
	req POST /refresh '' -b "$JAR" -c "$JAR"
	assert_status 200
	left=$(jq -r .refresh_expires_in <<<"$BODY")
	[ "$left" -gt 7190 ] && [ "$left" -le 7200 ]
	for name in __Host-refresh __Host-fgp; do
		[[ $(set_cookie "$name") == *"; Max-Age=$left" ]]
	done
}

@test "cookies: the access token's fgp claim is the SHA-256 of the cookie" {
	browser_login
	claim=$(jwt_part "$ACCESS" 2 | jq -r .fgp)
	[ "$claim" = "$(printf '%s' "$(cookie __Host-fgp)" | sha256sum | cut -c1-64)" ]
}

@test "cookies: with its fingerprint cookie the token works" {
	browser_login
	req GET /user-info '' -H "$(auth "$ACCESS")" -b "$JAR"
	assert_status 200
	assert_json .email "$EMAIL"
}

@test "cookies: a stolen access token alone is refused" {
	browser_login
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	req GET /user-info '' -H "$(auth "$ACCESS")" -b "__Host-fgp=$(head -c 32 /dev/urandom | b64url)"
	assert_error 401 invalid_token
}

@test "cookies: a fingerprint cookie from another login is refused" {
	browser_login "$BATS_TEST_TMPDIR/other"
	browser_login
	req GET /user-info '' -H "$(auth "$ACCESS")" -b "$BATS_TEST_TMPDIR/other"
	assert_error 401 invalid_token
}

@test "cookies: refresh reads the cookie, rotates it, keeps the fingerprint" {
	browser_login
	old=$(cookie __Host-refresh)
	fgp=$(cookie __Host-fgp)
	req POST /refresh '' -b "$JAR" -c "$JAR"
	assert_status 200
	assert_json 'has("refresh_token")' false
	[ "$(cookie __Host-refresh)" != "$old" ]
	[ "$(cookie __Host-fgp)" = "$fgp" ]
	[[ $(set_cookie __Host-refresh) == *"; Secure; HttpOnly; SameSite=Strict; Max-Age=1209600" ]]
	access=$(jq -r .access_token <<<"$BODY")
	req GET /user-info '' -H "$(auth "$access")" -b "$JAR"
	assert_status 200
	# The token from before the refresh still works beside the cookie.
	req GET /user-info '' -H "$(auth "$ACCESS")" -b "$JAR"
	assert_status 200
}

@test "cookies: a stolen refresh cookie without the fingerprint gets nothing" {
	browser_login
	stolen=$(cookie __Host-refresh)
	req POST /refresh '' -b "__Host-refresh=$stolen"
	assert_error 401 invalid_token
	# The owner is not logged out by the attempt.
	req POST /refresh '' -b "$JAR" -c "$JAR"
	assert_status 200
}

@test "cookies: a refresh token in the body still needs the fingerprint" {
	browser_login
	token=$(cookie __Host-refresh)
	req POST /refresh "{\"refresh_token\":\"$token\"}"
	assert_error 401 invalid_token
	req POST /refresh "{\"refresh_token\":\"$token\"}" -b "__Host-fgp=$(cookie __Host-fgp)"
	assert_status 200
}

@test "cookies: no cookie and no body is 400" {
	req POST /refresh ''
	assert_error 400 invalid_request refresh_token
}

@test "cookies: reuse after the grace window revokes and clears" {
	browser_login
	old=$(cookie __Host-refresh)
	fgp=$(cookie __Host-fgp)
	req POST /refresh '' -b "$JAR" -c "$JAR"
	assert_status 200
	sleep 3
	req POST /refresh '' -b "__Host-refresh=$old; __Host-fgp=$fgp"
	assert_error 401 invalid_token
	[[ $(set_cookie __Host-refresh) == *"Max-Age=0; Expires="* ]]
	req POST /refresh '' -b "$JAR"
	assert_error 401 invalid_token
}

@test "cookies: logout clears both cookies and the refresh cookie dies" {
	browser_login
	before=$(cat "$JAR")
	req POST /logout '' -H "$(auth "$ACCESS")" -b "$JAR"
	assert_status 204
	for name in __Host-refresh __Host-fgp; do
		[ "$(set_cookie $name | cut -d: -f2-)" = " $name=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" ]
	done
	# A browser would have dropped them; sent anyway, they are dead.
	printf '%s\n' "$before" > "$JAR"
	req POST /refresh '' -b "$JAR"
	assert_error 401 invalid_token
}

@test "cookies: revoke-all clears them; DELETE /tokens clears only for the current one" {
	browser_login "$BATS_TEST_TMPDIR/a"
	a_access=$ACCESS
	browser_login
	req GET /tokens '' -H "$(auth "$ACCESS")" -b "$JAR"
	other=$(jq -r '.tokens[1].id' <<<"$BODY")
	current=$(jq -r '.tokens[0].id' <<<"$BODY")
	req DELETE "/tokens/$other" '' -H "$(auth "$ACCESS")" -b "$JAR"
	assert_status 204
	[ -z "$(set_cookie __Host-refresh)" ]
	req DELETE "/tokens/$current" '' -H "$(auth "$ACCESS")" -b "$JAR"
	assert_status 204
	[[ $(set_cookie __Host-refresh) == *"Max-Age=0; Expires="* ]]
	browser_login
	req POST /revoke-all-tokens '' -H "$(auth "$ACCESS")" -b "$JAR"
	assert_status 200
	[[ $(set_cookie __Host-refresh) == *"Max-Age=0; Expires="* ]]
	[[ $(set_cookie __Host-fgp) == *"Max-Age=0; Expires="* ]]
	req GET /user-info '' -H "$(auth "$a_access")" -b "$BATS_TEST_TMPDIR/a"
	assert_error 401 invalid_token
}

@test "cookies: CORS allows credentials for a listed origin" {
	req GET /health '' -H 'Origin: https://app.example.com'
	assert_header Access-Control-Allow-Origin https://app.example.com
	assert_header Access-Control-Allow-Credentials true
	req OPTIONS /refresh '' -H 'Origin: https://app.example.com'
	assert_status 204
	assert_header Access-Control-Allow-Credentials true
	req GET /health '' -H 'Origin: https://evil.example.com'
	refute_header Access-Control-Allow-Credentials
	refute_header Access-Control-Allow-Origin
}

@test "cookies: introspection answers a token bound to its cookie as not live" {
	browser_login
	secret=$(authctl clients add "c-$RANDOM" 2>/dev/null |
	    awk '$1 == "secret" { print $2 }')
	name=$(authctl clients list | awk 'NR == 2 { print $1 }')
	req POST /introspect '' --data-urlencode "token=$ACCESS" \
	    -u "$name:$secret"
	assert_status 200
	[ "$BODY" = '{"active":false}' ]
	# The control: beside its cookie, the token works.
	req GET /user-info '' -H "$(auth "$ACCESS")" -b "$JAR"
	assert_status 200
}

@test "cookies: with a second factor, /login/mfa sets the cookies as /login does" {
	browser_login
	mfa_enable -b "$JAR"
	jar=$BATS_TEST_TMPDIR/second
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}" -c "$jar"
	assert_status 200
	assert_json .mfa_required true
	refute_header Set-Cookie
	token=$(jq -r .mfa_token <<<"$BODY")
	forget_step "$USER_ID"
	req POST /login/mfa "{\"mfa_token\":\"$token\",\"code\":\"$(totp_code "$SECRET")\"}" -c "$jar"
	assert_status 200
	assert_json 'has("refresh_token")' false
	for name in __Host-refresh __Host-fgp; do
		[[ $(set_cookie "$name") == *"; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=1209600" ]]
	done
	access=$(jq -r .access_token <<<"$BODY")
	[ "$(jwt_part "$access" 2 | jq -c .amr)" = '["pwd","otp"]' ]
	[ "$(jwt_part "$access" 2 | jq -r .fgp)" = "$(printf '%s' "$(cookie __Host-fgp "$jar")" | sha256sum | cut -c1-64)" ]
	req GET /user-info '' -H "$(auth "$access")" -b "$jar"
	assert_status 200
	assert_json .mfa_enabled true
	req GET /user-info '' -H "$(auth "$access")"
	assert_error 401 invalid_token
	req POST /refresh '' -b "$jar" -c "$jar"
	assert_status 200
}
