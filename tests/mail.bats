#!/usr/bin/env bats
# POST /password-reset, /password-reset/confirm, /verify-email and
# /verify-email/confirm, with AUTH_SENDMAIL pointed at a script that
# files each message in a folder (lib/mail.bash).

load lib/server
load lib/mail

setup_file() {
	mailer_make
	PROCS=1 server_start AUTH_SENDMAIL="$MAILER -t -i" \
	    AUTH_SENDMAIL_TIMEOUT=1 AUTH_PUBLIC_URL=https://auth.example.com/app/ \
	    AUTH_MAIL_FROM="Example Auth <auth@example.com>"
}
teardown_file() { server_stop; }
setup() {
	load_helpers
	rm -f "$MAILDIR/mode"
}

reset_request() {
	req POST /password-reset "{\"email\":\"$1\"}"
	assert_status 202
}

reset_confirm() {
	req POST /password-reset/confirm \
	    "{\"token\":\"$1\",\"new_password\":\"${2:-brand new horse}\"}"
}

# verify_request ACCESS: POST /verify-email, which has no body.
verify_request() {
	req POST /verify-email '' -H 'Content-Length: 0' ${1:+-H "$(auth "$1")"}
}

verify_confirm() {
	req POST /verify-email/confirm "{\"token\":\"$1\"}"
}

sql() {
	db "$1"
}

