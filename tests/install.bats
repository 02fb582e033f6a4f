#!/usr/bin/env bats
# make install into a temporary DESTDIR: the tree, programs that run
# there (as CGI, and under $HOST with the installed example
# configuration), manual pages that render cleanly, and make uninstall
# leaving nothing behind.

load lib/server

# make in the source tree, with the build flags of this run (SAN=1
# must not rebuild the programs without the sanitizers).
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s -C "$ROOT" SAN="${SAN:-}" PREFIX=/usr/local "$@"
}

setup_file() {
	export DEST=$BATS_FILE_TMPDIR/dest
	export P=$DEST/usr/local
	mk install install-conf DESTDIR="$DEST" >"$BATS_FILE_TMPDIR/install.log" 2>&1 ||
	    { cat "$BATS_FILE_TMPDIR/install.log" >&2; return 1; }
}
teardown_file() { server_stop; }
setup() { load_helpers; }

@test "install: the tree, with modes" {
	local f prog
	for f in "$ROOT"/cgi-bin/*.c; do
		prog=$(basename "$f" .c)
		[ "$(stat -c %a "$P/libexec/fcgi-auth/cgi-bin/$prog.fcgi")" = 755 ]
	done
	[ "$(stat -c %a "$P/sbin/authctl")" = 755 ]
	for f in "$ROOT"/db/sqlite/*.sql "$ROOT"/db/postgresql/*.sql; do
		cmp "$f" "$P/share/fcgi-auth/db/${f#"$ROOT"/db/}"
	done
	# Swagger UI's two files go with the rest when the tree has them
	# (make deps-docs, which tests/docs.bats runs); make says when not.
	for f in openapi.json index.html docs.js swagger-ui-bundle.js swagger-ui.css; do
		if [ -e "$ROOT/docs/$f" ]; then
			[ "$(stat -c %a "$P/share/fcgi-auth/docs/$f")" = 644 ]
		else
			[ ! -e "$P/share/fcgi-auth/docs/$f" ]
			grep -q '^install: no Swagger UI' "$BATS_FILE_TMPDIR/install.log"
		fi
	done
	for f in lighttpd.conf lighttpd-tls.conf apache/httpd.conf apache/cgi.conf \
	    apache/tls.conf apache/htaccess; do
		cmp "$ROOT/$f" "$P/share/doc/fcgi-auth/examples/$f"
	done
	[ -x "$P/share/doc/fcgi-auth/examples/apache/run" ]
	for f in verify.py verify.php; do
		cmp "$ROOT/examples/verify/$f" "$P/share/doc/fcgi-auth/examples/verify/$f"
		[ -x "$P/share/doc/fcgi-auth/examples/verify/$f" ]
	done
	[ -f "$P/share/man/man8/authctl.8" ]
	[ -f "$P/share/man/man7/fcgi-auth.7" ]
	[ -f "$P/share/man/man5/fcgi-auth.conf.5" ]
	# Nothing else: no build output, no sources.
	run find "$DEST" -type f \( -name '*.o' -o -name '*.c' -o -name '*.d' \)
	assert_output ''
}

@test "install: the installed programs answer as CGI" {
	local cgi=$P/libexec/fcgi-auth/cgi-bin db secret
	db=$(store_db "$BATS_TEST_TMPDIR/cgi.db")
	# A PostgreSQL store has no folder for a secret of its own making.
	[ "$DB" = sqlite ] || secret="AUTH_JWT_SECRET=install-test-secret-0123456789abcdef
	    $(store_files "$BATS_TEST_TMPDIR")"
	run env -i AUTH_DB="$db" $secret AUTH_BCRYPT_COST=4 REQUEST_METHOD=GET \
	    SCRIPT_NAME=/health "$cgi/health.fcgi"
	assert_success
	assert_line --index 0 $'Status: 200 OK\r'
	assert_output --partial '{"status":"ok"}'
	body='{"email":"installed@example.com","password":"correct horse"}'
	run env -i AUTH_DB="$db" $secret AUTH_BCRYPT_COST=4 REQUEST_METHOD=POST \
	    SCRIPT_NAME=/register CONTENT_TYPE=application/json \
	    CONTENT_LENGTH=${#body} "$cgi/register.fcgi" <<<"$body"
	assert_success
	assert_line --index 0 $'Status: 201 Created\r'
	run env -i AUTH_DB="$db" $secret "$P/sbin/authctl" migrate
	assert_success
	if [ "$DB" = sqlite ]; then
		assert_output --partial "database $db is at schema"
	else
		assert_output --partial "on $FCGI_AUTH_PG is at schema"
	fi
}

@test "install: the installed example configuration serves the installed tree" {
	export SITE_HOME=$P/libexec/fcgi-auth SITE_DOCS=$P/share/fcgi-auth/docs
	export SITE_CONF=$P/share/doc/fcgi-auth/examples
	server_start
	req POST /register '{"email":"served@example.com","password":"correct horse"}'
	assert_status 201
	req GET /nope
	assert_error 404 not_found
	req GET /openapi.json
	assert_status 200
	assert_json .openapi 3.1.0
	req GET /docs/swagger-ui-bundle.js
	if [ -e "$ROOT/docs/swagger-ui-bundle.js" ]; then
		assert_status 200
	else
		assert_error 404 not_found
	fi
	server_stop
}

@test "install: the installed TLS example serves the installed tree" {
	export SITE_HOME=$P/libexec/fcgi-auth SITE_DOCS=$P/share/fcgi-auth/docs
	export SITE_CONF=$P/share/doc/fcgi-auth/examples
	server_start --tls
	req GET /health
	assert_status 200
	server_stop
}

@test "install-conf: the settings file and the Debian snippets, with the installed paths" {
	local f
	for f in "$P/etc/fcgi-auth/fcgi-auth.conf" \
	    "$P/etc/lighttpd/conf-available/50-fcgi-auth.conf" \
	    "$P/etc/apache2/conf-available/fcgi-auth.conf" \
	    "$P/libexec/fcgi-auth/server-settings"; do
		[ -s "$f" ]
		run grep -n '@[a-z]*dir@' "$f"
		assert_output ''
	done
	[ "$(stat -c %a "$P/etc/fcgi-auth/fcgi-auth.conf")" = 640 ]
	[ -x "$P/libexec/fcgi-auth/server-settings" ]
	grep -qx 'AUTH_DB=/usr/local/var/lib/fcgi-auth/auth.db' \
	    "$P/etc/fcgi-auth/fcgi-auth.conf"
	grep -qF 'include_shell "/usr/local/libexec/fcgi-auth/server-settings lighttpd"' \
	    "$P/etc/lighttpd/conf-available/50-fcgi-auth.conf"
	grep -qF 'Include /usr/local/etc/fcgi-auth/apache-env.conf' \
	    "$P/etc/apache2/conf-available/fcgi-auth.conf"
	grep -qx 'authctl=/usr/local/sbin/authctl' "$P/libexec/fcgi-auth/server-settings"
	# The settings file is one authctl takes as it is.
	run env FCGI_AUTH_CONF="$P/etc/fcgi-auth/fcgi-auth.conf" "$ROOT/tools/authctl" settings
	assert_success
	assert_output 'AUTH_DB=/usr/local/var/lib/fcgi-auth/auth.db'
}

@test "install: the manual pages render without a warning" {
	local page
	for page in "$P/share/man/man8/authctl.8" "$P/share/man/man7/fcgi-auth.7" \
	    "$P/share/man/man5/fcgi-auth.conf.5"; do
		run bash -c "MANWIDTH=80 man --warnings -l '$page' 2>&1 >/dev/null"
		assert_success
		assert_output ''
		run env MANWIDTH=80 man -l "$page"
		assert_success
		assert_output --partial DESCRIPTION
	done
}

@test "install: the pages document every command and every setting" {
	local c v
	for c in $(grep -o '^	{ "[a-z-]*", cmd_' "$ROOT/tools/authctl.c" |
	    cut -d'"' -f2); do
		grep -q "^\.It Cm $c\b" "$ROOT/man/authctl.8" ||
		    { echo "authctl.8 lacks $c"; false; }
	done
	for v in $(grep -o '"AUTH_[A-Z_]*"' "$ROOT/common/config.c" |
	    tr -d '"' | sort -u); do
		grep -q "^\.It Ev $v\b" "$ROOT/man/fcgi-auth.conf.5" ||
		    { echo "fcgi-auth.conf.5 lacks $v"; false; }
	done
	# The settings have one page; the others point to it.
	run grep -l '^\.It Ev AUTH_' "$ROOT/man/fcgi-auth.7" "$ROOT/man/authctl.8"
	assert_output ''
}

@test "install: make uninstall leaves nothing" {
	mk uninstall DESTDIR="$DEST"
	run find "$DEST" -type f -o -type l
	assert_output ''
	run find "$DEST" -name '*fcgi-auth*'
	assert_output ''
}
