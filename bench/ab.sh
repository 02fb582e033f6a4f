#!/usr/bin/env bash
# bench/ab.sh A B [SCENARIOS]: two builds of the project (git revisions
# A and B, e.g. HEAD~1 and HEAD) measured in turn, so that both see the
# same machine: each is checked out and built in a worktree of its own,
# then BENCH_ROUNDS (3) rounds run bench/run.sh of A, then of B, on the
# scenarios whose names SCENARIOS matches (an extended regular
# expression, default "refresh"), and bench/compare.sh puts each of
# B's best runs beside A's.  A change is worth keeping when B beats A
# by more than the same build beats itself (bench/ab.sh HEAD HEAD: on
# this machine, a neighbour moves one run by 10-20%).  DB=postgresql
# measures on PostgreSQL; the other knobs are bench/run.sh's.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -eq 2 ] || [ $# -eq 3 ] ||
    { echo "usage: bench/ab.sh A B [SCENARIOS]" >&2; exit 2; }
only=${3:-refresh}
# Under /tmp, which the postgres user can pass through (bench/run.sh).
work=$(mktemp -d /tmp/fcgi-auth-ab.XXXXXX)
chmod 711 "$work"
cleanup() {
	local side
	for side in a b; do
		[ ! -d "$work/$side" ] ||
		    git worktree remove --force "$work/$side" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT

# The same targets as make bench, in each worktree (named here, not
# by a target of the Makefile: an older revision's has none to build
# them without running); both are measured by this checkout's scripts,
# the instrument, with their own programs and lighttpd.conf.
for side in a b; do
	rev=$1
	[ "$side" = a ] || rev=$2
	git worktree add --detach "$work/$side" "$rev" >/dev/null
	cp bench/*.sh bench/*.lua "$work/$side/bench/"
	make -C "$work/$side" -s -j"$(nproc)" all bench/trivial.fcgi \
	    bench/hashtime bench/mint bench/metricstime >/dev/null
done
for round in $(seq "${BENCH_ROUNDS:-3}"); do
	for side in a b; do
		echo "round $round, $side ($(git -C "$work/$side" log -1 --format='%h %s' | cut -c1-60))"
		BENCH_ONLY=$only BENCH_SEED=0 BENCH_STORE=${DB:-sqlite} \
		    BENCH_OUT=$work/$side.$round "$work/$side/bench/run.sh" |
		    sed '/^bench: load/d'
	done
done
bench/compare.sh "$work" a b
