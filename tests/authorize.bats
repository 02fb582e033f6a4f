#!/usr/bin/env bats
# The authorizer (authorize.fcgi) in front of pages of one's own, as
# lighttpd.conf and apache/httpd.conf set it up: examples/private/ as
# /private/, a static file, whoami.cgi (a CGI script) and whoami.fcgi
# (a FastCGI program), /private/admin/ for admins.  Two servers: one
# with bearer tokens only, and one in cookie mode over HTTPS with
# AUTH_LOGIN_URL set, where a browser that logged in opens the pages
# by plain navigation (the __Host-access cookie).

load lib/server
load lib/users
load lib/totp
bats_require_minimum_version 1.5.0

# Plain CGI has no FastCGI roles at all; the package's snippets keep
# their authorizer block commented out.
CGI_WHY="plain CGI has no FastCGI Authorizer role (fcgi-auth(7), Shared hosting)"
DEB_WHY="the package's snippets leave /private/ to the site (commented out)"
LOGIN_URL="https://login.example.com/sign-in?app=1"

setup_file() {
	[ "$HOST" != debian ] || return 0
	# The cookie-mode server, on every host: what login, refresh and
	# logout do with the access cookie needs no authorizer.
	server_start --tls AUTH_COOKIE_MODE=on "AUTH_LOGIN_URL=$LOGIN_URL"
	export C_BASE=$BASE C_STATE=$STATE C_ENV=$SERVER_ENV C_CACERT=$CACERT
	# The bearer-only server, the default for the tests.
	STATE=
	server_start
}
teardown_file() { server_stop; }
setup() {
	skip_on debian "$DEB_WHY"
	load_helpers
	JAR=$BATS_TEST_TMPDIR/jar
}

# Talk to the cookie-mode server for the rest of this test.
cookie_server() {
	export BASE=$C_BASE STATE=$C_STATE SERVER_ENV=$C_ENV CACERT=$C_CACERT
	export SCHEME=https TLS=1
}

# browser_login: in cookie mode, a fresh user logged in with a cookie
# jar ($JAR), as a browser; sets ID, EMAIL and ACCESS.
browser_login() {
	EMAIL=$(new_email)
	register "$EMAIL" || return 1
	ID=$USER_ID
	login "$EMAIL" 'correct horse' -c "$JAR"
}

# cookie NAME: a cookie's value in the jar.
cookie() {
	awk -v n="$1" '$6 == n {print $7}' "$JAR"
}

# set_cookie NAME: the Set-Cookie header for NAME in the last answer.
set_cookie() {
	grep -i "^set-cookie: $1=" "$HEADERS" | tr -d '\r'
}

