#!/bin/sh
# make deb: build the Debian package with Debian's tools (dpkg-buildpackage,
# debhelper; debian/) from a copy of the tree's sources, check it with
# lintian, and copy it here as fcgi-auth_VERSION_ARCH.deb.
#
# The copy is git's files, tracked or new, minus what .gitignore keeps
# out (build output, state, Swagger UI from npm), so the package is the
# same from a clean clone or a used tree, and the build leaves nothing
# in the tree but the .deb (which git ignores).  DEB_DIR (default
# deb-build) holds the copy and dpkg-buildpackage's other output.
set -eu
cd "$(dirname "$0")/.."

dir=${DEB_DIR:-deb-build}
version=$(dpkg-parsechangelog -S Version)
src=$dir/fcgi-auth-$version

rm -rf "$dir"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard |
    xargs -0 sh -c 'for f; do [ ! -e "$f" ] || echo "$f"; done' sh |
    tar -cf - -T - | tar -xf - -C "$src"

echo "deb: dpkg-buildpackage in $src"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$dir/build.log" 2>&1 || {
	tail -n 40 "$dir/build.log" >&2
	echo "deb: the build failed; the whole log is $dir/build.log" >&2
	exit 1
}

deb=$(ls "$dir"/fcgi-auth_"$version"_*.deb)
rm -f fcgi-auth_*.deb
cp "$deb" .
echo "deb: $(basename "$deb")"

# lintian: errors fail the build; warnings and the rest are shown.
# --fail-on error (lintian 2.6+) is the default; say it anyway.
echo "deb: lintian"
lintian --fail-on error --info --display-info --pedantic \
    $([ "$(id -u)" -ne 0 ] || echo --allow-root) \
    "$dir"/fcgi-auth_"$version"_*.changes
