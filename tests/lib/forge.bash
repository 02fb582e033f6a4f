# Helpers to take JWTs apart and forge new ones with openssl, for the
# attack suites.
#
#   b64url < data            unpadded base64url
#   jwt_part TOKEN N         the JSON of part N (1 header, 2 payload)
#   jwt_sign ALG KEY HEADER PAYLOAD
#       header.payload.signature, HMAC with openssl dgst -ALG (sha256,
#       sha384, sha512) and KEY as the HMAC key; ALG "-" leaves the
#       signature empty.

b64url() {
	base64 -w0 | tr '+/' '-_' | tr -d '='
}

jwt_part() {
	local p
	p=$(cut -d. -f"$2" <<<"$1" | tr '_-' '/+')
	while [ $(( ${#p} % 4 )) -ne 0 ]; do p="$p="; done
	base64 -d <<<"$p"
}

jwt_sign() {
	local alg=$1 key=$2 h p s=""
	h=$(printf '%s' "$3" | b64url)
	p=$(printf '%s' "$4" | b64url)
	if [ "$alg" != - ]; then
		s=$(printf '%s.%s' "$h" "$p" |
		    openssl dgst -"$alg" -hmac "$key" -binary | b64url)
	fi
	printf '%s.%s.%s\n' "$h" "$p" "$s"
}

# The server's signing key: the secret made beside the database, as the
# programs read it (without the trailing newline).
jwt_secret() {
	tr -d '\n' <"$STATE/jwt.secret"
}
