#!/usr/bin/env bats
# The authorizer (authorize.fcgi) in front of pages of one's own, as
# lighttpd.conf and apache/httpd.conf set it up: examples/private/ as
# /private/, a static file, whoami.cgi (a CGI script) and whoami.fcgi
# (a FastCGI program), /private/admin/ for admins.  Bearer tokens here;
# cookie mode and browsers in authorize-browser.bats.

load lib/server
load lib/users

# Plain CGI has no FastCGI roles at all; the package's snippets keep
# their authorizer block commented out.
CGI_WHY="plain CGI has no FastCGI Authorizer role (fcgi-auth(7), Shared hosting)"
DEB_WHY="the package's snippets leave /private/ to the site (commented out)"

setup_file() {
	[ "$HOST" != cgi ] && [ "$HOST" != debian ] || return 0
	server_start
}
teardown_file() { server_stop; }
setup() {
	skip_on cgi "$CGI_WHY"
	skip_on debian "$DEB_WHY"
	load_helpers
}

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
	user_login
	req GET /private/hello.txt '' -b "__Host-access=.$ACCESS"
	assert_error 401 invalid_token
}

@test "authorize: any method, any body: the authorizer reads none" {
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
	user_login
	req GET /.authorize '' -H "$(auth "$ACCESS")"
	assert_error 404 not_found
}
