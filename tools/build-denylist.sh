#!/bin/sh
# Rebuild db/common-passwords.txt, the common passwords refused by the
# password policy, from Openwall's John the Ripper list as Debian ships
# it in the john-data package (public domain, see its header):
#
#   apt-get install -y john-data
#   tools/build-denylist.sh [/usr/share/john/password.lst] > db/common-passwords.txt
#
# Steps: drop the list's "#!comment" lines and empty lines, lower-case
# (the policy compares case-insensitively), keep entries of at most 72
# bytes (longer ones could never be set), sort bytewise (LC_ALL=C, the
# order strcmp() and bsearch() use) and drop duplicates.  Every length
# is kept, since AUTH_PASSWORD_MIN may be set as low as 1.
set -eu
src=${1:-/usr/share/john/password.lst}
[ -r "$src" ] || { echo "build-denylist: $src: not readable (apt-get install john-data)" >&2; exit 1; }

pkg=$(dpkg-query -W -f='${Package} ${Version}' john-data 2>/dev/null || echo "john-data (version unknown)")
sum=$(sha256sum "$src" | cut -d' ' -f1)
list=$(grep -v '^#!comment' "$src" | tr -d '\r' | tr 'A-Z' 'a-z' |
    LC_ALL=C awk 'length($0) > 0 && length($0) <= 72' | LC_ALL=C sort -u)
count=$(printf '%s\n' "$list" | wc -l)

cat <<HEADER
# Common passwords refused by fcgi-auth's password policy.
# One password a line, lower case, sorted bytewise; lines starting
# with "#" are comments.  Made by tools/build-denylist.sh from
# $src of Debian's $pkg
# (Openwall's John the Ripper password list by Solar Designer, 1996-2011,
# public domain), sha256 $sum:
# comments and empty lines dropped, lower-cased, at most 72 bytes,
# LC_ALL=C sort -u.  $count entries.
HEADER
printf '%s\n' "$list"
