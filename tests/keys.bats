#!/usr/bin/env bats
# The key set: JWKS (RFC 7517), the server's metadata (RFC 8414), key
# files, tokens verified by PyJWT with the published key, the rotation
# walk (authctl keys) with times moved in the key state rather than
# waited for, and each algorithm.  Programs see a change of the key
# state within a second: after each change the tests wait 1.1 s.

load lib/server
load lib/users

setup_file() {
	"$ROOT/tools/deps.sh" python3-jwt python3-cryptography >&2
	server_start
}
teardown_file() { server_stop; }
setup() { load_helpers; }

# kid TOKEN: the kid in a token's header.
kid() {
	jwt_part "$1" 1 | jq -r .kid
}

# jwks: the key set, into BODY.
jwks() {
	req GET /.well-known/jwks.json
	assert_status 200
}

# state_set KID FIELD VALUE: set one time of key KID in the key state
# (4: from, 5: retired), as a later moment would find it, and give the
# programs the second they may take to notice.
state_set() {
	local f=$STATE/keys.state tmp=$STATE/keys.state.test
	awk -v k="$1" -v c="$2" -v v="$3" '$1 == k { $(c + 0) = v } { print }' \
	    "$f" >"$tmp"
	chown --reference="$f" "$tmp"
	chmod 600 "$tmp"
	mv "$tmp" "$f"
	sleep 1.1
}

# pyjwt TOKEN ALG: PyJWT verifies it with the key set the server publishes.
pyjwt() {
	FCGI_AUTH_URL=$BASE FCGI_AUTH_ALG=$2 "$ROOT/examples/verify/verify.py" "$1"
}

# user_get TOKEN STATUS: GET /user-info with it answers STATUS.
user_get() {
	req GET /user-info '' -H "$(auth "$1")"
	assert_status "$2"
}

@test "keys: JWKS has the one ES256 key, kid its RFC 7638 thumbprint, cacheable 300 s" {
	fresh_user
	jwks
	assert_header Cache-Control 'public, max-age=300'
	refute_header Pragma
	assert_json '.keys | length' 1
	assert_json '.keys[0] | [.kty, .crv, .alg, .use] | join(" ")' 'EC P-256 ES256 sig'
	assert_json '.keys[0] | keys | join(",")' alg,crv,kid,kty,use,x,y
	assert_json '.keys[0].x | length' 43
	assert_json '.keys[0].y | length' 43
	key=$(jq -c '.keys[0]' <<<"$BODY")
	assert_json '.keys[0].kid' "$(jwks_thumbprint "$key")"
	assert_json '.keys[0].kid' "$(kid "$ACCESS")"
	# Every other answer still says no-store.
	req GET /health
	assert_header Cache-Control no-store
	assert_header Pragma no-cache
}

@test "keys: the private key is a file of its own, mode 0600, named by its kid" {
	fresh_user
	k=$(kid "$ACCESS")
	[ "$(stat -c %a "$STATE/key-$k.pem")" = 600 ]
	grep -q -- '-----BEGIN PRIVATE KEY-----' "$STATE/key-$k.pem"
	[ "$(stat -c %a "$STATE/keys.state")" = 600 ]
	grep -q "^$k ES256 [0-9]* [0-9]* 0$" "$STATE/keys.state"
	# No private part ever leaves: the key set has public members only.
	jwks
	assert_json '[.keys[] | has("d")] | any' false
}

@test "keys: a token verifies with the published key in Python (PyJWT)" {
	fresh_user
	run pyjwt "$ACCESS" ES256
	assert_success
	assert_output --partial "\"sub\": \"$USER_ID\""
	assert_output --partial '"amr": ["pwd"]'
	# A forged one does not.
	run pyjwt "${ACCESS%?????}AAAAA" ES256
	assert_failure
	assert_output --partial refused
}

@test "keys: the metadata (RFC 8414) names only what the server does" {
	req GET /.well-known/oauth-authorization-server
	assert_status 200
	assert_header Cache-Control no-store
	assert_json .issuer fcgi-auth
	assert_json .jwks_uri "$BASE/.well-known/jwks.json"
	assert_json .introspection_endpoint "$BASE/introspect"
	assert_json .revocation_endpoint "$BASE/revoke"
	assert_json '.introspection_endpoint_auth_methods_supported | join(",")' client_secret_basic
	assert_json '.revocation_endpoint_auth_methods_supported | join(",")' client_secret_basic
	# No grant: no authorization or token endpoint, nor what goes with them.
	assert_json 'keys | length' 6
	assert_json 'has("token_endpoint") or has("authorization_endpoint") or has("response_types_supported")' false
	# Its own URLs answer.
	url=$(jq -r .jwks_uri <<<"$BODY")
	req GET "${url#"$BASE"}"
	assert_status 200
	assert_json '.keys | length' 1
}

