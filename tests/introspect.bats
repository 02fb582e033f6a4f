#!/usr/bin/env bats
# Resource servers: their credentials (authctl clients), POST
# /introspect (RFC 7662) and POST /revoke (RFC 7009), form-encoded or
# JSON, with good and bad clients, and the throttle on bad ones.  The
# server trusts X-Forwarded-For here, so that each test counts its
# failed client authentications from an address of its own.

load lib/server
load lib/users

setup_file() {
	server_start AUTH_TRUST_PROXY=on AUTH_LOGIN_MAX_FAILURES_ADDR=4
	export CLIENT=rs-$RANDOM
	SECRET=$(authctl clients add "$CLIENT" 2>/dev/null |
	    awk '$1 == "secret" { print $2 }')
	export SECRET
}
teardown_file() { server_stop; }
setup() { load_helpers; }

# introspect TOKEN [curl args...]: form-encoded, as the good client.
introspect() {
	local t=$1
	shift
	req POST /introspect '' --data-urlencode "token=$t" \
	    -u "$CLIENT:$SECRET" "$@"
}

# revoke TOKEN [curl args...]
revoke() {
	local t=$1
	shift
	req POST /revoke '' --data-urlencode "token=$t" -u "$CLIENT:$SECRET" "$@"
}

# inactive: the answer says {"active":false} and nothing more.
inactive() {
	assert_status 200
	[ "$BODY" = '{"active":false}' ] || { echo "$BODY"; false; }
}

@test "clients: add shows the secret once and stores only its HMAC" {
	name=c-$RANDOM
	added=$(db "SELECT count(*) FROM audit WHERE event = 'client.added'")
	run authctl clients add "$name"
	assert_success
	assert_line "client $name"
	[ "$(db "SELECT count(*) FROM audit WHERE event = 'client.added'")" -eq \
	    $((added + 1)) ]
	secret=$(awk '$1 == "secret" { print $2 }' <<<"$output")
	[ "${#secret}" -eq 43 ]
	[ "$(db "SELECT length(secret_hash) FROM clients WHERE name = '$name'")" = 32 ]
	if [ "$DB" = postgresql ]; then
		found="position(convert_to('$secret', 'UTF8') in secret_hash)"
	else
		found="instr(secret_hash, '$secret')"
	fi
	[ "$(db "SELECT count(*) FROM clients WHERE $found > 0 OR name = '$secret'")" = 0 ]
	run authctl clients list
	assert_success
	assert_line --regexp "^$name	[0-9TZ:-]+$"
	refute_output --partial "$secret"
	run authctl clients add "$name"
	assert_failure 1
	assert_output --partial exists
	# A refused name records nothing.
	[ "$(db "SELECT count(*) FROM audit WHERE event = 'client.added'")" -eq \
	    $((added + 1)) ]
	run authctl clients add 'bad name'
	assert_failure 1
	run authctl clients remove "$name"
	assert_success
	run authctl clients remove "$name"
	assert_failure 1
	run authctl clients frob
	assert_failure 2
}

@test "introspect: a live access token, form-encoded or JSON" {
	fresh_user
	introspect "$ACCESS"
	assert_status 200
	assert_header Cache-Control no-store
	assert_json .active true
	assert_json .token_type access_token
	assert_json .sub "$USER_ID"
	assert_json .sid "$(claim "$ACCESS" sid)"
	assert_json .role user
	assert_json .iss fcgi-auth
	assert_json .aud fcgi-auth
	assert_json .exp "$(claim "$ACCESS" exp)"
	assert_json .iat "$(claim "$ACCESS" iat)"
	assert_json 'keys | length' 9
	req POST /introspect "{\"token\":\"$ACCESS\",\"token_type_hint\":\"access_token\"}" \
	    -u "$CLIENT:$SECRET"
	assert_status 200
	assert_json .active true
	# The role is the database's, not the token's.
	authctl set-role "$EMAIL" admin >/dev/null
	introspect "$ACCESS"
	assert_json .role admin
}

