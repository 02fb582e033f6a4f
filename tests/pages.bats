#!/usr/bin/env bats
# The account pages (/account/...) in a real browser: headless Chromium
# (Debian's), driven by playwright-core from tests/browser/pages.mjs,
# through $HOST, in cookie mode.  Every browser step also fails when a
# page ran into its Content-Security-Policy, when anything is in
# localStorage or sessionStorage, or when the browser holds a cookie a
# script could read.  make deps-docs installs Chromium, playwright-core
# and the QR code library (it does nothing when they are there).
#
# The screenshots in the README come from here:
#   SCREENSHOT_DIR=docs/screenshots tests/run.sh tests/pages.bats

load lib/server
load lib/mail

setup_file() {
	# A make of its own, not part of the `make test` that may run this.
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROOT" deps-docs
	mailer_make
	# One process per program, for mail_sync (lib/mail.bash).
	PROCS=1 server_start AUTH_COOKIE_MODE=on AUTH_SENDMAIL="$MAILER -t -i" \
	    AUTH_LOGIN_URL=/account/login
	browser_serve
}
teardown_file() {
	[ -z "${BROWSER_PID:-}" ] || kill "$BROWSER_PID" 2>/dev/null
	server_stop
}
setup() { load_helpers; }

# The links in mails name AUTH_PUBLIC_URL's default; the server is on
# another port.
PUBLIC=http://127.0.0.1:3456

# browser_serve: one Chromium for the suite's steps, and one node
# driving it (each costs more CPU to start than most steps do); the
# steps are asked for on the socket BROWSER_SOCK.
browser_serve() {
	local log=$BATS_FILE_TMPDIR/browser.log i
	BROWSER_SOCK=$BATS_FILE_TMPDIR/browser.sock
	node "$ROOT/tests/browser/pages.mjs" serve "$BROWSER_SOCK" \
	    >"$log" 2>&1 3>&- &
	BROWSER_PID=$!
	# Up to a minute: a launch takes under a second, unless the
	# machine is loaded (a sanitizer pass beside it).
	for i in $(seq 600); do
		grep -q '^ready$' "$log" && break
		kill -0 "$BROWSER_PID" 2>/dev/null || break
		sleep 0.1
	done
	grep -q '^ready$' "$log" ||
	    { echo "Chromium did not start:" >&2; cat "$log" >&2; return 1; }
	export BROWSER_PID BROWSER_SOCK
}

