#!/bin/sh
# Install the Debian packages fcgi-auth needs to build, serve and test,
# and any named as arguments (make bench, valgrind and fuzz add theirs).
# Does nothing when they are all present; uses sudo when not root.
set -eu

PACKAGES="build-essential pkg-config libfcgi-dev libsqlite3-dev libjson-c-dev
libjwt-dev libcrypt-dev libssl-dev lighttpd bats bats-assert bats-support
curl jq sqlite3 openssl procps libfcgi-bin spawn-fcgi $*"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
	--no-install-recommends $missing