@test "keys: tokens forged against the key set are refused" {
	fresh_user
	h=$(jwt_part "$ACCESS" 1)
	p=$(cut -d. -f2 <<<"$ACCESS")
	k=$(kid "$ACCESS")
	# Control: re-signed here with the server's key, it is accepted.
	user_get "$(resign "$(cut -d. -f1-2 <<<"$ACCESS")")" 200
	# HS256 keyed with the public key (the classic confusion).
	jwks
	jq -r '.keys[0]' <<<"$BODY" >"$BATS_TEST_TMPDIR/jwk"
	openssl pkey -in "$STATE/key-$k.pem" -pubout >"$BATS_TEST_TMPDIR/pub.pem"
	hh=$(jq -c '.alg = "HS256"' <<<"$h" | b64url)
	user_get "$(sign "$hh.$p" "$(cat "$BATS_TEST_TMPDIR/pub.pem")")" 401
	# typ JWT, signed with the real key.
	hh=$(jq -c '.typ = "JWT"' <<<"$h" | b64url)
	user_get "$(resign "$hh.$p")" 401
	# Another key under the real kid; another kid.
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$BATS_TEST_TMPDIR/other.pem" 2>/dev/null
	sig=$(printf '%s' "${ACCESS%.*}" | openssl dgst -sha256 \
	    -sign "$BATS_TEST_TMPDIR/other.pem" | der_to_jws | b64url)
	user_get "${ACCESS%.*}.$sig" 401
	hh=$(jq -c '.kid = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"' <<<"$h" | b64url)
	user_get "$hh.$p.$sig" 401
	# Another audience, re-signed with the real key.
	pp=$(jwt_part "$ACCESS" 2 | jq -c '.aud = "https://other.example"' | b64url)
	user_get "$(resign "$(cut -d. -f1 <<<"$ACCESS").$pp")" 401
}

@test "keys: the rotation walk, from publication to deletion" {
	fresh_user
	old=$ACCESS k1=$(kid "$ACCESS")
	rotated=$(db "SELECT count(*) FROM audit WHERE event = 'key.rotated'")
	# rotate: a second key, published now, signing 900 s from now.
	run authctl keys rotate
	assert_success
	# The audit log has it, with no account and no address.
	[ "$(db "SELECT count(*) FROM audit WHERE event = 'key.rotated'
	    AND user_id IS NULL AND ip IS NULL")" -eq $((rotated + 1)) ]
	k2=$(awk '{ print $2 }' <<<"$output")
	[ "${#k2}" -eq 43 ] && [ "$k2" != "$k1" ]
	sleep 1.1
	jwks
	assert_json '[.keys[].kid] | join(" ")' "$k1 $k2"
	run authctl keys list
	assert_line --regexp "^$k1	ES256	signing	"
	assert_line --regexp "^$k2	ES256	next	"
	login "$EMAIL"
	[ "$(kid "$ACCESS")" = "$k1" ]
	before=$ACCESS

	# Its time comes (moved 900 s on): the new key signs.
	now=$(date +%s)
	state_set "$k2" 4 $((now - 1))
	state_set "$k1" 5 $((now - 1))
	login "$EMAIL"
	[ "$(kid "$ACCESS")" = "$k2" ]
	user_get "$ACCESS" 200
	run pyjwt "$ACCESS" ES256
	assert_success
	# The old key's tokens are still good, and the old key still published.
	user_get "$old" 200
	user_get "$before" 200
	jwks
	assert_json '[.keys[].kid] | join(" ")' "$k2 $k1"
	run authctl keys list
	assert_line --regexp "^$k2	ES256	signing	"
	assert_line --regexp "^$k1	ES256	retired	.*	[0-9TZ:-]+$"

	# AUTH_ACCESS_TTL later, its last token has expired: it is gone.
	state_set "$k1" 5 $((now - 600 - 61))
	user_get "$old" 401
	user_get "$before" 401
	user_get "$ACCESS" 200
	jwks
	assert_json '[.keys[].kid] | join(" ")' "$k2"
	# Deleted by whichever program noticed first.
	for _ in $(seq 30); do
		[ -e "$STATE/key-$k1.pem" ] || break
		sleep 0.1
		jwks
	done
	[ ! -e "$STATE/key-$k1.pem" ]
	! grep -q "^$k1 " "$STATE/keys.state"
}

