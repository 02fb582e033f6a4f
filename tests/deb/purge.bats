#!/usr/bin/env bats
# make test-deb, last step: apt-get remove takes the programs and
# disables the snippets but keeps the settings and the state; apt-get
# purge then leaves nothing of the package: no file it installed, no
# state, no settings, no enabled snippet, no trace in Apache's helper
# state, no program running.  Nothing starts the machine's servers.

load ../lib/server

setup_file() {
	dpkg -L fcgi-auth >"$BATS_FILE_TMPDIR/files"
	{ [ -e /run/lighttpd.pid ] && echo lighttpd
	  [ -e /run/apache2/apache2.pid ] && echo apache2; } \
	    >"$BATS_FILE_TMPDIR/running-before" || :
}
setup() { load_helpers; }

# No service of the machine was started by the package's scripts.
nothing_started() {
	grep -qx lighttpd "$BATS_FILE_TMPDIR/running-before" ||
	    [ ! -e /run/lighttpd.pid ]
	grep -qx apache2 "$BATS_FILE_TMPDIR/running-before" ||
	    [ ! -e /run/apache2/apache2.pid ]
}

@test "deb: apt-get remove disables the snippets, keeps settings and state" {
	[ -s "$BATS_FILE_TMPDIR/files" ]
	run env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q fcgi-auth
	assert_success
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' fcgi-auth)" = 'rc ' ]
	[ ! -e /usr/lib/fcgi-auth ] && [ ! -e /usr/sbin/authctl ]
	[ ! -e /etc/lighttpd/conf-enabled/50-fcgi-auth.conf ]
	[ ! -e /etc/apache2/conf-enabled/fcgi-auth.conf ]
	# lighttpd's own configuration is sound without the package.
	lighttpd -tt -f /etc/lighttpd/lighttpd.conf
	[ -f /etc/fcgi-auth/fcgi-auth.conf ]
	[ -f /var/lib/fcgi-auth/auth.db ] && [ -f /var/lib/fcgi-auth/jwt.secret ]
	nothing_started
}

@test "deb: apt-get purge leaves nothing" {
	local f
	run env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q fcgi-auth
	assert_success
	run dpkg-query -W -f='${db:Status-Abbrev}' fcgi-auth
	[ "$status" -ne 0 ] || [ "$output" = 'un ' ]
	# Every file the package had.
	while read -r f; do
		[ -d "$f" ] || [ ! -e "$f" ] || { echo "left: $f"; false; }
	done <"$BATS_FILE_TMPDIR/files"
	for f in /usr/lib/fcgi-auth /usr/share/fcgi-auth /usr/share/doc/fcgi-auth \
	    /etc/fcgi-auth /var/lib/fcgi-auth \
	    /etc/lighttpd/conf-available/50-fcgi-auth.conf \
	    /etc/lighttpd/conf-enabled/50-fcgi-auth.conf \
	    /etc/apache2/conf-available/fcgi-auth.conf \
	    /etc/apache2/conf-enabled/fcgi-auth.conf; do
		[ ! -e "$f" ] && [ ! -L "$f" ] || { echo "left: $f"; false; }
	done
	run bash -c "find /var/lib/apache2 /run/lighttpd -name '*fcgi-auth*' 2>/dev/null"
	assert_output ''
	run pgrep -f '^/usr/lib/fcgi-auth/'
	assert_failure
	nothing_started
}
