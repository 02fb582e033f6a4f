#!/usr/bin/env bats
# Crash safety under abuse: a database locked by another writer is 503
# with Retry-After, never 500; parallel registrations of one email make
# one user; programs killed with SIGKILL mid-write leave a sound
# database and lighttpd serving again.

load lib/server

setup_file() { server_start; }
teardown_file() { server_stop; }
setup() { load_helpers; }

# Every table a write touches, held: writers wait, readers go on.
lock() {
	db_hold_tables users sessions refresh_tokens throttle mail_tokens mail_log
}

unlock() {
	db_release
}

# req_bg NAME METHOD PATH JSON [curl args]: a request in the background;
# its status goes to $BATS_TEST_TMPDIR/NAME.status, the body to NAME.body,
# the headers to NAME.headers.  req_wait waits for all of them.
BG=()
req_bg() {
	local name=$BATS_TEST_TMPDIR/$1
	curl -s -o "$name.body" -D "$name.headers" -w '%{http_code}' -X "$2" \
	    -H 'Content-Type: application/json' --data-binary "$4" "${@:5}" \
	    "$BASE$3" >"$name.status" 3>&- &
	BG+=($!)
}

req_wait() {
	wait "${BG[@]}"
	BG=()
}

@test "crash: a locked database is 503 with Retry-After, never 500" {
	email=$(new_email)
	register "$email"
	login "$email"
	lock
	req_bg reg POST /register "{\"email\":\"$(new_email)\",\"password\":\"correct horse\"}"
	req_bg login POST /login "{\"email\":\"$email\",\"password\":\"correct horse\"}"
	req_bg refresh POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	req_bg pw POST /change-password '{"current_password":"correct horse","new_password":"brand new horse"}' \
	    -H "$(auth "$ACCESS")"
	req_wait
	for name in reg login refresh pw; do
		[ "$(cat "$BATS_TEST_TMPDIR/$name.status")" = 503 ]
		grep -qi '^Retry-After: 1' "$BATS_TEST_TMPDIR/$name.headers"
		[ "$(jq -r .error "$BATS_TEST_TMPDIR/$name.body")" = service_unavailable ]
	done
	# Readers go on: WAL (PostgreSQL's MVCC) lets them past a writer.
	req GET /health
	assert_status 200
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	unlock
	# Nothing half-done: the old password and refresh token still work.
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 200
	req POST /login "{\"email\":\"$email\",\"password\":\"correct horse\"}"
	assert_status 200
	req POST /register "{\"email\":\"$(new_email)\",\"password\":\"correct horse\"}"
	assert_status 201
}

@test "crash: 50 parallel registrations of one email make exactly one user" {
	email=$(new_email)
	for i in $(seq 50); do
		req_bg "r$i" POST /register "{\"email\":\"$email\",\"password\":\"correct horse\"}"
	done
	req_wait
	created=0 conflicts=0
	for i in $(seq 50); do
		case $(cat "$BATS_TEST_TMPDIR/r$i.status") in
		201) created=$((created + 1)) ;;
		409) conflicts=$((conflicts + 1)) ;;
		*) cat "$BATS_TEST_TMPDIR/r$i.status" "$BATS_TEST_TMPDIR/r$i.body" >&2
		   return 1 ;;
		esac
	done
	[ "$created" -eq 1 ] && [ "$conflicts" -eq 49 ]
	[ "$(db "SELECT count(*) FROM users WHERE email = '$email'")" = 1 ]
}

@test "crash: 50 parallel registrations of different emails all succeed" {
	for i in $(seq 50); do
		req_bg "r$i" POST /register "{\"email\":\"p$i-$RANDOM@example.com\",\"password\":\"correct horse\"}"
	done
	req_wait
	for i in $(seq 50); do
		[ "$(cat "$BATS_TEST_TMPDIR/r$i.status")" = 201 ]
	done
}

@test "crash: SIGKILL during registrations and logins leaves a sound database" {
	skip_on cgi "a CGI program lives for one request; none waits to be killed"
	email=$(new_email)
	register "$email"
	before=$(program_pids register)
	[ -n "$before" ]
	# Four streams of writes, killed under them.
	streams=()
	for s in 1 2 3 4; do
		(for i in $(seq 40); do
			curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
			    -d "{\"email\":\"k$s-$i-$RANDOM@example.com\",\"password\":\"correct horse\"}" \
			    "$BASE/register"
			curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
			    -d "{\"email\":\"$email\",\"password\":\"correct horse\"}" \
			    "$BASE/login"
		done) 3>&- &
		streams+=($!)
	done
	for round in 1 2 3; do
		sleep 0.3
		for prog in register login; do
			for pid in $(program_pids "$prog"); do
				kill -KILL "$pid" 2>/dev/null || :
			done
		done
	done
	wait "${streams[@]}"
	# A PostgreSQL server outlives its clients and checks its keys itself.
	if [ "$DB" = sqlite ]; then
		[ "$(db 'PRAGMA integrity_check')" = ok ]
		[ -z "$(db 'PRAGMA foreign_key_check')" ]
	fi
	# Every user has a whole hash; every session one current refresh token.
	[ "$(db "SELECT count(*) FROM users WHERE password_hash NOT LIKE '\$2b\$04\$%' OR length(password_hash) <> 60")" = 0 ]
	[ "$(db 'SELECT count(*) FROM sessions s WHERE s.revoked_at IS NULL AND (SELECT count(*) FROM refresh_tokens r WHERE r.session_id = s.id AND r.rotated_at IS NULL) <> 1')" = 0 ]
	# The server starts new programs and serves again within seconds.
	for i in $(seq 100); do
		req POST /register "{\"email\":\"$(new_email)\",\"password\":\"correct horse\"}"
		[ "$STATUS" = 201 ] && break
		sleep 0.1
	done
	assert_status 201
	[ "$(program_pids register)" != "$before" ]
	# login.fcgi was killed too and comes back on its own schedule.
	for i in $(seq 100); do
		req POST /login "{\"email\":\"$email\",\"password\":\"correct horse\"}"
		[ "$STATUS" = 200 ] && break
		sleep 0.1
	done
	assert_status 200
}
