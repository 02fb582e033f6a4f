#!/usr/bin/env bash
# bench/compare.sh OUT: each figure of bench/run.sh's PostgreSQL passes
# beside the SQLite passes' (the files BENCH_OUT wrote in folder OUT,
# sqlite.N and postgresql.N for round N: "scenario|req/s|p99/ms|cpu/us|
# db/us|steal%" a line), then the targets of issue 16, checked: the
# exit status is 1 when one is missed.  A scenario's figure on a store
# is its best run of the rounds (its highest req/s, with that run's
# p99, CPU and steal): other guests of the machine only ever slow one.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: bench/compare.sh OUT" >&2; exit 2; }

# best STORE: each scenario's best line of the store's rounds, in the
# order of the first round.
best() {
	awk -F'|' '!($1 in rps) { order[++n] = $1 }
	    !($1 in rps) || $2 + 0 > rps[$1] + 0 { rps[$1] = $2; line[$1] = $0 }
	    END { for (i = 1; i <= n; i++) print line[order[i]] }' \
	    $(ls "$1"/"$2".* | sort -t. -k2n)
}

rounds=$(ls "$1"/sqlite.* | wc -l)
printf '\nPostgreSQL beside SQLite (the best of %s runs each, the stores taking turns; load average now: %s)\n\n' \
    "$rounds" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %9s %7s %6s %10s %7s %6s %7s %11s\n' scenario sqlite p99/ms \
    steal postgresql p99/ms steal pg/sqlite cpu/us
declare -A S
while IFS='|' read -r name rps p99 _ _ steal; do
	S[$name]="$rps $p99 $steal"
done < <(best "$1" sqlite)
declare -A RATIO
while IFS='|' read -r name rps p99 cpu db steal; do
	read -r srps sp99 ssteal <<<"${S[$name]:-0 - -}"
	RATIO[$name]=$(awk -v a="$rps" -v b="$srps" 'BEGIN {printf "%.0f", (b > 0 ? 100 * a / b : 0)}')
	printf '%-28s %9s %7s %5s%% %10s %7s %5s%% %6s%% %11s\n' "$name" \
	    "$srps" "$sp99" "$ssteal" "$rps" "$p99" "$steal" "${RATIO[$name]}" \
	    "$cpu+$db"
done < <(best "$1" postgresql)
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