# browser STEP ARG...: one step in the suite's Chromium, with this
# test's cookies; OUT holds what it printed (NAME=value lines).
browser() {
	local got=$BATS_TEST_TMPDIR/browser.out code
	code=$(jq -nc --arg step "$1" --arg base "$BASE" \
	    --arg profile "${PROFILE:-$BATS_TEST_TMPDIR/profile}" \
	    '{$step, $base, $profile, args: $ARGS.positional}' \
	    --args "${@:2}" |
	    curl -s --max-time 120 --unix-socket "$BROWSER_SOCK" \
	    -o "$got" -w '%{http_code}' --data-binary @- http://browser/)
	OUT=$(cat "$got")
	[ "$code" = 200 ] && return 0
	echo "browser $1 failed ($code):" >&2
	echo "$OUT" >&2
	return 1
}

# api_login EMAIL [PASSWORD]: a login through the API; sets ACCESS and
# FGP, the fingerprint cookie its access token needs in cookie mode.
api_login() {
	login "$@"
	FGP=$(grep -i '^set-cookie: __Host-fgp=' "$HEADERS" |
	    sed 's/^[^=]*=\([^;]*\);.*/\1/')
	[ -n "$FGP" ]
}

# api METHOD PATH [JSON]: a call with ACCESS and FGP.
api() {
	req "$1" "$2" "${3:-}" -H "$(auth "$ACCESS")" -b "__Host-fgp=$FGP"
}

# got NAME: a value the last step printed.
got() {
	sed -n "s/^$1=//p" <<<"$OUT" | head -n 1
}

# link FILE: the link in a captured mail, on this server.
link() {
	local url
	url=$(grep -o "$PUBLIC/account/[a-z-]*?token=[A-Za-z0-9_-]*" "$1")
	[ -n "$url" ] || { echo "no account link in $1" >&2; return 1; }
	echo "$BASE${url#"$PUBLIC"}"
}

@test "pages: each page with a strict policy and no inline script or style" {
	local page f
	for page in "" login register reset reset-password verify-email \
	    confirm-email; do
		req GET "/account/$page"
		assert_status 200
		assert_header Content-Type 'text/html; charset=utf-8'
		assert_header Content-Security-Policy "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
		assert_header X-Frame-Options DENY
		assert_header X-Content-Type-Options nosniff
		assert_header Referrer-Policy no-referrer
		assert_header Cache-Control no-store
		[[ $BODY == *'<script src="common.js" defer></script>'* ]]
	done
	# Every script is a file; no style attribute, no style element.
	for f in "$ROOT"/docs/account/*.html; do
		! grep -n -E '<script( [^s][^>]*)?>|<script>|<style|style=' "$f" ||
		    { echo "inline script or style in $f"; false; }
		# Every field has a label, and says what to autocomplete.
		for id in $(grep -o '<input id="[a-z-]*"' "$f" | cut -d'"' -f2); do
			grep -q "for=\"$id\"" "$f" || [ "$id" = pw-username ] ||
			    { echo "no label for $id in $f"; false; }
		done
		! grep -Pzo '<input(?![^>]*autocomplete=)[^>]*>' "$f" ||
		    { echo "an input without autocomplete in $f"; false; }
	done
	req GET /account/common.js
	assert_status 200
	assert_header Content-Type 'text/javascript; charset=utf-8'
	req GET /account/account.css
	assert_status 200
	assert_header Content-Type 'text/css; charset=utf-8'
}

@test "pages: nothing else under /account, and no listing" {
	for path in /account /account/index.html /account/login.html \
	    /account/x.js /account/login/ /account/LOGIN /accountx \
	    /account/node_modules/x.js \
	    /account/.htaccess /account/qrcode; do
		req GET "$path" "" --path-as-is
		assert_error 404 not_found
	done
}

@test "pages: register in the browser, then the account page lists the session" {
	local email
	email=$(new_email)
	browser register "$email" 'correct horse'
	[ "$(got email)" = "$email" ]
	browser sessions
	[ "$(got sessions)" = 1 ]
	[ "$(got current)" = 1 ]
	[[ $(got events) == *login.success* ]]
	[[ $(got events) == *register* ]]
	# The account exists for the API too.
	login "$email"
	# "Sign out" ends this browser's session: back to the login page.
	browser sign-out
	[ "$(got url)" = /account/login ]
	browser account
	[ "$(got url)" = "/account/login?next=%2Faccount%2F" ]
}

@test "pages: a wrong password shows the API's message, on the login page" {
	local email
	email=$(new_email)
	register "$email"
	req POST /login "{\"email\":\"$email\",\"password\":\"wrong horse\"}"
	assert_error 401 invalid_credentials
	browser wrong-password "$email" 'wrong horse'
	[ "$(got message)" = "$(jq -r .message <<<"$BODY")" ]
	[ "$(got url)" = /account/login ]
	# And an unknown account the same one.
	browser wrong-password "nobody-$email" 'wrong horse'
	[ "$(got message)" = "$(jq -r .message <<<"$BODY")" ]
}

@test "pages: sign out one session, then everywhere; the page then sends to login" {
	local email other
	email=$(new_email)
	register "$email"
	api_login "$email"
	other=$ACCESS
	browser login "$email" 'correct horse'
	[ "$(got url)" = /account/ ]
	api_login "$email"
	api GET /user-info
	assert_status 200
	browser sessions
	[ "$(got sessions)" = 3 ]
	[ "$(got current)" = 1 ]
	browser sign-out-other
	[ "$(got sessions)" = 2 ]
	browser sign-out-everywhere
	[ "$(got url)" = /account/login ]
	# Every session is gone, the API's own too.
	api GET /user-info
	assert_error 401 invalid_token
	ACCESS=$other api GET /user-info
	assert_error 401 invalid_token
	browser account
	[ "$(got url)" = "/account/login?next=%2Faccount%2F" ]
}

@test "pages: reset by mail, through the page the mail links to" {
	local email
	email=$(new_email)
	register "$email"
	browser reset-request "$email"
	[[ $(got done) == *"If $email has an account"* ]]
	last_mail "$email"
	grep -q -x "$PUBLIC/account/reset-password?token=$TOKEN" "$MAIL"
	browser reset-confirm "$(link "$MAIL")" 'brand new horse'
	# The token is taken out of the address once the page has it.
	[ "$(got address)" = /account/reset-password ]
	[[ $(got done) == *"Your password is changed"* ]]
	req POST /login "{\"email\":\"$email\",\"password\":\"correct horse\"}"
	assert_error 401 invalid_credentials
	browser login "$email" 'brand new horse'
	[ "$(got url)" = /account/ ]
	# A token works once: the page shows the API's refusal.
	req POST /password-reset/confirm '{"token":"'"$TOKEN"'","new_password":"another new horse"}'
	assert_status 400
	browser reset-confirm "$(link "$MAIL")" 'another new horse'
	[ "$(got error)" = "$(jq -r .message <<<"$BODY")" ]
}

@test "pages: next is honoured for paths of this site only" {
	local email next
	email=$(new_email)
	register "$email"
	browser login "$email" 'correct horse' /docs
	[ "$(got url)" = /docs ]
	for next in https://evil.example/ //evil.example/x '/\evil.example/x' \
	    'javascript:alert(1)' https:evil.example; do
		browser login "$email" 'correct horse' "$next"
		[ "$(got url)" = /account/ ] ||
		    { echo "next=$next went to $(got url)"; false; }
	done
}

@test "pages: confirm the address and change it, through the mailed links" {
	local email new
	email=$(new_email)
	new="new-$email"
	browser register "$email" 'correct horse'
	browser verify-request
	[[ $(got done) == *"on its way to $email"* ]]
	last_mail "$email"
	browser confirm "$(link "$MAIL")"
	[ "$(got done)" = "Your address $email is confirmed." ]
	api_login "$email"
	api GET /user-info
	assert_json .email_verified true

	browser change-email "$new" 'correct horse'
	[[ $(got done) == *"A link to confirm $new"* ]]
	last_mail "$new"
	browser confirm "$(link "$MAIL")"
	[ "$(got done)" = "Your account's email is now $new." ]
	login "$new"
}

@test "pages: change the password on the account page" {
	local email
	email=$(new_email)
	browser register "$email" 'correct horse'
	api_login "$email"
	api POST /change-password '{"current_password":"wrong horse","new_password":"brand new horse"}'
	assert_error 401 invalid_credentials
	browser change-password 'wrong horse' 'brand new horse'
	[ "$(got error)" = "$(jq -r .message <<<"$BODY")" ]
	browser change-password 'correct horse' 'brand new horse'
	[[ $(got done) == "Your password is changed"* ]]
	login "$email" 'brand new horse'
}

@test "pages: the cookies are HttpOnly and Secure, the API's SameSite=Strict" {
	local email
	email=$(new_email)
	browser register "$email" 'correct horse'
	browser cookies
	[ "$(got cookies)" = "__Host-access httpOnly secure Lax,__Host-fgp httpOnly secure Strict,__Host-refresh httpOnly secure Strict" ]
}

@test "pages: enroll TOTP from its QR code, then log in with a code" {
	local email secret
	email=$(new_email)
	browser register "$email" 'correct horse'
	# The QR code on the page is checked, module by module, against the
	# otpauth:// URI the API answered (tests/browser/pages.mjs).
	browser enroll 'correct horse'
	secret=$(got secret)
	[[ $(got uri) == otpauth://totp/*"secret=$secret"* ]]
	[ "$(got recovery)" = 10 ]
	[ "$(got done)" = "Two-step sign-in is on." ]
	browser sign-out-everywhere
	# A wrong code shows the API's message; the right one signs in.
	req POST /login "{\"email\":\"$email\",\"password\":\"correct horse\"}"
	assert_json .mfa_required true
	req POST /login/mfa "{\"mfa_token\":\"$(jq -r .mfa_token <<<"$BODY")\",\"code\":\"000000\"}"
	assert_error 401 invalid_credentials
	browser login-mfa "$email" 'correct horse' "$secret"
	[ "$(got wrong)" = "$(jq -r .message <<<"$BODY")" ]
	[ "$(got url)" = /account/ ]
	browser sessions
	[ "$(got sessions)" = 1 ]
	[[ $(got events) == *mfa.success* ]]
	[[ $(got events) == *mfa.enabled* ]]
}

@test "pages: /private/ through the authorizer sends to the login page and back" {
	skip_on cgi "plain CGI has no authorizer role: /private/ is not guarded there"
	local email
	email=$(new_email)
	register "$email"
	browser private "$email" 'correct horse'
	[ "$(got login_url)" = "/account/login?next=%2Fprivate%2F" ]
	[ "$(got url)" = /private/ ]
	[[ $(got text) == *"Only a signed-in user sees this page"* ]]
	# A CGI script behind it is handed who signed in.
	[[ $(got whoami) == *"\"AUTH_USER_EMAIL\":\"$email\""* ]]
}

@test "pages: from a folder of a site (.htaccess), they call the API in that folder" {
	skip_on lighttpd apache debian "only the .htaccess is copied into a folder"
	local www=$STATE/www email
	mkdir "$www/auth"
	cp -r "$www/cgi-bin" "$www/docs" "$www/auth/"
	sed 's|^ErrorDocument \([0-9]*\) /cgi-bin/|ErrorDocument \1 /auth/cgi-bin/|' \
	    "$www/.htaccess" >"$www/auth/.htaccess"
	chmod -R a+rX "$www/auth"
	email=$(new_email)
	BASE=$BASE/auth browser register "$email" 'correct horse'
	[ "$(got email)" = "$email" ]
	BASE=$BASE/auth browser sessions
	[ "$(got sessions)" = 1 ]
	# The account is the folder's API's: the same database here.
	login "$email"
}

@test "pages: outside cookie mode a login is ended at once, and the page says why" {
	local email
	server_stop
	STATE= PROCS=1 server_start AUTH_COOKIE_MODE=off
	email=$(new_email)
	register "$email"
	browser wrong-password "$email" 'correct horse'
	[ "$(got message)" = "These pages need the server's cookie mode (AUTH_COOKIE_MODE=on)." ]
	# The page's session was logged out: only this login's is left.
	login "$email"
	req GET /tokens '' -H "$(auth "$ACCESS")"
	assert_json '.tokens | length' 1
}

@test "pages: screenshots of the login and account pages, each under 60 KB" {
	local dir=$BATS_TEST_TMPDIR f
	# The same account every run, so that the pictures only change
	# with the pages (this test's own server and browser).
	server_stop
	STATE= PROCS=1 server_start AUTH_COOKIE_MODE=on
	req POST /register '{"email":"ann@example.com","username":"ann","password":"correct horse"}'
	assert_status 201
	browser shot /account/login "$dir/login.png"
	browser login ann@example.com 'correct horse'
	browser shot /account/ "$dir/account.png"
	for f in login account; do
		[ "$(stat -c %s "$dir/$f.png")" -lt 61440 ]
		[ -z "${SCREENSHOT_DIR:-}" ] || cp "$dir/$f.png" "$SCREENSHOT_DIR/"
	done
}
