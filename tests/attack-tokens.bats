#!/usr/bin/env bats
# Attacks on access tokens (RFC 8725, JWT best current practice): every
# forged token is 401 invalid_token, through lighttpd.  The control test
# re-signs a token by the same means with the real secret and gets 200,
# so the forging itself is proven to work.  These forge with the HMAC
# key, so the server signs with HS256 here; the same attacks on a key
# set (ES256, EdDSA, RS256) are in tests/unit/test_token.c, and a few
# through the server in keys.bats.

load lib/server

setup_file() { server_start AUTH_JWT_ALG=HS256; }
teardown_file() { server_stop; }

# A fresh user and session; sets ACCESS, REFRESH, HEADER, CLAIMS, SECRET.
setup() {
	load_helpers
	EMAIL=$(new_email)
	register "$EMAIL"
	login "$EMAIL"
	HEADER=$(jwt_part "$ACCESS" 1)
	CLAIMS=$(jwt_part "$ACCESS" 2)
	SECRET=$(jwt_key)
	NOW=$(date +%s)
}

# The token must be refused: 401 invalid_token with WWW-Authenticate.
refused() {
	req GET /user-info '' -H "Authorization: Bearer $1"
	assert_error 401 invalid_token
	assert_header WWW-Authenticate 'Bearer error="invalid_token"'
}

# The claims with a jq change applied.
claims() {
	jq -c "$1" <<<"$CLAIMS"
}

@test "control: the server's own token, and one re-signed here, are accepted" {
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	token=$(jwt_sign sha256 "$SECRET" "$HEADER" "$(claims '.jti = "forged-but-signed"')")
	[ "$token" != "$ACCESS" ]
	req GET /user-info '' -H "$(auth "$token")"
	assert_status 200
	assert_json .email "$EMAIL"
}

@test "alg none, in any case, with or without a signature" {
	for alg in none None NONE nOnE; do
		h="{\"alg\":\"$alg\",\"typ\":\"JWT\"}"
		refused "$(jwt_sign - "" "$h" "$CLAIMS")"
		refused "$(jwt_sign sha256 "$SECRET" "$h" "$CLAIMS")"
	done
	refused "$(jwt_sign - "" '{"typ":"JWT"}' "$CLAIMS")"
}

@test "HS384 and HS512 signed with the real secret" {
	refused "$(jwt_sign sha384 "$SECRET" '{"alg":"HS384","typ":"JWT"}' "$CLAIMS")"
	refused "$(jwt_sign sha512 "$SECRET" '{"alg":"HS512","typ":"JWT"}' "$CLAIMS")"
}

@test "an RS256 or ES256 header, HMAC-signed or not" {
	for alg in RS256 ES256 PS256; do
		h="{\"alg\":\"$alg\",\"typ\":\"JWT\"}"
		refused "$(jwt_sign sha256 "$SECRET" "$h" "$CLAIMS")"
		refused "$(jwt_sign - "" "$h" "$CLAIMS")"
	done
}

@test "a signature made with an empty key" {
	refused "$(jwt_sign sha256 "" "$HEADER" "$CLAIMS")"
}

@test "an empty or truncated signature" {
	refused "$(jwt_sign - "" "$HEADER" "$CLAIMS")"
	refused "${ACCESS%?????}"
}

