#!/usr/bin/env bats
# A second factor, TOTP (RFC 6238), with recovery codes: enrolment,
# confirmation, the two-step login (POST /login, then /login/mfa),
# replays and steps out of the window refused, wrong codes throttled as
# wrong passwords are, the code asked for sensitive changes, removal
# by the user and by authctl, what the audit log and the mail say, and
# nothing secret anywhere.  Codes come from tests/lib/totp.bash
# (python3), never from the server's own code.

load lib/server
load lib/users
load lib/mail
load lib/totp

UA='mfa-test/1.0 (bats)'

setup_file() {
	"$ROOT/tools/deps.sh" python3 >&2
	mailer_make
	# Every test logs in from 127.0.0.1: the address's own limit is out
	# of the way, so that one test's failures throttle no other.
	PROCS=1 server_start AUTH_SENDMAIL="$MAILER" \
	    AUTH_LOGIN_MAX_FAILURES_ADDR=100000
}
teardown_file() { server_stop; }
setup() { load_helpers; }

# events UID: the user's audit entries, oldest first, on one line.
events() {
	db "SELECT event FROM audit WHERE user_id = $1 ORDER BY id" | xargs
}

# mfa_user: a fresh user, logged in, with a second factor enabled:
# EMAIL, ID, ACCESS, SECRET, RECOVERY; the code of this step is spent.
mfa_user() {
	user_login || return 1
	mfa_enable
}

# login_code EMAIL CODE [FIELD]: both steps of a login; sets ACCESS.
login_code() {
	mfa_login "$1" || return 1
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"${3:-code}\":\"$2\"}"
	assert_status 200 || return 1
	ACCESS=$(jq -r .access_token <<<"$BODY")
}

