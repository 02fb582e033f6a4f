#!/usr/bin/env bash
# make bench: start lighttpd with the programs on a free port and a fresh
# database, drive it with wrk, and print requests/s, p50/p99 latency and
# the ratios to two baselines served by the same lighttpd (a static
# 20-byte file and a trivial FastCGI program), then the resident memory
# of every program.  Then seed 1,000,000 users and sessions and measure
# GET /user-info again.
#
# Knobs: BENCH_TIME (s, default 10), BENCH_CONNECTIONS (50),
# BENCH_THREADS (2), PROCS (processes per program: one per core),
# BENCH_COST (bcrypt cost for the login run, 12), BENCH_SEED (1: seed).
set -euo pipefail
cd "$(dirname "$0")/.."

T=${BENCH_TIME:-10}
C=${BENCH_CONNECTIONS:-50}
TH=${BENCH_THREADS:-2}
PROCS=${PROCS:-$(nproc)}
COST=${BENCH_COST:-12}
CORES=$(nproc)

STATE=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-auth-bench.XXXXXX")
chmod 700 "$STATE"
LPID=
cleanup() {
	[ -n "$LPID" ] && kill -TERM "$LPID" 2>/dev/null && sleep 1
	rm -rf "$STATE"
}
trap cleanup EXIT

# A free port, then lighttpd with both baselines.
while :; do
	PORT=$((20000 + RANDOM % 40000))
	(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || break
done
B=http://127.0.0.1:$PORT
printf 'static 20-byte file\n' > "$STATE/static.txt"
mkdir -p "$STATE/bench" && mv "$STATE/static.txt" "$STATE/bench/"
env AUTH_DB="$STATE/auth.db" AUTH_BCRYPT_COST="$COST" \
    AUTH_JWT_SECRET=bench-secret-0123456789abcdef0123456789 \
    FCGI_AUTH_HOME="$PWD" FCGI_AUTH_DOCS="$PWD/docs" FCGI_AUTH_STATE="$STATE" \
    FCGI_AUTH_PROCS="$PROCS" PORT="$PORT" lighttpd -D -f bench/lighttpd.conf \
    >"$STATE/server.log" 2>&1 </dev/null &
LPID=$!
for _ in $(seq 100); do
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$B/health")" = 200 ] && break
	sleep 0.1
done

# The account, its access token, and one session per connection whose
# refresh tokens start the chains (inserted directly: logging in 50
# times at cost 12 would take a while and measure nothing new).
EMAIL=bench@example.com
curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"benchmark password\"}" \
    "$B/register" >/dev/null
TOKEN=$(curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"benchmark password\"}" \
    "$B/login" | jq -r .access_token)
UID_=$(sqlite3 "$STATE/auth.db" "SELECT id FROM users WHERE email = '$EMAIL'")
{
	echo "BEGIN;"
	for _ in $(seq $((C + 2 * TH))); do
		tok=$(head -c 32 /dev/urandom | basenc --base64url | tr -d '=')
		echo "$tok" >> "$STATE/refresh.tokens"
		hash=$(printf '%s' "$tok" | sha256sum | cut -c1-64)
		echo "INSERT INTO sessions (user_id, created_at, last_used_at, expires_at) VALUES ($UID_, strftime('%s','now'), strftime('%s','now'), strftime('%s','now') + 1209600);"
		echo "INSERT INTO refresh_tokens (hash, session_id) VALUES (X'$hash', last_insert_rowid());"
	done
	echo "COMMIT;"
} | sqlite3 "$STATE/auth.db"
export BENCH_TOKEN=$TOKEN BENCH_EMAIL=$EMAIL BENCH_TOKENS=$STATE/refresh.tokens
export BENCH_THREADS=$TH

# ms from wrk's "1.23ms" / "456.00us" / "1.02s".
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) ; else if (v ~ /s$/) n *= 1000
		printf "%.2f", n }'
}

# run NAME CONNECTIONS URL [SCRIPT]: one wrk run after a one-second
# warm-up, results in RPS, P50, P99 and ERR.  The refresh chains get no
# warm-up: it would spend their tokens, and reuse of a spent token is
# theft (the sessions would be revoked, as they should be).
declare -A RPS P50 P99 ERR
run() {
	local name=$1 conns=$2 url=$3 script=${4:-} out
	local args=(-t"$TH" -c"$conns" --latency --timeout 10s)
	[ -n "$script" ] && args+=(-s "$script")
	[ "$script" = bench/refresh.lua ] ||
	    wrk "${args[@]}" -d1s "$url" >/dev/null
	out=$(wrk "${args[@]}" -d"${T}s" "$url")
	RPS[$name]=$(awk '/^Requests\/sec/ {printf "%.1f", $2}' <<<"$out")
	P50[$name]=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
	P99[$name]=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
	ERR[$name]=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {n += 0} END {print n + 0}' <<<"$out")
}

# rss NAME: the largest VmRSS (kB) among lighttpd's children running NAME.
rss() {
	ps --ppid "$LPID" -o rss=,args= | awk -v n="/$1" \
	    'index($2, n) {if ($1 > m) m = $1} END {print m + 0}'
}