@test "introspect: a refresh token, current or rotated out" {
	fresh_user
	introspect "$REFRESH" --data-urlencode token_type_hint=refresh_token
	assert_json .active true
	assert_json .token_type refresh_token
	assert_json .sub "$USER_ID"
	assert_json .role user
	# It is for this server only: its audience is the issuer.
	assert_json .aud fcgi-auth
	assert_json '.exp - .iat >= 1209590' true
	old=$REFRESH
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 200
	new=$(jq -r .refresh_token <<<"$BODY")
	introspect "$old"
	inactive
	introspect "$new"
	assert_json .active true
	# Introspecting the rotated token wrote nothing: no theft detected.
	req POST /refresh "{\"refresh_token\":\"$old\"}"
	assert_status 200
}

@test "introspect: anything not live is {\"active\":false}" {
	fresh_user
	for t in garbage a.b.c "${ACCESS%?????}AAAAA" "$(head -c 32 /dev/urandom |
	    b64url)" "$ACCESS$ACCESS"; do
		introspect "$t"
		inactive
	done
	# Expired, re-signed with the server's own key.
	p=$(jwt_part "$ACCESS" 2 | jq -c '.iat -= 700 | .exp -= 700' | b64url)
	introspect "$(resign "$(cut -d. -f1 <<<"$ACCESS").$p")"
	inactive
	# A revoked session's tokens, access and refresh.
	req POST /logout '' -H "$(auth "$ACCESS")"
	assert_status 204
	introspect "$ACCESS"
	inactive
	introspect "$REFRESH"
	inactive
}

@test "revoke: an access or refresh token revokes its session; 200 either way" {
	fresh_user
	revoke "$ACCESS"
	assert_status 200
	[ "$BODY" = '{}' ]
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_error 401 invalid_token
	# The audit log has it, once.
	revoked="SELECT count(*) FROM audit WHERE event = 'session.revoked'
	    AND user_id = $USER_ID"
	[ "$(db "$revoked")" = 1 ]
	# Again, and unknown tokens: the same answer, and nothing recorded.
	revoke "$ACCESS"
	assert_status 200
	revoke nonsense
	assert_status 200
	[ "$BODY" = '{}' ]
	[ "$(db "$revoked")" = 1 ]
	# By refresh token, JSON this time.
	login "$EMAIL"
	req POST /revoke "{\"token\":\"$REFRESH\"}" -u "$CLIENT:$SECRET"
	assert_status 200
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	[ "$(db "$revoked")" = 2 ]
	# Another session of the user is untouched.
	login "$EMAIL"
	other=$ACCESS
	login "$EMAIL"
	revoke "$ACCESS"
	req GET /user-info '' -H "$(auth "$other")"
	assert_status 200
}

@test "clients: a missing or wrong client is 401 invalid_client with Basic" {
	fresh_user
	xff=(-H 'X-Forwarded-For: 192.0.2.10')
	bad() {
		req POST "$1" '' --data-urlencode "token=$ACCESS" "${xff[@]}" "${@:2}"
		assert_error 401 invalid_client
		assert_header WWW-Authenticate 'Basic realm="fcgi-auth"'
		[[ $BODY != *active* ]]
	}
	bad /introspect
	bad /revoke -u "$CLIENT:wrong"
	bad /introspect -H "$(auth "$ACCESS")"
	bad /introspect -H 'Authorization: Basic !!!'
	# The server reset its count: four failures make the fifth a 429.
	xff=(-H 'X-Forwarded-For: 192.0.2.11')
	bad /introspect -u "nobody:$SECRET"
	bad /introspect -u "$CLIENT:${SECRET}x"
	# A removed client.
	name=gone-$RANDOM
	s=$(authctl clients add "$name" 2>/dev/null | awk '$1 == "secret" { print $2 }')
	req POST /introspect '' --data-urlencode "token=$ACCESS" -u "$name:$s"
	assert_json .active true
	authctl clients remove "$name" >/dev/null
	bad /introspect -u "$name:$s"
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
}