@test "mfa: the codes the suites compute are RFC 6238's" {
	# RFC 6238 appendix B, SHA-1, T = 59: 94287082; its last 6 digits.
	run python3 -c '
import hmac, struct
mac = hmac.new(b"12345678901234567890", struct.pack(">Q", 59 // 30), "sha1").digest()
off = mac[-1] & 15
print((struct.unpack(">I", mac[off:off + 4])[0] & 0x7fffffff) % 10**8)'
	assert_output 94287082
	[ "$(totp_code GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ 0 | wc -c)" = 7 ]
}

@test "mfa: enrolment answers a base32 secret and its otpauth URI, sealed at rest, not yet enabled" {
	user_login
	req POST /mfa/totp '{"current_password":"correct horse"}' -H "$(auth "$ACCESS")"
	assert_status 200
	assert_json 'keys | join(",")' otpauth_uri,secret
	secret=$(jq -r .secret <<<"$BODY")
	[[ $secret =~ ^[A-Z2-7]{32}$ ]]
	enc=${EMAIL//@/%40}
	assert_json .otpauth_uri "otpauth://totp/fcgi-auth:$enc?secret=$secret&issuer=fcgi-auth&algorithm=SHA1&digits=6&period=30"
	# Stored as nonce, ciphertext and tag (48 bytes), not the secret.
	raw=$(python3 -c "import base64,sys; print(base64.b32decode(sys.argv[1]).hex().upper())" "$secret")
	[ "$(db "SELECT length(secret) FROM totp_secrets WHERE user_id = $ID")" = 48 ]
	[[ $(db "SELECT hex(secret) FROM totp_secrets WHERE user_id = $ID") != *"$raw"* ]]
	[ "$(db "SELECT enabled_at IS NULL FROM totp_secrets WHERE user_id = $ID")" = 1 ]
	# Until it is confirmed, nothing changes.
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_json .mfa_enabled false
	login "$EMAIL"
	assert_json '.access_token | length > 0' true
}

@test "mfa: enrolment needs the password, checked as a login's; a new one replaces one pending" {
	user_login
	req POST /mfa/totp '{}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request current_password
	req POST /mfa/totp '{"current_password":"wrong horse"}' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_credentials current_password
	[ "$(events "$ID")" = "register login.success login.failure" ]
	req POST /mfa/totp '{"current_password":"correct horse"}'
	assert_error 401 invalid_token
	req POST /mfa/totp '{"current_password":"correct horse"}' -H "$(auth "$ACCESS")"
	assert_status 200
	first=$(jq -r .secret <<<"$BODY")
	req POST /mfa/totp '{"current_password":"correct horse"}' -H "$(auth "$ACCESS")"
	assert_status 200
	second=$(jq -r .secret <<<"$BODY")
	[ "$first" != "$second" ]
	[ "$(db "SELECT count(*) FROM totp_secrets WHERE user_id = $ID")" = 1 ]
	# The replaced secret's code does not confirm; the new one's does.
	req POST /mfa/totp/confirm "{\"code\":\"$(totp_code "$first")\"}" -H "$(auth "$ACCESS")"
	assert_error 401 invalid_credentials code
	req POST /mfa/totp/confirm "{\"code\":\"$(totp_code "$second")\"}" -H "$(auth "$ACCESS")"
	assert_status 200
}

@test "mfa: confirming enables it and answers 10 recovery codes once, kept hashed; recorded and mailed" {
	user_login
	req POST /mfa/totp/confirm '{"code":"123456"}' -H "$(auth "$ACCESS")"
	assert_error 409 conflict
	mfa_enable -A "$UA"
	for c in "${RECOVERY[@]}"; do
		[[ $c =~ ^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$ ]]
	done
	[ "$(printf '%s\n' "${RECOVERY[@]}" | sort -u | wc -l)" = 10 ]
	[ "$(db "SELECT count(*), min(length(hash)) FROM recovery_codes WHERE user_id = $ID")" = "10|32" ]
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_json .mfa_enabled true
	req GET "/users/$ID" '' -H "$(auth "$ACCESS")"
	assert_json .mfa_enabled true
	# Once enabled: no second confirmation, no new enrolment.
	forget_step "$ID"
	req POST /mfa/totp/confirm "{\"code\":\"$(totp_code "$SECRET")\"}" -H "$(auth "$ACCESS")"
	assert_error 409 conflict
	req POST /mfa/totp '{"current_password":"correct horse"}' -H "$(auth "$ACCESS")"
	assert_error 409 conflict
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ID AND
	    event = 'mfa.enabled' AND session_id IS NOT NULL AND
	    actor_id = $ID AND user_agent = '$UA'")" = 1 ]
	mail_sync
	MAIL=$(mails_to "$EMAIL" | tail -n 1)
	[ "$(header Subject)" = "A second factor was added to your account" ]
	grep -q "^On .*, from 127.0.0.1\.$" "$MAIL"
}

@test "mfa: a wrong first code is 401 naming code, counted, and enables nothing" {
	user_login
	req POST /mfa/totp '{"current_password":"correct horse"}' -H "$(auth "$ACCESS")"
	secret=$(jq -r .secret <<<"$BODY")
	req POST /mfa/totp/confirm "{\"code\":\"$(totp_code "$secret" -3)\"}" -H "$(auth "$ACCESS")"
	assert_error 401 invalid_credentials code
	req POST /mfa/totp/confirm '{"code":""}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request code
	req POST /mfa/totp/confirm '{}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request code
	[ "$(db "SELECT enabled_at IS NULL FROM totp_secrets WHERE user_id = $ID")" = 1 ]
	[ "$(events "$ID")" = "register login.success mfa.failure" ]
}

@test "mfa: login answers mfa_required and an mfa_token, no session; /login/mfa opens it with amr pwd otp" {
	mfa_user
	sessions=$(db "SELECT count(*) FROM sessions WHERE user_id = $ID")
	mfa_login "$EMAIL" -A "$UA"
	assert_json 'keys | join(",")' expires_in,mfa_required,mfa_token
	assert_json .expires_in 300
	[ ${#MFA_TOKEN} -eq 43 ]
	refute_header Set-Cookie
	[ "$(db "SELECT count(*) FROM sessions WHERE user_id = $ID")" = "$sessions" ]
	# Stored hashed, bound to the account, for 300 s.
	[ "$(db "SELECT count(*) FROM mfa_tokens WHERE user_id = $ID AND
	    length(hash) = 32 AND expires_at - strftime('%s', 'now') BETWEEN 295 AND 300")" = 1 ]
	[ -z "$(db "SELECT 1 FROM mfa_tokens WHERE hash = CAST('$MFA_TOKEN' AS BLOB)")" ]
	# The /token synonym answers alike.
	req POST /token "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	assert_json .mfa_required true
	forget_step "$ID"
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"$(totp_code "$SECRET")\"}" -A "$UA"
	assert_status 200
	assert_json 'keys | sort | join(",")' access_token,expires_in,refresh_expires_in,refresh_token,token_type
	access=$(jq -r .access_token <<<"$BODY")
	refresh=$(jq -r .refresh_token <<<"$BODY")
	[ "$(claim "$access" amr | jq -c .)" = '["pwd","otp"]' ]
	sid=$(claim "$access" sid)
	[ "$(db "SELECT amr FROM sessions WHERE id = $sid")" = "pwd otp" ]
	req GET /user-info '' -H "$(auth "$access")"
	assert_status 200
	assert_json .mfa_enabled true
	# A refresh keeps what the login was.
	req POST /refresh "{\"refresh_token\":\"$refresh\"}"
	assert_status 200
	[ "$(claim "$(jq -r .access_token <<<"$BODY")" amr | jq -c .)" = '["pwd","otp"]' ]
	# Recorded: the code, then the login, both with the session.
	[ "$(db "SELECT group_concat(event, ' ') FROM (SELECT event FROM audit
	    WHERE session_id = $sid AND event LIKE '%.success' ORDER BY id)")" = "mfa.success login.success" ]
	[ "$(db "SELECT user_agent FROM audit WHERE session_id = $sid AND event = 'mfa.success'")" = "$UA" ]
}

@test "mfa: a code is accepted once: replayed, it is refused" {
	mfa_user
	# The code that confirmed the enrolment cannot log in after it.
	mfa_login "$EMAIL"
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"$CONFIRM_CODE\"}"
	assert_error 401 invalid_credentials code
	forget_step "$ID"
	code=$(totp_code "$SECRET")
	login_code "$EMAIL" "$code"
	mfa_login "$EMAIL"
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"$code\"}"
	assert_error 401 invalid_credentials code
	[[ $(events "$ID") == *"mfa.failure mfa.success login.success mfa.failure" ]]
}

@test "mfa: one step either side is accepted, two steps away is not" {
	mfa_user
	forget_step "$ID"
	mfa_login "$EMAIL"
	for steps in -2 -3 -40; do
		req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"$(totp_code "$SECRET" "$steps")\"}"
		assert_error 401 invalid_credentials code
	done
	# The previous step's code (a clock a little behind) is taken,
	# computed well inside this step so it is still the previous one.
	step_settled
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"$(totp_code "$SECRET" -1)\"}"
	assert_status 200
	# So is the next step's (a clock a little ahead), after it.
	mfa_login "$EMAIL"
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"$(totp_code "$SECRET" 1)\"}"
	assert_status 200
	# And the step it was for is now the last: this step's code is
	# refused, as it comes before.
	mfa_login "$EMAIL"
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"$(totp_code "$SECRET")\"}"
	assert_error 401 invalid_credentials code
}

@test "mfa: a recovery code logs in once, in code or recovery_code, as typed" {
	mfa_user
	login_code "$EMAIL" "${RECOVERY[0]}" recovery_code
	[ "$(claim "$ACCESS" amr | jq -c .)" = '["pwd","otp"]' ]
	[ "$(db "SELECT count(*) FROM recovery_codes WHERE user_id = $ID")" = 9 ]
	mfa_login "$EMAIL"
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"recovery_code\":\"${RECOVERY[0]}\"}"
	assert_error 401 invalid_credentials recovery_code
	# recovery_code takes no TOTP code.
	forget_step "$ID"
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"recovery_code\":\"$(totp_code "$SECRET")\"}"
	assert_error 401 invalid_credentials recovery_code
	# code takes a recovery code, in capitals, without its dash.
	upper=$(tr a-z A-Z <<<"${RECOVERY[1]//-/}")
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"$upper\"}"
	assert_status 200
	[ "$(db "SELECT count(*) FROM recovery_codes WHERE user_id = $ID")" = 8 ]
}

@test "mfa: /login/mfa takes code or recovery_code, one of them, and an mfa_token" {
	mfa_user
	mfa_login "$EMAIL"
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\"}"
	assert_error 400 invalid_request code
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"123456\",\"recovery_code\":\"${RECOVERY[0]}\"}"
	assert_error 400 invalid_request code
	req POST /login/mfa '{"code":"123456"}'
	assert_error 400 invalid_request mfa_token
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":123456}"
	assert_error 400 invalid_request code
	req GET /login/mfa
	assert_error 405 method_not_allowed
	[ "$(db "SELECT count(*) FROM recovery_codes WHERE user_id = $ID")" = 10 ]
}

@test "mfa: an mfa_token works once, for the client it was given to, while it lives" {
	mfa_user
	mfa_login "$EMAIL" -A "$UA"
	token=$MFA_TOKEN
	forget_step "$ID"
	# Another client (another user agent) cannot use it.
	req POST /login/mfa "{\"mfa_token\":\"$token\",\"code\":\"$(totp_code "$SECRET")\"}" -A other-agent
	assert_error 401 invalid_token mfa_token
	assert_header WWW-Authenticate 'Bearer error="invalid_token"'
	req POST /login/mfa "{\"mfa_token\":\"x$token\",\"code\":\"$(totp_code "$SECRET")\"}" -A "$UA"
	assert_error 401 invalid_token mfa_token
	req POST /login/mfa "{\"mfa_token\":\"$token\",\"code\":\"$(totp_code "$SECRET")\"}" -A "$UA"
	assert_status 200
	forget_step "$ID"
	req POST /login/mfa "{\"mfa_token\":\"$token\",\"code\":\"$(totp_code "$SECRET")\"}" -A "$UA"
	assert_error 401 invalid_token mfa_token
	# Expired.
	mfa_login "$EMAIL"
	db "UPDATE mfa_tokens SET expires_at = strftime('%s', 'now') - 1 WHERE user_id = $ID"
	forget_step "$ID"
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"$(totp_code "$SECRET")\"}"
	assert_error 401 invalid_token mfa_token
	# Voided by a new password.
	mfa_login "$EMAIL"
	printf 'battery staple horse\n' | authctl set-password "$EMAIL" >/dev/null
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"$(totp_code "$SECRET")\"}"
	assert_error 401 invalid_token mfa_token
	# None of these was a guess of a code.
	[[ $(events "$ID") != *mfa.failure* ]]
}

@test "mfa: wrong codes count against the account as wrong passwords; the 6th is 429, at /login too" {
	mfa_user
	mfa_login "$EMAIL"
	for i in 1 2 3; do
		req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"00000$i\"}"
		assert_error 401 invalid_credentials code
	done
	# A right password does not clear them: only both factors do.
	mfa_login "$EMAIL"
	for i in 4 5; do
		req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"00000$i\"}"
		assert_error 401 invalid_credentials code
	done
	forget_step "$ID"
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"$(totp_code "$SECRET")\"}"
	assert_error 429 too_many_requests
	[ "$(sed -n 's/^Retry-After: \([0-9]*\)\r$/\1/ip' "$HEADERS")" -gt 0 ]
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	assert_error 429 too_many_requests
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ID AND event = 'mfa.failure'")" = 5 ]
	# The code was not spent on a refused attempt.
	[ "$(db "SELECT last_step FROM totp_secrets WHERE user_id = $ID")" = 0 ]
}

@test "mfa: a completed login clears the account's failures" {
	mfa_user
	mfa_login "$EMAIL"
	for i in 1 2 3 4; do
		req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"00000$i\"}"
		assert_error 401 invalid_credentials code
	done
	forget_step "$ID"
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"$(totp_code "$SECRET")\"}"
	assert_status 200
	mfa_login "$EMAIL"
	for i in 1 2 3 4 5; do
		req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"11111$i\"}"
		assert_error 401 invalid_credentials code
	done
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"111116\"}"
	assert_error 429 too_many_requests
}

@test "mfa: password, email, username changes and deletion need the code too" {
	mfa_user
	req POST /change-password '{"current_password":"correct horse","new_password":"battery staple horse"}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request code
	req POST /change-password '{"current_password":"correct horse","new_password":"battery staple horse","code":"000000"}' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_credentials code
	# A wrong password is named first, and its code is not spent.
	forget_step "$ID"
	code=$(totp_code "$SECRET")
	req POST /change-password "{\"current_password\":\"wrong horse\",\"new_password\":\"battery staple horse\",\"code\":\"$code\"}" -H "$(auth "$ACCESS")"
	assert_error 401 invalid_credentials current_password
	req POST /change-password "{\"current_password\":\"correct horse\",\"new_password\":\"battery staple horse\",\"code\":\"$code\"}" -H "$(auth "$ACCESS")"
	assert_status 200
	req PUT "/profile/$ID" '{"username":"mfa_user_x","current_password":"battery staple horse"}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request code
	req PUT "/profile/$ID" "{\"email\":\"new-$EMAIL\",\"current_password\":\"battery staple horse\",\"code\":\"${RECOVERY[0]}\"}" -H "$(auth "$ACCESS")"
	assert_status 202
	req DELETE "/users/$ID" '{"password":"battery staple horse"}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request code
	[ "$(db "SELECT count(*) FROM users WHERE id = $ID")" = 1 ]
	forget_step "$ID"
	req DELETE "/users/$ID" "{\"password\":\"battery staple horse\",\"code\":\"$(totp_code "$SECRET")\"}" -H "$(auth "$ACCESS")"
	assert_status 204
	[ "$(db "SELECT count(*) FROM users WHERE id = $ID")" = 0 ]
	[ "$(db "SELECT count(*) FROM totp_secrets WHERE user_id = $ID")" = 0 ]
	[ "$(db "SELECT count(*) FROM recovery_codes WHERE user_id = $ID")" = 0 ]
}

@test "mfa: the code asked is the caller's own: an admin changes and deletes a user with a factor without it" {
	mfa_user
	admin_login
	new=moved-$EMAIL
	req PUT "/profile/$ID" "{\"email\":\"$new\",\"current_password\":\"correct horse\"}" -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	assert_json .email "$new"
	assert_json .mfa_enabled true
	# An admin with a factor of their own sends their own code.
	ACCESS=$ADMIN_ACCESS mfa_enable
	req PUT "/profile/$ID" '{"username":"mfa_admin_x","current_password":"correct horse"}' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 400 invalid_request code
	req PUT "/profile/$ID" '{"username":"mfa_admin_x","current_password":"correct horse","code":"000000"}' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 401 invalid_credentials code
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ADMIN_ID AND event = 'mfa.failure'")" = 1 ]
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ID AND event = 'mfa.failure'")" = 0 ]
	# Deleting another user takes the admin token alone.
	req DELETE "/users/$ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 204
	[ "$(db "SELECT count(*) FROM totp_secrets WHERE user_id = $ID")" = 0 ]
	[ "$(db "SELECT count(*) FROM recovery_codes WHERE user_id = $ID")" = 0 ]
}

@test "mfa: the code of a sensitive change counts against the account's throttle" {
	mfa_user
	for i in 1 2 3 4 5; do
		req POST /change-password "{\"current_password\":\"correct horse\",\"new_password\":\"battery staple horse\",\"code\":\"22222$i\"}" -H "$(auth "$ACCESS")"
		assert_error 401 invalid_credentials code
	done
	forget_step "$ID"
	req POST /change-password "{\"current_password\":\"correct horse\",\"new_password\":\"battery staple horse\",\"code\":\"$(totp_code "$SECRET")\"}" -H "$(auth "$ACCESS")"
	assert_error 429 too_many_requests
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	assert_error 429 too_many_requests
}

@test "mfa: removing it needs the password and a code; recorded, mailed; logins ask for the password alone" {
	mfa_user
	req DELETE /mfa/totp '{"current_password":"correct horse"}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request code
	req DELETE /mfa/totp '{"current_password":"correct horse","code":"000000"}' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_credentials code
	req DELETE /mfa/totp '{"code":"000000"}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request current_password
	forget_step "$ID"
	req DELETE /mfa/totp "{\"current_password\":\"correct horse\",\"code\":\"$(totp_code "$SECRET")\"}" -H "$(auth "$ACCESS")" -A "$UA"
	assert_status 204
	[ -z "$BODY" ]
	[ "$(db "SELECT count(*) FROM totp_secrets WHERE user_id = $ID")" = 0 ]
	[ "$(db "SELECT count(*) FROM recovery_codes WHERE user_id = $ID")" = 0 ]
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ID AND
	    event = 'mfa.disabled' AND actor_id = $ID AND user_agent = '$UA'")" = 1 ]
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_json .mfa_enabled false
	login "$EMAIL"
	[ "$(claim "$ACCESS" amr | jq -c .)" = '["pwd"]' ]
	req DELETE /mfa/totp '{"current_password":"correct horse"}' -H "$(auth "$ACCESS")"
	assert_error 404 not_found
	mail_sync
	MAIL=$(mails_to "$EMAIL" | tail -n 1)
	[ "$(header Subject)" = "The second factor of your account was removed" ]
	# A pending enrolment is dropped with the password alone.
	req POST /mfa/totp '{"current_password":"correct horse"}' -H "$(auth "$ACCESS")"
	assert_status 200
	req DELETE /mfa/totp '{"current_password":"correct horse"}' -H "$(auth "$ACCESS")"
	assert_status 204
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ID AND event = 'mfa.disabled'")" = 1 ]
}

