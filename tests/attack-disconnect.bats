#!/usr/bin/env bats
# A client that hangs up mid-request must not kill the program that
# serves it.  Through lighttpd, which keeps reading a program's answer
# after its client left; and straight over FastCGI, where the program
# writes its answer into a closed socket (EPIPE, SIGPIPE).  Logins at
# bcrypt cost 14 are slow enough to hang up on.

load lib/server

setup_file() { PROCS=1 server_start AUTH_BCRYPT_COST=14; }
teardown_file() { server_stop; }
setup() { load_helpers; }
teardown() {
	[ -z "${APP:-}" ] || kill "$APP" 2>/dev/null || :
}

login_pid() {
	program_pids login
}

BODY_JSON='{"email":"gone@example.com","password":"correct horse"}'

# spawn PROGRAM SOCKET [NAME=value ...]: PROGRAM as a FastCGI server on
# SOCKET (spawn-fcgi), with a database of this test's own; its pid in
# APP, which teardown() stops.
spawn() {
	local prog=$1 sock=$2
	shift 2
	env AUTH_DB="$(store_db "$BATS_TEST_TMPDIR/auth.db")" \
	    $(store_files "$BATS_TEST_TMPDIR") \
	    AUTH_JWT_SECRET=fcgi-test-secret-0123456789abcdef0123 "$@" \
	    spawn-fcgi -n -s "$sock" -- "$(program_path "$prog")" \
	    >"$BATS_TEST_TMPDIR/app.log" 2>&1 3>&- &
	APP=$!
	for _ in $(seq 100); do
		[ -S "$sock" ] && break
		sleep 0.05
	done
	[ -S "$sock" ]
}

# fcgi_login SOCKET: one login over FastCGI with cgi-fcgi, the CGI
# variables taken from the environment.
fcgi_login() {
	env REQUEST_METHOD=POST SCRIPT_NAME=/login CONTENT_LENGTH=${#BODY_JSON} \
	    CONTENT_TYPE=application/json REMOTE_ADDR=127.0.0.1 \
	    cgi-fcgi -bind -connect "$1" <<<"$BODY_JSON"
}

@test "disconnect: clients that hang up leave the program serving" {
	skip_on cgi "a CGI program lives for one request; none keeps serving"
	# mod_fcgid starts a program at its first request.
	req POST /login "$BODY_JSON" --max-time 120
	assert_error 401 invalid_credentials
	pid=$(login_pid)
	[ -n "$pid" ] && [ "$(wc -w <<<"$pid")" -eq 1 ]
	for i in 1 2 3; do
		run curl -s -o /dev/null --max-time 0.3 -X POST \
		    -H 'Content-Type: application/json' -d "$BODY_JSON" "$BASE/login"
		[ "$status" -eq 28 ]	# curl's "timed out": it hung up
	done
	# The next request waits for the same process to finish those.
	req POST /login "$BODY_JSON" --max-time 120
	assert_error 401 invalid_credentials
	[ "$(login_pid)" = "$pid" ]
}

@test "disconnect: a program writing to a FastCGI peer that left survives" {
	sock=$BATS_TEST_TMPDIR/login.sock
	spawn login "$sock" AUTH_BCRYPT_COST=14
	# A client that is killed while bcrypt runs: the answer then goes
	# to a closed socket.
	fcgi_login "$sock" >/dev/null 3>&- &
	client=$!
	sleep 0.3
	kill -KILL "$client"
	wait "$client" || :
	# The same process answers the next one, once done with that.
	run fcgi_login "$sock"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'Status: 401 Unauthorized\r' ]
	kill -0 "$APP"
}

# fcgi_twice SOCKET: GET /health over FastCGI twice, the first
# connection held open by the client (as a web server may hold it a
# while); prints each answer's status line, or "timed out".
fcgi_twice() {
	python3 - "$1" <<'PY'
import socket, struct, sys

def record(kind, content=b""):
    return struct.pack(">BBHHBB", 1, kind, 1, len(content), 0, 0) + content

def pair(name, value):
    return bytes([len(name), len(value)]) + name.encode() + value.encode()

params = b"".join(pair(k, v) for k, v in (
    ("REQUEST_METHOD", "GET"), ("SCRIPT_NAME", "/health"),
    ("REMOTE_ADDR", "127.0.0.1")))
request = (record(1, struct.pack(">HB5x", 1, 0)) + record(4, params) +
    record(4) + record(5))

def ask():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(1.5)
    s.connect(sys.argv[1])
    s.sendall(request)
    got = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            got += b
    except socket.timeout:
        return s, "timed out"
    return s, got[8:].split(b"\r\n")[0].decode()

held, first = ask()
_, second = ask()
print(first)
print(second)
PY
}

@test "disconnect: over a Unix socket an answered connection is closed, not held" {
	# libfcgi's own close waits up to 2 s for the web server to close
	# its end; meanwhile the process serves no one (common/io.c).
	sock=$BATS_TEST_TMPDIR/health.sock
	spawn health "$sock"
	run fcgi_twice "$sock"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Status: 200 OK" ]
	[ "${lines[1]}" = "Status: 200 OK" ]
}