@test "mail: a reset mail has every header, and its link resets the password" {
	email=$(new_email)
	register "$email"
	reset_request "$(tr a-z A-Z <<<"$email")"
	assert_json .message "if the address has an account, a reset link has been mailed to it"
	last_mail "$email"
	[ "$(mails_to "$email" | wc -l)" -eq 1 ]
	# Run without a shell, with the message on standard input, none of
	# the program's sockets or settings.
	[ "$(cat "$MAILDIR/args")" = "-t -i" ]
	grep -q ' 0 -> pipe:' "$MAILDIR/fds"
	refute grep -q 'socket:' "$MAILDIR/fds"
	refute grep -q 'auth.db' "$MAILDIR/fds"
	refute grep -q '^AUTH_' "$MAILDIR/env"
	grep -q '^PATH=/' "$MAILDIR/env"
	[ "$(header From)" = "Example Auth <auth@example.com>" ]
	[ "$(header To)" = "$email" ]
	[ "$(header Subject)" = "Reset your password" ]
	[ "$(header MIME-Version)" = 1.0 ]
	[ "$(header Content-Type)" = "text/plain; charset=utf-8" ]
	[ "$(header Content-Transfer-Encoding)" = 8bit ]
	[[ $(header Message-ID) =~ ^\<[0-9a-f]{32}@auth\.example\.com\>$ ]]
	date=$(header Date)
	[[ $date =~ ^(Mon|Tue|Wed|Thu|Fri|Sat|Sun),\ [0-9]{2}\ (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\ [0-9]{4}\ [0-9]{2}:[0-9]{2}:[0-9]{2}\ \+0000$ ]]
	[ $(( $(date +%s) - $(date -d "$date" +%s) )) -lt 300 ]
	# Every header once, LF line ends only, the link in the body.
	[ "$(sed '/^$/q' "$MAIL" | cut -d: -f1 | sort | uniq -d)" = "" ]
	refute grep -q $'\r' "$MAIL"
	grep -q -x "https://auth.example.com/app/account/reset-password?token=$TOKEN" "$MAIL"
	grep -q "within 1 hour" "$MAIL"

	reset_confirm "$TOKEN" 'brand new horse'
	assert_status 200
	assert_json .revoked 0
	req POST /login "{\"email\":\"$email\",\"password\":\"correct horse\"}"
	assert_error 401 invalid_credentials
	login "$email" 'brand new horse'
}

@test "mail: a reset token works once" {
	email=$(new_email)
	register "$email"
	reset_request "$email"
	last_mail "$email"
	reset_confirm "$TOKEN" 'first new horse'
	assert_status 200
	reset_confirm "$TOKEN" 'second new horse'
	assert_error 400 invalid_request token
	assert_json .message "the token has already been used"
	login "$email" 'first new horse'
}

@test "mail: a reset revokes every session, access and refresh tokens" {
	email=$(new_email)
	register "$email"
	login "$email"
	access1=$ACCESS refresh1=$REFRESH
	login "$email"
	reset_request "$email"
	last_mail "$email"
	reset_confirm "$TOKEN"
	assert_status 200
	assert_json .revoked 2
	for a in "$access1" "$ACCESS"; do
		req GET /user-info '' -H "$(auth "$a")"
		assert_error 401 invalid_token
	done
	for r in "$refresh1" "$REFRESH"; do
		req POST /refresh "{\"refresh_token\":\"$r\"}"
		assert_status 401
	done
}

@test "mail: an expired reset token is refused and changes nothing" {
	email=$(new_email)
	register "$email"
	reset_request "$email"
	last_mail "$email"
	# Issued with AUTH_RESET_TTL (default 3600 s) from now.
	[ "$(sql "SELECT t.expires_at - t.created_at FROM mail_tokens t JOIN users u
	    ON u.id = t.user_id WHERE u.email = '$email'")" = 3600 ]
	sql "UPDATE mail_tokens SET expires_at = strftime('%s', 'now') - 1
	    WHERE user_id = $USER_ID"
	reset_confirm "$TOKEN"
	assert_error 400 invalid_request token
	assert_json .message "the token has expired; ask for a new one"
	login "$email"
}

@test "mail: a new reset request replaces the older token" {
	email=$(new_email)
	register "$email"
	reset_request "$email"
	last_mail "$email"
	old=$TOKEN
	reset_request "$email"
	last_mail "$email"
	[ "$TOKEN" != "$old" ]
	[ "$(mails_to "$email" | wc -l)" -eq 2 ]
	reset_confirm "$old"
	assert_error 400 invalid_request token
	assert_json .message "the token is not valid"
	reset_confirm "$TOKEN"
	assert_status 200
}

@test "mail: an unknown email gets the same 202 and body, and no mail" {
	email=$(new_email)
	register "$email"
	reset_request "$email"
	known=$BODY
	cp "$HEADERS" "$BATS_TEST_TMPDIR/known"
	reset_request "nobody-$email"
	[ "$BODY" = "$known" ]
	# The same headers but for the Date, and the framing, which is
	# the web server's: Apache's CGI chunks an answer whose end it has
	# not yet seen (the bodies are equal, so are their lengths).
	framing='^(date|content-length|transfer-encoding):'
	diff <(grep -v -i -E "$framing" "$HEADERS") \
	    <(grep -v -i -E "$framing" "$BATS_TEST_TMPDIR/known")
	mail_sync
	[ "$(mails_to "nobody-$email" | wc -l)" -eq 0 ]
	[ "$(mails_to "$email" | wc -l)" -eq 1 ]
	[ "$(sql "SELECT count(*) FROM mail_log WHERE email = 'nobody-$email'")" = 0 ]
}

@test "mail: at most 3 mails to an address per hour, still 202" {
	email=$(new_email)
	register "$email"
	for i in 1 2 3; do
		reset_request "$email"
		last_mail "$email"
	done
	third=$TOKEN
	for i in 4 5; do
		reset_request "$email"
		assert_json .message "if the address has an account, a reset link has been mailed to it"
	done
	mail_sync
	[ "$(mails_to "$email" | wc -l)" -eq 3 ]
	# The limit counts mails of both kinds to the address.
	login "$email"
	verify_request "$ACCESS"
	assert_status 202
	mail_sync
	[ "$(mails_to "$email" | wc -l)" -eq 3 ]
	# Throttled requests did not replace the last mailed token.
	reset_confirm "$third"
	assert_status 200
	# The reset's notice is not a mail the limit counts.
	mail_sync
	[ "$(mails_to "$email" | wc -l)" -eq 4 ]
	grep -q '^Subject: Your password was reset$' "$(mails_to "$email" | tail -n 1)"
	# An hour later the address may have mail again.
	sql "UPDATE mail_log SET sent_at = sent_at - 3600 WHERE email = '$email'"
	reset_request "$email"
	mail_sync
	[ "$(mails_to "$email" | wc -l)" -eq 5 ]
}

@test "mail: a token is stored only as its HMAC under the mail tokens' key" {
	email=$(new_email)
	register "$email"
	reset_request "$email"
	last_mail "$email"
	key=$(hkdf "$(tr -d '\n' <"$STATE/jwt.secret")" "fcgi-auth v1 mail-token")
	hash=$(printf '%s' "$TOKEN" | openssl dgst -sha256 -mac HMAC \
	    -macopt hexkey:"$key" | sed 's/.* //')
	[ "$(sql "SELECT lower(hex(hash)) FROM mail_tokens WHERE user_id = $USER_ID")" = "$hash" ]
	plain=$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)
	[ "$(sql "SELECT count(*) FROM mail_tokens WHERE lower(hex(hash)) = '$plain'")" = 0 ]
	if [ "$DB" = sqlite ]; then
		sql "PRAGMA wal_checkpoint" >/dev/null
		refute grep -q -F "$TOKEN" "$STATE"/auth.db*
	else
		refute grep -q -F "$TOKEN" <(db_dump)
	fi
}