run "static file" "$C" "$B/bench/static.txt"
run "trivial FastCGI" "$C" "$B/bench/trivial"
run "GET /health" "$C" "$B/health"
run "GET /user-info" "$C" "$B/user-info" bench/user-info.lua
RSS_A=$(rss user-info.fcgi)
run "GET /user-info (again)" "$C" "$B/user-info" bench/user-info.lua
RSS_B=$(rss user-info.fcgi)
run "POST /refresh chains" "$C" "$B/refresh" bench/refresh.lua
run "POST /login" "$((2 * PROCS))" "$B/login" bench/login.lua
HASH_MS=$(AUTH_BCRYPT_COST=$COST AUTH_DB=:memory: \
    AUTH_JWT_SECRET=bench-secret-0123456789abcdef0123456789 bench/hashtime 5)

SEEDED=
if [ "${BENCH_SEED:-1}" = 1 ]; then
	t0=$(date +%s)
	sqlite3 "$STATE/auth.db" < bench/seed.sql
	SEED_S=$(( $(date +%s) - t0 ))
	run "GET /user-info, 1M users" "$C" "$B/user-info" bench/user-info.lua
	SEEDED=1
fi

# The table.
trivial=${RPS["trivial FastCGI"]}
static=${RPS["static file"]}
printf '\nfcgi-auth benchmark: %s cores (%s), wrk -t%s -c%s -d%ss, %s processes per program\n\n' \
    "$CORES" "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
    "$TH" "$C" "$T" "$PROCS"
printf '%-28s %9s %8s %8s %7s %8s %8s\n' scenario req/s p50/ms p99/ms errors \
    /trivial /static
for name in "static file" "trivial FastCGI" "GET /health" "GET /user-info" \
    "GET /user-info (again)" "POST /refresh chains" "POST /login" \
    ${SEEDED:+"GET /user-info, 1M users"}; do
	printf '%-28s %9s %8s %8s %7s %8s %8s\n' "$name" "${RPS[$name]}" \
	    "${P50[$name]}" "${P99[$name]}" "${ERR[$name]}" \
	    "$(awk -v a="${RPS[$name]}" -v b="$trivial" 'BEGIN {printf "%.2f", a / b}')" \
	    "$(awk -v a="${RPS[$name]}" -v b="$static" 'BEGIN {printf "%.2f", a / b}')"
done
[ -n "$SEEDED" ] && printf '\n(seeding 1,000,000 users and sessions took %s s)\n' "$SEED_S"

BOUND=$(awk -v c="$CORES" -v ms="$HASH_MS" 'BEGIN {printf "%.2f", c * 1000 / ms}')
printf '\nbcrypt at cost %s: %s ms per hash; bound %s logins/s on %s cores\n' \
    "$COST" "$HASH_MS" "$BOUND" "$CORES"

printf '\nresident memory after the runs (largest process of each program, kB):\n'
for p in cgi-bin/*.fcgi; do
	printf '  %-24s %6s\n' "$(basename "$p")" "$(rss "$(basename "$p")")"
done

# The targets (issue 8), checked.
ui=${RPS["GET /user-info (again)"]}
check() {	# check DESCRIPTION CONDITION(awk) SHOWN
	if awk "BEGIN {exit !($2)}"; then
		printf '  [pass] %s: %s\n' "$1" "$3"
	else
		printf '  [FAIL] %s: %s\n' "$1" "$3"
		FAILED=1
	fi
}
FAILED=0
printf '\ntargets:\n'
check "GET /user-info >= 60% of the trivial FastCGI program" \
    "$ui >= 0.6 * $trivial" "$(awk -v a="$ui" -v b="$trivial" 'BEGIN {printf "%.0f%%", 100 * a / b}')"
check "GET /user-info p99 < 10 ms at $C connections" \
    "${P99["GET /user-info (again)"]} < 10" "${P99["GET /user-info (again)"]} ms"
if [ -n "$SEEDED" ]; then
	s=${RPS["GET /user-info, 1M users"]}
	check "seeded database within 10% of the empty one" \
	    "$s >= 0.9 * $ui" "$(awk -v a="$s" -v b="$ui" 'BEGIN {printf "%+.1f%%", 100 * (a - b) / b}')"
fi
check "POST /login within 10% of the bcrypt bound" \
    "${RPS["POST /login"]} >= 0.9 * $BOUND" "$(awk -v a="${RPS["POST /login"]}" -v b="$BOUND" 'BEGIN {printf "%.0f%% of %s/s", 100 * a / b, b}')"
MAXRSS=0
for p in cgi-bin/*.fcgi; do
	r=$(rss "$(basename "$p")")
	[ "$r" -gt "$MAXRSS" ] && MAXRSS=$r
done
check "resident memory per program < 8 MB" "$MAXRSS < 8192" "largest $MAXRSS kB"
check "user-info memory not growing over a run" "$RSS_B <= $RSS_A + 64" \
    "$RSS_A kB -> $RSS_B kB"
exit "$FAILED"
