#!/usr/bin/env bats
# GET /metrics: the Prometheus text exposition, who may read it
# (loopback, or the metrics token), and counters that grow by exactly
# what a test did, summed over the processes of a program (PROCS=2,
# and under plain CGI a process per request) and kept across a
# process's restart and the server's.

load lib/server
load lib/users
load lib/cgi

TOKEN_OK=metrics-token-0123456789abcdef0123456789

setup_file() {
	server_start AUTH_METRICS_TOKEN=$TOKEN_OK AUTH_REFRESH_GRACE=0
}
teardown_file() { server_stop; }
# A test that restarted the server left its address here.
setup() {
	load_helpers
	[ ! -f "$STATE/base" ] || BASE=$(cat "$STATE/base")
}

# restart_with [NAME=value ...]: the server again, with these settings.
restart_with() {
	server_stop
	server_start "$@"
	echo "$BASE" >"$STATE/base"
}

# scrape: GET /metrics into $METRICS (fails unless 200).
scrape() {
	METRICS=$(curl -s -f "$BASE/metrics" "$@")
}

# value SERIES: the value of one series in $METRICS (0 when absent,
# as a counter that never counted is not shown).
value() {
	awk -v s="$1" '$1 == s { print $2; found = 1 } END { if (!found) print 0 }' \
	    <<<"$METRICS"
}

# delta SERIES BEFORE: how much SERIES grew since $BEFORE (a scrape).
grew() {
	local a b
	a=$(METRICS=$2 value "$1")
	b=$(value "$1")
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%g\n", b - a }'
}

requests() {
	echo "fcgi_auth_requests_total{program=\"$1\",status=\"$2\"}"
}

@test "metrics: loopback gets the exposition: text/plain 0.0.4, every family" {
	req GET /metrics
	assert_status 200
	assert_header Content-Type 'text/plain; version=0.0.4'
	assert_header Cache-Control no-store
	assert_header X-Content-Type-Options nosniff
	for f in fcgi_auth_requests_total fcgi_auth_logins_total \
	    fcgi_auth_refreshes_total fcgi_auth_reuse_detected_total \
	    fcgi_auth_throttled_total fcgi_auth_active_sessions \
	    fcgi_auth_db_errors_total fcgi_auth_db_wait_seconds_total; do
		grep -q "^# TYPE $f \(counter\|gauge\)$" <<<"$BODY"
		grep -q "^# HELP $f " <<<"$BODY"
	done
	grep -qx '# TYPE fcgi_auth_request_duration_seconds histogram' <<<"$BODY"
	grep -qx '# TYPE fcgi_auth_active_sessions gauge' <<<"$BODY"
	# Every line a comment or "name{labels} number", each series once.
	run grep -v -E '^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9]+(\.[0-9]+)?)$' <<<"$BODY"
	assert_output ''
	[ -z "$(grep -v '^#' <<<"$BODY" | awk '{print $1}' | sort | uniq -d)" ]
	# The health checks that started the server were counted.
	[ "$(METRICS=$BODY value "$(requests health 200)")" -ge 1 ]
	grep -q 'fcgi_auth_request_duration_seconds_bucket{program="health",le="+Inf"}' <<<"$BODY"
	# HEAD: the same head, no body.
	run curl -s -I "$BASE/metrics"
	assert_output --partial 'Content-Type: text/plain; version=0.0.4'
}

@test "metrics: counts grow by exactly what was done" {
	user_login
	scrape
	before=$METRICS
	for i in 1 2 3 4 5 6 7; do
		req GET /user-info '' -H "$(auth "$ACCESS")"
		assert_status 200
	done
	for i in 1 2 3; do
		req GET /user-info '' -H 'Authorization: Bearer not.a.token'
		assert_status 401
	done
	login "$EMAIL"
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"wrong horse\"}"
	assert_status 401
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 200
	req POST /refresh '{"refresh_token":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}'
	assert_status 401
	# The rotated-out token again: reuse (no grace here).
	req POST /refresh "{\"refresh_token\":\"$REFRESH\"}"
	assert_status 401
	scrape
	[ "$(grew "$(requests user-info 200)" "$before")" = 7 ]
	[ "$(grew "$(requests user-info 401)" "$before")" = 3 ]
	[ "$(grew 'fcgi_auth_request_duration_seconds_count{program="user-info"}' "$before")" = 10 ]
	[ "$(grew 'fcgi_auth_request_duration_seconds_bucket{program="user-info",le="+Inf"}' "$before")" = 10 ]
	[ "$(grew "$(requests login 200)" "$before")" = 1 ]
	[ "$(grew "$(requests login 401)" "$before")" = 1 ]
	[ "$(grew 'fcgi_auth_logins_total{outcome="success"}' "$before")" = 1 ]
	[ "$(grew 'fcgi_auth_logins_total{outcome="failure"}' "$before")" = 1 ]
	[ "$(grew 'fcgi_auth_refreshes_total{outcome="success"}' "$before")" = 1 ]
	[ "$(grew 'fcgi_auth_refreshes_total{outcome="invalid"}' "$before")" = 1 ]
	[ "$(grew 'fcgi_auth_refreshes_total{outcome="reused"}' "$before")" = 1 ]
	[ "$(grew fcgi_auth_reuse_detected_total "$before")" = 1 ]
	[ "$(grew "$(requests refresh 401)" "$before")" = 2 ]
	# The login opened a session, the reuse closed it.
	[ "$(grew fcgi_auth_active_sessions "$before")" = 0 ]
	[ "$(value fcgi_auth_active_sessions)" = "$(db "SELECT count(*) FROM sessions
	    WHERE expires_at > strftime('%s', 'now')")" ]
	[ "$(grew fcgi_auth_db_errors_total "$before")" = 0 ]
}

