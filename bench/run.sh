#!/usr/bin/env bash
# make bench: start lighttpd with the programs on a free port and a fresh
# database, drive it with wrk, and print requests/s, p50/p99 latency and
# the ratios to two baselines served by the same lighttpd (a static
# 20-byte file and a trivial FastCGI program), then the resident memory
# of every program.  Then seed BENCH_USERS users with a session each and
# measure GET /user-info again, with tokens of users spread over the
# whole table, and with the first user's token alone.  Last, the
# targets of issue 8, checked: the exit status is 1 when one is missed.
#
# DB=postgresql (make bench DB=postgresql): every run on SQLite and on
# PostgreSQL (a throwaway cluster on this machine, tools/pg-cluster.sh),
# one server for each, the two runs of a scenario one after the other
# so that both see the machine alike; POST /login at bcrypt cost 4 as
# well as BENCH_COST; each PostgreSQL figure beside SQLite's, and the
# targets of issue 16 checked too.
#
# Knobs: BENCH_TIME (s per run, default 10), BENCH_CONNECTIONS (50),
# BENCH_THREADS (wrk's, 2), PROCS (processes per program: one per core),
# BENCH_COST (bcrypt cost for the login run, 12), BENCH_SEED (1: do the
# seeded run, 0: skip it), BENCH_USERS (1000000), BENCH_SPREAD (tokens
# of seeded users the seeded run cycles through, 10000).
#
# Wall-clock numbers depend on what else the machine runs: the load
# average is printed first, and bench/callgrind.sh counts instructions,
# which do not.
set -euo pipefail
cd "$(dirname "$0")/.."

T=${BENCH_TIME:-10}
C=${BENCH_CONNECTIONS:-50}
TH=${BENCH_THREADS:-2}
PROCS=${PROCS:-$(nproc)}
COST=${BENCH_COST:-12}
USERS=${BENCH_USERS:-1000000}
SPREAD=${BENCH_SPREAD:-10000}
CORES=$(nproc)
SECRET=bench-secret-0123456789abcdef0123456789
case ${DB:-sqlite} in
sqlite) STORES=(sqlite) ;;
postgresql) STORES=(sqlite postgresql) ;;
*) echo "bench: DB=${DB}: sqlite or postgresql" >&2; exit 2 ;;
esac

# Only an optimised build says anything (make bench builds one; this
# catches bench/run.sh run by hand after make test SAN=1).
if grep -q -- -fsanitize .build-flags 2>/dev/null ||
    ! grep -q -- -O2 .build-flags 2>/dev/null; then
	echo "bench: the programs are not an -O2 build: run make bench" >&2
	exit 1
fi

# Under /tmp: a socket's path must be short, and the postgres user must
# pass through to the cluster's folder.
STATE=$(mktemp -d /tmp/fcgi-auth-bench.XXXXXX)
chmod 711 "$STATE"
LPID=
PGDIR=
declare -A LPIDS PORTS
cleanup() {
	for st in "${STORES[@]}"; do
		use "$st"
		stop
	done
	[ -z "$PGDIR" ] || tools/pg-cluster.sh stop "$PGDIR"
	rm -rf "$STATE"
}
trap cleanup EXIT

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'bench: load average %s before the runs%s\n' "$LOAD" \
    "$(awk -v l="${LOAD%% *}" 'BEGIN { if (l > 0.5) printf " (busy: numbers will be low and noisy)" }')"

# Each store: a state folder, a free port and a server of its own.
for st in "${STORES[@]}"; do
	while :; do
		PORTS[$st]=$((20000 + RANDOM % 12000))
		(exec 3<>"/dev/tcp/127.0.0.1/${PORTS[$st]}") 2>/dev/null || break
	done
	mkdir -p "$STATE/$st/docroot/bench"
	printf 'static 20-byte file\n' > "$STATE/$st/docroot/bench/static.txt"
done

# use STORE: what follows runs on STORE, its server and its files.
use() {
	STORE=$1
	SDIR=$STATE/$1
	B=http://127.0.0.1:${PORTS[$1]}
	LPID=${LPIDS[$1]:-}
	export BENCH_ACCESS=$SDIR/access.one BENCH_TOKENS=$SDIR/refresh.tokens
}

if [ "${DB:-sqlite}" = postgresql ]; then
	PGDIR=$STATE/pg
	mkdir "$PGDIR"
	tools/pg-cluster.sh start "$PGDIR"
	PG_URI=$(tools/pg-cluster.sh createdb "$PGDIR" bench)
