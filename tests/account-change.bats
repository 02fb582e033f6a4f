#!/usr/bin/env bats
# Closing the account-takeover paths (API.md "Re-authentication and
# account changes"): every password check counts against the account's
# login throttle, a new email is pending until confirmed from its
# mailbox, anonymous writes are throttled per address, sessions end,
# and what the server keeps per session stays bounded.
#
# The server trusts a proxy, so each test is its own client address
# (X-Forwarded-For) and the per-address limits of one test never meet
# another's.  Mail is captured (lib/mail.bash).

load lib/server
load lib/users
load lib/mail

setup_file() {
	mailer_make
	PROCS=1 server_start AUTH_SENDMAIL="$MAILER" \
	    AUTH_SENDMAIL_TIMEOUT=30 AUTH_PUBLIC_URL=https://auth.example.com \
	    AUTH_TRUST_PROXY=on AUTH_REGISTER_PER_HOUR=3 AUTH_MAIL_PER_HOUR=3 \
	    AUTH_SESSION_MAX_AGE=3600 AUTH_REFRESH_GRACE=2
}
teardown_file() {
	# A hung mailer of the hand-off test sleeps 30 s: end it.
	[ -s "$MAILDIR/hang.pid" ] && xargs kill <"$MAILDIR/hang.pid" 2>/dev/null
	server_stop
}
setup() {
	load_helpers
	rm -f "$MAILDIR/mode"
	ADDR="10.12.$((BATS_SUITE_TEST_NUMBER % 250)).$((RANDOM % 250 + 1))"
	XFF="X-Forwarded-For: $ADDR"
}

# as_user: a fresh account logged in from $ADDR; sets ID EMAIL ACCESS REFRESH.
as_user() {
	EMAIL=$(new_email)
	req POST /register "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}" \
	    -H "X-Forwarded-For: 10.99.$((RANDOM % 250)).$((RANDOM % 250))"
	assert_status 201 || return 1
	ID=$(jq -r .id <<<"$BODY")
	login "$EMAIL" "correct horse" -H "$XFF"
}

# guess_until_throttled CMD...: run CMD (which makes a request with a
# wrong password) 5 times, each 401 invalid_credentials; then the 6th
# check is refused with 429 and Retry-After.
five_wrong() {
	local i
	for i in 1 2 3 4 5; do
		"$@" "wrong horse $i"
		assert_error 401 invalid_credentials || return 1
	done
}

assert_throttled() {
	assert_error 429 too_many_requests || return 1
	grep -qi '^Retry-After: [1-9][0-9]*'$'\r''$' "$HEADERS"
}

change_password() {
	req POST /change-password "{\"current_password\":\"$1\",\"new_password\":\"brand new horse\"}" \
	    -H "$(auth "$ACCESS")" -H "$XFF"
}

put_profile() {
	req PUT "/profile/$ID" "{\"username\":\"thief$RANDOM\",\"current_password\":\"$1\"}" \
	    -H "$(auth "$ACCESS")" -H "$XFF"
}

delete_self() {
	req DELETE "/users/$ID" "{\"password\":\"$1\"}" -H "$(auth "$ACCESS")" -H "$XFF"
}

@test "reauth: /change-password is throttled: 429 on the 6th, even right" {
	as_user
	five_wrong change_password
	change_password "correct horse"
	assert_throttled
	# The login shares the account's count.
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}" \
	    -H "X-Forwarded-For: 10.200.1.$((RANDOM % 250))"
	assert_throttled
	[ "$(db "SELECT count(*) FROM sessions WHERE user_id = $ID AND revoked_at IS NULL")" = 1 ]
}

@test "reauth: PUT /profile is throttled: 429 on the 6th, even right" {
	as_user
	before=$(db "SELECT * FROM users WHERE id = $ID")
	five_wrong put_profile
	put_profile "correct horse"
	assert_throttled
	[ "$(db "SELECT * FROM users WHERE id = $ID")" = "$before" ]
}

@test "reauth: DELETE /users/{id} of oneself is throttled: 429 on the 6th" {
	as_user
	five_wrong delete_self
	delete_self "correct horse"
	assert_throttled
	[ "$(db "SELECT count(*) FROM users WHERE id = $ID")" = 1 ]
}

@test "reauth: failed logins count against the account-change checks too" {
	as_user
	for i in 1 2 3 4 5; do
		req POST /login "{\"email\":\"$EMAIL\",\"password\":\"wrong $i\"}" \
		    -H "X-Forwarded-For: 10.201.$i.1"
		assert_error 401 invalid_credentials
	done
	change_password "correct horse"
	assert_throttled
}