@test "mfa: authctl mfa reset removes a lost factor, records it and mails the user" {
	mfa_user
	run authctl mfa reset "$EMAIL"
	assert_success
	assert_output "second factor removed for $EMAIL; the user was told by mail"
	login "$EMAIL"
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ID AND
	    event = 'mfa.disabled' AND user_agent = 'authctl' AND actor_id IS NULL")" = 1 ]
	mail_sync
	for i in $(seq 50); do
		MAIL=$(grep -l 'An administrator removed it' $(mails_to "$EMAIL") /dev/null | tail -n 1)
		[ -z "$MAIL" ] || break
		sleep 0.1
	done
	[ "$(header Subject)" = "The second factor of your account was removed" ]
	run authctl mfa reset "$ID"
	assert_failure 1
	assert_output "authctl: $EMAIL has no second factor"
	# A pending enrolment goes too, unrecorded (nothing was enabled).
	req POST /mfa/totp '{"current_password":"correct horse"}' -H "$(auth "$ACCESS")"
	assert_status 200
	run authctl mfa reset "$ID"
	assert_success
	assert_output "pending enrolment removed for $EMAIL (never confirmed: nothing to tell)"
	[ "$(db "SELECT count(*) FROM totp_secrets WHERE user_id = $ID")" = 0 ]
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ID AND event = 'mfa.disabled'")" = 1 ]
	run authctl mfa reset nobody@example.com
	assert_failure 1
	run authctl mfa reset
	assert_failure 2
	assert_output --partial 'usage: authctl mfa reset USER'
	run authctl mfa --help
	assert_success
	assert_output --partial 'mfa.disabled'
}

