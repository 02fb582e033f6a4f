# Helpers for the bats suites: start a web server with the project's
# own configuration on a free port with a fresh database, and talk to it.
# HOST picks the server (make test HOST=...):
#
#   lighttpd   lighttpd.conf, the programs under FastCGI (the default)
#   apache     apache/httpd.conf, Apache with mod_fcgid
#   cgi        apache/cgi.conf and apache/htaccess, Apache running the
#              programs as plain CGI, as on shared hosting
#   debian     the installed Debian package: Debian's lighttpd.conf with
#              its snippet, conf-available/50-fcgi-auth.conf, serving
#              the API under /auth/ with the settings written into a
#              settings file (tests/lib/debian-lighttpd; make test-deb;
#              DEBIAN_LIGHTTPD_ARGS=--system: as installed)
#
# SITE_HOME (cgi-bin/), SITE_DOCS and SITE_CONF (lighttpd.conf, apache/)
# serve another tree than this one, such as an installed one;
# SITE_PREFIX is the path the API is served under ("" or "/auth"), in
# front of every path req() sends; AUTHCTL the authctl that goes with
# the programs.
#
# DB picks the store (make test DB=...): sqlite (a file in the state
# folder, the default) or postgresql (a database of its own per suite
# file in tests/run.sh's cluster, $FCGI_AUTH_PG, with the secret, the
# keys and the metrics file in the state folder, where SQLite's
# defaults keep them).
#
#   setup_file()    { server_start [--tls] [AUTH_X=value ...]; }
#   teardown_file() { server_stop; }
#   setup()         { load_helpers; }
#
#   req METHOD PATH [JSON] [curl args...]
#       sets STATUS, BODY and HEADERS (a file)
#   assert_status 201
#   assert_json '.email' 'ann@example.com'
#   assert_error 400 invalid_request [field]
#   assert_header 'Cache-Control' 'no-store'
#   db SQL                  run SQL on the server's database
#   store_db PATH           the AUTH_DB of another database
#   store_env               AUTH_DB and the secret, as the server has them
#   store_files DIR         the keys and metrics settings of another one

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/lib/jwt.bash
. "$ROOT/tests/lib/jwt.bash"

load_helpers() {
	bats_load_library bats-support
	bats_load_library bats-assert
}

# A port nobody listens on, below Linux's ephemeral range (32768 up):
# a port there may be a client connection's own and refuse bind().
free_port() {
	local port
	while :; do
		port=$((20000 + RANDOM % 12000))
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	echo "$port"
}

HOST=${HOST:-lighttpd}
DB=${DB:-sqlite}

