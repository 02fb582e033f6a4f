#!/usr/bin/env bash
# Run the C unit tests and the bats suites and sum them into one line:
#   N passed, N failed[, N skipped]
# Usage: tests/run.sh [unit|bats|FILE.bats ...]   (default: everything)
# Suite files run JOBS at a time (default: the cores), see run_suites.
# SAN=1: the binaries were built with ASan/UBSan; any report they leave
# counts as a failure.  HOST (lighttpd, apache, cgi) picks the web server
# the suites go through (tests/lib/server.bash).  VALGRIND=1: unit tests run under valgrind.
# DB=postgresql: the store is PostgreSQL, in one throwaway cluster for
# the run (tools/pg-cluster.sh), with a database of its own for each
# suite file (tests/lib/server.bash) and each unit test.
set -u
cd "$(dirname "$0")/.."

# The suites' jq is gojq: tests/lib/bin/jq says why.
export PATH="$PWD/tests/lib/bin:$PATH"

passed=0 failed=0 skipped=0
sanlog=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-auth-san.XXXXXX")
pgdir=
cleanup() {
	if [ -n "$pgdir" ]; then
		tools/pg-cluster.sh stop "$pgdir"
		rm -rf "$pgdir"
	fi
	rm -rf "$sanlog"
}
trap cleanup EXIT

export DB=${DB:-sqlite}
case $DB in
sqlite) ;;
postgresql)
	# Under /tmp, whose path fits a socket's and which the postgres
	# user (and Apache's nobody) can pass through.
	pgdir=$(mktemp -d /tmp/fcgi-auth-pg.XXXXXX)
	tools/pg-cluster.sh start "$pgdir" || exit 1
	export FCGI_AUTH_PG=$pgdir
	;;
*)
	echo "DB=$DB: sqlite or postgresql" >&2
	exit 2
	;;
esac

if [ "${SAN:-}" = 1 ]; then
	# Apache started as root runs the programs as nobody, whose
	# reports must land here too.
	chmod 1777 "$sanlog"
	export ASAN_OPTIONS="log_path=$sanlog/asan:detect_leaks=1:abort_on_error=0"
	export UBSAN_OPTIONS="log_path=$sanlog/ubsan:print_stacktrace=1:halt_on_error=1"
	export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
fi

# Count the TAP lines on stdin, echoing them.
count_tap() {
	local line
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"not ok "*) failed=$((failed + 1)) ;;
		"ok "*"# skip"*|"ok "*"# SKIP"*) skipped=$((skipped + 1)) ;;
		"ok "*) passed=$((passed + 1)) ;;
		esac
	done
}

run_unit() {
	local t out
	for t in tests/unit/test_*.t; do
		echo "# $t"
		# Each test its own database: the store's tests count rows.
		FCGI_AUTH_TEST_DB=
		if [ -n "$pgdir" ]; then
			FCGI_AUTH_TEST_DB=$(tools/pg-cluster.sh createdb "$pgdir" \
			    "unit_$(basename "$t" .t)") || return 1
		fi
		export FCGI_AUTH_TEST_DB
		if [ "${VALGRIND:-}" = 1 ]; then
			out=$(valgrind -q --error-exitcode=99 --leak-check=full \
			    --show-leak-kinds=definite,indirect \
			    --errors-for-leak-kinds=definite,indirect "$t" 2>&1)
		else
			out=$("$t" 2>&1)
		fi
		local rc=$?
		count_tap <<<"$out"
		if [ $rc -ne 0 ] && ! grep -q '^not ok' <<<"$out"; then
			echo "not ok - $t exited with status $rc"
			failed=$((failed + 1))
		fi
	done
}

run_bats() {
	local out
	out=$(bats --tap "$@" 2>&1)
	count_tap <<<"$out"
}

# Suites that run alone, after the rest: those that count the processes
# of a program (pgrep on the tree's path), where another suite's server
# running the same programs would be counted too; and authctl's, whose
# terminal tests drive a pty (once, beside another suite under SAN=1
# HOST=cgi, the refused second password exited 255 instead of 1).
ALONE="attack-crash attack-disconnect metrics authctl"

# run_suites FILE...: the suites JOBS at a time (default: one per core;
# they mostly wait on servers, sleeps and the browser), each file's
# TAP kept and counted in the order given, then the ALONE ones.
run_suites() {
	local dir f n=0 pool=() alone=()
	for f in "$@"; do
		case " $ALONE " in
		*" $(basename "$f" .bats) "*) alone+=("$f") ;;
		*) pool+=("$f") ;;
		esac
	done
	dir=$(mktemp -d "${TMPDIR:-/tmp}/fcgi-auth-tap.XXXXXX")
	# The largest files first (the longest, as a rule), so the others
	# fill in beside them.  (ls with no file would list this folder.)
	[ ${#pool[@]} -eq 0 ] ||
	for f in $(ls -S "${pool[@]}"); do
		n=$((n + 1))
		printf '%s\0%s\0' "$f" "$dir/$(printf '%03d' $n)"
	done | xargs -0 -n 2 -P "${JOBS:-$(nproc)}" \
	    sh -c 'bats --tap "$0" >"$1" 2>&1'
	for f in "$dir"/*; do
		[ -e "$f" ] || continue
		count_tap <"$f"
	done
	rm -rf "$dir"
	[ ${#alone[@]} -eq 0 ] || run_bats "${alone[@]}"
}

case "${1:-all}" in
unit) run_unit ;;
bats) run_suites tests/*.bats ;;
all) run_unit; run_suites tests/*.bats ;;
*) run_suites "$@" ;;
esac

# Sanitizer reports from any program the tests started.
for f in "$sanlog"/*; do
	[ -e "$f" ] || continue
	echo "not ok - sanitizer report $(basename "$f"):"
	sed 's/^/#   /' "$f"
	failed=$((failed + 1))
done

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