@test "mfa: no secret, code, recovery code or mfa_token in the audit log, the logs or the mails" {
	mfa_user
	codes=()
	forget_step "$ID"
	codes+=("$(totp_code "$SECRET")")
	login_code "$EMAIL" "${codes[0]}"
	token=$MFA_TOKEN
	login_code "$EMAIL" "${RECOVERY[2]}" recovery_code
	mfa_login "$EMAIL"
	req POST /login/mfa "{\"mfa_token\":\"$MFA_TOKEN\",\"code\":\"987654\"}"
	forget_step "$ID"
	codes+=("$(totp_code "$SECRET")" 987654)
	req DELETE /mfa/totp "{\"current_password\":\"correct horse\",\"code\":\"${codes[1]}\"}" -H "$(auth "$ACCESS")"
	assert_status 204
	mail_sync
	db '.dump audit' >"$BATS_TEST_TMPDIR/audit.sql"
	[ -s "$BATS_TEST_TMPDIR/audit.sql" ]
	for f in "$BATS_TEST_TMPDIR/audit.sql" "$STATE"/server.log "$STATE"/error.log "$MAILDIR"/in/*; do
		[ -f "$f" ] || continue
		! grep -q -F -e "$SECRET" -e "$token" -e "$MFA_TOKEN" "$f" ||
		    { echo "a secret or token in $f"; false; }
		for c in "${RECOVERY[@]}" "${RECOVERY[@]//-/}"; do
			! grep -q -i -F -e "$c" "$f" ||
			    { echo "recovery code $c in $f"; false; }
		done
		for c in "${codes[@]}"; do
			! grep -q -w -e "$c" "$f" ||
			    { echo "code $c in $f"; false; }
		done
	done
	# The audit entries of it all are there, by name only.
	[[ $(events "$ID") == *"mfa.enabled"*"mfa.success login.success"*"mfa.failure"*"mfa.disabled" ]]
}
