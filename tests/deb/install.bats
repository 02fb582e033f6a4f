#!/usr/bin/env bats
# make test-deb, step 1: the package installs with apt, lays itself out
# the Debian way, enables with lighty-enable-mod and a2enconf without
# starting anything, and serves /auth/ of a site through lighttpd and
# Apache as www-data with nothing but /etc/fcgi-auth/fcgi-auth.conf;
# authctl needs nothing else either.  Run by tests/deb/run.sh, which
# purges the package afterwards (tests/deb/purge.bats).

load ../lib/server
load ../lib/users

CONF=/etc/fcgi-auth/fcgi-auth.conf
VAR=/var/lib/fcgi-auth

setup_file() {
	# The machine's own servers, to show that nothing starts them.
	{ [ -e /run/lighttpd.pid ] && echo lighttpd
	  [ -e /run/apache2/apache2.pid ] && echo apache2; } \
	    >"$BATS_FILE_TMPDIR/running-before" || :
	# The throwaway servers run as www-data: a state folder it owns.
	STATE=$(mktemp -d /tmp/fcgi-auth-deb.XXXXXX)
	chown www-data:www-data "$STATE"
	# The installed site, as installed: lighttpd as www-data with the
	# settings file, and nothing from this environment.
	export STATE DEBIAN_LIGHTTPD_ARGS=--system
}
teardown_file() {
	server_stop
	apache_stop
	rm -rf "$STATE"
}
# A server a test started keeps serving the next ones, on its port.
setup() {
	load_helpers
	if [ -e "$STATE/port" ]; then
		PORT=$(cat "$STATE/port")
		BASE=http://127.0.0.1:$PORT$SITE_PREFIX
		SCHEME=http
	fi
}

# A throwaway Apache with the package's snippet on PORT, in the
# foreground, as www-data: apache_start, apache_stop.
apache_start() {
	local d=$STATE/apache i
	mkdir -p "$d/fcgid"
	chown -R www-data:www-data "$d"
	cat >"$d/httpd.conf" <<EOF
ServerRoot "$d"
ServerName 127.0.0.1
Listen 127.0.0.1:$PORT
PidFile "$d/httpd.pid"
DefaultRuntimeDir "$d"
ErrorLog "$d/error.log"
User www-data
Group www-data
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
LoadModule fcgid_module /usr/lib/apache2/modules/mod_fcgid.so
TypesConfig /etc/mime.types
FcgidIPCDir "$d/fcgid"
FcgidProcessTableFile "$d/fcgid-shm"
DocumentRoot /var/www/html
Include /etc/apache2/conf-available/fcgi-auth.conf
EOF
	setsid apache2 -DFOREGROUND -f "$d/httpd.conf" </dev/null \
	    >"$d/stdout.log" 2>&1 3>&- 4>&- &
	echo $! >"$d/pid"
	for i in $(seq 100); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' \
		    "$BASE/health")" = 200 ] && return 0
		sleep 0.1
	done
	cat "$d/stdout.log" "$d/error.log" >&2
	return 1
}

apache_stop() {
	local pid i
	pid=$(cat "$STATE/apache/pid" 2>/dev/null) || return 0
	rm -f "$STATE/apache/pid"
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		alive "$pid" || return 0
		sleep 0.05
	done
	kill -KILL -- "-$pid" 2>/dev/null || :
}

# users_of NAME: who runs the installed program NAME, once each.
users_of() {
	ps -e -o user=,args= |
	    awk -v p="/usr/lib/fcgi-auth/cgi-bin/$1.fcgi" '$2 == p { print $1 }' |
	    sort -u
}

@test "deb: apt-get installs it, its libraries as dependencies" {
	local deb
	deb=$(ls "$ROOT"/fcgi-auth_*.deb)
	run dpkg-deb -f "$deb" Depends
	for lib in libfcgi0ldbl libsqlite3-0 libjson-c5 libcrypt1 libssl3; do
		assert_output --partial "$lib"
	done
	# Loaded with dlopen() for a PostgreSQL AUTH_DB only, so shlibs
	# cannot see it: declared by hand, pipeline mode's libpq 14 or later.
	refute_output --partial libpq5
	run dpkg-deb -f "$deb" Recommends
	assert_output 'libpq5 (>= 14)'
	run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb"
	assert_success
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' fcgi-auth)" = 'ii ' ]
}

