#!/usr/bin/env bats
# examples/verify/: what a user of this stack writes to check tokens in
# another service, with the published key set only: Python (PyJWT) and
# PHP (openssl and sodium, no library).  Their Debian packages are
# installed when this suite runs (tools/deps.sh), as docs.bats does
# for Chromium.

load lib/server

setup_file() {
	"$ROOT/tools/deps.sh" python3-jwt python3-cryptography php-cli >&2
}
teardown_file() { server_stop; }
setup() { load_helpers; }

# verify LANG TOKEN ALG: run the example for LANG against the server.
verify() {
	FCGI_AUTH_URL=$BASE FCGI_AUTH_ALG=$3 run "$ROOT/examples/verify/verify.$1" "$2"
}

@test "examples: Python and PHP verify the server's tokens, each algorithm" {
	for alg in ES256 EdDSA RS256; do
		server_stop
		server_start AUTH_JWT_ALG=$alg
		fresh_user
		for lang in py php; do
			verify "$lang" "$ACCESS" "$alg"
			assert_success
			[ "$(jq -r .sub <<<"$output")" = "$USER_ID" ]
			[ "$(jq -c .amr <<<"$output")" = '["pwd"]' ]
			# Tampered, or pinned to another algorithm: refused.
			verify "$lang" "${ACCESS%?????}AAAAA" "$alg"
			assert_failure
			assert_output --partial refused
			verify "$lang" "$ACCESS" HS256
			assert_failure
		done
	done
}

@test "examples: another audience, an expired token, a refresh token: refused" {
	server_stop
	server_start
	fresh_user
	other=$(jwt_part "$ACCESS" 2 | jq -c '.aud = "https://other.example"' | b64url)
	old=$(jwt_part "$ACCESS" 2 | jq -c '.iat -= 700 | .exp -= 700' | b64url)
	head=$(cut -d. -f1 <<<"$ACCESS")
	for lang in py php; do
		verify "$lang" "$(resign "$head.$other")" ES256
		assert_failure
		verify "$lang" "$(resign "$head.$old")" ES256
		assert_failure
		verify "$lang" "$REFRESH" ES256
		assert_failure
		# Control: re-signed unchanged, it passes.
		verify "$lang" "$(resign "$(cut -d. -f1-2 <<<"$ACCESS")")" ES256
		assert_success
	done
}
