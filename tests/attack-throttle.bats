#!/usr/bin/env bats
# Login throttling (API.md "Throttling"): per account, known or not, and
# per client address, with Retry-After.  The server trusts a proxy here,
# so each test gives itself its own client address in X-Forwarded-For;
# attack-throttle-window.bats runs without one, on REMOTE_ADDR.

load lib/server

setup_file() {
	server_start AUTH_LOGIN_MAX_FAILURES=3 AUTH_LOGIN_MAX_FAILURES_ADDR=6 \
	    AUTH_LOGIN_WINDOW=60 AUTH_TRUST_PROXY=on
}
teardown_file() { server_stop; }

setup() {
	load_helpers
	EMAIL=$(new_email)
	register "$EMAIL"
	ADDR="10.5.$((BATS_SUITE_TEST_NUMBER % 250)).$((RANDOM % 250 + 1))"
}

# try EMAIL PASSWORD [ADDR]: a login from ADDR (default $ADDR).
try() {
	req POST /login "{\"email\":\"$1\",\"password\":\"$2\"}" \
	    -H "X-Forwarded-For: ${3:-$ADDR}"
}

@test "throttle: 429 after 3 failures, even with the right password" {
	for i in 1 2 3; do
		try "$EMAIL" "wrong horse $i"
		assert_error 401 invalid_credentials
	done
	try "$EMAIL" "correct horse"
	assert_error 429 too_many_requests
	retry=$(grep -i '^Retry-After:' "$HEADERS" | tr -dc 0-9)
	[ "$retry" -ge 1 ] && [ "$retry" -le 60 ]
	refute_header WWW-Authenticate
}

@test "throttle: the account is throttled from every address" {
	for i in 1 2 3; do
		try "$EMAIL" "wrong horse" "10.9.$i.1"
		assert_status 401
	done
	try "$EMAIL" "correct horse" "10.9.9.9"
	assert_error 429 too_many_requests
}

@test "throttle: the email is counted without case, as it logs in" {
	for e in "$EMAIL" "${EMAIL^^}" " $EMAIL"; do
		try "$e" "wrong horse"
		assert_status 401
	done
	try "$EMAIL" "correct horse"
	assert_status 429
}

@test "throttle: by username, in any case, and POST /token is the same" {
	name="u$RANDOM$BATS_SUITE_TEST_NUMBER"
	req POST /register "{\"email\":\"$name@example.com\",\"password\":\"correct horse\",\"username\":\"$name\"}"
	assert_status 201
	for n in "$name" "${name^^}" "$name"; do
		req POST /token "{\"username\":\"$n\",\"password\":\"wrong horse\"}" \
		    -H "X-Forwarded-For: $ADDR"
		assert_status 401
	done
	req POST /login "{\"user\":\"${name^}\",\"password\":\"correct horse\"}" \
	    -H "X-Forwarded-For: $ADDR"
	assert_error 429 too_many_requests
}

@test "throttle: a success clears the account's count" {
	for round in 1 2 3; do
		try "$EMAIL" "wrong horse" "10.4.$round.1"
		try "$EMAIL" "wrong horse" "10.4.$round.1"
		assert_status 401
		try "$EMAIL" "correct horse" "10.4.$round.1"
		assert_status 200
	done
	for i in 1 2 3; do
		try "$EMAIL" "wrong horse"
		assert_status 401
	done
	try "$EMAIL" "correct horse"
	assert_status 429
}

@test "throttle: a login whose session is not written forgets nothing" {
	for i in 1 2; do
		try "$EMAIL" "wrong horse $i"
		assert_error 401 invalid_credentials
	done
	# The failures are forgotten in the session's own transaction: a
	# login that rolls back leaves them, and its own count, standing.
	db_fail_inserts refresh_tokens
	try "$EMAIL" "correct horse"
	db_fail_inserts_off refresh_tokens
	assert_error 500 internal_error
	try "$EMAIL" "correct horse"
	assert_error 429 too_many_requests
}

@test "throttle: unknown accounts are counted and answered the same" {
	ghost="ghost-$RANDOM-$BATS_SUITE_TEST_NUMBER@example.com"
	for i in 1 2 3; do
		try "$EMAIL" "wrong horse" "10.7.1.$i"
		known=$(answer)
		try "$ghost" "wrong horse" "10.7.1.$i"
		assert_error 401 invalid_credentials
		[ "$(answer)" = "$known" ]
	done
	try "$EMAIL" "correct horse" 10.7.2.1
	known=$(answer)
	try "$ghost" "correct horse" 10.7.2.1
	assert_error 429 too_many_requests
	[ "$(answer | grep -vi '^Retry-After:')" = "$(grep -vi '^Retry-After:' <<<"$known")" ]
	grep -qi '^Retry-After: [0-9][0-9]*$' <<<"$known"
	answer | grep -qi '^Retry-After: [0-9][0-9]*$'
}

@test "throttle: a throttled attempt is not counted and looks nothing up" {
	for i in 1 2 3; do
		try "$EMAIL" "wrong horse"
	done
	before=$(db 'SELECT sum(hits) FROM throttle')
	for i in 1 2 3 4 5; do
		try "$EMAIL" "correct horse" "10.8.$i.1"
		assert_status 429
	done
	[ "$(db 'SELECT sum(hits) FROM throttle')" = "$before" ]
}

@test "throttle: 6 failures from one address throttle it for every account" {
	for i in 1 2 3 4 5 6; do
		try "other-$i-$RANDOM@example.com" "wrong horse"
		assert_status 401
	done
	try "$EMAIL" "correct horse"
	assert_error 429 too_many_requests
	try "$EMAIL" "correct horse" "10.6.6.6"
	assert_status 200
}

@test "throttle: successes do not use up an address's allowance" {
	for i in 1 2 3 4 5 6 7 8; do
		try "$EMAIL" "correct horse"
		assert_status 200
	done
	for i in 1 2 3 4 5; do
		try "other-$i-$RANDOM@example.com" "wrong horse"
		assert_status 401
	done
	try "$EMAIL" "correct horse"
	assert_status 200
}

@test "throttle: behind the trusted proxy, only its own hop counts" {
	for i in 1 2 3 4 5 6; do
		try "other-$i-$RANDOM@example.com" "wrong horse" \
		    "203.0.113.$i, $ADDR"
		assert_status 401
	done
	try "$EMAIL" "correct horse" "198.51.100.1, $ADDR"
	assert_status 429
}

@test "throttle: the table holds no login name or address in clear" {
	try "$EMAIL" "wrong horse"
	assert_status 401
	run db_dump throttle
	[ "$status" -eq 0 ]
	[[ $output =~ "INSERT INTO "(public\.)?throttle ]]
	[[ $output != *"$EMAIL"* ]]
	[[ $output != *"$ADDR"* ]]
	[ "$(db 'SELECT count(*) FROM throttle WHERE length(key) <> 32')" = 0 ]
}