@test "metrics: throttled logins count as logins and as throttled" {
	user_login
	scrape
	before=$METRICS
	for i in 1 2 3 4 5; do
		req POST /login "{\"email\":\"$EMAIL\",\"password\":\"wrong $i\"}"
	done
	for i in 1 2; do
		req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
		assert_status 429
	done
	scrape
	[ "$(grew 'fcgi_auth_logins_total{outcome="failure"}' "$before")" = 5 ]
	[ "$(grew 'fcgi_auth_logins_total{outcome="throttled"}' "$before")" = 2 ]
	[ "$(grew 'fcgi_auth_throttled_total{kind="login"}' "$before")" = 2 ]
	[ "$(grew "$(requests login 429)" "$before")" = 2 ]
	[ "$(grew 'fcgi_auth_throttled_total{kind="register"}' "$before")" = 0 ]
}

@test "metrics: requests served by two processes of one program add up" {
	user_login
	if [ "$HOST" = apache ]; then
		# lighttpd starts both processes; mod_fcgid starts a second
		# one when a request finds the first busy.  The programs are
		# too quick to be found busy for sure, so the first is stopped
		# while two requests come, and goes on once the second runs.
		req GET /user-info '' -H "$(auth "$ACCESS")"
		first=$(program_pids user-info)
		[ "$(wc -w <<<"$first")" -eq 1 ]
		kill -STOP "$first"
		curl -s -o /dev/null -H "$(auth "$ACCESS")" "$BASE/user-info" &
		a=$!
		curl -s -o /dev/null -H "$(auth "$ACCESS")" "$BASE/user-info" &
		b=$!
		for _ in $(seq 100); do
			[ "$(program_pids user-info | wc -l)" -lt 2 ] || break
			sleep 0.1
		done
		kill -CONT "$first"
		wait "$a" "$b"
	fi
	[ "$HOST" = cgi ] || [ "$(program_pids user-info | wc -l)" -eq 2 ]
	scrape
	before=$METRICS
	seq 40 | xargs -P 8 -I{} curl -s -o /dev/null -H "$(auth "$ACCESS")" \
	    "$BASE/user-info"
	scrape
	[ "$(grew "$(requests user-info 200)" "$before")" = 40 ]
	[ "$(grew 'fcgi_auth_request_duration_seconds_count{program="user-info"}' "$before")" = 40 ]
}

@test "metrics: a killed process's counts stay, and its successor adds to them" {
	skip_on cgi "every request is a process of its own: the test above"
	user_login
	req GET /user-info '' -H "$(auth "$ACCESS")"
	scrape
	before=$METRICS
	pids=$(program_pids user-info)
	[ -n "$pids" ]
	kill -KILL $pids
	for i in 1 2 3 4 5; do
		for _ in $(seq 50); do
			req GET /user-info '' -H "$(auth "$ACCESS")"
			[ "$STATUS" = 200 ] && break
			sleep 0.1
		done
		assert_status 200
	done
	# New processes (lighttpd respawned them; mod_fcgid started them).
	[ -z "$(comm -12 <(echo "$pids") <(program_pids user-info))" ]
	scrape
	[ "$(grew "$(requests user-info 200)" "$before")" = 5 ]
}

@test "metrics: the server's restart keeps the counts" {
	scrape
	n=$(value "$(requests metrics 200)")
	[ "$n" -ge 1 ]
	restart_with AUTH_METRICS_TOKEN=$TOKEN_OK AUTH_REFRESH_GRACE=0
	scrape
	# A scrape's own request is counted once it is answered.
	[ "$(value "$(requests metrics 200)")" = $((n + 1)) ]
	[ -f "$STATE/metrics.shm" ]
	[ "$(stat -c %a "$STATE/metrics.shm")" = 600 ]
}