@test "reauth: a right password clears the account's count" {
	as_user
	for i in 1 2 3 4; do
		change_password "wrong horse $i"
		assert_status 401
	done
	put_profile "correct horse"
	assert_status 200
	for i in 1 2 3 4; do
		change_password "wrong horse $i"
		assert_status 401
	done
	change_password "correct horse"
	assert_status 200
}

@test "reauth: an admin proves the admin's own password, on the admin's count" {
	admin_login
	as_user
	for i in 1 2 3 4 5; do
		req PUT "/profile/$ID" "{\"username\":\"x$RANDOM\",\"current_password\":\"wrong $i\"}" \
		    -H "$(auth "$ADMIN_ACCESS")" -H "$XFF"
		assert_error 401 invalid_credentials current_password
	done
	req POST /login "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"correct horse\"}" \
	    -H "X-Forwarded-For: 10.202.0.1"
	assert_throttled
	# The user's own account was never counted.
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}" \
	    -H "X-Forwarded-For: 10.202.0.2"
	assert_status 200
}

@test "throttle: email and username alternating reach 429 at 5 failures" {
	name="alt$RANDOM$BATS_SUITE_TEST_NUMBER"
	req POST /register "{\"email\":\"$name@example.com\",\"password\":\"correct horse\",\"username\":\"$name\"}" \
	    -H "X-Forwarded-For: 10.203.0.$((RANDOM % 250))"
	assert_status 201
	for i in 1 2 3 4 5; do
		if [ $((i % 2)) -eq 1 ]; then
			body="{\"email\":\"$name@example.com\",\"password\":\"wrong $i\"}"
		else
			body="{\"username\":\"${name^^}\",\"password\":\"wrong $i\"}"
		fi
		req POST /login "$body" -H "X-Forwarded-For: 10.203.$i.1"
		assert_error 401 invalid_credentials
	done
	req POST /login "{\"username\":\"$name\",\"password\":\"correct horse\"}" \
	    -H "X-Forwarded-For: 10.203.9.9"
	assert_throttled
	req POST /login "{\"email\":\"$name@example.com\",\"password\":\"correct horse\"}" \
	    -H "X-Forwarded-For: 10.203.9.8"
	assert_throttled
}

@test "email change: pending until confirmed from the new mailbox" {
	as_user
	new="new-$EMAIL"
	req PUT "/profile/$ID" "{\"email\":\"$new\",\"current_password\":\"correct horse\"}" \
	    -H "$(auth "$ACCESS")" -H "$XFF"
	assert_status 202
	assert_json .pending_email "$new"
	assert_json .email "$EMAIL"
	last_mail "$new"
	[ "$(header Subject)" = "Confirm your new email address" ]
	grep -q -x "https://auth.example.com/account/confirm-email?token=$TOKEN" "$MAIL"
	# The old address is told, with nothing that changes anything.
	notice=$(mails_to "$EMAIL" | tail -n 1)
	[ -n "$notice" ]
	grep -q "Subject: Your email address is about to change" "$notice"
	grep -q -F "$new" "$notice"
	refute grep -q 'token=' "$notice"
	refute grep -q -F "$TOKEN" "$notice"
	# Until then the old address logs in and resets; the new one does not.
	login "$EMAIL" "correct horse" -H "$XFF"
	req POST /login "{\"email\":\"$new\",\"password\":\"correct horse\"}" -H "$XFF"
	assert_error 401 invalid_credentials
	req POST /password-reset "{\"email\":\"$EMAIL\"}" -H "$XFF"
	assert_status 202
	last_mail "$EMAIL"
	[ "$(header Subject)" = "Reset your password" ]

	last_mail "$new"
	req POST /email-change/confirm "{\"token\":\"$TOKEN\"}"
	assert_status 200
	assert_json .id "$ID"
	assert_json .email "$new"
	assert_json .email_verified true
	login "$new" "correct horse" -H "$XFF"
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}" -H "$XFF"
	assert_error 401 invalid_credentials
	# Single use.
	req POST /email-change/confirm "{\"token\":\"$TOKEN\"}"
	assert_error 400 invalid_request token
	assert_json .message "the token has already been used"
}

@test "email change: an address taken meanwhile is 409 at confirmation" {
	as_user
	new="taken-$EMAIL"
	req PUT "/profile/$ID" "{\"email\":\"$new\",\"current_password\":\"correct horse\"}" \
	    -H "$(auth "$ACCESS")" -H "$XFF"
	assert_status 202
	last_mail "$new"
	req POST /register "{\"email\":\"$new\",\"password\":\"correct horse\"}" \
	    -H "X-Forwarded-For: 10.204.0.$((RANDOM % 250))"
	assert_status 201
	req POST /email-change/confirm "{\"token\":\"$TOKEN\"}"
	assert_error 409 conflict email
	[ "$(db "SELECT email FROM users WHERE id = $ID")" = "$EMAIL" ]
}

