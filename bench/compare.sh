#!/usr/bin/env bash
# bench/compare.sh OUT [A B]: each figure of bench/run.sh's passes of
# side B beside side A's (the files BENCH_OUT wrote in folder OUT, A.N
# and B.N for round N: "scenario|req/s|p99/ms|cpu/us|db/us|steal%" a
# line).  The sides are sqlite and postgresql by default, and then the
# targets of issue 16 are checked: the exit status is 1 when one is
# missed; bench/ab.sh names two builds instead.  A scenario's figure on
# a side is its best run of the rounds (its highest req/s, with that
# run's p99, CPU and steal): other guests of the machine only ever
# slow one.
set -euo pipefail

[ $# -eq 1 ] || [ $# -eq 3 ] ||
    { echo "usage: bench/compare.sh OUT [A B]" >&2; exit 2; }
a=${2:-sqlite} b=${3:-postgresql}

# best OUT SIDE: each scenario's best line of the side's rounds, in the
# order of the first round.
best() {
	awk -F'|' '!($1 in rps) { order[++n] = $1 }
	    !($1 in rps) || $2 + 0 > rps[$1] + 0 { rps[$1] = $2; line[$1] = $0 }
	    END { for (i = 1; i <= n; i++) print line[order[i]] }' \
	    $(ls "$1"/"$2".* | sort -t. -k2n)
}

rounds=$(ls "$1/$a".* | wc -l)
printf '\n%s beside %s (the best of %s runs each, taking turns; load average now: %s)\n\n' \
    "$b" "$a" "$rounds" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %10s %7s %6s %10s %7s %6s %7s %11s\n' scenario "$a" p99/ms \
    steal "$b" p99/ms steal ratio cpu/us
declare -A S
while IFS='|' read -r name rps p99 _ _ steal; do
	S[$name]="$rps $p99 $steal"
done < <(best "$1" "$a")
declare -A RATIO
while IFS='|' read -r name rps p99 cpu db steal; do
	read -r srps sp99 ssteal <<<"${S[$name]:-0 - -}"
	RATIO[$name]=$(awk -v a="$rps" -v b="$srps" 'BEGIN {printf "%.0f", (b > 0 ? 100 * a / b : 0)}')
	printf '%-28s %10s %7s %5s%% %10s %7s %5s%% %6s%% %11s\n' "$name" \
	    "$srps" "$sp99" "$ssteal" "$rps" "$p99" "$steal" "${RATIO[$name]}" \
	    "$cpu+$db"
done < <(best "$1" "$b")
printf '\nratio: %s as a share of %s; cpu/us: %s'"'"'s, the program'"'"'s processes\n' \
    "$b" "$a" "$b"
printf '+ the PostgreSQL server'"'"'s (- on SQLite), per request.\n'
[ "$a $b" = "sqlite postgresql" ] || exit 0

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