# store_db PATH: the AUTH_DB of a database of this run's store: the
# SQLite file PATH, or with DB=postgresql a database of the run's
# cluster named after PATH, made the first time.  A PostgreSQL test
# database gets SQLite's hex(), randomblob() and strftime('%s', 'now'),
# the few the suites' SQL uses, so that one text serves both.
store_db() {
	local name uri
	if [ "$DB" != postgresql ]; then
		echo "$1"
		return 0
	fi
	name=t_$(printf '%s' "$1" | sha1sum | cut -c1-24)
	uri=$("$ROOT/tools/pg-cluster.sh" createdb \
	    "${FCGI_AUTH_PG:?DB=postgresql runs through tests/run.sh}" \
	    "$name") || return 1
	psql -XAtq -v ON_ERROR_STOP=1 "$uri" >/dev/null <<-'SQL' || return 1
	CREATE OR REPLACE FUNCTION hex(bytea) RETURNS text
	    LANGUAGE sql IMMUTABLE AS 'SELECT upper(encode($1, ''hex''))';
	CREATE OR REPLACE FUNCTION strftime(text, text) RETURNS bigint
	    LANGUAGE sql STABLE AS 'SELECT extract(epoch FROM now())::bigint';
	CREATE OR REPLACE FUNCTION randomblob(integer) RETURNS bytea
	    LANGUAGE sql VOLATILE AS 'SELECT decode(string_agg(lpad(to_hex(
	    (random() * 255)::integer), 2, ''0''), ''''), ''hex'')
	    FROM generate_series(1, $1)';
	SQL
	echo "$uri"
}

# store_files DIR: with DB=postgresql, the settings that put what a
# SQLite file keeps beside it in folder DIR (the keys, the metrics
# file), for a program started by hand on a database of store_db;
# nothing on SQLite.
store_files() {
	[ "$DB" != postgresql ] ||
	    echo "AUTH_KEY_DIR=$1 AUTH_METRICS_FILE=$1/metrics.shm"
}

# skip_on_store STORE REASON: skip this test on that store, saying why.
skip_on_store() {
	[ "$DB" != "$1" ] || skip "$DB: $2"
}

# store_env: the settings that name the server's store (AUTH_DB, and
# with PostgreSQL what a SQLite file has beside it: the secret's file,
# the keys' folder every host shares, this host's metrics file), for
# programs started by hand.
store_env() {
	printf 'AUTH_DB=%s' "$SERVER_DB"
	[ -z "${SERVER_SECRET:-}" ] ||
	    [[ " ${SERVER_ENV:-} " == *" AUTH_JWT_SECRET"* ]] ||
	    printf ' AUTH_JWT_SECRET_FILE=%s' "$SERVER_SECRET"
	[ -z "${SERVER_KEYS:-}" ] ||
	    printf ' AUTH_KEY_DIR=%s AUTH_METRICS_FILE=%s/metrics.shm' \
	    "$SERVER_KEYS" "$STATE"
	echo
}

# db SQL: SQL on the server's database, a row per line, columns joined
# by "|": sqlite3, or psql with DB=postgresql.
db() {
	if [ "$DB" = postgresql ]; then
		psql -XAtq -v ON_ERROR_STOP=1 "$SERVER_DB" -c "$1"
	else
		sqlite3 -cmd '.timeout 5000' "$SERVER_DB" "$1"
	fi
}

# db_hold SQL: from a connection of its own, open a write transaction
# on the server's database, run SQL in it and keep it open until
# db_release: on SQLite, BEGIN IMMEDIATE holds the whole database; on
# PostgreSQL, what SQL locks (db_hold_tables).  If a test fails first,
# its end closes the FIFO and the transaction rolls back.
db_hold() {
	local fifo=$BATS_TEST_TMPDIR/hold.sql out=$BATS_TEST_TMPDIR/hold.out i
	rm -f "$fifo" "$out"
	mkfifo "$fifo"
	if [ "$DB" = postgresql ]; then
		psql -XAtq "$SERVER_DB" <"$fifo" >"$out" 2>&1 3>&- &
	else
		sqlite3 "$SERVER_DB" <"$fifo" >"$out" 2>&1 3>&- &
	fi
	HOLD_PID=$!
	exec {HOLD_FD}>"$fifo"
	if [ "$DB" = postgresql ]; then
		echo "BEGIN; $1; SELECT 'held';" >&"$HOLD_FD"
	else
		printf '.timeout 5000\nBEGIN IMMEDIATE; %s; SELECT %s;\n' "$1" \
		    "'held'" >&"$HOLD_FD"
	fi
	for i in $(seq 200); do
		grep -qx held "$out" && return 0
		sleep 0.05
	done
	cat "$out" >&2
	return 1
}

# db_hold_tables TABLE...: db_hold what keeps every writer of those
# tables waiting while readers go on: SQLite's write lock, or
# PostgreSQL's LOCK TABLE ... IN EXCLUSIVE MODE (which row locks, FOR
# NO KEY UPDATE among them, wait for too).
db_hold_tables() {
	if [ "$DB" = postgresql ]; then
		db_hold "LOCK TABLE $(IFS=,; echo "$*") IN EXCLUSIVE MODE"
	else
		db_hold "SELECT 1"
	fi
}

# db_release [COMMIT]: end db_hold's transaction (ROLLBACK unless told).
db_release() {
	echo "${1:-ROLLBACK};" >&"$HOLD_FD"
	exec {HOLD_FD}>&-
	wait "$HOLD_PID"
	HOLD_PID=
}

# db_waiting N: wait until N transactions wait for a lock (PostgreSQL
# says which do; SQLite does not, so a second there), at most 3 s: the
# programs give up on a lock after 5 (503), and the web server may
# have fewer requests in flight.
db_waiting() {
	local end=$((SECONDS + 3))
	if [ "$DB" != postgresql ]; then
		sleep 1
		return 0
	fi
	while [ "$SECONDS" -lt "$end" ]; do
		[ "$(db "SELECT count(*) FROM pg_stat_activity
		    WHERE wait_event_type = 'Lock'")" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 0
}

# db_fail_inserts TABLE [CONDITION]: from now on, an insert into TABLE
# (where CONDITION holds, on NEW) fails with an error that is no
# constraint's, as a broken database would: a trigger in either
# dialect.  db_fail_inserts_off TABLE drops it.
db_fail_inserts() {
	if [ "$DB" = postgresql ]; then
		db "CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql
		    AS 'BEGIN RAISE EXCEPTION ''test failure''; END';
		    CREATE TRIGGER test_fail BEFORE INSERT ON $1 FOR EACH ROW
		    ${2:+WHEN ($2)} EXECUTE FUNCTION test_fail()"
	else
		db "CREATE TRIGGER test_fail BEFORE INSERT ON $1 ${2:+WHEN $2}
		    BEGIN SELECT RAISE(ABORT, 'test failure'); END"
	fi
}

db_fail_inserts_off() {
	if [ "$DB" = postgresql ]; then
		db "DROP TRIGGER test_fail ON $1; DROP FUNCTION test_fail()"
	else
		db "DROP TRIGGER test_fail"
	fi
}

# db_bytes TEXT: a SQL literal of TEXT's bytes as a blob, in either
# dialect (TEXT without quotes).
db_bytes() {
	if [ "$DB" = postgresql ]; then
		echo "convert_to('$1', 'UTF8')"
	else
		echo "CAST('$1' AS BLOB)"
	fi
}

# db_dump [TABLE]: what the server's database (or one table) holds, as
# SQL text: CREATE and INSERT statements.  sqlite3 waits for a lock as
# db does: its .dump reports "database is locked" in a comment and exits
# 0, which a CGI program's closing checkpoint can cause at any moment.
db_dump() {
	if [ "$DB" = postgresql ]; then
		pg_dump --no-owner --inserts ${1:+--table "$1"} "$SERVER_DB"
	else
		sqlite3 -cmd '.timeout 5000' "$SERVER_DB" ".dump ${1:-}"
	fi
}

if [ "$HOST" = debian ]; then
	: "${SITE_HOME:=/usr/lib/fcgi-auth}" "${SITE_PREFIX:=/auth}"
	: "${AUTHCTL:=/usr/sbin/authctl}"
	export SITE_HOME
fi
export SITE_PREFIX=${SITE_PREFIX:-} AUTHCTL=${AUTHCTL:-$ROOT/tools/authctl}

# skip_on HOST... REASON: skip this test when running through one of
# those hosts, saying why.
skip_on() {
	local reason=${*: -1} h
	for h in "${@:1:$#-1}"; do
		[ "$HOST" != "$h" ] || skip "$HOST: $reason"
	done
}

# The command that runs the server in the foreground.
server_command() {
	local conf=${SITE_CONF:-$ROOT}

	case $HOST in
	lighttpd) echo lighttpd -D -f "$conf/lighttpd${TLS:+-tls}.conf" ;;
	apache) echo "$conf/apache/run" fcgid ;;
	cgi) echo "$conf/apache/run" cgi ;;
	debian) echo "$ROOT/tests/lib/debian-lighttpd" ${DEBIAN_LIGHTTPD_ARGS:-} ;;
	*) echo "HOST=$HOST: lighttpd, apache, cgi or debian" >&2; return 1 ;;
	esac
}

# Apache started as root serves as nobody (apache/run), who must reach
# the state folder inside bats' private temporary folders.
share_state() {
	local d=$STATE
	[ "$HOST" != lighttpd ] && [ "$(id -u)" -eq 0 ] || return 0
	while [ "$d" != "$BATS_RUN_TMPDIR" ] && [ "$d" != / ]; do
		d=$(dirname "$d")
		chmod o+x "$d"
	done
}

# Start the server with extra settings (NAME=value ...), keeping the
# state folder of an earlier start in this file if there is one.  With
# --tls it serves HTTPS with a self-signed certificate that curl in
# req() trusts ($CACERT).
server_start() {
	export STATE=${STATE:-$(mktemp -d "$BATS_FILE_TMPDIR/state.XXXXXX")}
	mkdir -p "$STATE/docroot"
	export TLS= CACERT= SCHEME=http
	if [ "${1:-}" = --tls ]; then
		shift
		"$ROOT/tools/make-cert.sh" "$STATE/tls"
		export TLS=1 SCHEME=https CACERT=$STATE/tls/cert.pem
		export TLS_CERT=$STATE/tls/cert.pem TLS_KEY=$STATE/tls/key.pem
	fi
	export SERVER_ENV="$*"
	local try cmd
	cmd=$(server_command) || return 1
	# The store: kept across restarts, and given (SERVER_DB,
	# SERVER_SECRET, SERVER_KEYS) when a second host shares the first
	# one's.
	export SERVER_DB=${SERVER_DB:-$(store_db "$STATE/auth.db")}
	[ -n "$SERVER_DB" ] || return 1
	if [ "$DB" = postgresql ] && [ -z "${SERVER_SECRET:-}" ] &&
	    [[ " $* " != *" AUTH_JWT_SECRET"* ]]; then
		export SERVER_SECRET=$STATE/jwt.secret
		[ -e "$SERVER_SECRET" ] || (umask 077 &&
		    od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$SERVER_SECRET")
	fi
	[ "$DB" != postgresql ] || export SERVER_KEYS=${SERVER_KEYS:-$STATE}
	share_state
	for try in 1 2 3 4 5; do
		export PORT=$(free_port)
		export BASE="$SCHEME://127.0.0.1:$PORT$SITE_PREFIX"
		# bats keeps fds 3 and up open; a server holding them would
		# make bats wait for it forever, so close them all.  The
		# server leads a process group of its own (setsid), so that
		# server_stop can end it with every process it started.
		# shellcheck disable=SC2086
		# Suites register and mail far more than a person would from
		# one address: the hourly limits are high unless a test sets
		# them (its settings come after these).
		env $(store_env) AUTH_BCRYPT_COST=4 \
		    AUTH_REGISTER_PER_HOUR=100000 AUTH_MAIL_PER_HOUR=100000 \
		    FCGI_AUTH_HOME="${SITE_HOME:-$ROOT}" \
		    FCGI_AUTH_DOCS="${SITE_DOCS:-$ROOT/docs}" \
		    FCGI_AUTH_STATE="$STATE" FCGI_AUTH_PROCS="${PROCS:-2}" \
		    PORT="$PORT" "$@" \
		    bash -c 'for fd in /proc/$$/fd/*; do fd=${fd##*/};
			[ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
			exec setsid "$@"' server $cmd \
		    >>"$STATE/server.log" 2>&1 </dev/null &
		export SERVER_PID=$!
		# A restart inside a test cannot hand teardown_file the new
		# pid through the environment; the state folder can.
		echo "$SERVER_PID" >"$STATE/server.pid"
		# Every server of this file, so that teardown_file stops one
		# a failing test started and never stopped.
		echo "$SERVER_PID" >>"$BATS_FILE_TMPDIR/servers"
		# Ready when a program answers, not just the server (with
		# SERVER_READY, that status: 503 for a store that is down).
		local i
		for i in $(seq 100); do
			kill -0 "$SERVER_PID" 2>/dev/null || break
			[ "$(curl -s -o /dev/null -w '%{http_code}' \
			    ${CACERT:+--cacert "$CACERT"} \
			    "$BASE/health")" = "${SERVER_READY:-200}" ] && return 0
			sleep 0.05
		done
		server_stop
	done
	echo "$HOST did not come up:" >&2
	cat "$STATE/server.log" "$STATE/error.log" >&2 2>/dev/null
	return 1
}

# Is process $1 running (and not a zombie)?
alive() {
	local stat
	stat=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $stat != Z* ]]
}

# Stop the server; Apache takes a second or two to end its workers.
server_stop() {
	local pid

	pid=$(cat "${STATE:-/nonexistent}/server.pid" 2>/dev/null) ||
	    pid=${SERVER_PID:-}
	rm -f "${STATE:-/nonexistent}/server.pid"
	SERVER_PID=
	[ -z "$pid" ] || stop_pid "$pid"
	# Outside a test (teardown_file): whatever this file started.
	if [ -z "${BATS_TEST_NAME:-}" ] && [ -f "$BATS_FILE_TMPDIR/servers" ]; then
		while read -r pid; do
			stop_pid "$pid"
		done <"$BATS_FILE_TMPDIR/servers"
		rm -f "$BATS_FILE_TMPDIR/servers"
	fi
	return 0
}

# stop_pid PID: end a server (a process group leader) and what it runs;
# Apache takes a second or two to end its workers.
stop_pid() {
	local i

	kill -TERM "$1" 2>/dev/null || return 0
	for i in $(seq 200); do
		alive "$1" || return 0
		sleep 0.05
	done
	kill -KILL -- "-$1" 2>/dev/null
}

# Restart with the same database and settings.
server_restart() {
	server_stop
	# shellcheck disable=SC2086
	server_start ${TLS:+--tls} $SERVER_ENV
}

# req METHOD PATH [JSON] [curl args...]: an HTTP request to the server.
# A JSON argument is sent with Content-Type: application/json.
req() {
	local method=$1 path=$2 out=$BATS_TEST_TMPDIR/body
	shift 2
	local args=(-s -S -X "$method" -o "$out" -D "$BATS_TEST_TMPDIR/headers"
	    -w '%{http_code}' ${CACERT:+--cacert "$CACERT"})
	if [ $# -gt 0 ] && [ -n "$1" ]; then
		args+=(-H 'Content-Type: application/json' --data-binary "$1")
	elif [[ $method == P* && " ${*:2} " != *" --data"* &&
	    " ${*:2} " != *"Content-Length"* ]]; then
		# No body: say so, as browsers do; lighttpd refuses a POST
		# without Content-Length (411).
		args+=(-H 'Content-Length: 0')
	fi
	[ $# -gt 0 ] && shift
	STATUS=$(curl "${args[@]}" "$@" "$BASE$path")
	BODY=$(cat "$out")
	HEADERS=$BATS_TEST_TMPDIR/headers
}

assert_status() {
	[ "$STATUS" = "$1" ] && return 0
	echo "expected status $1, got $STATUS: $BODY" >&2
	return 1
}

# assert_json FILTER EXPECTED: jq -r FILTER of the body equals EXPECTED.
assert_json() {
	local got
	got=$(jq -r "$1" <<<"$BODY") || { echo "not JSON: $BODY" >&2; return 1; }
	[ "$got" = "$2" ] && return 0
	echo "$1: expected '$2', got '$got' in $BODY" >&2
	return 1
}

# assert_error STATUS CODE [FIELD]: the contract's error shape (one jq,
# the suites' most frequent).
assert_error() {
	assert_status "$1" || return 1
	assert_json "[.error, (.message | type)${3:+, .field}] | join(\" \")" \
	    "$2 string${3:+ $3}"
}

# assert_header NAME VALUE: the response has that header, exactly.
assert_header() {
	grep -qi "^$1: $2"$'\r'"\$" "$HEADERS" && return 0
	echo "no '$1: $2' in:" >&2
	cat "$HEADERS" >&2
	return 1
}

refute_header() {
	! grep -qi "^$1:" "$HEADERS" || { cat "$HEADERS" >&2; return 1; }
}

# register EMAIL [PASSWORD]: create a user, sets USER_ID.
register() {
	req POST /register "{\"email\":\"$1\",\"password\":\"${2:-correct horse}\"}"
	assert_status 201 || return 1
	USER_ID=$(jq -r .id <<<"$BODY")
}

# login EMAIL [PASSWORD]: sets ACCESS and REFRESH.
login() {
	req POST /login "{\"email\":\"$1\",\"password\":\"${2:-correct horse}\"}" \
	    "${@:3}"
	assert_status 200 || return 1
	{ read -r ACCESS; read -r REFRESH; } < <(jq -r \
	    '.access_token, .refresh_token' <<<"$BODY")
}

# A unique email per test, so tests of one file never collide.
new_email() {
	echo "u$BATS_SUITE_TEST_NUMBER-$RANDOM@example.com"
}

auth() {
	echo "Authorization: Bearer $1"
}

# fresh_user: a new account, logged in; sets EMAIL, USER_ID, ACCESS, REFRESH.
fresh_user() {
	EMAIL=$(new_email)
	register "$EMAIL" && login "$EMAIL"
}

# server_log: what the server and its programs wrote (a program's stderr
# is lighttpd's stderr, but Apache's error log).
server_log() {
	cat "$STATE/server.log" "$STATE/error.log" 2>/dev/null
}

# answer: the last answer, headers and body, minus what may differ
# between two requests with the same meaning: the date, and the framing
# and connection headers a server chooses per connection.
answer() {
	grep -vi -E '^(Date|Connection|Keep-Alive|Transfer-Encoding|Content-Length):' \
	    "$HEADERS" | tr -d '\r'
	echo "$BODY"
}

# program_path NAME: program NAME of the site under test, the tree's
# own or an installed one's (SITE_HOME), to run by hand as plain CGI.
program_path() {
	echo "${SITE_HOME:-$ROOT}/cgi-bin/$1.fcgi"
}

# program_pids NAME: the processes of program NAME serving this server.
# lighttpd and Apache's mod_fcgid run it from the tree; as plain CGI,
# Apache runs the site's copy, one process per request.
program_pids() {
	local path
	path=$(program_path "$1")
	[ "$HOST" != cgi ] || path=$STATE/www/cgi-bin/$1.fcgi
	pgrep -x -f "$path" | sort
}
