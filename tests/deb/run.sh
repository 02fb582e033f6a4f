#!/usr/bin/env bash
# make test-deb: the Debian package (make deb) on this machine, as an
# administrator meets it, in three steps:
#
#   tests/deb/install.bats  apt-get install ./fcgi-auth_*.deb, the
#                           layout, the snippets enabled the Debian way
#                           (nothing started), the installed site through
#                           lighttpd and Apache as www-data with
#                           /etc/fcgi-auth/fcgi-auth.conf, authctl with
#                           the settings file alone
#   SUITES                  the contract's suites through the package's
#                           lighttpd snippet under /auth/ (HOST=debian;
#                           cookies over HTTPS, as a site would serve them)
#   tests/deb/purge.bats    apt-get remove, then purge: nothing left
#
# Every server is a throwaway one on a free port of 127.0.0.1; the
# machine's own lighttpd and Apache are never started.  Needs root, and
# refuses to run where fcgi-auth is installed already (it would purge
# it); a run that stops half-way purges what it installed.
set -u
cd "$(dirname "$0")/../.."

SUITES="register login refresh user-info users profile sessions
account-change password-policy mail cookies cors expiry http hosting
attack-authz attack-input attack-throttle attack-tokens"

[ "$(id -u)" -eq 0 ] || { echo "test-deb: needs root" >&2; exit 1; }
if [ -n "$(dpkg-query -W -f='${db:Status-Abbrev}' fcgi-auth 2>/dev/null |
    tr -d ' un')" ]; then
	echo "test-deb: fcgi-auth is installed: apt-get purge fcgi-auth first" >&2
	exit 1
fi
[ "$(ls fcgi-auth_*.deb 2>/dev/null | wc -l)" -eq 1 ] ||
    { echo "test-deb: make deb first (one fcgi-auth_*.deb here)" >&2; exit 1; }

cleanup() {
	if [ -n "$(dpkg-query -W -f='${db:Status-Abbrev}' fcgi-auth \
	    2>/dev/null | tr -d ' un')" ]; then
		echo "test-deb: purging what this run installed"
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -q fcgi-auth \
		    >/dev/null 2>&1
	fi
}
trap cleanup EXIT

start=$(date +%s)
passed=0 failed=0 skipped=0
# run_step ARGS...: tests/run.sh, its counts added up.
run_step() {
	local out summary p f s
	# One suite at a time: every server of the package's snippet puts
	# its programs' sockets at the same paths in /run/lighttpd.
	out=$(HOST=debian JOBS=1 tests/run.sh "$@" 2>&1)
	printf '%s\n' "$out"
	summary=$(tail -n 1 <<<"$out")
	p=$(sed -n 's/^\([0-9]*\) passed.*/\1/p' <<<"$summary")
	f=$(sed -n 's/.* \([0-9]*\) failed.*/\1/p' <<<"$summary")
	s=$(sed -n 's/.* \([0-9]*\) skipped.*/\1/p' <<<"$summary")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
	skipped=$((skipped + ${s:-0}))
	[ "${f:-1}" -eq 0 ]
}

suites=()
for s in $SUITES; do
	suites+=("tests/$s.bats")
done
if run_step tests/deb/install.bats; then
	run_step "${suites[@]}"
else
	echo "test-deb: the package did not install and serve; no suites"
fi
run_step tests/deb/purge.bats

echo "test-deb: $passed passed, $failed failed, $skipped skipped in $(($(date +%s) - start)) s"
[ "$failed" -eq 0 ]