fi

# The store's AUTH_DB, and SQL on it.
store_db() {
	case $1 in
	sqlite) echo "$STATE/sqlite/auth.db" ;;
	postgresql) echo "$PG_URI" ;;
	esac
}
# sql QUERY: its rows, columns apart by spaces; sql_in: SQL on stdin.
sql() {
	case $STORE in
	sqlite) sqlite3 -separator ' ' "$STATE/sqlite/auth.db" "$1" ;;
	postgresql) psql -XAtq -v ON_ERROR_STOP=1 -F ' ' "$PG_URI" -c "$1" ;;
	esac
}
sql_in() {
	case $STORE in
	sqlite) sqlite3 "$STATE/sqlite/auth.db" ;;
	postgresql) psql -XAtq -v ON_ERROR_STOP=1 "$PG_URI" ;;
	esac
}

up() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$B/health")" = 200 ]; }

# serve COST: lighttpd with both baselines, on $STORE at bcrypt COST.
serve() {
	stop
	env AUTH_DB="$(store_db "$STORE")" AUTH_BCRYPT_COST="$1" \
	    AUTH_JWT_SECRET=$SECRET FCGI_AUTH_HOME="$PWD" \
	    FCGI_AUTH_DOCS="$PWD/docs" FCGI_AUTH_STATE="$SDIR" \
	    FCGI_AUTH_PROCS="$PROCS" PORT="${PORTS[$STORE]}" \
	    lighttpd -D -f bench/lighttpd.conf >"$SDIR/server.log" 2>&1 \
	    </dev/null &
	LPID=$!
	LPIDS[$STORE]=$LPID
	for _ in $(seq 100); do
		up || ! kill -0 "$LPID" 2>/dev/null && break
		sleep 0.1
	done
	if ! up; then
		echo "bench: lighttpd did not come up:" >&2
		cat "$SDIR/server.log" "$SDIR/error.log" >&2 2>/dev/null
		exit 1
	fi
}

stop() {
	[ -n "$LPID" ] || return 0
	kill -TERM "$LPID" 2>/dev/null || :
	wait "$LPID" 2>/dev/null || :
	LPID=
	LPIDS[$STORE]=
}

# account EMAIL: register it and log in; its access token in access.one.
account() {
	curl -sf -X POST -H 'Content-Type: application/json' \
	    -d "{\"email\":\"$1\",\"password\":\"benchmark password\"}" \
	    "$B/register" >/dev/null
	curl -sf -X POST -H 'Content-Type: application/json' \
	    -d "{\"email\":\"$1\",\"password\":\"benchmark password\"}" \
	    "$B/login" | jq -r .access_token > "$SDIR/access.one"
}

# chains: one session per connection for the benchmark account, whose
# refresh tokens start the chains (inserted directly: logging in 50
# times at cost 12 would take a while and measure nothing new).
chains() {
	local uid tok hash now
	uid=$(sql "SELECT id FROM users WHERE email = '$EMAIL'")
	now=$(date +%s)
	: >"$SDIR/refresh.tokens"
	{
		echo "BEGIN;"
		for _ in $(seq $((C + 2 * TH))); do
			tok=$(head -c 32 /dev/urandom | basenc --base64url | tr -d '=')
			echo "$tok" >> "$SDIR/refresh.tokens"
			hash=$(printf '%s' "$tok" | sha256sum | cut -c1-64)
			case $STORE in
			sqlite)
				echo "INSERT INTO sessions (user_id, created_at, last_used_at, expires_at) VALUES ($uid, $now, $now, $now + 1209600);"
				echo "INSERT INTO refresh_tokens (hash, session_id) VALUES (X'$hash', last_insert_rowid());" ;;
			postgresql)
				echo "WITH s AS (INSERT INTO sessions (user_id, created_at, last_used_at, expires_at) VALUES ($uid, $now, $now, $now + 1209600) RETURNING id) INSERT INTO refresh_tokens (hash, session_id) SELECT '\\x$hash'::bytea, id FROM s;" ;;
			esac
		done
		echo "COMMIT;"
	} | sql_in >/dev/null
}

# ms from wrk's "1.23ms" / "456.00us" / "1.02s".
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) ; else if (v ~ /s$/) n *= 1000
		printf "%.2f", n }'
}