@test "deb: programs in /usr/lib, settings in /etc, state in /var/lib, pages in man" {
	local f n=0
	for f in "$ROOT"/cgi-bin/*.c; do
		f=/usr/lib/fcgi-auth/cgi-bin/$(basename "$f" .c).fcgi
		[ "$(stat -c '%a %U' "$f")" = '755 root' ]
		n=$((n + 1))
	done
	[ "$(ls /usr/lib/fcgi-auth/cgi-bin | wc -l)" -eq "$n" ]
	[ -x /usr/sbin/authctl ] && [ -x /usr/lib/fcgi-auth/server-settings ]
	for f in openapi.json index.html docs.js; do
		cmp "$ROOT/docs/$f" "/usr/share/fcgi-auth/docs/$f"
	done
	man -w 5 fcgi-auth.conf && man -w 7 fcgi-auth && man -w 8 authctl
	[ "$(stat -c '%a %U %G' "$CONF")" = '640 root www-data' ]
	[ "$(stat -c '%a %U %G' "$VAR")" = '700 www-data www-data' ]
	# A first secret, made at install, as the programs would make it.
	[ "$(stat -c '%a %U %s' "$VAR/jwt.secret")" = '600 www-data 65' ]
	grep -qx '[0-9a-f]\{64\}' "$VAR/jwt.secret"
	# Apache's copy of the settings: one line per program.
	[ "$(stat -c '%a %U' /etc/fcgi-auth/apache-env.conf)" = '600 root' ]
	[ "$(grep -c '^FcgidCmdOptions /usr/lib/fcgi-auth/cgi-bin/' \
	    /etc/fcgi-auth/apache-env.conf)" -eq "$n" ]
	grep -qxF "	InitialEnv \"AUTH_DB=$VAR/auth.db\" \\" \
	    /etc/fcgi-auth/apache-env.conf
	# The snippets are available, not enabled, and nothing started.
	[ -f /etc/lighttpd/conf-available/50-fcgi-auth.conf ]
	[ -f /etc/apache2/conf-available/fcgi-auth.conf ]
	[ ! -e /etc/lighttpd/conf-enabled/50-fcgi-auth.conf ]
	[ ! -e /etc/apache2/conf-enabled/fcgi-auth.conf ]
	grep -qx lighttpd "$BATS_FILE_TMPDIR/running-before" ||
	    [ ! -e /run/lighttpd.pid ]
	grep -qx apache2 "$BATS_FILE_TMPDIR/running-before" ||
	    [ ! -e /run/apache2/apache2.pid ]
}

@test "deb: lighty-enable-mod and a2enconf enable the snippets, and lighttpd's own configuration takes it" {
	run lighty-enable-mod fcgi-auth
	assert_success
	[ "$(readlink /etc/lighttpd/conf-enabled/50-fcgi-auth.conf)" = \
	    ../conf-available/50-fcgi-auth.conf ]
	# Debian's lighttpd.conf, as it is, with the snippet enabled.
	run lighttpd -tt -f /etc/lighttpd/lighttpd.conf
	assert_success
	run a2enconf fcgi-auth
	assert_success
	[ -L /etc/apache2/conf-enabled/fcgi-auth.conf ]
	# Nothing was started or reloaded.
	grep -qx lighttpd "$BATS_FILE_TMPDIR/running-before" ||
	    [ ! -e /run/lighttpd.pid ]
	grep -qx apache2 "$BATS_FILE_TMPDIR/running-before" ||
	    [ ! -e /run/apache2/apache2.pid ]
}

@test "deb: a reinstall keeps the secret and the settings, and starts nothing" {
	local secret
	secret=$(cat "$VAR/jwt.secret")
	echo '#AUTH_PUBLIC_URL=https://kept.example' >>"$CONF"
	# An upgrade's path in postinst: the snippets are enabled now.
	run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall \
	    "$(ls "$ROOT"/fcgi-auth_*.deb)"
	assert_success
	[ "$(cat "$VAR/jwt.secret")" = "$secret" ]
	grep -qx '#AUTH_PUBLIC_URL=https://kept.example' "$CONF"
	[ "$(stat -c '%a %U %G' "$CONF")" = '640 root www-data' ]
	[ -L /etc/lighttpd/conf-enabled/50-fcgi-auth.conf ]
	grep -qx lighttpd "$BATS_FILE_TMPDIR/running-before" ||
	    [ ! -e /run/lighttpd.pid ]
	grep -qx apache2 "$BATS_FILE_TMPDIR/running-before" ||
	    [ ! -e /run/apache2/apache2.pid ]
}

@test "deb: lighttpd serves /auth/ of the site as www-data, with the settings file" {
	server_start
	echo "$PORT" >"$STATE/port"
	req GET /health
	assert_status 200
	# The programs run as lighttpd's user.
	run users_of health
	assert_output www-data
	register installed@example.com
	assert_header Location "/auth/users/$USER_ID"
	[ "$(stat -c '%U' "$VAR/auth.db")" = www-data ]
	# The metadata's URLs are under the prefix too, and answer.
	req GET /.well-known/oauth-authorization-server
	assert_json .jwks_uri "$BASE/.well-known/jwks.json"
	assert_json .revocation_endpoint "$BASE/revoke"
	req GET /.well-known/jwks.json
	assert_status 200
	assert_json '.keys | length' 1
	req GET /nope
	assert_error 404 not_found
	req GET /openapi.json
	assert_status 200
	assert_json .openapi 3.1.0
	req GET /docs
	assert_status 200
	assert_header X-Frame-Options DENY
	# The rest of the site is the site's.
	run curl -s -o /dev/null -w '%{http_code} %{content_type}' \
	    "http://127.0.0.1:$PORT/nope"
	assert_output --regexp '^404 text/html'
}

@test "deb: authctl makes the first admin with the settings file alone" {
	run env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	    authctl add-user admin@example.com --role admin <<<'correct horse battery'
	assert_success
	assert_output --regexp '^created user [0-9]+ admin@example.com \(admin\)$'
	# Run by root, it worked as the programs' user.
	run find "$VAR" ! -user www-data
	assert_output ''
	login admin@example.com 'correct horse battery'
	req GET /users '' -H "$(auth "$ACCESS")"
	assert_status 200
	assert_json .total 2
	run env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin authctl list-users
	assert_success
	assert_line --regexp '^[0-9]+	installed@example.com	-	user	'
}

@test "deb: a value reaches the programs exactly, through lighttpd and through Apache" {
	local value='fcgi-auth "deb" back\slash $HOME '"'q'"'  two'
	printf 'AUTH_ISSUER=%s\n' "$value" >>"$CONF"
	server_restart
	login admin@example.com 'correct horse battery'
	[ "$(claim "$ACCESS" iss)" = "$value" ]
	server_stop
	# Apache reads the settings from the copy server-settings writes.
	run /usr/lib/fcgi-auth/server-settings apache
	assert_success
	apache_start
	req GET /health
	assert_status 200
	login admin@example.com 'correct horse battery'
	[ "$(claim "$ACCESS" iss)" = "$value" ]
	register apache@example.com
	assert_header Location "/auth/users/$USER_ID"
	req GET /.well-known/oauth-authorization-server
	assert_json .jwks_uri "$BASE/.well-known/jwks.json"
	req GET /nope
	assert_error 404 not_found
	req GET /users/1 '' -H "$(auth "$ACCESS")"
	assert_status 200
	req GET /openapi.json
	assert_status 200
	assert_header X-Content-Type-Options nosniff
	# Apache's own errors below the prefix are JSON too.
	head -c 200000 /dev/zero >"$BATS_TEST_TMPDIR/big"
	req POST /register '' --data-binary @"$BATS_TEST_TMPDIR/big" \
	    -H 'Content-Type: application/json'
	assert_error 413 payload_too_large
	# mod_fcgid's own limit on a chunked body: 500, JSON too.
	req POST /register '' --data-binary @"$BATS_TEST_TMPDIR/big" \
	    -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked'
	assert_error 500 internal_error
	# Those two answers are files; asked for, they are no path.
	req GET /.413
	assert_error 404 not_found
	run users_of login
	assert_output www-data
	apache_stop
}

@test "deb: a bad line in the settings file stops lighttpd with its number" {
	cp "$CONF" "$BATS_FILE_TMPDIR/conf"
	echo 'AUTH_BCRYPT_COST=eleven' >>"$CONF"
	run /usr/lib/fcgi-auth/server-settings lighttpd
	assert_failure 1
	assert_output "authctl: $CONF: AUTH_BCRYPT_COST: \"eleven\" is not a whole number from 4 to 31"
	run lighttpd -tt -f /etc/lighttpd/lighttpd.conf
	assert_failure
	cp "$BATS_FILE_TMPDIR/conf" "$CONF"
	run lighttpd -tt -f /etc/lighttpd/lighttpd.conf
	assert_success
}
