# JWT helpers for the suites: take tokens apart and forge new ones with
# openssl.  Loaded by lib/server.bash, so every suite has them.
#
#   b64url < data            unpadded base64url
#   jwt_part TOKEN N         the JSON of part N (1 header, 2 payload)
#   jwt_key                  the server's HS256 signing key, as "hex:..."
#   jwt_sign ALG KEY HEADER PAYLOAD
#       header.payload.signature, an HMAC with openssl dgst -ALG (sha256,
#       sha384, sha512) under KEY: a string, or "hex:HEX" for raw bytes;
#       ALG "-" leaves the signature empty.
#   sign HEADER.PAYLOAD KEY  the same for parts already encoded (sha256)
#   resign HEADER.PAYLOAD    signed as the server signs: the HS256 key,
#                            or the key file ($STATE/key-KID.pem) the
#                            header's kid names (ES256, EdDSA, RS256)
#   jwks_thumbprint JWK      the RFC 7638 thumbprint of a public JWK

b64url() {
	basenc --base64url -w0 | tr -d '='
}

jwt_part() {
	local part
	part=$(cut -d. -f"$2" <<<"$1" | tr '_-' '/+')
	while [ $(( ${#part} % 4 )) -ne 0 ]; do part="$part="; done
	base64 -d <<<"$part"
}

# hkdf SECRET LABEL: the 32-byte HKDF-SHA256 of SECRET under LABEL (no
# salt), in hex, as common/keys.c derives its keys.
hkdf() {
	openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt key:"$1" \
	    -kdfopt info:"$2" HKDF | tr -d ':\n' | tr 'A-F' 'a-f'
}

# The server's HS256 signing key: derived from the master secret made
# beside the database (without its trailing newline).
jwt_key() {
	printf 'hex:%s' "$(hkdf "$(tr -d '\n' <"$STATE/jwt.secret")" \
	    "fcgi-auth v1 jwt-hs256")"
}

# mac ALG KEY: the HMAC of standard input, binary.
mac() {
	if [[ $2 == hex:* ]]; then
		openssl dgst -"$1" -mac HMAC -macopt hexkey:"${2#hex:}" -binary
	else
		openssl dgst -"$1" -hmac "$2" -binary
	fi
}

jwt_sign() {
	local alg=$1 key=$2 h p s=""
	h=$(printf '%s' "$3" | b64url)
	p=$(printf '%s' "$4" | b64url)
	if [ "$alg" != - ]; then
		s=$(printf '%s.%s' "$h" "$p" | mac "$alg" "$key" | b64url)
	fi
	printf '%s.%s.%s\n' "$h" "$p" "$s"
}

sign() {
	printf '%s.%s' "$1" "$(printf '%s' "$1" | mac sha256 "$2" | b64url)"
}

# der_to_jws: an ECDSA signature from DER (stdin) to JWS's r || s,
# each 32 bytes (stdout, binary).
der_to_jws() {
	openssl asn1parse -inform DER | awk -F: '/INTEGER/ {print $NF}' |
	    while read -r n; do
		while [ ${#n} -lt 64 ]; do n="0$n"; done
		printf '%s' "${n: -64}"
	    done | basenc --base16 -d
}

resign() {
	local alg kid key
	alg=$(jwt_part "$1" 1 | jq -r .alg)
	kid=$(jwt_part "$1" 1 | jq -r .kid)
	key=${SERVER_KEYS:-$(dirname "${SERVER_DB:-$STATE/auth.db}")}/key-$kid.pem
	case $alg in
	HS256) sign "$1" "$(jwt_key)" ;;
	ES256) printf '%s.%s' "$1" "$(printf '%s' "$1" |
	    openssl dgst -sha256 -sign "$key" | der_to_jws | b64url)" ;;
	RS256) printf '%s.%s' "$1" "$(printf '%s' "$1" |
	    openssl dgst -sha256 -sign "$key" | b64url)" ;;
	EdDSA) printf '%s' "$1" >"$BATS_TEST_TMPDIR/signing-input"
	    printf '%s.%s' "$1" "$(openssl pkeyutl -sign -rawin -inkey "$key" \
	    -in "$BATS_TEST_TMPDIR/signing-input" | b64url)" ;;
	esac
}

jwks_thumbprint() {
	jq -cj 'if .kty == "EC" then {crv, kty, x, y}
	    elif .kty == "OKP" then {crv, kty, x} else {e, kty, n} end' <<<"$1" |
	    openssl dgst -sha256 -binary | b64url
}
