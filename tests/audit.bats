#!/usr/bin/env bats
# The audit log and the security notices: every event once, with its
# fields, after the action that causes it and not after one that
# failed or rolled back; nothing secret in an entry, an answer or a
# mail; GET /audit and GET /audit/me; retention; authctl audit and
# stats.  Mail goes to the capturing mailer (lib/mail.bash).

load lib/server
load lib/users
load lib/mail

UA='audit-test/1.0 (bats)'

setup_file() {
	mailer_make
	# Every test logs in from 127.0.0.1: the address's own limit is
	# out of the way, so that one test's failures throttle no other.
	PROCS=1 server_start AUTH_SENDMAIL="$MAILER" \
	    AUTH_REFRESH_GRACE=0 AUTH_LOGIN_MAX_FAILURES_ADDR=100000
}
teardown_file() { server_stop; }
setup() { load_helpers; }

# events UID: the user's entries, oldest first, one "event" a line.
events() {
	db "SELECT event FROM audit WHERE user_id = $1 ORDER BY id"
}

# entry UID EVENT: the user's one entry of EVENT, as
# "session|actor|ip|user_agent|outcome"; fails unless there is one.
entry() {
	local n
	n=$(db "SELECT count(*) FROM audit WHERE user_id = $1 AND event = '$2'")
	[ "$n" = 1 ] || { echo "$n entries of $2 for user $1" >&2; return 1; }
	db "SELECT coalesce(CAST(session_id AS TEXT), '-') || '|' ||
	    coalesce(CAST(actor_id AS TEXT), '-') ||
	    '|' || coalesce(ip, '-') || '|' || coalesce(user_agent, '-') || '|' ||
	    outcome FROM audit WHERE user_id = $1 AND event = '$2'"
}

ua() {
	echo "-A"
	echo "$UA"
}

@test "audit: register, a failed login, a login, a logout: once each, with their fields" {
	email=$(new_email)
	req POST /register "{\"email\":\"$email\",\"password\":\"correct horse\"}" -A "$UA"
	assert_status 201
	id=$(jq -r .id <<<"$BODY")
	[ "$(entry "$id" register)" = "-|-|127.0.0.1|$UA|success" ]
	req POST /login "{\"email\":\"$email\",\"password\":\"wrong horse\"}" -A "$UA"
	assert_error 401 invalid_credentials
	[ "$(entry "$id" login.failure)" = "-|-|127.0.0.1|$UA|failure" ]
	login "$email" 'correct horse' -A "$UA"
	sid=$(claim "$ACCESS" sid)
	[ "$(entry "$id" login.success)" = "$sid|-|127.0.0.1|$UA|success" ]
	req POST /logout '' -H "$(auth "$ACCESS")" -A "$UA"
	assert_status 204
	[ "$(entry "$id" logout)" = "$sid|$id|127.0.0.1|$UA|success" ]
	# A logout of a session already ended records nothing more.
	req POST /logout '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	[ "$(events "$id" | xargs)" = "register login.failure login.success logout" ]
	# Times are now, in seconds.
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $id AND
	    abs(time - strftime('%s', 'now')) > 60")" = 0 ]
}

@test "audit: a failed login of a name nobody has keeps the throttle's key, never the name" {
	req POST /login '{"email":"nobody-here@example.com","password":"guess one"}'
	assert_error 401 invalid_credentials
	req POST /login '{"username":"NoBody_Here","password":"guess two"}'
	assert_error 401 invalid_credentials
	req POST /login '{"username":"nobody_here","password":"guess three"}'
	run db "SELECT count(*), count(DISTINCT subject), min(length(subject))
	    FROM audit WHERE event = 'login.failure' AND user_id IS NULL"
	# Three entries; a username in any case is one subject, 32 bytes.
	[ "$output" = "3|2|32" ]
	[ "$(db "SELECT count(*) FROM audit WHERE user_id IS NOT NULL AND
	    subject IS NOT NULL")" = 0 ]
	run bash -c "$(declare -f db_dump); DB=$DB SERVER_DB='$SERVER_DB' db_dump audit |
	    grep -i -c -e nobody -e guess"
	assert_output 0
}

