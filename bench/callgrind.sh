#!/usr/bin/env bash
# bench/callgrind.sh [PROGRAM] [N]: what one verified request costs, in
# instructions, which unlike wall-clock time do not depend on what else
# the machine is doing.  Makes a database with one user and a session
# (register.fcgi and login.fcgi run once as plain CGI), starts PROGRAM
# (default user-info; or a path, such as bench/trivial.fcgi for the
# baseline) under valgrind's callgrind as a FastCGI server,
# sends it 20 requests to warm up, zeroes the counters, sends N (200)
# GET /PROGRAM with the access token through cgi-fcgi, and prints the
# instructions and heap calls per request and the costliest functions.
# The profile stays in bench/callgrind.out.req for callgrind_annotate.
# Needs valgrind, spawn-fcgi and cgi-fcgi (libfcgi-bin).
set -euo pipefail
cd "$(dirname "$0")/.."

PROG=${1:-user-info}
BIN=$PWD/cgi-bin/$PROG.fcgi
[ -x "$PROG" ] && BIN=$(cd "$(dirname "$PROG")" && pwd)/$(basename "$PROG")
N=${2:-200}
OUT=$PWD/bench/callgrind.out
STATE=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-auth-cg.XXXXXX")
chmod 700 "$STATE"
VPID=
cleanup() {
	[ -n "$VPID" ] && kill -TERM "$VPID" 2>/dev/null
	rm -rf "$STATE"
}
trap cleanup EXIT

export AUTH_DB=$STATE/auth.db AUTH_BCRYPT_COST=4
export AUTH_JWT_SECRET=bench-secret-0123456789abcdef0123456789

# cgi PROGRAM PATH JSON: one POST as plain CGI; prints the body.
cgi() {
	printf '%s' "$3" | env REQUEST_METHOD=POST SCRIPT_NAME= PATH_INFO="$2" \
	    CONTENT_TYPE=application/json CONTENT_LENGTH=${#3} \
	    REMOTE_ADDR=127.0.0.1 "cgi-bin/$1.fcgi" | sed '1,/^\r$/d'
}
ACCOUNT='{"email":"cg@example.com","password":"callgrind password"}'
cgi register /register "$ACCOUNT" >/dev/null
TOKEN=$(cgi login /login "$ACCOUNT" | jq -r .access_token)

spawn-fcgi -n -s "$STATE/prog.sock" -- "$(command -v valgrind)" -q --tool=callgrind \
    --callgrind-out-file="$OUT" "$BIN" 2>"$STATE/valgrind.log" &
VPID=$!
for _ in $(seq 100); do
	[ -S "$STATE/prog.sock" ] && sleep 1 && break
	sleep 0.1
done

# get K: K requests, each checked for its 200.
get() {
	local i
	for i in $(seq "$1"); do
		env -i REQUEST_METHOD=GET SCRIPT_NAME= PATH_INFO="/${PROG##*/}" \
		    QUERY_STRING= REMOTE_ADDR=127.0.0.1 SERVER_PROTOCOL=HTTP/1.1 \
		    HTTP_USER_AGENT=callgrind \
		    HTTP_AUTHORIZATION="Bearer $TOKEN" \
		    cgi-fcgi -bind -connect "$STATE/prog.sock" |
		    head -1 | grep -q '^Status: 200' ||
		    { echo "callgrind.sh: request $i failed" >&2; exit 1; }
	done
}
get 20
callgrind_control -z "$VPID" >/dev/null 2>&1
get "$N"
callgrind_control -d "$VPID" >/dev/null 2>&1
kill -TERM "$VPID" 2>/dev/null || true
wait "$VPID" 2>/dev/null || true
VPID=

# The last dump holds the N requests.
DUMP=$(ls -t "$OUT".* 2>/dev/null | head -1)
[ -n "$DUMP" ] || DUMP=$OUT
mv "$DUMP" "$OUT.req"
rm -f "$OUT".[0-9]*
callgrind_annotate --inclusive=yes "$OUT.req" >"$STATE/annotate.txt"
awk -v n="$N" '
	/PROGRAM TOTALS/ { gsub(",", "", $1); printf "instructions per request: %d\n", $1 / n }
' "$STATE/annotate.txt"
# Heap calls per request, and files opened and statements prepared
# (both must be none), from the raw profile's call counts.
awk -v n="$N" '
	/^c?fn=\(/ {
		id = $1; sub(/^c?fn=/, "", id)
		if (NF > 1) name[id] = $2
		callee = /^cfn/ ? name[id] : ""
	}
	/^calls=/ && callee != "" {
		c = $1; sub(/^calls=/, "", c)
		if (callee ~ /^(malloc|calloc|realloc|free)$/)
			heap[callee] += c
		else if (callee ~ /^(__libc_)?(open|open64|openat|openat64|fopen|fopen64)$/)
			opens += c
		else if (callee ~ /^sqlite3_prepare/)
			prepares += c
	}
	END {
		printf "heap calls per request:"
		for (f in heap) printf " %s %.1f", f, heap[f] / n
		printf "\nfiles opened per request: %.1f; statements prepared: %.1f\n",
		    opens / n, prepares / n
	}
' "$OUT.req"
echo "costliest (inclusive, per request):"
awk -v n="$N" '
	/^-+$/ { sep++; next }
	sep >= 3 && NF >= 2 && $1 ~ /^[0-9,]+$/ {
		ir = $1; gsub(",", "", ir)
		fn = $0; sub(/^ *[0-9,]+ \([^)]*\) */, "", fn)
		sub(/ \[.*$/, "", fn)
		if (shown++ < 25) printf "  %9d  %s\n", ir / n, fn
	}
' "$STATE/annotate.txt"
echo "(the whole profile: callgrind_annotate $OUT.req)"
