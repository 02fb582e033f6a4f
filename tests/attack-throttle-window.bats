#!/usr/bin/env bats
# Login throttling without a trusted proxy: the address is REMOTE_ADDR,
# X-Forwarded-For is ignored, and the counts end with a short window.

load lib/server

setup_file() {
	server_start AUTH_LOGIN_MAX_FAILURES=2 AUTH_LOGIN_MAX_FAILURES_ADDR=4 \
	    AUTH_LOGIN_WINDOW=4
}
teardown_file() { server_stop; }
setup() { load_helpers; }

# try EMAIL PASSWORD [curl args]
try() {
	req POST /login "{\"email\":\"$1\",\"password\":\"$2\"}" "${@:3}"
}

# Sleep until the Retry-After of the last answer has passed.
wait_out() {
	local retry
	retry=$(grep -i '^Retry-After:' "$HEADERS" | tr -dc 0-9)
	[ "$retry" -ge 1 ] && [ "$retry" -le 4 ] || return 1
	sleep $((retry + 1))
}

@test "window: the account's count ends with its window" {
	email=$(new_email)
	register "$email"
	try "$email" "wrong horse"
	try "$email" "wrong horse"
	assert_status 401
	try "$email" "correct horse"
	assert_error 429 too_many_requests
	wait_out
	try "$email" "correct horse"
	assert_status 200
}

@test "window: a new window counts from the start again" {
	email=$(new_email)
	register "$email"
	try "$email" "wrong horse"
	try "$email" "wrong horse"
	try "$email" "wrong horse"
	assert_status 429
	wait_out
	try "$email" "wrong horse"
	assert_error 401 invalid_credentials
	try "$email" "wrong horse"
	assert_error 401 invalid_credentials
	try "$email" "correct horse"
	assert_status 429
	wait_out
}

@test "window: without a trusted proxy X-Forwarded-For changes nothing" {
	email=$(new_email)
	register "$email"
	for i in 1 2 3 4; do
		try "other-$i-$RANDOM@example.com" "wrong horse" \
		    -H "X-Forwarded-For: 192.0.2.$i"
		assert_status 401
	done
	try "$email" "correct horse" -H "X-Forwarded-For: 192.0.2.200"
	assert_error 429 too_many_requests
	wait_out
	try "$email" "correct horse"
	assert_status 200
}
