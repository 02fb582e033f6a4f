# TOTP for the suites, computed apart from the server's C code: RFC
# 6238 (HMAC-SHA1, 6 digits, 30-second steps) in python3's standard
# library.  On top of server.bash and users.bash.
#
#   totp_code SECRET [STEPS]  the code of base32 SECRET for the time step
#                             now, moved by STEPS (-2: two steps ago)
#   mfa_enable                enrol and confirm the second factor of the
#                             user logged in with $ACCESS (password
#                             "correct horse"): sets SECRET,
#                             CONFIRM_CODE (the code it took) and
#                             RECOVERY (an array of the 10 codes)
#   forget_step UID           forget the last step a code of UID was
#                             accepted for, as if its 30 s had passed,
#                             so a test can take another current code
#   mfa_login EMAIL           POST /login for an account with a second
#                             factor: sets MFA_TOKEN
#   step_settled              wait, if need be, until the time step
#                             has 5 s left, so that a code computed
#                             now is for the step the server sees next

totp_code() {
	python3 - "$1" "${2:-0}" <<-'EOF'
	import base64, hmac, struct, sys, time
	s = sys.argv[1]
	key = base64.b32decode(s + "=" * (-len(s) % 8))
	step = int(time.time()) // 30 + int(sys.argv[2])
	mac = hmac.new(key, struct.pack(">Q", step), "sha1").digest()
	off = mac[-1] & 15
	n = struct.unpack(">I", mac[off:off + 4])[0] & 0x7fffffff
	print("%06d" % (n % 1000000))
	EOF
}

mfa_enable() {
	req POST /mfa/totp '{"current_password":"correct horse"}' \
	    -H "$(auth "$ACCESS")" "$@"
	assert_status 200 || return 1
	SECRET=$(jq -r .secret <<<"$BODY")
	CONFIRM_CODE=$(totp_code "$SECRET")
	req POST /mfa/totp/confirm "{\"code\":\"$CONFIRM_CODE\"}" \
	    -H "$(auth "$ACCESS")" "$@"
	assert_status 200 || return 1
	mapfile -t RECOVERY < <(jq -r '.recovery_codes[]' <<<"$BODY")
	[ "${#RECOVERY[@]}" -eq 10 ]
}

forget_step() {
	db "UPDATE totp_secrets SET last_step = 0 WHERE user_id = $1"
}

mfa_login() {
	req POST /login "{\"email\":\"$1\",\"password\":\"correct horse\"}" \
	    "${@:2}"
	assert_status 200 || return 1
	assert_json .mfa_required true || return 1
	MFA_TOKEN=$(jq -r .mfa_token <<<"$BODY")
}

step_settled() {
	while [ $(($(date +%s) % 30)) -ge 25 ]; do
		sleep 1
	done
}