@test "metrics: a database lock's wait is counted" {
	scrape
	before=$METRICS
	# Another process holds the write lock (on PostgreSQL, the users
	# table's) for a second.
	db_hold_tables users
	curl -s -o /dev/null -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' \
	    -d "{\"email\":\"$(new_email)\",\"password\":\"correct horse\"}" \
	    "$BASE/register" >"$BATS_TEST_TMPDIR/status" &
	client=$!
	sleep 1
	db_release COMMIT
	wait "$client"
	[ "$(cat "$BATS_TEST_TMPDIR/status")" = 201 ]
	scrape
	awk -v d="$(grew fcgi_auth_db_wait_seconds_total "$before")" \
	    'BEGIN { exit !(d > 0) }'
}

@test "metrics: a database error is counted, and its change undone" {
	user_login
	scrape
	before=$METRICS
	# A table gone (SQLite), or refusing inserts (PostgreSQL, whose
	# prepared statements follow a renamed table).
	if [ "$DB" = postgresql ]; then
		db_fail_inserts audit
	else
		db 'ALTER TABLE audit RENAME TO audit_away'
	fi
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	if [ "$DB" = postgresql ]; then
		db_fail_inserts_off audit
	else
		db 'ALTER TABLE audit_away RENAME TO audit'
	fi
	assert_error 500 internal_error
	scrape
	[ "$(grew fcgi_auth_db_errors_total "$before")" -ge 1 ]
	[ "$(grew 'fcgi_auth_logins_total{outcome="success"}' "$before")" = 0 ]
	[ "$(db "SELECT count(*) FROM sessions WHERE user_id = $ID")" = 1 ]
}

@test "metrics: only loopback or the token; behind a proxy, the proxy's word" {
	# Without AUTH_TRUST_PROXY, X-Forwarded-For says nothing.
	req GET /metrics '' -H 'X-Forwarded-For: 203.0.113.7'
	assert_status 200
	restart_with AUTH_METRICS_TOKEN=$TOKEN_OK AUTH_TRUST_PROXY=on
	# Behind a proxy REMOTE_ADDR is the proxy: loopback alone is not
	# enough, the last hop of X-Forwarded-For must be.
	req GET /metrics
	assert_error 403 forbidden
	req GET /metrics '' -H 'X-Forwarded-For: 203.0.113.7'
	assert_error 403 forbidden
	req GET /metrics '' -H 'X-Forwarded-For: 127.0.0.1, 203.0.113.7'
	assert_error 403 forbidden
	for a in 127.0.0.1 127.1.2.3 ::1 ::ffff:127.0.0.1 '203.0.113.7, 127.0.0.1'; do
		req GET /metrics '' -H "X-Forwarded-For: $a"
		assert_status 200
	done
	for a in 128.0.0.1 ::2 ::ffff:10.0.0.1 localhost; do
		req GET /metrics '' -H "X-Forwarded-For: $a"
		assert_error 403 forbidden
	done
	# The token, from anywhere; a wrong or partial one is 403.
	req GET /metrics '' -H 'X-Forwarded-For: 203.0.113.7' -H "$(auth "$TOKEN_OK")"
	assert_status 200
	assert_header Content-Type 'text/plain; version=0.0.4'
	for t in "${TOKEN_OK}x" "${TOKEN_OK%?}" "${TOKEN_OK%?}X" x; do
		req GET /metrics '' -H 'X-Forwarded-For: 203.0.113.7' -H "$(auth "$t")"
		assert_error 403 forbidden
	done
	req GET /metrics '' -H 'X-Forwarded-For: 203.0.113.7' -H "Authorization: Basic $TOKEN_OK"
	assert_error 403 forbidden
	# Other methods are 405.
	req POST /metrics '{}' -H 'X-Forwarded-For: 127.0.0.1'
	assert_error 405 method_not_allowed
	restart_with AUTH_METRICS_TOKEN=$TOKEN_OK AUTH_REFRESH_GRACE=0
}

@test "metrics: a short or spaced AUTH_METRICS_TOKEN stops the program" {
	cgi metrics GET /metrics '' AUTH_METRICS_TOKEN=short
	assert_failure 1
	assert_output --partial 'AUTH_METRICS_TOKEN: must be 32 to 4096 characters'
	cgi metrics GET /metrics '' "AUTH_METRICS_TOKEN=$TOKEN_OK with space"
	assert_failure 1
	assert_output --partial 'AUTH_METRICS_TOKEN: only printable ASCII'
	cgi metrics GET /metrics '' AUTH_AUDIT_DAYS=0
	assert_failure 1
	assert_output --partial 'AUTH_AUDIT_DAYS'
	# As plain CGI, a client elsewhere with the token.
	cgi metrics GET /metrics '' "AUTH_METRICS_TOKEN=$TOKEN_OK" \
	    REMOTE_ADDR=203.0.113.7 "HTTP_AUTHORIZATION=Bearer $TOKEN_OK"
	assert_success
	assert_line 'Content-Type: text/plain; version=0.0.4'
	assert_line 'fcgi_auth_active_sessions 0'
}