# mem NAME: "rss shared private" in kB for the process of program NAME
# with the largest resident set.  shared is RssFile: pages of the
# program and its libraries, mapped from files and shared with every
# process that maps them; private is RssAnon + RssShmem: heap, stacks,
# SQLite's page cache, the WAL index.
mem() {
	local pid out best=0 line="0 0 0"
	for pid in $(ps --ppid "$LPID" -o pid=,args= |
	    awk -v n="/$1" 'index($2, n) {print $1}'); do
		out=$(awk '/^VmRSS/ {r = $2} /^RssFile/ {f = $2}
		    /^RssAnon|^RssShmem/ {a += $2}
		    END {print r + 0, f + 0, a + 0}' "/proc/$pid/status" 2>/dev/null) ||
		    continue
		[ "${out%% *}" -gt "$best" ] && best=${out%% *} && line=$out
	done
	echo "$line"
}

# ticks NAME: CPU time (user and system, in clock ticks) used so far by
# the processes of program NAME; "postgres": by the PostgreSQL server's
# processes (the cluster is the benchmark's own).
ticks() {
	local pid n=0 pids
	if [ "$1" = postgres ]; then
		# The server's children: a backend per connection, and its
		# writers and vacuum.
		pids=$(ps --ppid "$(head -n 1 "$PGDIR/data/postmaster.pid")" -o pid=)
	else
		pids=$(ps --ppid "$LPID" -o pid=,args= |
		    awk -v n="/$1" 'index($2, n) {print $1}')
	fi
	for pid in $pids; do
		n=$((n + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null ||
		    echo 0)))
	done
	echo "$n"
}

# run NAME CONNECTIONS URL SCRIPT PROGRAM [SAMPLE]: one wrk run after a
# one-second warm-up, results in RPS, P50, P99 and ERR, and in CPU the
# CPU time PROGRAM's processes spent per request (us; "-" without one),
# in DBCPU the PostgreSQL server's.  With SAMPLE, PROGRAM's memory (mem)
# half-way through the run in MID and at the end in END.  The refresh
# chains get no warm-up: it would spend their tokens, and reuse of a
# spent token is theft (the sessions would be revoked, as they should
# be).  Nor does the login: its warm-up would leave bcrypt hashes for
# hung-up clients running into the measured run.  Every result is kept
# under "STORE:NAME".
declare -A RPS P50 P99 ERR CPU DBCPU MID END
run() {
	local name=$STORE:$1 conns=$2 url=$3 script=$4 prog=$5 sample=${6:-}
	local args=(-t"$TH" -c"$conns" --latency --timeout 10s) out sampler t0 d0
	[ -n "$script" ] && args+=(-s "$script")
	case $script in
	bench/refresh.lua|bench/login.lua) ;;
	*) wrk "${args[@]}" -d1s "$url" >/dev/null ;;
	esac
	if [ -n "$sample" ]; then
		{ sleep "$(awk -v t="$T" 'BEGIN {print t / 2}')"
		  mem "$prog" > "$SDIR/mid"; } &
		sampler=$!
	fi
	t0=$(ticks "$prog")
	d0=$([ "$STORE" = postgresql ] && ticks postgres || echo 0)
	out=$(wrk "${args[@]}" -d"${T}s" "$url")
	CPU[$name]=$(( $(ticks "$prog") - t0 ))
	DBCPU[$name]=$(( $([ "$STORE" = postgresql ] && ticks postgres || echo 0) - d0 ))
	if [ -n "$sample" ]; then
		wait "$sampler"
		MID[$name]=$(cat "$SDIR/mid")
		END[$name]=$(mem "$prog")
	fi
	RPS[$name]=$(awk '/^Requests\/sec/ {printf "%.1f", $2}' <<<"$out")
	P50[$name]=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
	P99[$name]=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
	ERR[$name]=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {
		for (i = 3; i <= NF; i++) n += $i } END {print n + 0}' <<<"$out")
	CPU[$name]=$(per_request "${CPU[$name]}" "${RPS[$name]}" "$prog")
	DBCPU[$name]=$(per_request "${DBCPU[$name]}" "${RPS[$name]}" \
	    "$([ "$STORE" = postgresql ] && echo postgres)")
}
HZ=$(getconf CLK_TCK)