@test "keys: with a short AUTH_KEY_PUBLISH_AHEAD, the next key signs when its time comes" {
	fresh_user
	k1=$(kid "$ACCESS")
	run env AUTH_DB="$STATE/auth.db" AUTH_KEY_PUBLISH_AHEAD=3 \
	    "$ROOT/tools/authctl" keys rotate
	assert_success
	k2=$(awk '{ print $2 }' <<<"$output")
	from=$(awk -v k="$k2" '$1 == k { print $4 }' "$STATE/keys.state")
	sleep 1.1
	jwks
	assert_json '[.keys[].kid] | index("'"$k2"'") > 0' true
	login "$EMAIL"
	# (Before its time, unless the machine was too slow to get here.)
	[ "$(claim "$ACCESS" iat)" -ge "$from" ] || [ "$(kid "$ACCESS")" = "$k1" ]
	# No one tells the programs: the time in the state they read does.
	while [ "$(date +%s)" -lt "$from" ]; do sleep 0.2; done
	login "$EMAIL"
	[ "$(kid "$ACCESS")" = "$k2" ]
	user_get "$ACCESS" 200
}

@test "keys: retire the signing key: a new one signs at once, old tokens stay good" {
	fresh_user
	old=$ACCESS k=$(kid "$ACCESS")
	jwks
	n=$(jq '.keys | length' <<<"$BODY")
	rotated=$(db "SELECT count(*) FROM audit WHERE event = 'key.rotated'")
	run authctl keys retire "$k"
	assert_success
	assert_output --partial "key $k retired"
	assert_output --partial 'a new key signs now'
	[ "$(db "SELECT count(*) FROM audit WHERE event = 'key.rotated'")" -eq \
	    $((rotated + 1)) ]
	sleep 1.1
	login "$EMAIL"
	[ "$(kid "$ACCESS")" != "$k" ]
	user_get "$ACCESS" 200
	user_get "$old" 200
	jwks
	assert_json '.keys | length' $((n + 1))
	assert_json '.keys[0].kid' "$(kid "$ACCESS")"
	assert_json "[.keys[].kid] | index(\"$k\") > 0" true
	run authctl keys retire "$k"
	assert_failure 1
	assert_output --partial 'retired already'
	# What changed nothing is no rotation.
	[ "$(db "SELECT count(*) FROM audit WHERE event = 'key.rotated'")" -eq \
	    $((rotated + 1)) ]
	run authctl keys retire nonesuch
	assert_failure 1
	run authctl keys frob
	assert_failure 2
}

@test "keys: AUTH_AUDIENCE is every token's aud, and the only one accepted" {
	server_stop
	server_start AUTH_AUDIENCE=https://api.example.com
	fresh_user
	[ "$(claim "$ACCESS" aud)" = https://api.example.com ]
	user_get "$ACCESS" 200
	# The default audience (the issuer), re-signed with the real key.
	pp=$(jwt_part "$ACCESS" 2 | jq -c '.aud = "fcgi-auth"' | b64url)
	user_get "$(resign "$(cut -d. -f1 <<<"$ACCESS").$pp")" 401
	user_get "$(resign "$(cut -d. -f1-2 <<<"$ACCESS")")" 200
}

@test "keys: EdDSA and RS256 tokens verify with the published key in Python" {
	for alg in EdDSA RS256; do
		server_stop
		server_start AUTH_JWT_ALG=$alg
		fresh_user
		[ "$(jwt_part "$ACCESS" 1 | jq -r .alg)" = "$alg" ]
		user_get "$ACCESS" 200
		user_get "$(resign "$(cut -d. -f1-2 <<<"$ACCESS")")" 200
		jwks
		assert_json '.keys | length' 1
		assert_json '.keys[0].alg' "$alg"
		assert_json '.keys[0].kid' "$(jwks_thumbprint "$(jq -c '.keys[0]' <<<"$BODY")")"
		run pyjwt "$ACCESS" "$alg"
		assert_success
		assert_output --partial "\"sub\": \"$USER_ID\""
	done
	[ "$(jq -r '.keys[0].kty' <<<"$BODY")" = RSA ]
}

@test "keys: HS256 keeps one secret: an empty key set, no key command" {
	server_stop
	server_start AUTH_JWT_ALG=HS256
	fresh_user
	[ "$(jwt_part "$ACCESS" 1)" = '{"alg":"HS256","typ":"at+jwt"}' ]
	user_get "$ACCESS" 200
	jwks
	[ "$BODY" = '{"keys":[]}' ]
	run authctl keys list
	assert_failure 1
	assert_output --partial 'HS256'
}
