#!/usr/bin/env bats
# The settings file (fcgi-auth.conf(5)): authctl reads it for what its
# environment does not set; `authctl settings` checks it and prints it;
# server-settings turns it into the web servers' syntax, exactly.  Bad
# lines are refused by number, never echoing a value.  No server: the
# programs get their settings from the web server.

load lib/server

setup() {
	load_helpers
	CONF=$BATS_TEST_TMPDIR/fcgi-auth.conf
	DB=$BATS_TEST_TMPDIR/auth.db
}

# ctl ARGS...: tools/authctl with the settings file $CONF and no AUTH_*.
ctl() {
	run env -u AUTH_DB FCGI_AUTH_CONF="$CONF" "$ROOT/tools/authctl" "$@"
}

# The installed server-settings, its paths pointing into this tree and
# a cgi-bin/ of two programs; sets SS.
server_settings() {
	local d=$BATS_TEST_TMPDIR/ss
	mkdir -p "$d/lib/fcgi-auth/cgi-bin" "$d/etc/fcgi-auth"
	touch "$d/lib/fcgi-auth/cgi-bin/a.fcgi" "$d/lib/fcgi-auth/cgi-bin/b.fcgi"
	sed -e "s|@sbindir@|$ROOT/tools|g" -e "s|@libexecdir@|$d/lib|g" \
	    -e "s|@sysconfdir@|$d/etc|g" "$ROOT/tools/server-settings.sh" \
	    >"$d/server-settings"
	chmod +x "$d/server-settings"
	SS=$d/server-settings
}

@test "settings file: authctl takes what the environment does not set" {
	printf '# a comment\n\n  # another\nAUTH_DB=%s\nAUTH_BCRYPT_COST=5\n' \
	    "$DB" >"$CONF"
	ctl migrate
	assert_success
	assert_output "database $DB is at schema $(ls "$ROOT"/db/sqlite/[0-9]*.sql | wc -l)"
	ctl add-user ann@example.com <<<'correct horse'
	assert_success
	[ "$(sqlite3 "$DB" 'SELECT substr(password_hash, 1, 7) FROM users')" = '$2b$05$' ]
	# The environment wins, setting by setting.
	run env AUTH_DB="$BATS_TEST_TMPDIR/other.db" FCGI_AUTH_CONF="$CONF" \
	    "$ROOT/tools/authctl" migrate
	assert_success
	assert_output --partial "$BATS_TEST_TMPDIR/other.db"
	run env AUTH_BCRYPT_COST=4 FCGI_AUTH_CONF="$CONF" "$ROOT/tools/authctl" \
	    add-user bob@example.com <<<'correct horse'
	assert_success
	[ "$(sqlite3 "$DB" "SELECT substr(password_hash, 1, 7) FROM users
	    WHERE email = 'bob@example.com'")" = '$2b$04$' ]
}

@test "settings file: the two secret settings count as one" {
	secret=$BATS_TEST_TMPDIR/secret
	(umask 077 && printf '%064d\n' 7 >"$secret")
	printf 'AUTH_DB=%s\nAUTH_JWT_SECRET=%s\n' "$DB" \
	    "file-secret-0123456789abcdef0123456789" >"$CONF"
	chmod 600 "$CONF"
	ctl migrate
	assert_success
	# The environment's secret file replaces the file's secret.
	run env AUTH_JWT_SECRET_FILE="$secret" FCGI_AUTH_CONF="$CONF" \
	    "$ROOT/tools/authctl" migrate
	assert_success
	# In a file others may read, a secret is refused.
	chmod 644 "$CONF"
	ctl migrate
	assert_failure 1
	assert_output "authctl: $CONF:2: AUTH_JWT_SECRET: in a file others may read (chmod o-r it, or use AUTH_JWT_SECRET_FILE)"
	refute_output --partial file-secret
}