# per_request TICKS RPS PROGRAM: microseconds of CPU per request.
per_request() {
	awk -v t="$1" -v hz="$HZ" -v r="$2" -v d="$T" -v p="$3" 'BEGIN {
		if (p == "") print "-"
		else printf "%.0f\n", (r > 0 ? t / hz * 1e6 / (r * d) : 0) }'
}

# The bound on logins: one bcrypt hash at cost $1 through the project's
# pw_hash(), alone, then on every core at once (what the machine gives
# while other work runs on it).
hash() {
	AUTH_BCRYPT_COST=$1 AUTH_DB=:memory: AUTH_JWT_SECRET=$SECRET \
	    bench/hashtime "$2"
}

# each NAME CONNECTIONS PATH SCRIPT PROGRAM [SAMPLE]: run on every
# store in turn, with the access tokens of $ACCESS (default access.one).
each() {
	local st
	for st in "${STORES[@]}"; do
		use "$st"
		BENCH_ACCESS=$SDIR/${ACCESS:-access.one} \
		    run "$1" "$2" "$B$3" "$4" "$5" "${6:-}"
	done
}
declare -A MEM

# seed: BENCH_USERS users and sessions more, timed, and tokens for
# sessions of BENCH_SPREAD of them, all over the table.
seed() {
	local t0
	t0=$(date +%s)
	case $STORE in
	sqlite) sqlite3 "$STATE/sqlite/auth.db" ".parameter set @n $USERS" \
	    ".read bench/seed.sql" ;;
	postgresql) psql -XAtq -v ON_ERROR_STOP=1 -v n="$USERS" "$PG_URI" \
	    -f bench/seed-postgresql.sql >/dev/null ;;
	esac
	SEED_S[$STORE]=$(( $(date +%s) - t0 ))
	sql "SELECT user_id, id FROM sessions WHERE user_agent = 'seed'
	    ORDER BY random() LIMIT $SPREAD" |
	    AUTH_DB=:memory: AUTH_JWT_SECRET=$SECRET bench/mint \
	    > "$SDIR/access.spread"
}
declare -A SEED_S
SEEDED=

HASH_MS=$(hash "$COST" 5)
PAR=$(for _ in $(seq "$CORES"); do hash "$COST" 3 & done; wait)
S=${STORES[0]}
export BENCH_EMAIL=bench@example.com BENCH_THREADS=$TH
for st in "${STORES[@]}"; do
	use "$st"
	serve "$COST"
	account "$BENCH_EMAIL"
	EMAIL=$BENCH_EMAIL chains
done
use "$S"
run "static file" "$C" "$B/bench/static.txt" "" ""
run "trivial FastCGI" "$C" "$B/bench/trivial" "" trivial.fcgi
each "GET /health" "$C" /health "" health.fcgi
each "GET /user-info" "$C" /user-info bench/user-info.lua user-info.fcgi
each "GET /user-info (again)" "$C" /user-info bench/user-info.lua \
    user-info.fcgi sample
each "POST /refresh chains" "$C" /refresh bench/refresh.lua refresh.fcgi \
    sample

# The scale pass, before the logins (which evict the benchmark token's
# session: AUTH_MAX_SESSIONS).
if [ "${BENCH_SEED:-1}" = 1 ]; then
	for st in "${STORES[@]}"; do
		use "$st"
		seed
	done
	each "GET /user-info, seeded" "$C" /user-info bench/user-info.lua \
	    user-info.fcgi
	ACCESS=access.spread each "seeded, $SPREAD users" "$C" /user-info \
	    bench/user-info.lua user-info.fcgi
	SEEDED=1