@test "mail: verification mails a link that sets email_verified, once" {
	email=$(new_email)
	register "$email"
	login "$email"
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_json .email_verified false
	verify_request "$ACCESS"
	assert_status 202
	assert_json .message "a verification link has been mailed to the address"
	last_mail "$email"
	[ "$(header Subject)" = "Confirm your email address" ]
	[ "$(header To)" = "$email" ]
	[ "$(header From)" = "Example Auth <auth@example.com>" ]
	grep -q -x "https://auth.example.com/app/account/verify-email?token=$TOKEN" "$MAIL"
	grep -q "within 1 day" "$MAIL"

	verify_confirm "$TOKEN"
	assert_status 200
	assert_json .id "$USER_ID"
	assert_json .email "$email"
	assert_json .email_verified true
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_json .email_verified true
	verify_confirm "$TOKEN"
	assert_error 400 invalid_request token
	assert_json .message "the token has already been used"
}

@test "mail: verification needs a bearer token; a verified address gets no mail" {
	verify_request
	assert_error 401 invalid_token
	email=$(new_email)
	register "$email"
	login "$email"
	sql "UPDATE users SET email_verified = 1 WHERE id = $USER_ID"
	verify_request "$ACCESS"
	assert_status 202
	assert_json .message "the address is already verified"
	mail_sync
	[ "$(mails_to "$email" | wc -l)" -eq 0 ]
}

@test "mail: a reset token does not verify, a verification token does not reset" {
	email=$(new_email)
	register "$email"
	login "$email"
	reset_request "$email"
	last_mail "$email"
	reset_token=$TOKEN
	verify_request "$ACCESS"
	last_mail "$email"
	verify_token=$TOKEN

	verify_confirm "$reset_token"
	assert_error 400 invalid_request token
	assert_json .message "the token is not valid"
	reset_confirm "$verify_token"
	assert_error 400 invalid_request token
	assert_json .message "the token is not valid"
	# Neither was used up by the wrong door.
	verify_confirm "$verify_token"
	assert_status 200
	assert_json .email_verified true
	reset_confirm "$reset_token"
	assert_status 200
}

@test "mail: a token mailed to an old address does not work after a change" {
	email=$(new_email)
	register "$email"
	login "$email"
	reset_request "$email"
	last_mail "$email"
	reset_token=$TOKEN
	verify_request "$ACCESS"
	last_mail "$email"
	verify_token=$TOKEN
	sql "UPDATE users SET email = 'new-$email' WHERE id = $USER_ID"

	verify_confirm "$verify_token"
	assert_error 400 invalid_request token
	assert_json .message "the token was sent to an address the account no longer has"
	reset_confirm "$reset_token"
	assert_error 400 invalid_request token
	[ "$(sql "SELECT email_verified FROM users WHERE id = $USER_ID")" = 0 ]
	login "new-$email"
}