@test "audit: a throttled login is noted once a minute per address" {
	user_login
	for i in 1 2 3 4 5; do
		req POST /login "{\"email\":\"$EMAIL\",\"password\":\"wrong $i\"}"
		assert_error 401 invalid_credentials
	done
	for i in 1 2; do
		req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
		assert_error 429 too_many_requests
	done
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ID AND event = 'login.failure'")" = 5 ]
	[ "$(entry "$ID" login.throttled)" = "-|-|127.0.0.1|curl/$(curl -V | awk 'NR == 1 {print $2}')|blocked" ]
	# A minute later, the next one is noted again.
	db "UPDATE audit SET time = time - 61 WHERE event = 'login.throttled'"
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	assert_error 429 too_many_requests
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ID AND event = 'login.throttled'")" = 2 ]
}

@test "audit: a login that rolls back leaves no login.success" {
	user_login
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ID AND event = 'login.success'")" = 1 ]
	db_fail_inserts refresh_tokens
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	db_fail_inserts_off refresh_tokens
	assert_error 500 internal_error
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ID AND event = 'login.success'")" = 1 ]
	[ "$(db "SELECT count(*) FROM sessions WHERE user_id = $ID")" = 1 ]
	# And an entry that cannot be written undoes the change it records.
	db_fail_inserts audit "NEW.event = 'logout'"
	req POST /logout '' -H "$(auth "$ACCESS")"
	db_fail_inserts_off audit
	assert_error 500 internal_error
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
}

@test "audit: refresh reuse is recorded, revokes the session, and the owner is told" {
	user_login
	old=$REFRESH sid=$(claim "$ACCESS" sid)
	req POST /refresh "{\"refresh_token\":\"$old\"}"
	assert_status 200
	new=$(jq -r .refresh_token <<<"$BODY")
	req POST /refresh "{\"refresh_token\":\"$old\"}" -A "$UA"
	assert_error 401 invalid_token refresh_token
	[ "$(entry "$ID" refresh.reuse)" = "$sid|-|127.0.0.1|$UA|blocked" ]
	req POST /refresh "{\"refresh_token\":\"$new\"}"
	assert_error 401 invalid_token
	# Once: the session is gone, so another try is merely invalid.
	req POST /refresh "{\"refresh_token\":\"$old\"}"
	assert_status 401
	[ "$(db "SELECT count(*) FROM audit WHERE event = 'refresh.reuse' AND user_id = $ID")" = 1 ]
	mail_sync
	MAIL=$(mails_to "$EMAIL" | tail -n 1)
	[ "$(header Subject)" = "A session of your account was signed out" ]
	grep -q 'change your password' "$MAIL"
	grep -q 'from 127.0.0.1' "$MAIL"
	refute grep -q -F -e "$old" -e "$new" -e 'token=' "$MAIL"
}

@test "audit: a password change is recorded and mailed; a refused one is neither" {
	user_login
	sid=$(claim "$ACCESS" sid)
	req POST /change-password '{"current_password":"wrong horse","new_password":"brand new horse"}' \
	    -H "$(auth "$ACCESS")"
	assert_error 401 invalid_credentials current_password
	# A wrong current password is a failed login of the account.
	[ "$(entry "$ID" login.failure)" = "$sid|$ID|127.0.0.1|curl/$(curl -V | awk 'NR == 1 {print $2}')|failure" ]
	[ "$(events "$ID" | grep -c password)" = 0 ]
	req POST /change-password '{"current_password":"correct horse","new_password":"brand new horse"}' \
	    -H "$(auth "$ACCESS")" -A "$UA"
	assert_status 200
	[ "$(entry "$ID" password.changed)" = "$sid|$ID|127.0.0.1|$UA|success" ]
	mail_sync
	MAIL=$(mails_to "$EMAIL" | tail -n 1)
	[ "$(header Subject)" = "Your password was changed" ]
	[ "$(header To)" = "$EMAIL" ]
	grep -q -F "account for $EMAIL was changed" "$MAIL"
	refute grep -q -e 'brand new horse' -e 'correct horse' -e 'token=' "$MAIL"
	# Through PUT /profile too.
	req PUT "/profile/$ID" '{"password":"third new horse","current_password":"brand new horse"}' \
	    -H "$(auth "$ACCESS")"
	assert_status 200
	[ "$(events "$ID" | grep -c password.changed)" = 2 ]
	mail_sync
	[ "$(mails_to "$EMAIL" | wc -l)" = 2 ]
}