fi
each "POST /login" "$((2 * PROCS))" /login bench/login.lua login.fcgi sample
for st in "${STORES[@]}"; do
	use "$st"
	for p in cgi-bin/*.fcgi; do
		MEM[$st:$(basename "$p")]=$(mem "$(basename "$p")")
	done
done
# Both stores: logins at cost 4 too, where the store's part shows: the
# servers at cost 4, and an account whose hash is.
if [ "${#STORES[@]}" -gt 1 ]; then
	for st in "${STORES[@]}"; do
		use "$st"
		serve 4
		account bench4@example.com
	done
	BENCH_EMAIL=bench4@example.com each "POST /login, cost 4" \
	    "$((2 * PROCS))" /login bench/login.lua login.fcgi
fi

# The table of the first store, as issue 8 has it.
trivial=${RPS["$S:trivial FastCGI"]}
static=${RPS["$S:static file"]}
printf '\nfcgi-auth benchmark: %s cores (%s), wrk -t%s -c%s -d%ss, %s processes per program\n\n' \
    "$CORES" "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
    "$TH" "$C" "$T" "$PROCS"
NAMES=("static file" "trivial FastCGI" "GET /health" "GET /user-info"
    "GET /user-info (again)" "POST /refresh chains"
    ${SEEDED:+"GET /user-info, seeded" "seeded, $SPREAD users"} "POST /login")
printf '%-28s %9s %7s %7s %6s %8s %8s %8s\n' "scenario ($S)" req/s p50/ms \
    p99/ms errors cpu/us /trivial /static
for name in "${NAMES[@]}"; do
	k=$S:$name
	printf '%-28s %9s %7s %7s %6s %8s %8s %8s\n' "$name" "${RPS[$k]}" \
	    "${P50[$k]}" "${P99[$k]}" "${ERR[$k]}" "${CPU[$k]}" \
	    "$(awk -v a="${RPS[$k]}" -v b="$trivial" 'BEGIN {printf "%.2f", a / b}')" \
	    "$(awk -v a="${RPS[$k]}" -v b="$static" 'BEGIN {printf "%.2f", a / b}')"
done
printf '\ncpu/us: CPU time of the program'"'"'s processes per request (not lighttpd'"'"'s,\n'
printf 'nor wrk'"'"'s).  POST /login: %s connections; the rest: %s.\n' \
    "$((2 * PROCS))" "$C"
[ -n "$SEEDED" ] && printf 'seeded: %s users and sessions more (%s s to seed); the first user\n  again, then tokens of %s seeded users, a different one per request.\n' \
    "$USERS" "${SEED_S[$S]}" "$SPREAD"

# Each store beside the first.
if [ "${#STORES[@]}" -gt 1 ]; then
	P=${STORES[1]}
	printf '\n%-28s %9s %7s %9s %7s %6s %7s %8s\n' scenario "$S" p99/ms \
	    "$P" p99/ms errors "$P/$S" "cpu/us"
	for name in "${NAMES[@]:2}" "POST /login, cost 4"; do
		printf '%-28s %9s %7s %9s %7s %6s %7s %8s\n' "$name" \
		    "${RPS[$S:$name]}" "${P99[$S:$name]}" "${RPS[$P:$name]}" \
		    "${P99[$P:$name]}" "${ERR[$P:$name]}" \
		    "$(awk -v a="${RPS[$P:$name]}" -v b="${RPS[$S:$name]}" \
		    'BEGIN {printf "%.0f%%", 100 * a / b}')" \
		    "${CPU[$P:$name]}+${DBCPU[$P:$name]}"
	done
	printf '\nreq/s of each store; %s/%s: the ratio.  cpu/us on %s: the program'"'"'s\n' "$P" "$S" "$P"
	printf 'processes + the PostgreSQL server'"'"'s, per request (SQLite works inside the\n'
	printf 'program).  %s seeded in %s s.  POST /login, cost 4: a second account,\n' \
	    "$P" "${SEED_S[$P]:--}"
	printf 'its hash and the server at cost 4.\n'
fi

BOUND=$(awk -v c="$CORES" -v ms="$HASH_MS" 'BEGIN {printf "%.2f", c * 1000 / ms}')
PBOUND=$(awk '{s += 1000 / $1} END {printf "%.2f", s}' <<<"$PAR")
printf '\nbcrypt at cost %s: %s ms per hash alone: bound %s logins/s on %s cores\n' \
    "$COST" "$HASH_MS" "$BOUND" "$CORES"
printf '  (%s hashing at once: %s ms each, %s hashes/s)\n' "$CORES" \
    "$(tr '\n' ' ' <<<"$PAR" | sed 's/ $//')" "$PBOUND"
awk -v cpu="${CPU["$S:POST /login"]}" -v ms="$HASH_MS" -v r="${RPS["$S:POST /login"]}" \
    -v t="$T" -v c="$CORES" 'BEGIN {
	printf "POST /login: %.1f ms of CPU per login, %.2f hashes'"'"' worth; its processes\n", cpu / 1000, cpu / 1000 / ms
	printf "  had %.1f of the %d CPU-seconds of the run (the rest: lighttpd, wrk,\n", cpu * r * t / 1e6, c * t
	printf "  and whatever else the machine ran)\n" }'

printf '\nresident memory after the runs, kB (largest process of each program;\n'
printf 'shared: program and library pages, mapped from files and shared\n'
printf 'between processes; private: heap, stacks, page cache):\n'
printf '  %-24s' program
for st in "${STORES[@]}"; do printf ' %6s %7s %8s' "rss" shared "private"; done
printf '\n'
MAXRSS=0
for p in cgi-bin/*.fcgi; do
	printf '  %-24s' "$(basename "$p")"
	for st in "${STORES[@]}"; do
		read -r r f a <<<"${MEM[$st:$(basename "$p")]}"
		printf ' %6s %7s %8s' "$r" "$f" "$a"
		[ "$st" != "$S" ] || [ "$r" -le "$MAXRSS" ] || MAXRSS=$r
	done
	printf '\n'
done
[ "${#STORES[@]}" -eq 1 ] ||
    printf '  (left: %s; right: %s, with libpq and its libraries)\n' "$S" "${STORES[1]}"

# The targets (issue 8), checked on the first store.
ui=${RPS["$S:GET /user-info (again)"]}
check() {	# check DESCRIPTION CONDITION(awk) SHOWN
	if awk "BEGIN {exit !($2)}"; then
		printf '  [pass] %s: %s\n' "$1" "$3"
	else
		printf '  [FAIL] %s: %s\n' "$1" "$3"
		FAILED=1
	fi
}
# grown NAME: "rss half-way -> at the end" and whether it grew by more
# than 128 kB (a leak of 3 bytes a request over 40,000 requests).
grown() {
	local mid end
	read -r mid _ <<<"${MID[$1]}"
	read -r end _ <<<"${END[$1]}"
	printf '%s %s' "$mid" "$end"
}
FAILED=0
printf '\ntargets:\n'
for st in "${STORES[@]}"; do
	errors=0
	for k in "${!ERR[@]}"; do
		[[ $k == "$st:"* ]] && errors=$((errors + ${ERR[$k]}))
	done
	check "$st: every answer 2xx, no socket errors" "$errors == 0" "$errors errors"
done
check "GET /user-info >= 60% of the trivial FastCGI program" \
    "$ui >= 0.6 * $trivial" "$(awk -v a="$ui" -v b="$trivial" 'BEGIN {printf "%.0f%%", 100 * a / b}')"
check "GET /user-info p99 < 10 ms at $C connections" \
    "${P99["$S:GET /user-info (again)"]} < 10" "${P99["$S:GET /user-info (again)"]} ms"
if [ -n "$SEEDED" ]; then
	for name in "GET /user-info, seeded" "seeded, $SPREAD users"; do
		s=${RPS[$S:$name]}
		check "$name: within 10% of the empty database" \
		    "$s >= 0.9 * $ui" "$(awk -v a="$s" -v b="$ui" 'BEGIN {printf "%+.1f%%", 100 * (a - b) / b}')"
	done
fi
check "POST /login within 10% of the bcrypt bound" \
    "${RPS["$S:POST /login"]} >= 0.9 * $BOUND" "$(awk -v a="${RPS["$S:POST /login"]}" -v b="$BOUND" 'BEGIN {printf "%.0f%% of %s/s", 100 * a / b, b}')"
check "resident memory per program < 8 MB" "$MAXRSS < 8192" "largest $MAXRSS kB"
for name in "GET /user-info (again)" "POST /refresh chains" "POST /login"; do
	for st in "${STORES[@]}"; do
		read -r mid end <<<"$(grown "$st:$name")"
		check "$st: memory not growing over $name" "$end <= $mid + 128" \
		    "$mid kB half-way, $end kB at the end"
	done
done

# PostgreSQL beside SQLite (issue 16).
if [ "${#STORES[@]}" -gt 1 ]; then
	P=${STORES[1]}
	ratio() { awk -v a="${RPS[$P:$1]}" -v b="${RPS[$S:$1]}" 'BEGIN {printf "%.0f%% of %s", 100 * a / b, b}'; }
	check "$P: GET /user-info >= 60% of $S's" \
	    "${RPS[$P:GET /user-info (again)]} >= 0.6 * $ui" \
	    "$(ratio "GET /user-info (again)")"
	for name in "POST /refresh chains" "POST /login, cost 4"; do
		check "$P: $name >= $S's" \
		    "${RPS[$P:$name]} >= ${RPS[$S:$name]}" "$(ratio "$name")"
	done
fi
exit "$FAILED"