@test "mail: confirm checks its fields before the token is used up" {
	email=$(new_email)
	register "$email"
	reset_request "$email"
	last_mail "$email"
	req POST /password-reset/confirm "{\"token\":\"$TOKEN\",\"new_password\":\"short\"}"
	assert_error 400 invalid_request new_password
	req POST /password-reset/confirm '{"new_password":"brand new horse"}'
	assert_error 400 invalid_request token
	req POST /password-reset/confirm "{\"token\":\"$TOKEN\"}"
	assert_error 400 invalid_request new_password
	req POST /verify-email/confirm '{"token":42}'
	assert_error 400 invalid_request token
	req POST /password-reset '{"email":"not an address"}'
	assert_error 400 invalid_request email
	reset_confirm "$TOKEN"
	assert_status 200
}

@test "mail: a failing mailer keeps the 202 and the stored token, and is logged" {
	email=$(new_email)
	register "$email"
	echo fail >"$MAILDIR/mode"
	rm -f "$MAILDIR/failed"
	reset_request "$email"
	assert_json .message "if the address has an account, a reset link has been mailed to it"
	mail_sync
	[ "$(mails_to "$email" | wc -l)" -eq 0 ]
	server_log | grep -q "$MAILER exited with status 1"
	token_of "$MAILDIR/failed"
	[ -z "$(server_log | grep -F -- "$TOKEN")" ]
	# The token was stored all the same.
	reset_confirm "$TOKEN"
	assert_status 200
}

@test "mail: a hanging mailer is killed after AUTH_SENDMAIL_TIMEOUT" {
	email=$(new_email)
	register "$email"
	echo hang >"$MAILDIR/mode"
	rm -f "$MAILDIR/hang.pid" "$MAILDIR/hung"
	reset_request "$email"
	mail_sync
	# The mailer (sleep 30) is gone long before its 30 s.
	[ -s "$MAILDIR/hang.pid" ]
	refute kill -0 "$(cat "$MAILDIR/hang.pid")" 2>/dev/null
	server_log | grep -q "$MAILER did not finish within 1 s; killed"
	token_of "$MAILDIR/hung"
	[ -z "$(server_log | grep -F -- "$TOKEN")" ]
	reset_confirm "$TOKEN"
	assert_status 200
}

@test "mail: expired tokens and old mail counts are purged" {
	email=$(new_email)
	register "$email"
	sql "INSERT INTO mail_tokens (hash, kind, user_id, email, created_at, expires_at)
	    SELECT randomblob(32), 'reset', $USER_ID, '$email', 1, 2
	    FROM (SELECT 1 UNION SELECT 2 UNION SELECT 3) AS n;
	    INSERT INTO mail_log (email, sent_at) VALUES ('old-$email', 1)"
	req POST /password-reset "{\"email\":\"nobody-$email\"}"
	assert_status 202
	[ "$(sql "SELECT count(*) FROM mail_tokens WHERE expires_at = 2")" = 0 ]
	[ "$(sql "SELECT count(*) FROM mail_log WHERE email = 'old-$email'")" = 0 ]
}

@test "mail: a deleted user's tokens go with it" {
	email=$(new_email)
	register "$email"
	reset_request "$email"
	mail_sync
	[ "$(sql "SELECT count(*) FROM mail_tokens WHERE user_id = $USER_ID")" = 1 ]
	[ "$DB" != sqlite ] || sql "PRAGMA foreign_keys = ON; DELETE FROM users WHERE id = $USER_ID"
	[ "$DB" != postgresql ] || sql "DELETE FROM users WHERE id = $USER_ID"
	[ "$(sql "SELECT count(*) FROM mail_tokens WHERE user_id = $USER_ID")" = 0 ]
}

@test "mail: the routes are exact, and POST only" {
	req GET /password-reset
	assert_error 405 method_not_allowed
	assert_header Allow POST
	req GET '/verify-email/confirm?token=x'
	assert_error 405 method_not_allowed
	for path in /password-reset/x /password-resetx /verify-email/confirm/1; do
		req POST "$path" '{}'
		assert_error 404 not_found
	done
}