@test "audit: a reset is recorded and mailed once; a used token changes nothing" {
	user_login
	req POST /password-reset "{\"email\":\"$EMAIL\"}"
	assert_status 202
	last_mail "$EMAIL"
	req POST /password-reset/confirm "{\"token\":\"$TOKEN\",\"new_password\":\"brand new horse\"}" -A "$UA"
	assert_status 200
	[ "$(entry "$ID" password.reset)" = "-|-|127.0.0.1|$UA|success" ]
	req POST /password-reset/confirm "{\"token\":\"$TOKEN\",\"new_password\":\"other new horse\"}"
	assert_error 400 invalid_request token
	[ "$(events "$ID" | grep -c password)" = 1 ]
	mail_sync
	MAIL=$(mails_to "$EMAIL" | tail -n 1)
	[ "$(header Subject)" = "Your password was reset" ]
	refute grep -q -F -e "$TOKEN" -e 'brand new horse' "$MAIL"
	[ "$(mails_to "$EMAIL" | wc -l)" = 2 ]
}

@test "audit: an email change: requested, then changed when confirmed; an admin's at once" {
	user_login
	new=$(new_email)
	req PUT "/profile/$ID" "{\"email\":\"$new\",\"current_password\":\"correct horse\"}" \
	    -H "$(auth "$ACCESS")"
	assert_status 202
	[ "$(events "$ID" | tail -n 1)" = email.change_requested ]
	last_mail "$new"
	req POST /email-change/confirm "{\"token\":\"$TOKEN\"}"
	assert_status 200
	[ "$(entry "$ID" email.changed)" = "-|-|127.0.0.1|curl/$(curl -V | awk 'NR == 1 {print $2}')|success" ]
	admin_login
	other=$(new_email)
	req PUT "/profile/$ID" "{\"email\":\"$other\",\"current_password\":\"correct horse\"}" \
	    -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	[ "$(db "SELECT actor_id FROM audit WHERE user_id = $ID AND
	    event = 'email.changed' ORDER BY id DESC LIMIT 1")" = "$ADMIN_ID" ]
	[ "$(events "$ID" | grep -c email)" = 3 ]
}

@test "audit: an admin's role change and deletion name the admin; refused ones nothing" {
	admin_login
	user_login
	req PATCH "/users/$ID" '{"role":"admin"}' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	admin_sid=$(claim "$ADMIN_ACCESS" sid)
	[ "$(entry "$ID" role.changed)" = "$admin_sid|$ADMIN_ID|127.0.0.1|curl/$(curl -V | awk 'NR == 1 {print $2}')|success" ]
	# The same role again changes nothing, and records nothing.
	req PATCH "/users/$ID" '{"role":"admin","email_verified":true}' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	[ "$(events "$ID" | grep -c role.changed)" = 1 ]
	# The last admin cannot go: 409, and no entry.
	db "UPDATE users SET role = 'user' WHERE role = 'admin' AND id <> $ADMIN_ID"
	req PATCH "/users/$ADMIN_ID" '{"role":"user"}' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 409 conflict
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ADMIN_ID AND event = 'role.changed'")" = 0 ]
	req DELETE "/users/$ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 204
	# The entries outlive the user.
	[ "$(entry "$ID" user.deleted)" = "$admin_sid|$ADMIN_ID|127.0.0.1|curl/$(curl -V | awk 'NR == 1 {print $2}')|success" ]
	[ "$(events "$ID" | head -n 1)" = register ]
}

@test "audit: session.revoked for one session, and for each of revoke-all" {
	user_login
	first=$(claim "$ACCESS" sid)
	login "$EMAIL"
	second=$(claim "$ACCESS" sid)
	login "$EMAIL"
	third=$(claim "$ACCESS" sid)
	req DELETE "/tokens/$first" '' -H "$(auth "$ACCESS")"
	assert_status 204
	[ "$(entry "$ID" session.revoked)" = "$first|$ID|127.0.0.1|curl/$(curl -V | awk 'NR == 1 {print $2}')|success" ]
	# An unknown or ended one is 404 and records nothing.
	req DELETE "/tokens/$first" '' -H "$(auth "$ACCESS")"
	assert_error 404 not_found
	req POST /revoke-all-tokens '' -H "$(auth "$ACCESS")"
	assert_json .revoked 2
	[ "$(db "SELECT session_id FROM audit WHERE user_id = $ID AND
	    event = 'session.revoked' ORDER BY id" | paste -sd ' ')" = \
	    "$first $second $third" ]
	# authctl records its own, without an address.
	login "$EMAIL"
	run authctl revoke-sessions "$EMAIL"
	assert_success
	[ "$(db "SELECT coalesce(ip, '-') || ' ' || user_agent FROM audit
	    WHERE user_id = $ID ORDER BY id DESC LIMIT 1")" = '- authctl' ]
}

