#!/bin/sh
# Install what fcgi-auth needs, and does nothing when it is all there
# (uses sudo when not root):
#
#   tools/deps.sh              the Debian packages the build, lighttpd and
#                              the tests need; with HOST=apache or
#                              HOST=cgi, Apache and mod_fcgid too; with
#                              DB=postgresql, the PostgreSQL server
#   tools/deps.sh npm          npm, and what make run serves from npm:
#                              Swagger UI and qrcode-generator
#   tools/deps.sh docs         Chromium and npm for the browser tests,
#                              Swagger UI and qrcode-generator from npm
#                              into docs/node_modules (docs/package-lock.json
#                              pins them), playwright-core into
#                              tests/browser/node_modules (its lock file)
#   tools/deps.sh PACKAGE...   those Debian packages too (make bench: wrk;
#                              make valgrind and make fuzz: theirs)
set -eu
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo

# missing PACKAGE...: those of them not installed, a space before each.
# A package whose triggers are still to run (man-db's, while another
# install is under way) is installed: it works.
missing() {
	for p in "$@"; do
		case $(dpkg-query -W -f='${db:Status-Status}' "$p" \
		    2>/dev/null || true) in
		installed|triggers-pending|triggers-awaited) ;;
		*) printf ' %s' "$p" ;;
		esac
	done
}

# apt_install PACKAGE...: install those of them that are missing.  The
# test suites run two at a time and each installs what it needs, so
# one apt-get runs at a time (.deps.lock), and what the other just
# installed is looked for again once the lock is held; another apt on
# the machine is waited for, up to two minutes.
apt_install() {
	[ -n "$(missing "$@")" ] || return 0
	exec 9>>.deps.lock
	flock 9
	need=$(missing "$@")
	if [ -n "$need" ]; then
		echo "deps: installing$need"
		$sudo apt-get -o DPkg::Lock::Timeout=120 update -q
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive $sudo apt-get \
		    -o DPkg::Lock::Timeout=120 install -y -q \
		    --no-install-recommends $need
	fi
	exec 9>&-
}

if [ "${1:-}" = docs ] || [ "${1:-}" = npm ]; then
	[ "$1" = npm ] || apt_install chromium
	# Node's own packages bring npm; Debian's need it apart.
	command -v npm >/dev/null || apt_install nodejs npm
	# Again only when the lock file changed since the last install.
	if ! cmp -s docs/package-lock.json docs/node_modules/.installed \
	    2>/dev/null; then
		echo "deps: npm ci in docs/"
		# No install scripts: Swagger UI needs none (and one of its
		# dependencies would only report the install).
		(cd docs && npm ci --ignore-scripts --no-audit --no-fund \
		    --loglevel=error &&
		    cp package-lock.json node_modules/.installed)
	fi
	[ "$1" = docs ] || exit 0
	# playwright-core for tests/pages.bats: it drives Debian's
	# chromium, and downloads no browser of its own.
	if ! cmp -s tests/browser/package-lock.json \
	    tests/browser/node_modules/.installed 2>/dev/null; then
		echo "deps: npm ci in tests/browser/"
		(cd tests/browser && npm ci --ignore-scripts --no-audit \
		    --no-fund --loglevel=error &&
		    cp package-lock.json node_modules/.installed)
	fi
	exit 0
fi

PACKAGES="build-essential pkg-config libfcgi-dev libsqlite3-dev libpq-dev
libjson-c-dev libcrypt-dev libssl-dev lighttpd lighttpd-mod-openssl
bats bats-assert
bats-support curl jq gojq sqlite3 man-db groff-base openssl procps libfcgi-bin
spawn-fcgi"
case ${HOST:-lighttpd} in
apache|cgi) PACKAGES="$PACKAGES apache2 libapache2-mod-fcgid" ;;
esac
case ${DB:-sqlite} in
postgresql) PACKAGES="$PACKAGES postgresql postgresql-client" ;;
esac
# shellcheck disable=SC2086
apt_install $PACKAGES "$@"