# cgi NAME=value ...: run password-reset.fcgi once as CGI with settings.
start_with() {
	run env -i AUTH_DB="$(store_db "$BATS_FILE_TMPDIR/cgi.db")" \
	    $(store_files "$BATS_FILE_TMPDIR") \
	    AUTH_JWT_SECRET=cgi-test-secret-0123456789abcdef0123 \
	    REQUEST_METHOD=POST SCRIPT_NAME=/password-reset "$@" \
	    "$(program_path password-reset)" </dev/null
}

@test "mail: a relative AUTH_SENDMAIL stops the program at start" {
	start_with AUTH_SENDMAIL="sendmail -t -i"
	assert_failure 1
	[ "${#lines[@]}" -eq 1 ]
	assert_output --partial 'AUTH_SENDMAIL: "sendmail -t -i" must start with the absolute path'
	start_with AUTH_SENDMAIL="$MAILER -t -i" AUTH_SENDMAIL_TIMEOUT=0
	assert_failure 1
	assert_output --partial AUTH_SENDMAIL_TIMEOUT
}

@test "mail: an AUTH_MAIL_FROM that could add a header stops the program" {
	for from in $'a@example.com\nBcc: victim@example.com' \
	    $'Auth <a@example.com>\r' 'Auth <a@example.com' 'not an address' \
	    'Auth, Inc. <a@example.com>' 'Auth <a@example.com> x'; do
		start_with AUTH_MAIL_FROM="$from"
		assert_failure 1
		[ "${#lines[@]}" -eq 1 ]
		assert_output --partial 'AUTH_MAIL_FROM: must be one line'
	done
	for from in a@example.com 'Auth <a@example.com>' \
	    '"Auth, Inc." <a@example.com>' '<a@example.com>'; do
		start_with AUTH_MAIL_FROM="$from" CONTENT_LENGTH=0
		assert_success
		assert_line --index 0 $'Status: 400 Bad Request\r'
		assert_output --partial '"message":"email is required"'
	done
}

@test "mail: the links go to the account pages, or to AUTH_ACCOUNT_URL when set" {
	local email
	# With AUTH_PUBLIC_URL alone (setup_file), the account pages this
	# service serves: tests/pages.bats opens them.
	email=$(new_email)
	register "$email"
	reset_request "$email"
	last_mail "$email"
	grep -q -x "https://auth.example.com/app/account/reset-password?token=$TOKEN" "$MAIL"
	# A site with pages of its own names them.
	server_stop
	PROCS=1 server_start AUTH_SENDMAIL="$MAILER -t -i" \
	    AUTH_SENDMAIL_TIMEOUT=1 AUTH_PUBLIC_URL=https://auth.example.com/app/ \
	    AUTH_MAIL_FROM="Example Auth <auth@example.com>" \
	    AUTH_ACCOUNT_URL=https://www.example.com/me/
	reset_request "$email"
	last_mail "$email"
	grep -q -x "https://www.example.com/me/reset-password?token=$TOKEN" "$MAIL"
	login "$email"
	verify_request "$ACCESS"
	assert_status 202
	last_mail "$email"
	grep -q -x "https://www.example.com/me/verify-email?token=$TOKEN" "$MAIL"
	server_stop
	PROCS=1 server_start AUTH_SENDMAIL="$MAILER -t -i" \
	    AUTH_SENDMAIL_TIMEOUT=1 AUTH_PUBLIC_URL=https://auth.example.com/app/ \
	    AUTH_MAIL_FROM="Example Auth <auth@example.com>"
}

@test "mail: an AUTH_ACCOUNT_URL that is not an http(s) URL stops the program" {
	for url in www.example.com/me 'https://www.example.com/me?x=1' \
	    'https://' 'javascript:alert(1)'; do
		start_with AUTH_ACCOUNT_URL="$url"
		assert_failure 1
		[ "${#lines[@]}" -eq 1 ]
		assert_output --partial 'AUTH_ACCOUNT_URL: '
	done
}