@test "audit: no entry, answer or mail holds a password or a token" {
	email=$(new_email)
	pw1='first Secret horse' pw2='second Secret horse' pw3='third Secret horse'
	register "$email" "$pw1"
	id=$USER_ID
	req POST /login "{\"email\":\"$email\",\"password\":\"wrong Secret horse\"}"
	login "$email" "$pw1"
	secrets=("$ACCESS" "$REFRESH")
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	secrets+=("$(jq -r .refresh_token <<<"$BODY")" "$(jq -r .access_token <<<"$BODY")")
	# The first refresh token again: reuse, recorded and mailed.
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 401
	login "$email" "$pw1"
	secrets+=("$ACCESS" "$REFRESH")
	req POST /change-password "{\"current_password\":\"$pw1\",\"new_password\":\"$pw2\"}" \
	    -H "$(auth "$ACCESS")"
	assert_status 200
	req POST /password-reset "{\"email\":\"$email\"}"
	last_mail "$email"
	secrets+=("$TOKEN")
	req POST /password-reset/confirm "{\"token\":\"$TOKEN\",\"new_password\":\"$pw3\"}"
	assert_status 200
	login "$email" "$pw3"
	req GET /audit/me '' -H "$(auth "$ACCESS")"
	assert_status 200
	assert_json '[.events[].event] | reverse | join(" ")' "register \
login.failure login.success refresh.reuse login.success password.changed \
password.reset login.success"
	answer=$BODY
	mail_sync
	dump=$(db_dump audit)
	for s in "$pw1" "$pw2" "$pw3" 'wrong Secret horse' "${secrets[@]}"; do
		[ -n "$s" ]
		refute grep -q -F -- "$s" <<<"$dump"
		refute grep -q -F -- "$s" <<<"$answer"
		# Only the reset mail carries its own token.
		for m in $(mails_to "$email"); do
			grep -q '^Subject: Reset your password$' "$m" && continue
			refute grep -q -F -- "$s" "$m"
		done
	done
	# No column holds a hash of one either: only the subject is a blob.
	# (PostgreSQL's columns are TEXT: a blob cannot be in them.)
	if [ "$DB" = postgresql ]; then
		[ "$(db "SELECT count(*) FROM audit WHERE length(user_agent) > 256")" = 0 ]
	else
		[ "$(db "SELECT count(*) FROM audit WHERE typeof(ip) = 'blob' OR
		    typeof(user_agent) = 'blob' OR length(user_agent) > 256")" = 0 ]
	fi
}

