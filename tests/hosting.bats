#!/usr/bin/env bats
# What differs between the hosts, checked on each: bodies sent chunked,
# escapes in paths, TRACE, which settings reach the programs, and (plain
# CGI) a site served from a folder.

load lib/server

setup_file() { server_start; }
teardown_file() { server_stop; }
setup() { load_helpers; }

@test "hosting: a chunked body is read like any other" {
	req POST /register '{"email":"chunk@example.com","password":"correct horse"}' \
	    -H 'Transfer-Encoding: chunked'
	assert_status 201
	assert_json .email chunk@example.com
	# Over AUTH_MAX_BODY (64 KiB): the program's own 413.
	head -c 70000 /dev/zero | tr '\0' ' ' >"$BATS_TEST_TMPDIR/big"
	req POST /register '' --data-binary @"$BATS_TEST_TMPDIR/big" \
	    -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked'
	assert_error 413 payload_too_large
}

@test "hosting: a chunked body over 1 MiB is a JSON error (mod_fcgid: 500)" {
	head -c 1100000 /dev/zero | tr '\0' ' ' >"$BATS_TEST_TMPDIR/big"
	req POST /register '' --data-binary @"$BATS_TEST_TMPDIR/big" \
	    -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked'
	if [ "$HOST" = apache ]; then
		# mod_fcgid stops it at FcgidMaxRequestLen, with a 500.
		assert_error 500 internal_error
	else
		assert_error 413 payload_too_large
	fi
}

@test "hosting: a path is decoded once, and an escaped ? stays in it" {
	# /regist%65r is /register: the program, 405 for GET.
	req GET /regist%65r
	assert_error 405 method_not_allowed
	assert_header Allow POST
	# /tokens/%31 is /tokens/1; /tokens/%2531 is /tokens/%31, no id.
	req GET /tokens/%31
	assert_error 405 method_not_allowed
	req GET /tokens/%2531
	assert_error 404 not_found
	req GET '/tokens/%3Fx=1'
	assert_error 404 not_found
	req GET '/tokens/1%23x'
	assert_error 404 not_found
}

@test "hosting: TRACE is a JSON 405, never an echo" {
	req TRACE /register '' -H 'Authorization: Bearer secret-token'
	assert_status 405
	[[ $BODY != *secret-token* ]]
	# TraceEnable is the host's own setting, out of .htaccess's reach:
	# Apache answers before it reads one (apache/cgi.conf has it Off).
	[ "$HOST" = cgi ] || assert_error 405 method_not_allowed
}

@test "hosting: the programs get the settings that are set, and no others" {
	skip_on cgi "a CGI program lives for one request only"
	local pid env found=0
	req GET /health
	for pid in $(ps -e -o pid=,sid=,args= |
	    awk -v s="$SERVER_PID" '$2 == s && $3 ~ /health\.fcgi$/ { print $1 }'); do
		env=$(tr '\0' '\n' </proc/"$pid"/environ)
		grep -qxF "AUTH_DB=$SERVER_DB" <<<"$env"
		grep -qx AUTH_BCRYPT_COST=4 <<<"$env"
		# Unset settings are absent, never "${AUTH_X}".
		refute grep -q '^AUTH_ISSUER=' <<<"$env"
		refute grep -q '=\${' <<<"$env"
		refute grep -q '^FCGI_AUTH_' <<<"$env"
		found=$((found + 1))
	done
	[ "$found" -gt 0 ]
}

@test "hosting: a site in a folder of its own (.htaccess)" {
	skip_on lighttpd apache debian "only the .htaccess is copied into a folder"
	local www=$STATE/www
	mkdir "$www/auth"
	cp -r "$www/cgi-bin" "$www/docs" "$www/auth/"
	# The only edit: the error documents' URL gets the folder.
	sed 's|^ErrorDocument \([0-9]*\) /cgi-bin/|ErrorDocument \1 /auth/cgi-bin/|' \
	    "$www/.htaccess" >"$www/auth/.htaccess"
	chmod -R a+rX "$www/auth"
	req GET /auth/health
	assert_status 200
	req POST /auth/register '{"email":"folder@example.com","password":"correct horse"}'
	assert_status 201
	# The folder is part of the URL the program hands out.
	assert_header Location "/auth/users/$(jq -r .id <<<"$BODY")"
	# So are the metadata's URLs, and they answer.
	req GET /auth/.well-known/oauth-authorization-server
	assert_json .jwks_uri "$BASE/auth/.well-known/jwks.json"
	assert_json .introspection_endpoint "$BASE/auth/introspect"
	req GET /auth/.well-known/jwks.json
	assert_status 200
	assert_json '.keys | length' 1
	login folder@example.com
	req GET /auth/me '' -H "$(auth "$ACCESS")"
	assert_status 200
	assert_json .email folder@example.com
	req GET /auth/tokens/%2531 '' -H "$(auth "$ACCESS")"
	assert_error 404 not_found
	for path in /auth/nope /auth/register-x /auth/cgi-bin/login.fcgi /auth/ \
	    /auth/auth/health; do
		req GET "$path"
		assert_error 404 not_found
	done
	# Apache's own errors too.
	head -c 1100000 /dev/zero >"$BATS_TEST_TMPDIR/big"
	req POST /auth/register '' --data-binary @"$BATS_TEST_TMPDIR/big" \
	    -H 'Content-Type: application/json'
	assert_error 413 payload_too_large
	req GET /auth/openapi.json
	assert_status 200
	assert_json .openapi 3.1.0
	req GET /auth/docs
	assert_status 200
	[[ $BODY == *'src="docs/swagger-ui-bundle.js"'* ]]
}