# What a browser sends when it navigates to a page.
NAV=(-H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')

HELLO="protected: 20 bytes"

# whoami NAME [curl args]: GET /private/NAME, which must be 200 JSON.
whoami() {
	req GET "/private/$1" '' "${@:2}"
	assert_status 200 || return 1
	assert_json 'keys | length' 4
}

# The claim sid of token $1.
sid_of() {
	claim "$1" sid
}

@test "authorize: no token is 401 invalid_token, for a file, a script, a program" {
	skip_on cgi "$CGI_WHY"
	for page in hello.txt "" whoami.cgi whoami.fcgi admin/ nothing.txt; do
		req GET "/private/$page"
		assert_error 401 invalid_token
		assert_header WWW-Authenticate 'Bearer error="invalid_token"'
		assert_header Content-Type application/json
		[[ $BODY != *"$HELLO"* ]]
	done
	req GET /private/hello.txt '' -H 'Authorization: Bearer not.a.token'
	assert_error 401 invalid_token
	# Not for a browser either, while AUTH_LOGIN_URL is not set.
	req GET /private/hello.txt '' -H 'Accept: text/html'
	assert_error 401 invalid_token
}

@test "authorize: a good token gets the file, the page and the index" {
	skip_on cgi "$CGI_WHY"
	user_login
	req GET /private/hello.txt '' -H "$(auth "$ACCESS")"
	assert_status 200
	[ "$BODY" = "$HELLO" ]
	assert_header Content-Type 'text/plain; charset=utf-8'
	# No shared cache may keep what is one user's.
	grep -qi '^Cache-Control: .*private' "$HEADERS"
	req GET /private/ '' -H "$(auth "$ACCESS")"
	assert_status 200
	[[ $BODY == *"<h1>Private</h1>"* ]]
	# HEAD, and what is not there: the server's own 404, as JSON.
	req HEAD /private/hello.txt '' -H "$(auth "$ACCESS")" -I
	assert_status 200
	req GET /private/nothing.txt '' -H "$(auth "$ACCESS")"
	assert_error 404 not_found
	# The authorizer hands nothing of its own on to the client.
	! grep -qi '^Variable-' "$HEADERS"
}

@test "authorize: whoami.cgi and whoami.fcgi are handed the caller's variables" {
	skip_on cgi "$CGI_WHY"
	admin_login
	user_login
	for page in whoami.cgi whoami.fcgi; do
		whoami "$page" -H "$(auth "$ACCESS")"
		assert_json .AUTH_USER_ID "$ID"
		assert_json .AUTH_USER_EMAIL "$EMAIL"
		assert_json .AUTH_USER_ROLE user
		assert_json .AUTH_SESSION_ID "$(sid_of "$ACCESS")"
		! grep -qi '^Variable-' "$HEADERS"
		whoami "$page" -H "$(auth "$ADMIN_ACCESS")"
		assert_json .AUTH_USER_ID "$ADMIN_ID"
		assert_json .AUTH_USER_EMAIL "$ADMIN_EMAIL"
		assert_json .AUTH_USER_ROLE admin
		assert_json .AUTH_SESSION_ID "$(sid_of "$ADMIN_ACCESS")"
	done
}

@test "authorize: the role is the database's, now, not the token's" {
	skip_on cgi "$CGI_WHY"
	user_login
	whoami whoami.cgi -H "$(auth "$ACCESS")"
	assert_json .AUTH_USER_ROLE user
	authctl set-role "$EMAIL" admin >/dev/null
	whoami whoami.cgi -H "$(auth "$ACCESS")"
	assert_json .AUTH_USER_ROLE admin
	[ "$(claim "$ACCESS" role)" = user ]
	req GET /private/admin/ '' -H "$(auth "$ACCESS")"
	assert_status 200
}

@test "authorize: headers named like the variables never become them" {
	skip_on cgi "$CGI_WHY"
	admin_login
	user_login
	spoof=(-H "Variable-AUTH_USER_ID: $ADMIN_ID"
	    -H 'Variable-AUTH_USER_ROLE: admin'
	    -H "Variable-AUTH_USER_EMAIL: $ADMIN_EMAIL"
	    -H 'Variable-AUTH_SESSION_ID: 1'
	    -H "AUTH_USER_ID: $ADMIN_ID" -H 'AUTH_USER_ROLE: admin'
	    -H "Auth-User-Id: $ADMIN_ID" -H "X-Auth-User-Id: $ADMIN_ID"
	    -H 'Auth-User-Role: admin' -H 'AUTH-REQUIRE-ROLE: user')
	for page in whoami.cgi whoami.fcgi; do
		whoami "$page" -H "$(auth "$ACCESS")" "${spoof[@]}"
		assert_json .AUTH_USER_ID "$ID"
		assert_json .AUTH_USER_ROLE user
		assert_json .AUTH_USER_EMAIL "$EMAIL"
		assert_json .AUTH_SESSION_ID "$(sid_of "$ACCESS")"
		# Without a token they open nothing.
		req GET "/private/$page" '' "${spoof[@]}"
		assert_error 401 invalid_token
	done
	req GET /private/admin/ '' -H "$(auth "$ACCESS")" "${spoof[@]}"
	assert_error 403 forbidden
}

@test "authorize: /private/admin/ is 403 below admin, open to an admin" {
	skip_on cgi "$CGI_WHY"
	user_login
	req GET /private/admin/ '' -H "$(auth "$ACCESS")"
	assert_error 403 forbidden
	assert_json .message 'this page needs the admin role'
	[[ $BODY != *"<h1>"* ]]
	admin_login
	req GET /private/admin/ '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	[[ $BODY == *"<h1>Admins</h1>"* ]]
	# The rest of /private/ is any signed-in user's.
	req GET /private/hello.txt '' -H "$(auth "$ACCESS")"
	assert_status 200
}

@test "authorize: after logout, revoke-all or deleting the account, 401" {
	skip_on cgi "$CGI_WHY"
	user_login
	req GET /private/hello.txt '' -H "$(auth "$ACCESS")"
	assert_status 200
	req POST /logout '' -H "$(auth "$ACCESS")"
	assert_status 204
	req GET /private/hello.txt '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token

	login "$EMAIL"
	first=$ACCESS
	login "$EMAIL"
	req POST /revoke-all-tokens '' -H "$(auth "$ACCESS")"
	assert_status 200
	for t in "$first" "$ACCESS"; do
		req GET /private/whoami.cgi '' -H "$(auth "$t")"
		assert_error 401 invalid_token
	done

	login "$EMAIL"
	req GET /private/whoami.fcgi '' -H "$(auth "$ACCESS")"
	assert_status 200
	req DELETE "/users/$ID" '{"password":"correct horse"}' \
	    -H "$(auth "$ACCESS")"
	assert_status 204
	req GET /private/whoami.fcgi '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
}

@test "authorize: an expired token is 401; the same re-signed, unexpired, 200" {
	skip_on cgi "$CGI_WHY"
	user_login
	now=$(date +%s)
	h=$(cut -d. -f1 <<<"$ACCESS")
	claims=$(jwt_part "$ACCESS" 2)
	good=$(resign "$h.$(jq -c ".jti = \"resigned\"" <<<"$claims" | b64url)")
	req GET /private/hello.txt '' -H "$(auth "$good")"
	assert_status 200
	for c in ".iat = $((now - 700)) | .exp = $((now - 100))" \
	    ".exp = $((now - 1))"; do
		old=$(resign "$h.$(jq -c "$c" <<<"$claims" | b64url)")
		req GET /private/hello.txt '' -H "$(auth "$old")"
		assert_error 401 invalid_token
	done
}

@test "authorize: in bearer mode an access cookie opens nothing" {
	skip_on cgi "$CGI_WHY"
	user_login
	req GET /private/hello.txt '' -b "__Host-access=.$ACCESS"
	assert_error 401 invalid_token
}

@test "authorize: any method, any body: the authorizer reads none" {
	skip_on cgi "$CGI_WHY"
	user_login
	req POST /private/whoami.cgi '' -H "$(auth "$ACCESS")" \
	    -H 'Content-Type: application/x-www-form-urlencoded' \
	    --data-binary 'a=1&b=2'
	assert_status 200
	assert_json .AUTH_USER_ID "$ID"
	req POST /private/whoami.fcgi '' -H "$(auth "$ACCESS")" \
	    -H 'Content-Type: text/plain' --data-binary 'hello'
	assert_status 200
	assert_json .AUTH_USER_ID "$ID"
	req POST /private/whoami.cgi '' -H 'Content-Type: text/plain' \
	    --data-binary 'hello'
	assert_error 401 invalid_token
}

@test "authorize: the authorizer's own URL, asked for, is nothing" {
	skip_on cgi "$CGI_WHY"
	user_login
	req GET /.authorize '' -H "$(auth "$ACCESS")"
	assert_error 404 not_found
}

@test "authorize: plain CGI serves nothing of /private/, guarded or not" {
	[ "$HOST" = cgi ] || skip "$HOST has the authorizer: the tests above"
	user_login
	for page in hello.txt "" whoami.cgi whoami.fcgi admin/; do
		req GET "/private/$page" '' -H "$(auth "$ACCESS")"
		assert_error 404 not_found
		[[ $BODY != *"$HELLO"* ]]
	done
}

@test "cookies: login sets the access cookie, Lax, for the access token's life" {
	cookie_server
	browser_login
	line=$(set_cookie __Host-access)
	[[ $line == *"; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=600" ]]
	[[ $line != *Domain* ]]
	# The fingerprint, then the very token the JSON has.
	value=$(cookie __Host-access)
	[ "${value%%.*}" = "$(cookie __Host-fgp)" ]
	[ "${value#*.}" = "$ACCESS" ]
	# The refresh and fingerprint cookies stay Strict.
	[[ $(set_cookie __Host-refresh) == *"; SameSite=Strict; "* ]]
	[[ $(set_cookie __Host-fgp) == *"; SameSite=Strict; "* ]]
}

@test "cookies: refresh renews the access cookie; logout clears it" {
	cookie_server
	browser_login
	old=$(cookie __Host-access)
	sleep 1
	req POST /refresh '' -b "$JAR" -c "$JAR"
	assert_status 200
	[[ $(set_cookie __Host-access) == *"; SameSite=Lax; Max-Age=600" ]]
	new=$(cookie __Host-access)
	[ "$new" != "$old" ]
	[ "${new#*.}" = "$(jq -r .access_token <<<"$BODY")" ]
	req POST /logout '' -H "$(auth "${new#*.}")" -b "$JAR" -c "$JAR"
	assert_status 204
	[ "$(set_cookie __Host-access | cut -d: -f2-)" = " __Host-access=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" ]
}

@test "cookies: the API never takes the access cookie for a bearer token" {
	cookie_server
	browser_login
	req GET /user-info '' -b "$JAR"
	assert_error 401 invalid_token
	req GET /user-info '' -b "__Host-access=$(cookie __Host-access)"
	assert_error 401 invalid_token
	# The control: the token beside its fingerprint cookie.
	req GET /user-info '' -H "$(auth "$ACCESS")" -b "$JAR"
	assert_status 200
	assert_json .email "$EMAIL"
}

@test "cookies: a browser that logged in opens /private/ by plain navigation" {
	skip_on cgi "$CGI_WHY"
	cookie_server
	browser_login
	req GET /private/hello.txt '' -b "$JAR" "${NAV[@]}"
	assert_status 200
	[ "$BODY" = "$HELLO" ]
	req GET /private/ '' -b "$JAR" "${NAV[@]}"
	assert_status 200
	[[ $BODY == *"<h1>Private</h1>"* ]]
	# A link from another site carries the Lax cookie alone.
	only=(-b "__Host-access=$(cookie __Host-access)")
	for page in whoami.cgi whoami.fcgi; do
		req GET "/private/$page" '' "${only[@]}" "${NAV[@]}"
		assert_status 200
		assert_json .AUTH_USER_ID "$ID"
		assert_json .AUTH_USER_EMAIL "$EMAIL"
		assert_json .AUTH_USER_ROLE user
		assert_json .AUTH_SESSION_ID "$(claim "$ACCESS" sid)"
	done
	# Script with the token and the fingerprint cookie works too.
	req GET /private/whoami.fcgi '' -H "$(auth "$ACCESS")" \
	    -b "__Host-fgp=$(cookie __Host-fgp)"
	assert_status 200
	assert_json .AUTH_USER_ID "$ID"
}

@test "cookies: a session opened by /login/mfa opens /private/ as any other" {
	skip_on cgi "$CGI_WHY"
	cookie_server
	browser_login
	mfa_enable -b "$JAR"
	jar=$BATS_TEST_TMPDIR/second
	mfa_login "$EMAIL" -c "$jar"
	# Before the second step: no session, no cookie, no page.
	req GET /private/whoami.fcgi '' -b "$jar" -H 'Accept: application/json'
	assert_error 401 invalid_token
	forget_step "$ID"
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"$(totp_code "$SECRET")\"}" -c "$jar"
	assert_status 200
	access=$(jq -r .access_token <<<"$BODY")
	req GET /private/whoami.fcgi '' -b "$jar" "${NAV[@]}"
	assert_status 200
	assert_json .AUTH_USER_ID "$ID"
	assert_json .AUTH_SESSION_ID "$(claim "$access" sid)"
}

@test "cookies: an access cookie counts only with its own fingerprint, while the session lives" {
	skip_on cgi "$CGI_WHY"
	cookie_server
	browser_login
	value=$(cookie __Host-access)
	mine=$ACCESS
	fgp=${value%%.*}
	other=$(printf '%s' "$fgp" | tr 'A-Za-z' 'N-ZA-Mn-za-m')
	for bad in ".$mine" "$other.$mine" "$mine" "$fgp." "$fgp.$mine.x"; do
		req GET /private/hello.txt '' -b "__Host-access=$bad"
		assert_error 401 invalid_token
	done
	# The token alone, stolen from script, needs the fingerprint.
	req GET /private/hello.txt '' -H "$(auth "$mine")"
	assert_error 401 invalid_token
	assert_json .message "the token's fingerprint cookie is missing or wrong"
	# A cookie of another login of the same user does not lend its
	# fingerprint.
	cp "$JAR" "$JAR.first"
	login "$EMAIL" 'correct horse' -c "$JAR"
	req GET /private/hello.txt '' \
	    -b "__Host-access=$(cookie __Host-access | cut -d. -f1).$mine"
	assert_error 401 invalid_token
	# After logout the cookie kept by a browser opens nothing.
	req POST /logout '' -H "$(auth "$mine")" -b "$JAR.first"
	assert_status 204
	req GET /private/hello.txt '' -b "__Host-access=$value"
	assert_error 401 invalid_token
}

@test "cookies: a browser without a session is sent to AUTH_LOGIN_URL, with next" {
	skip_on cgi "$CGI_WHY"
	cookie_server
	req GET '/private/whoami.cgi?a=1&b=%2F' '' "${NAV[@]}"
	assert_status 302
	assert_header Location "$LOGIN_URL&next=%2Fprivate%2Fwhoami.cgi%3Fa%3D1%26b%3D%252F"
	assert_header Cache-Control no-store
	# A stale cookie as well.
	req GET /private/hello.txt '' -b '__Host-access=x.y' "${NAV[@]}"
	assert_status 302
	assert_header Location "$LOGIN_URL&next=%2Fprivate%2Fhello.txt"
	# Not a client asking for JSON, anything, or not for HTML.
	for accept in application/json '*/*' 'text/*' 'text/html;q=0' ''; do
		req GET /private/hello.txt '' -H "Accept: $accept"
		assert_error 401 invalid_token
		assert_header WWW-Authenticate 'Bearer error="invalid_token"'
	done
	# A signed-in user below the role is told so, not sent to log in.
	browser_login
	req GET /private/admin/ '' -b "$JAR" "${NAV[@]}"
	assert_error 403 forbidden
}

@test "authorize: run as anything but an authorizer it lets nothing through" {
	user_login
	# As plain CGI (no FastCGI role), with a good token: a 404.
	# (stderr apart: as root beside Apache's nobody, metrics complain.)
	run --separate-stderr env -i $(store_env) \
	    AUTH_BCRYPT_COST=4 $SERVER_ENV \
	    REQUEST_METHOD=GET REQUEST_URI=/private/hello.txt \
	    HTTP_AUTHORIZATION="Bearer $ACCESS" HTTP_FCGI_ROLE=AUTHORIZER \
	    "$(program_path authorize)"
	assert_success
	assert_line --index 0 $'Status: 404 Not Found\r'
	refute_output --partial Variable-
}