@test "email change: a password reset voids it; so does a password change" {
	as_user
	req PUT "/profile/$ID" "{\"email\":\"evil-$EMAIL\",\"current_password\":\"correct horse\"}" \
	    -H "$(auth "$ACCESS")" -H "$XFF"
	assert_status 202
	last_mail "evil-$EMAIL"
	stolen=$TOKEN
	# The owner, told by the notice, resets the password.
	req POST /password-reset "{\"email\":\"$EMAIL\"}" -H "$XFF"
	last_mail "$EMAIL"
	req POST /password-reset/confirm "{\"token\":\"$TOKEN\",\"new_password\":\"brand new horse\"}"
	assert_status 200
	req POST /email-change/confirm "{\"token\":\"$stolen\"}"
	assert_error 400 invalid_request token
	[ "$(db "SELECT email FROM users WHERE id = $ID")" = "$EMAIL" ]

	login "$EMAIL" "brand new horse" -H "$XFF"
	req PUT "/profile/$ID" "{\"email\":\"evil2-$EMAIL\",\"current_password\":\"brand new horse\"}" \
	    -H "$(auth "$ACCESS")" -H "$XFF"
	assert_status 202
	last_mail "evil2-$EMAIL"
	req POST /change-password '{"current_password":"brand new horse","new_password":"other new horse"}' \
	    -H "$(auth "$ACCESS")" -H "$XFF"
	assert_status 200
	req POST /email-change/confirm "{\"token\":\"$TOKEN\"}"
	assert_error 400 invalid_request token
}

@test "email change: expired, unknown or another kind of token is 400" {
	as_user
	req PUT "/profile/$ID" "{\"email\":\"late-$EMAIL\",\"current_password\":\"correct horse\"}" \
	    -H "$(auth "$ACCESS")" -H "$XFF"
	last_mail "late-$EMAIL"
	db "UPDATE mail_tokens SET expires_at = strftime('%s', 'now') - 1 WHERE user_id = $ID"
	req POST /email-change/confirm "{\"token\":\"$TOKEN\"}"
	assert_error 400 invalid_request token
	assert_json .message "the token has expired; ask for a new one"
	req POST /email-change/confirm '{"token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}'
	assert_error 400 invalid_request token
	req POST /password-reset "{\"email\":\"$EMAIL\"}" -H "$XFF"
	last_mail "$EMAIL"
	req POST /email-change/confirm "{\"token\":\"$TOKEN\"}"
	assert_error 400 invalid_request token
	assert_json .message "the token is not valid"
	req POST /email-change/confirm '{}'
	assert_error 400 invalid_request token
	req GET /email-change/confirm
	assert_error 405 method_not_allowed
}

@test "register: 429 past AUTH_REGISTER_PER_HOUR from one address" {
	for i in 1 2 3; do
		req POST /register "{\"email\":\"r$i-$(new_email)\",\"password\":\"correct horse\"}" -H "$XFF"
		assert_status 201
	done
	req POST /register "{\"email\":\"r4-$(new_email)\",\"password\":\"correct horse\"}" -H "$XFF"
	assert_throttled
	retry=$(grep -i '^Retry-After:' "$HEADERS" | tr -dc 0-9)
	[ "$retry" -gt 3500 ] && [ "$retry" -le 3600 ]
	req POST /register "{\"email\":\"r5-$(new_email)\",\"password\":\"correct horse\"}" \
	    -H "X-Forwarded-For: 10.205.0.1"
	assert_status 201
}

@test "mail requests: 429 past AUTH_MAIL_PER_HOUR from one address" {
	as_user
	req POST /password-reset '{"email":"nobody-1@example.com"}' -H "$XFF"
	assert_status 202
	req POST /verify-email '' -H "$(auth "$ACCESS")" -H "$XFF"
	assert_status 202
	req POST /password-reset '{"email":"nobody-2@example.com"}' -H "$XFF"
	assert_status 202
	req POST /password-reset '{"email":"nobody-3@example.com"}' -H "$XFF"
	assert_throttled
	req POST /verify-email '' -H "$(auth "$ACCESS")" -H "$XFF"
	assert_throttled
	req POST /password-reset '{"email":"nobody-4@example.com"}' -H "X-Forwarded-For: 10.206.0.1"
	assert_status 202
}

@test "sessions: refresh_expires_in is what is left of AUTH_SESSION_MAX_AGE" {
	as_user
	assert_json .refresh_expires_in 3600
	db "UPDATE sessions SET created_at = created_at - 1000 WHERE user_id = $ID"
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 200
	left=$(jq -r .refresh_expires_in <<<"$BODY")
	[ "$left" -gt 2590 ] && [ "$left" -le 2600 ]
	[ "$(db "SELECT expires_at - created_at FROM sessions WHERE user_id = $ID")" = 3600 ]
}