@test "settings file: a bad line is refused by number, naming the setting, never the value" {
	local line why
	while IFS='|' read -r line why; do
		printf 'AUTH_DB=%s\n# ok\n%b\n' "$DB" "$line" >"$CONF"
		ctl list-users
		assert_failure 1
		assert_output "authctl: $CONF:3: $why"
		refute_output --partial hush
		ctl settings
		assert_failure 1
		assert_output "authctl: $CONF:3: $why"
	done <<'EOF'
AUTH_NOPE=hush|AUTH_NOPE: unknown setting (fcgi-auth.conf(5) lists them)
FOO=hush|FOO: unknown setting (fcgi-auth.conf(5) lists them)
AUTH_ISSUER="hush"|AUTH_ISSUER: quotes would be part of the value: write it without them
AUTH_ISSUER='hush'|AUTH_ISSUER: quotes would be part of the value: write it without them
AUTH_ISSUER=hu${HOME}sh|AUTH_ISSUER: "${" in the value (Apache would expand it)
AUTH_ISSUER=hush\\|AUTH_ISSUER: a value must not end in "\" (web servers read it as an escape)
AUTH_ISSUER=hu\tsh|AUTH_ISSUER: a control character in the value
AUTH_ISSUER=hush\r|AUTH_ISSUER: a control character in the value
AUTH_ISSUER=|AUTH_ISSUER: empty value (leave the line out for the default)
AUTH_DB=hush|AUTH_DB: set again (first on line 1)
 AUTH_ISSUER=hush|not a setting: write AUTH_NAME=value, with nothing before the name
AUTH_ISSUER = hush|not a setting: write AUTH_NAME=value, with nothing before the name
export AUTH_ISSUER=hush|not a setting: write AUTH_NAME=value, with nothing before the name
auth_issuer=hush|not a setting: write AUTH_NAME=value, with nothing before the name
EOF
}

@test "settings file: where it is" {
	# FCGI_AUTH_CONF names it, and then it must be there.
	run env FCGI_AUTH_CONF="$BATS_TEST_TMPDIR/none" AUTH_DB="$DB" \
	    "$ROOT/tools/authctl" migrate
	assert_failure 1
	assert_output "authctl: $BATS_TEST_TMPDIR/none: No such file or directory"
	# The installed path otherwise, which need not exist.
	run "$ROOT/tools/authctl" --help
	assert_output --partial "and from /usr/local/etc/fcgi-auth/fcgi-auth.conf for those not set"
	[ -e /usr/local/etc/fcgi-auth/fcgi-auth.conf ] ||
	    run env -u FCGI_AUTH_CONF AUTH_DB="$DB" "$ROOT/tools/authctl" migrate
	assert_success
	ctl settings extra
	assert_failure 2
	assert_output 'usage: authctl settings'
}

@test "settings file: authctl settings prints the file's settings, checked, and nothing else" {
	printf 'AUTH_ISSUER=a "b" c\\d $e\nAUTH_DB=%s\n#AUTH_MAX_BODY=1\n' "$DB" >"$CONF"
	run env AUTH_COOKIE_MODE=on FCGI_AUTH_CONF="$CONF" "$ROOT/tools/authctl" settings
	assert_success
	assert_output "AUTH_ISSUER=a \"b\" c\\d \$e
AUTH_DB=$DB"
	# Checked as the programs check them; nothing printed then.
	printf 'AUTH_DB=%s\nAUTH_ACCESS_TTL=0\n' "$DB" >"$CONF"
	ctl settings
	assert_failure 1
	assert_output "authctl: $CONF: AUTH_ACCESS_TTL: \"0\" is not a whole number from 1 to 86400"
	printf 'AUTH_JWT_SECRET=short\n' >"$CONF"
	chmod 600 "$CONF"
	ctl settings
	assert_failure 1
	assert_output "authctl: $CONF: AUTH_JWT_SECRET: shorter than 32 bytes"
	# An empty file is no settings, every default.
	: >"$CONF"
	ctl settings
	assert_success
	assert_output ''
}