@test "clients: credentials are form-urlencoded before base64 (RFC 6749 2.3.1)" {
	fresh_user
	# The secret with its first character escaped: the same secret.
	enc=$(printf '%%%02X%s' "'${SECRET:0:1}" "${SECRET:1}")
	basic=$(printf '%s:%s' "$CLIENT" "$enc" | base64 -w0)
	req POST /introspect '' --data-urlencode "token=$ACCESS" \
	    -H "Authorization: Basic $basic"
	assert_json .active true
}

@test "clients: failed authentications are throttled per address, not per account" {
	fresh_user
	xff=(-H 'X-Forwarded-For: 192.0.2.99')
	for _ in 1 2 3 4; do
		req POST /introspect '' --data-urlencode "token=$ACCESS" \
		    -u "$CLIENT:wrong" "${xff[@]}"
		assert_error 401 invalid_client
	done
	introspect "$ACCESS" "${xff[@]}"
	assert_error 429 too_many_requests
	retry=$(grep -i '^Retry-After:' "$HEADERS" | tr -dc 0-9)
	[ "$retry" -gt 0 ] && [ "$retry" -le 900 ]
	# Another address, and logins from this one, are not held up.
	introspect "$ACCESS" -H 'X-Forwarded-For: 192.0.2.98'
	assert_json .active true
	login "$EMAIL" 'correct horse' -H 'X-Forwarded-For: 192.0.2.99'
	# Good introspections count nothing, however many.
	for _ in 1 2 3 4 5 6; do
		introspect "$ACCESS" -H 'X-Forwarded-For: 192.0.2.97'
		assert_json .active true
	done
}

@test "forms: read as strictly as JSON, and only by the OAuth endpoints" {
	fresh_user
	form() {
		req POST /introspect '' --data-binary "$1" -u "$CLIENT:$SECRET" \
		    -H 'Content-Type: application/x-www-form-urlencoded'
	}
	form "token=$ACCESS&token=$ACCESS"
	assert_error 400 invalid_request
	assert_json .message 'the body has a duplicate key'
	form 'token=abc%00def'
	assert_error 400 invalid_request token
	form 'tok%00en=abc'
	assert_error 400 invalid_request
	form 'token=abc%zz'
	assert_error 400 invalid_request
	form 'token=abc%4'
	assert_error 400 invalid_request
	form 'token=a b'
	assert_error 400 invalid_request
	form 'token=%ff%fe'
	assert_error 400 invalid_request
	form "token=$ACCESS&&x=1"
	assert_error 400 invalid_request
	form "token=$ACCESS&"
	assert_error 400 invalid_request
	form 'token'
	assert_error 400 invalid_request
	form "token=$ACCESS&client_secret=$SECRET"
	assert_error 400 invalid_request client_secret
	form 'token_type_hint=access_token'
	assert_error 400 invalid_request token
	form "token=$ACCESS"
	assert_json .active true
	# '+' is a space, %XX a byte: a well-formed token inside escapes.
	form "token=$(sed 's/\./%2E/g' <<<"$ACCESS")"
	assert_json .active true
	form 'token=a+b'
	inactive
	# Other types, and forms anywhere else, stay 415.
	req POST /introspect '' -F "token=$ACCESS" -u "$CLIENT:$SECRET"
	assert_error 415 unsupported_media_type
	req POST /introspect '' --data-binary "token=$ACCESS" -u "$CLIENT:$SECRET" \
	    -H 'Content-Type: text/plain'
	assert_error 415 unsupported_media_type
	req POST /login '' --data-urlencode "email=$EMAIL" \
	    --data-urlencode 'password=correct horse'
	assert_error 415 unsupported_media_type
	req GET /introspect
	assert_error 405 method_not_allowed
	assert_header Allow POST
}
