#!/usr/bin/env bats
# A PostgreSQL store that goes away and comes back (API.md "Storage"):
# down at start, the programs start anyway and every endpoint answers
# 503 service_unavailable with Retry-After; a restarted server is
# reconnected to by the next request; a connection lost inside a
# transaction leaves nothing of it; the URI's password is never
# written anywhere.  On a cluster of its own, which the tests stop and
# start; SQLite has no server to lose.

load lib/server

PASSWORD=uri-password-never-logged

setup_file() {
	[ "$DB" = postgresql ] || return 0
	export PGC
	PGC=$(mktemp -d /tmp/fcgi-auth-pgf.XXXXXX)
	"$ROOT/tools/pg-cluster.sh" start "$PGC"
	"$ROOT/tools/pg-cluster.sh" createdb "$PGC" faults >/dev/null
	# The cluster trusts its socket, so the password is there only to
	# be kept out of every log.
	export SERVER_DB="postgresql://fcgiauth:$PASSWORD@/faults?host=$PGC"
	server_start
	printf 'correct horse\n' | env $(store_env) AUTH_BCRYPT_COST=4 \
	    "$ROOT/tools/authctl" add-user down@example.com --role admin >/dev/null
}

teardown_file() {
	[ -n "${PGC:-}" ] || return 0
	server_stop
	if [ -n "${PGC:-}" ]; then
		"$ROOT/tools/pg-cluster.sh" stop "$PGC"
		rm -rf "$PGC"
	fi
}

setup() {
	load_helpers
	skip_on_store sqlite "SQLite has no server to lose"
}

pg() {
	"$ROOT/tools/pg-cluster.sh" "$1" "$PGC"
}

# Every endpoint once, with a body and token it accepts; each answer
# goes to check_down(), which wants 503 service_unavailable with
# Retry-After.
ENDPOINTS=(
	"GET /health"
	"POST /register {\"email\":\"down@example.com\",\"password\":\"correct horse\"}"
	"POST /login {\"email\":\"down@example.com\",\"password\":\"correct horse\"}"
	"POST /refresh {\"refresh_token\":\"REFRESH\"}"
	"GET /user-info"
	"POST /logout"
	"GET /tokens"
	"DELETE /tokens/1"
	"POST /revoke-all-tokens"
	"POST /change-password {\"current_password\":\"correct horse\",\"new_password\":\"brand new horse\"}"
	"GET /users"
	"GET /users/1"
	"PATCH /users/1 {\"email_verified\":true}"
	"DELETE /users/1 {\"password\":\"correct horse\"}"
	"GET /profile/1"
	"PUT /profile/1 {\"current_password\":\"correct horse\",\"username\":\"downer\"}"
	"POST /email-change/confirm {\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}"
	"POST /password-reset {\"email\":\"down@example.com\"}"
	"POST /password-reset/confirm {\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"new_password\":\"brand new horse\"}"
	"POST /verify-email"
	"POST /verify-email/confirm {\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}"
)

every_endpoint() {
	local e method path body
	for e in "${ENDPOINTS[@]}"; do
		read -r method path body <<<"$e"
		body=${body//REFRESH/$REFRESH}
		req "$method" "$path" "$body" -H "$(auth "$ACCESS")"
		"$1" "$method $path" || return 1
	done
}

check_down() {
	[ "$STATUS" = 503 ] && assert_json .error service_unavailable &&
	    assert_header Retry-After 1 && return 0
	echo "$1: $STATUS $BODY" >&2
	return 1
}

@test "faults: after the database restarts, the next request reconnects by itself" {
	login down@example.com
	for path in /user-info /tokens /user-info /tokens; do
		req GET "$path" '' -H "$(auth "$ACCESS")"
		assert_status 200
	done
	pg stop
	pg start
	# A request's first statement looks at the connection: each
	# process finds its own closed and opens another, at once, and not
	# one answer is lost.  (A server that goes during a request fails
	# that request, 503, and the next request reconnects.)
	for path in /user-info /tokens /user-info /tokens /health; do
		req GET "$path" '' -H "$(auth "$ACCESS")"
		assert_status 200
	done
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 200
}

@test "faults: a connection lost inside a transaction leaves nothing of it" {
	login down@example.com
	other=$ACCESS
	login down@example.com
	# The password change waits for the sessions, having written the
	# new hash; its connection is cut there.
	db_hold_tables sessions
	req_file=$BATS_TEST_TMPDIR/pw
	curl -s -o "$req_file.body" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' -H "$(auth "$ACCESS")" \
	    -d '{"current_password":"correct horse","new_password":"brand new horse"}' \
	    "$BASE/change-password" >"$req_file.status" 3>&- &
	pid=$!
	db_waiting 1
	[ "$(db "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'
	    AND application_name LIKE 'change-password%'")" = 1 ]
	db "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	    WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()" >/dev/null
	wait "$pid"
	db_release
	[ "$(cat "$req_file.status")" = 503 ]
	# The old password, and every session, as before.
	req GET /user-info '' -H "$(auth "$other")"
	assert_status 200
	login down@example.com
	req POST /login '{"email":"down@example.com","password":"brand new horse"}'
	assert_error 401 invalid_credentials
	# The program's next request runs on a new connection.
	req POST /change-password '{"current_password":"correct horse","new_password":"brand new horse"}' \
	    -H "$(auth "$ACCESS")"
	assert_status 200
}

@test "faults: authctl says which database does not answer, not how to log in" {
	pg stop
	run env $(store_env) "$ROOT/tools/authctl" list-users
	pg start
	assert_failure 1
	assert_output --partial "authctl: faults on $PGC: cannot open the database"
	refute_output --partial "$PASSWORD"
}

@test "faults: the database down at start: every endpoint 503, then served once it is back" {
	# An admin's session, made while the database is up.
	login down@example.com "brand new horse"	# as the test above left it
	server_stop
	pg stop
	SERVER_READY=503 server_start
	every_endpoint check_down
	pg start
	# A program tries again at most once a second.
	for i in $(seq 100); do
		req GET /user-info '' -H "$(auth "$ACCESS")"
		[ "$STATUS" = 200 ] && break
		sleep 0.1
	done
	assert_status 200
	assert_json .email down@example.com
	req GET /health
	assert_status 200
}

@test "faults: the URI's password is in no log" {
	# The programs did log the outage, by name and host.
	server_log | grep -q "faults on $PGC"
	refute grep -q -F "$PASSWORD" <(server_log) "$PGC/server.log"
}