@test "a payload changed under the old signature" {
	sig=${ACCESS##*.}
	for change in '.sub = "1"' '.role = "admin"' '.sid = 1' \
	    ".exp = $((NOW + 500))"; do
		p=$(claims "$change" | b64url)
		refused "${ACCESS%%.*}.$p.$sig"
	done
}

@test "another secret" {
	refused "$(jwt_sign sha256 "another-secret-0123456789abcdef0123456" "$HEADER" "$CLAIMS")"
	refused "$(jwt_sign sha256 "${SECRET}01" "$HEADER" "$CLAIMS")"
	refused "$(jwt_sign sha256 "${SECRET%??}" "$HEADER" "$CLAIMS")"
}

@test "expired, even by a second, and exp beyond the access TTL" {
	refused "$(jwt_sign sha256 "$SECRET" "$HEADER" "$(claims ".iat = $((NOW - 700)) | .exp = $((NOW - 100))")")"
	refused "$(jwt_sign sha256 "$SECRET" "$HEADER" "$(claims ".exp = $((NOW - 1))")")"
	refused "$(jwt_sign sha256 "$SECRET" "$HEADER" "$(claims ".exp = $NOW")")"
	refused "$(jwt_sign sha256 "$SECRET" "$HEADER" "$(claims ".exp = $((NOW + 86400))")")"
}

@test "nbf and iat in the future" {
	refused "$(jwt_sign sha256 "$SECRET" "$HEADER" "$(claims ".nbf = $((NOW + 3600))")")"
	refused "$(jwt_sign sha256 "$SECRET" "$HEADER" "$(claims '.nbf = "soon"')")"
	refused "$(jwt_sign sha256 "$SECRET" "$HEADER" "$(claims ".iat = $((NOW + 3600))")")"
}

@test "no exp, exp as a string, exp out of range" {
	for change in 'del(.exp)' '.exp = (.exp | tostring)' '.exp = null' \
	    '.exp = true' '.exp = 1e300' '.exp = -1' '.exp = 0' \
	    '.exp = 99999999999999999999999' '.exp = [.exp]'; do
		refused "$(jwt_sign sha256 "$SECRET" "$HEADER" "$(claims "$change")")"
	done
}

@test "sub, sid and iss tampered with and re-signed by another key" {
	for change in '.sub = "1"' '.sub = 1' '.sub = "1 OR 1=1"' '.sid = "1"' \
	    '.iss = "evil"' 'del(.iss)' 'del(.sub)' 'del(.sid)'; do
		refused "$(jwt_sign sha256 "another-secret-0123456789abcdef0123456" "$HEADER" "$(claims "$change")")"
	done
}

@test "a token over 4 KiB is refused unread; 1 MB never reaches a program" {
	pad=$(head -c 3000 /dev/zero | tr '\0' A)
	token=$(jwt_sign sha256 "$SECRET" "$HEADER" "$(claims ".pad = \"$pad\"")")
	[ "${#token}" -gt 4096 ]
	refused "$token"

	# curl cannot send a 1 MB header line: write the request by hand.
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
	(printf 'GET %s/user-info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' \
	    "$SITE_PREFIX"
	    printf 'Authorization: Bearer '
	    head -c 1048576 /dev/zero | tr '\0' A
	    printf '.a.b\r\n\r\n') >&"$fd" 2>/dev/null &
	run timeout 10 cat <&"$fd"
	exec {fd}>&-
	[ "$status" -eq 0 ]
	# lighttpd's own 431 reaches error.fcgi and becomes the contract's
	# JSON; Apache answers oversized headers itself, in HTML, before any
	# configuration can step in (fcgi-auth(7): What differs between
	# hosts), and so does lighttpd under the Debian snippet, which
	# cannot take over the site's errors.
	if [ "$HOST" = debian ]; then
		[[ ${lines[0]} == "HTTP/1."[01]" 431 "* ]]
	else
		[[ ${lines[0]} == "HTTP/1.1 400 "* || ${lines[0]} == "HTTP/1.0 400 "* ]]
	fi
	if [ "$HOST" = lighttpd ]; then
		[[ $output == *'{"error":"invalid_request",'* ]]
	fi
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
}

@test "a kid naming a file, or carrying SQL, changes nothing" {
	for kid in /dev/null ../../../../dev/null "$STATE/jwt.secret" \
	    "x' UNION SELECT 'key" "1; DROP TABLE sessions; --"; do
		h=$(jq -c --arg kid "$kid" '.kid = $kid' <<<"$HEADER")
		refused "$(jwt_sign sha256 "" "$h" "$CLAIMS")"
		refused "$(jwt_sign sha256 "key" "$h" "$CLAIMS")"
	done
	req GET /health
	assert_status 200
	[ "$(db 'SELECT count(*) FROM sessions')" -gt 0 ]
}

@test "jku, x5u and an embedded jwk are not trusted" {
	for extra in '.jku = "http://127.0.0.1:1/keys"' \
	    '.x5u = "http://127.0.0.1:1/cert"' \
	    '.jwk = {"kty":"oct","k":"a2V5"}'; do
		h=$(jq -c "$extra" <<<"$HEADER")
		refused "$(jwt_sign sha256 "key" "$h" "$CLAIMS")"
	done
}

@test "a refresh token is not a bearer token, nor an access token a refresh token" {
	refused "$REFRESH"
	req POST /refresh "{\"refresh_token\":\"$ACCESS\"}"
	assert_error 401 invalid_token
}

@test "a token of a revoked session, or of the session before rotation, is refused" {
	req POST /logout '' -H "$(auth "$ACCESS")" -H 'Content-Length: 0'
	assert_status 204
	refused "$ACCESS"
	refused "$(jwt_sign sha256 "$SECRET" "$HEADER" "$(claims '.jti = "new"')")"
}

@test "malformed tokens: parts, characters, encodings" {
	h=${ACCESS%%.*}
	rest=${ACCESS#*.}
	for t in "" . .. ... "$h" "$h.$rest.x" "$h..${ACCESS##*.}" \
	    "$h=.$rest" "$h.${rest%%.*}==.${ACCESS##*.}" \
	    "$(tr 'A-Za-z' 'N-ZA-Mn-za-m' <<<"$ACCESS")" "$h.$rest%00" \
	    "$(tr '_-' '/+' <<<"$ACCESS")x"; do
		refused "$t"
	done
}
