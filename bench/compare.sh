#!/usr/bin/env bash
# bench/compare.sh SQLITE POSTGRESQL: each figure of bench/run.sh's
# PostgreSQL pass beside the SQLite pass's (the files BENCH_OUT wrote:
# "scenario|req/s|p99/ms|cpu/us|db/us" a line), then the targets of
# issue 16, checked: the exit status is 1 when one is missed.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: bench/compare.sh SQLITE POSTGRESQL" >&2; exit 2; }

printf '\nPostgreSQL beside SQLite (one pass each, one after the other; load average now: %s)\n\n' \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %9s %7s %10s %7s %7s %11s\n' scenario sqlite p99/ms postgresql \
    p99/ms pg/sqlite cpu/us
declare -A S
while IFS='|' read -r name rps p99 _; do
	S[$name]="$rps $p99"
done <"$1"
declare -A RATIO
while IFS='|' read -r name rps p99 cpu db; do
	read -r srps sp99 <<<"${S[$name]:-0 -}"
	RATIO[$name]=$(awk -v a="$rps" -v b="$srps" 'BEGIN {printf "%.0f", (b > 0 ? 100 * a / b : 0)}')
	printf '%-28s %9s %7s %10s %7s %6s%% %11s\n' "$name" "$srps" "$sp99" \
	    "$rps" "$p99" "${RATIO[$name]}" "$cpu+$db"
done <"$2"
printf '\ncpu/us on PostgreSQL: the program'"'"'s processes + the server'"'"'s, per request.\n'

FAILED=0
check() {	# check DESCRIPTION PERCENT MINIMUM
	if [ "${2:-0}" -ge "$3" ]; then
		printf '  [pass] %s: %s%%\n' "$1" "$2"
	else
		printf '  [FAIL] %s: %s%%\n' "$1" "$2"
		FAILED=1
	fi
}
printf '\ntargets of issue 16 (PostgreSQL as a share of SQLite'"'"'s req/s):\n'
check "GET /user-info at least 60%" "${RATIO["GET /user-info (again)"]:-0}" 60
check "POST /refresh at least 100%" "${RATIO["POST /refresh chains"]:-0}" 100
# Logins to different accounts: the parallel writers the target is
# about.  Logins to one account take turns on both stores.
check "POST /login at cost 4, an account per connection, at least 100%" \
    "${RATIO["POST /login, cost 4, each"]:-0}" 100
printf '  [info] POST /login at cost 4, one account: %s%%\n' \
    "${RATIO["POST /login, cost 4"]:-0}"
exit "$FAILED"
