#!/usr/bin/env bats
# HTTPS: lighttpd-tls.conf (or apache/tls.conf), with a self-signed
# certificate made for the test.  TLS 1.2 and 1.3 only, forward-secret
# AEAD ciphers, HSTS on every answer; bearer mode as over HTTP.

load lib/server

setup_file() { server_start --tls; }
teardown_file() { server_stop; }
setup() { load_helpers; }

# tls_curl ARGS...: a bare HTTPS request to /health, status on stdout.
tls_curl() {
	curl -s -o /dev/null -w '%{http_code}' --cacert "$CACERT" "$@" \
	    "$BASE/health"
}

@test "tls: the API answers over HTTPS" {
	[[ $BASE == https://* ]]
	req GET /health
	assert_status 200
	assert_json .status ok
}

@test "tls: HSTS on every answer, errors included" {
	# The pages, the docs and what the authorizer guards too.
	for path in /health /nope /login /docs /account/login /private/ \
	    /private/whoami.fcgi; do
		req GET "$path"
		assert_header Strict-Transport-Security \
		    'max-age=63072000; includeSubDomains'
	done
}

@test "tls: TLS 1.2 and 1.3 are accepted" {
	[ "$(tls_curl --tlsv1.2 --tls-max 1.2)" = 200 ]
	[ "$(tls_curl --tlsv1.3 --tls-max 1.3)" = 200 ]
}

@test "tls: TLS 1.0 and 1.1 are refused by the server" {
	# The client offers them (security level 0 lets OpenSSL 3 do so);
	# the server must answer with a protocol_version alert.
	for v in 1.0 1.1; do
		run curl -sv --cacert "$CACERT" --tlsv$v --tls-max $v \
		    --ciphers 'DEFAULT@SECLEVEL=0' "$BASE/health"
		assert_failure
		assert_output --partial 'alert protocol version'
	done
}

@test "tls: ciphers without forward secrecy are refused" {
	run curl -s --cacert "$CACERT" --tlsv1.2 --tls-max 1.2 \
	    --ciphers AES128-SHA "$BASE/health"
	assert_failure
	[ "$(tls_curl --tlsv1.2 --tls-max 1.2 --ciphers ECDHE-ECDSA-AES128-GCM-SHA256)" = 200 ]
}

@test "tls: plain HTTP on the HTTPS port gets no API answer" {
	run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health"
	[ "$output" != 200 ]
}

@test "tls: bearer mode is unchanged: tokens in JSON, no cookies" {
	fresh_user
	[ "${#REFRESH}" = 43 ]
	refute_header Set-Cookie
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 200
	assert_json '.refresh_token | length' 43
	refute_header Set-Cookie
}