@test "settings file: server-settings lighttpd carries every value exactly" {
	local d=$BATS_TEST_TMPDIR/www port
	server_settings
	value='a "quoted" back\slash\" $HOME '"'single'"' %s  two spaces'
	printf 'AUTH_ISSUER=%s\nAUTH_DB=%s\n' "$value" "$DB" >"$CONF"
	run env FCGI_AUTH_CONF="$CONF" "$SS" lighttpd
	assert_success
	assert_line --index 0 'var.fcgi_auth_env = ('
	# Through lighttpd itself: a CGI script prints what it was given.
	mkdir -p "$d"
	printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\nprintenv AUTH_ISSUER AUTH_DB\n' \
	    >"$d/env.cgi"
	chmod +x "$d/env.cgi"
	port=$(free_port)
	cat >"$d/lighttpd.conf" <<EOF
server.modules = ( "mod_cgi", "mod_setenv" )
server.document-root = "$d"
server.bind = "127.0.0.1"
server.port = $port
server.pid-file = "$d/pid"
cgi.assign = ( ".cgi" => "" )
include_shell "$SS lighttpd"
setenv.set-environment = var.fcgi_auth_env
EOF
	FCGI_AUTH_CONF="$CONF" lighttpd -D -f "$d/lighttpd.conf" </dev/null \
	    >/dev/null 2>&1 3>&- &
	local pid=$! i
	for i in $(seq 50); do
		run curl -s "http://127.0.0.1:$port/env.cgi"
		[ "$status" -ne 0 ] || break
		sleep 0.1
	done
	kill "$pid"
	assert_output "$value
$DB"
	# A bad file: nothing printed, lighttpd would not start.
	printf 'AUTH_ISSUER=x\\\n' >"$CONF"
	run env FCGI_AUTH_CONF="$CONF" "$SS" lighttpd
	assert_failure 1
	assert_output --partial "AUTH_ISSUER: a value must not end in"
	refute_output --partial fcgi_auth_env
}

@test "settings file: server-settings apache writes one FcgidCmdOptions per program, or nothing" {
	local out
	server_settings
	out=$BATS_TEST_TMPDIR/ss/etc/fcgi-auth/apache-env.conf
	printf 'AUTH_ISSUER=a "b" c\\d\nAUTH_DB=%s\n' "$DB" >"$CONF"
	run env FCGI_AUTH_CONF="$CONF" "$SS" apache
	assert_success
	[ "$(stat -c %a "$out")" = 600 ]
	run grep -c '^FcgidCmdOptions .*/cgi-bin/[ab]\.fcgi \\$' "$out"
	assert_output 2
	grep -qxF '	InitialEnv "AUTH_ISSUER=a \"b\" c\\d" \' "$out"
	grep -qxF "	InitialEnv \"AUTH_DB=$DB\" \\" "$out"
	grep -qxF '	MaxProcesses 2' "$out"
	cp "$out" "$BATS_TEST_TMPDIR/before"
	# A bad file leaves the written one as it was.
	printf 'AUTH_NOPE=1\n' >"$CONF"
	run env FCGI_AUTH_CONF="$CONF" "$SS" apache
	assert_failure 1
	assert_output --partial 'AUTH_NOPE: unknown setting'
	cmp "$out" "$BATS_TEST_TMPDIR/before"
	[ "$(ls "$(dirname "$out")")" = apache-env.conf ]
	run "$SS" nginx
	assert_failure 2
}

@test "settings file: run as root, authctl acts as the owner of the database's folder" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	local d=$BATS_TEST_TMPDIR/nobody p
	mkdir "$d"
	chown nobody "$d"
	# bats' folders are root's alone: let nobody through to it.
	p=$d
	while [ "$p" != "$BATS_RUN_TMPDIR" ] && [ "$p" != / ]; do
		p=$(dirname "$p")
		chmod o+x "$p"
	done
	run env AUTH_DB="$d/auth.db" "$ROOT/tools/authctl" migrate
	assert_success
	[ "$(stat -c %U "$d/auth.db")" = nobody ]
	[ "$(stat -c %U "$d/jwt.secret")" = nobody ]
	# A folder of root's: root it stays.
	run env AUTH_DB="$BATS_TEST_TMPDIR/auth.db" "$ROOT/tools/authctl" migrate
	assert_success
	[ "$(stat -c %U "$BATS_TEST_TMPDIR/auth.db")" = root ]
}