@test "audit: GET /audit is for admins, newest first, filtered, paged by cursor" {
	user_login
	req GET /audit '' -H "$(auth "$ACCESS")"
	assert_error 403 forbidden
	req GET /audit
	assert_error 401 invalid_token
	admin_login
	login "$EMAIL"
	login "$EMAIL"
	req GET "/audit?user_id=$ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	assert_json '[.events[].event] | join(" ")' "login.success login.success login.success register"
	assert_json '.events[0] | keys | join(",")' "event,id,ip,session_id,time,user_agent,user_id"
	assert_json '.events[3].session_id' null
	assert_json '.events[0].ip' 127.0.0.1
	assert_json '.events[0].user_id' "$ID"
	[[ $(jq -r '.events[0].time' <<<"$BODY") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
	assert_json .next null
	# Pages of 2: a cursor, then the rest, then no more.
	req GET "/audit?user_id=$ID&limit=2" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_json '.events | length' 2
	next=$(jq -r .next <<<"$BODY")
	assert_json '.events[1].id' "$next"
	req GET "/audit?user_id=$ID&limit=2&before=$next" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_json '[.events[].event] | join(" ")' "login.success register"
	assert_json .next null
	req GET "/audit?user_id=$ID&event=register" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_json '[.events[].event] | join(" ")' register
	req GET "/audit?event=register&limit=1" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_json '.events[0].event' register
	[ "$(jq -r .next <<<"$BODY")" != null ]
	req GET "/audit?limit=200" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	# Ids go down.
	jq -e '[.events[].id] | . == (sort | reverse)' <<<"$BODY"
	for q in limit=0 limit=201 limit=x before=0 before=-1 user_id=0 \
	    event=login event=LOGIN.SUCCESS event=login.success%20; do
		req GET "/audit?$q" '' -H "$(auth "$ADMIN_ACCESS")"
		assert_error 400 invalid_request "${q%%=*}"
	done
}

@test "audit: GET /audit/me is the caller's own; an admin's doing keeps its address" {
	user_login
	mine=$ID own=$ACCESS
	user_login
	req GET /audit/me '' -H "$(auth "$own")"
	assert_status 200
	assert_json '[.events[].user_id] | unique | join(",")' "$mine"
	assert_json '[.events[].event] | join(" ")' "login.success register"
	req GET "/audit/me?user_id=$ID" '' -H "$(auth "$own")"
	assert_error 400 invalid_request user_id
	req GET '/audit/me?event=register' '' -H "$(auth "$own")"
	assert_json '[.events[].event] | join(" ")' register
	admin_login
	req PATCH "/users/$mine" '{"role":"admin"}' -H "$(auth "$ADMIN_ACCESS")" -A 'admin console'
	assert_status 200
	req GET '/audit/me?limit=1' '' -H "$(auth "$own")"
	assert_json '.events[0].event' role.changed
	assert_json '.events[0].ip' null
	assert_json '.events[0].user_agent' null
	# The admin's list shows them.
	req GET "/audit?user_id=$mine&limit=1" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_json '.events[0].user_agent' 'admin console'
	req GET /audit/me
	assert_error 401 invalid_token
}

@test "audit: entries older than AUTH_AUDIT_DAYS go, a hundred with each write" {
	user_login
	# 150 entries 91 days old, one 89 days old.
	db "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)
	    INSERT INTO audit (time, event, user_id, outcome)
	    SELECT strftime('%s', 'now') - 91 * 86400, 'login.success', $ID, 'success' FROM n"
	db "INSERT INTO audit (time, event, user_id, outcome) VALUES
	    (strftime('%s', 'now') - 89 * 86400, 'logout', $ID, 'success')"
	old() {
		db "SELECT count(*) FROM audit WHERE time < strftime('%s', 'now') - 90 * 86400"
	}
	[ "$(old)" = 150 ]
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"wrong horse\"}"
	[ "$(old)" = 50 ]
	login "$EMAIL"
	[ "$(old)" = 0 ]
	[ "$(db "SELECT count(*) FROM audit WHERE user_id = $ID AND event = 'logout'")" = 1 ]
}

@test "audit: authctl audit lists and filters; authctl stats charts the day" {
	user_login
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"wrong horse\"}"
	run authctl audit --user "$EMAIL"
	assert_success
	assert_line --index 0 "$(printf 'ID\tTIME\tEVENT\tUSER\tSESSION\tBY\tIP\tOUTCOME\tUSER-AGENT')"
	[ "${#lines[@]}" -eq 4 ]
	[[ ${lines[1]} == *$'\tlogin.failure\t'"$ID"$'\t-\t-\t127.0.0.1\tfailure\tcurl/'* ]]
	[[ ${lines[3]} == *$'\tregister\t'* ]]
	run authctl audit --user "$ID" --event login.success --since 1h
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	run authctl audit --user "$ID" --since 2099-01-01
	[ "${#lines[@]}" -eq 1 ]
	req POST /login '{"email":"nobody-at-all@example.com","password":"x"}'
	run authctl audit --event login.failure --since 5m
	assert_success
	assert_output --regexp $'\tname:[0-9a-f]{16}\t'
	refute_output --partial nobody-at-all
	run authctl audit --event login.nothing
	assert_failure 1
	run authctl audit --since yesterday
	assert_failure 1
	run authctl audit --frob
	assert_failure 2
	run authctl stats
	assert_success
	[ "${#lines[@]}" -eq 27 ]
	assert_line --index 1 'hour      ok  failed  throttled  reuse'
	# The last line but the legend is this hour, with what it had.
	ok=$(db "SELECT count(*) FROM audit WHERE event = 'login.success' AND time >= strftime('%s', 'now') / 3600 * 3600")
	[[ ${lines[25]} =~ ^$(date -u +%H):00\ +$ok\  ]]
	assert_line --index 26 --partial '# login  x failed login'
}