@test "sessions: a session past its max age refreshes no more" {
	as_user
	db "UPDATE sessions SET created_at = created_at - 3601 WHERE user_id = $ID"
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_error 401 invalid_token
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	# Even a lowered expires_at that a raised setting would allow: no.
	as_user
	db "UPDATE sessions SET created_at = created_at - 4000,
	    expires_at = strftime('%s', 'now') + 99999 WHERE user_id = $ID"
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_error 401 invalid_token
}

@test "sessions: sixty refreshes keep a bounded number of rows" {
	as_user
	sid=$(db "SELECT id FROM sessions WHERE user_id = $ID")
	tokens=("$REFRESH")
	# Ten times what the session keeps (REFRESH_KEEP + 2 = 6 rows).
	for i in $(seq 60); do
		REFRESH=$(curl -s -X POST -H 'Content-Type: application/json' \
		    -d "{\"refresh_token\":\"$REFRESH\"}" "$BASE/refresh" |
		    jq -r .refresh_token)
		tokens+=("$REFRESH")
	done
	[ ${#REFRESH} -eq 43 ]
	rows=$(db "SELECT count(*) FROM refresh_tokens WHERE session_id = $sid")
	[ "$rows" -eq 6 ] || { echo "$rows rows" >&2; false; }
	# Only the token just rotated out keeps a sealed successor.
	[ "$(db "SELECT count(*) FROM refresh_tokens WHERE session_id = $sid
	    AND next_sealed IS NOT NULL")" = 1 ]
	# The oldest token kept is still recognised as reuse.
	sleep 3
	req POST /refresh "{\"refresh_token\":\"${tokens[55]}\"}"
	assert_error 401 invalid_token
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_error 401 invalid_token
	[ "$(db "SELECT CAST(revoked_at IS NOT NULL AS INTEGER) FROM sessions WHERE id = $sid")" = 1 ]
}

@test "sessions: a sealed successor is wiped once the grace window passed" {
	as_user
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 200
	[ "$(db "SELECT count(*) FROM refresh_tokens r JOIN sessions s ON
	    s.id = r.session_id WHERE s.user_id = $ID AND next_sealed IS NOT NULL")" = 1 ]
	sleep 3
	# Any later login or refresh on the service wipes it.
	login "$EMAIL" "correct horse" -H "$XFF"
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	[ "$(db "SELECT count(*) FROM refresh_tokens WHERE next_sealed IS NOT NULL
	    AND rotated_at <= strftime('%s', 'now') - 2")" = 0 ]
}

@test "mail: a mailer that sleeps 30 s delays no later request" {
	as_user
	echo hang >"$MAILDIR/mode"
	req POST /password-reset "{\"email\":\"$EMAIL\"}" -H "$XFF"
	assert_status 202
	for i in 1 2 3; do
		[ -s "$MAILDIR/hang.pid" ] && break
		sleep 1
	done
	[ -s "$MAILDIR/hang.pid" ]
	# The one process of the program answers at once, three times.
	for i in 1 2 3; do
		run curl -s -m 5 -o /dev/null -w '%{http_code}' -X POST \
		    -H 'Content-Type: application/json' -H "X-Forwarded-For: 10.207.$i.1" \
		    -d '{"email":"someone@example.com"}' "$BASE/password-reset"
		assert_output 202
	done
	req GET /health
	assert_status 200
	kill -0 "$(head -n 1 "$MAILDIR/hang.pid")"
}

@test "415: a type other than JSON is refused even without a body" {
	as_user
	for type in application/x-www-form-urlencoded multipart/form-data text/plain; do
		req POST /refresh '' -H "Content-Type: $type" -H 'Content-Length: 0'
		assert_error 415 unsupported_media_type
		req POST /logout '' -H "Content-Type: $type" -H "$(auth "$ACCESS")" \
		    -H 'Content-Length: 0'
		assert_error 415 unsupported_media_type
		req DELETE /tokens/1 '' -H "Content-Type: $type" -H "$(auth "$ACCESS")"
		assert_error 415 unsupported_media_type
	done
	req GET /user-info '' -H "$(auth "$ACCESS")" -H 'Content-Type: text/plain'
	assert_status 200
	# A body with no type at all, where no fields are taken, neither.
	req POST /logout '' --data-binary '{}' -H 'Content-Type:' \
	    -H "$(auth "$ACCESS")"
	assert_error 415 unsupported_media_type
	req POST /revoke-all-tokens '' --data-binary x -H 'Content-Type:' \
	    -H "$(auth "$ACCESS")"
	assert_error 415 unsupported_media_type
	# The session survived every refused request.
	req POST /logout '' -H "$(auth "$ACCESS")"
	assert_status 204
}
