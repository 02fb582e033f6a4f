#!/usr/bin/env bats
# The HTTP surface: exact routing, JSON for every error the web server
# itself makes, the headers every answer carries, /health.

load lib/server

setup_file() { server_start; }
teardown_file() { server_stop; }
setup() { load_helpers; }

@test "health: 200 {\"status\":\"ok\"}" {
	req GET /health
	assert_status 200
	assert_json .status ok
}

@test "every answer carries the contract's headers and no server version" {
	for path in /health /register /nope; do
		req GET "$path"
		assert_header Content-Type application/json
		assert_header Cache-Control no-store
		assert_header Pragma no-cache
		assert_header X-Content-Type-Options nosniff
		# Apache cannot leave Server out; ServerTokens Prod leaves
		# the name alone.
		if [ "$HOST" = lighttpd ] || [ "$HOST" = debian ]; then
			refute_header Server
		else
			assert_header Server Apache
		fi
	done
}

@test "every answer with a body says its length" {
	skip_on cgi "Apache frames a CGI answer itself: chunked unless its end came with the first read"
	for path in /health /register /.well-known/jwks.json /metrics; do
		req GET "$path"
		assert_header Content-Length "$(wc -c < "$BATS_TEST_TMPDIR/body")"
		refute_header Transfer-Encoding
	done
	req GET /health
	length=$(wc -c < "$BATS_TEST_TMPDIR/body")
	curl -s -S -I -o /dev/null -D "$HEADERS" "$BASE/health"
	assert_header Content-Length "$length"
}

@test "unknown paths are JSON 404" {
	for path in / /nope /register-x /registerx/1 /register/ /register/1 \
	    /users-info /health/x /.error /cgi-bin/register.fcgi; do
		req GET "$path"
		assert_error 404 not_found
	done
}

@test "POST to an unknown path is JSON 404" {
	req POST /register-x '{"email":"a@b.cd","password":"correct horse"}'
	assert_error 404 not_found
}

@test "a POST without Content-Length is JSON (lighttpd's 411)" {
	skip_on debian "lighttpd answers it before it reads the URL: under the Debian snippet, the site's own page"
	STATUS=$(curl -s -o "$BATS_TEST_TMPDIR/body" -w '%{http_code}' -X POST \
	    "$BASE/logout")
	BODY=$(cat "$BATS_TEST_TMPDIR/body")
	if [ "$HOST" = lighttpd ]; then
		assert_error 411 invalid_request
	else
		# Apache passes it on with an empty body: the program answers.
		assert_error 401 invalid_token
	fi
}

@test "a NUL in the path is JSON 400 (Apache: 404)" {
	skip_on cgi "Apache refuses %00 in a path before any .htaccess is read, with its own HTML 404"
	skip_on debian "lighttpd answers it before it reads the URL: under the Debian snippet, the site's own page"
	req GET '/register%00x'
	if [ "$HOST" = lighttpd ]; then
		assert_error 400 invalid_request
	else
		assert_error 404 not_found
	fi
}

@test "oversized headers are JSON 400" {
	skip_on apache cgi "Apache answers a request whose headers it cannot read with its own HTML 400; ErrorDocument does not apply"
	skip_on debian "lighttpd answers it before it reads the URL: under the Debian snippet, the site's own page"
	req GET /user-info '' -H "Authorization: Bearer $(head -c 70000 /dev/zero | tr '\0' a)"
	assert_error 400 invalid_request
}

@test "an unknown method is JSON" {
	skip_on debian "lighttpd answers it before it reads the URL: under the Debian snippet, the site's own page"
	req FOO /register
	[ "$STATUS" -ge 400 ]
	assert_json '.error | type' string
}

@test "a known path with a method no route has is 405 with Allow" {
	for m in PUT PATCH DELETE; do
		req "$m" /login
		assert_error 405 method_not_allowed
		assert_header Allow POST
	done
}

@test "the answer never carries a stack trace, SQL or a path" {
	req POST /register '{"email":"a@b.cd","password":"correct horse","x":"'"'"' OR 1=1 --"}'
	assert_error 400 invalid_request x
	[[ $BODY != *SELECT* && $BODY != *sqlite* && $BODY != */work/* ]]
}

@test "lighttpd's document root is an empty folder of its own" {
	skip_on apache cgi "lighttpd's configuration"
	skip_on debian "the snippet serves a site whose document root is the site's"
	root=$(PORT=1 FCGI_AUTH_HOME="$ROOT" FCGI_AUTH_DOCS="$ROOT/docs" \
	    FCGI_AUTH_STATE="$STATE" FCGI_AUTH_PROCS=1 \
	    lighttpd -p -f "$ROOT/lighttpd.conf" |
	    sed -n 's/^ *server.document-root *= *"\(.*\)".*/\1/p')
	[ "$root" = "$STATE/docroot" ]
	[ -z "$(ls -A "$STATE/docroot")" ]
}

@test "nothing of the state folder is ever served" {
	secret=$(tr -d '\n' <"$STATE/jwt.secret")
	for f in auth.db jwt.secret auth.db-wal server.log error.log \
	    docroot/../jwt.secret %2e%2e/jwt.secret; do
		req GET "/$f"
		[[ $BODY != *"$secret"* ]]
		if [ "$f" != %2e%2e/jwt.secret ] || [ "$HOST" = lighttpd ]; then
			assert_error 404 not_found
		elif [ "$HOST" = debian ]; then
			# Out of /auth/ once lighttpd removes the dot-dot:
			# the site's own 404.
			assert_status 404
		elif [ "$HOST" = apache ]; then
			# Apache refuses a dot-dot segment itself (AH10244).
			assert_error 400 invalid_request
		else
			# ... before reading .htaccess: its own HTML page.
			assert_status 400
		fi
	done
}
