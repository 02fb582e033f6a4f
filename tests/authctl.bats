#!/usr/bin/env bats
# tools/authctl: every command, its errors and exit statuses (1 refused,
# 2 bad usage), checked through the running server where it matters.

load lib/server
load lib/users
load lib/mail

# Mail goes to the capturing mailer, authctl's own notices too: the
# settings reach it through SERVER_ENV (split on spaces: no arguments).
setup_file() {
	mailer_make
	server_start AUTH_SENDMAIL="$MAILER"
}
teardown_file() { server_stop; }
setup() { load_helpers; }

# add EMAIL [ARGS...]: add-user with the default password on stdin.
add() {
	run authctl add-user "$@" <<<'correct horse'
}

@test "authctl: --help explains every command" {
	run authctl --help
	assert_success
	for c in add-user set-role set-password list-users revoke-sessions \
	    delete-user migrate; do
		assert_output --partial "  $c"
	done
	assert_output --partial 'Exit status'
	assert_output --partial 'authctl add-user admin@example.com --role admin'
	run authctl help
	assert_success
	assert_output --partial 'revoke-sessions EMAIL'
	run authctl set-role --help
	assert_success
	assert_output --partial 'usage: authctl set-role EMAIL user|admin'
}

@test "authctl: no command or an unknown one is a usage error (2)" {
	run authctl
	assert_failure 2
	assert_output --partial 'usage: authctl COMMAND'
	run authctl frobnicate
	assert_failure 2
	assert_output --partial 'unknown command "frobnicate"'
}

@test "authctl: a bad setting stops it with one line (1)" {
	run env $(store_env) AUTH_BCRYPT_COST=abc \
	    "$ROOT/tools/authctl" list-users
	assert_failure 1
	assert_output --partial 'AUTH_BCRYPT_COST'
}

@test "authctl: add-user makes a user who can log in" {
	email=$(new_email)
	add "  ${email^^} "
	assert_success
	assert_output --regexp "^created user [0-9]+ $email \(user\)$"
	id=$(awk '{ print $3 }' <<<"$output")
	[ "$(db "SELECT role || ' ' || email FROM users WHERE id = $id")" = "user $email" ]
	[ "$(db "SELECT substr(password_hash, 1, 7) FROM users WHERE id = $id")" = '$2b$04$' ]
	login "$email"
	req GET /users '' -H "$(auth "$ACCESS")"
	assert_error 403 forbidden
}

@test "authctl: add-user --role admin --username makes the first admin" {
	email=$(new_email)
	name=boss$BATS_SUITE_TEST_NUMBER
	run authctl add-user "$email" --role admin --username "$name" \
	    <<<'admin horse pw'
	assert_success
	assert_output --partial '(admin)'
	req POST /login "{\"username\":\"$name\",\"password\":\"admin horse pw\"}"
	assert_status 200
	access=$(jq -r .access_token <<<"$BODY")
	req GET /users '' -H "$(auth "$access")"
	assert_status 200
	assert_json "[.users[] | select(.email == \"$email\") | .username][0]" "$name"
}

@test "authctl: add-user refuses taken emails and usernames (1)" {
	email=$(new_email)
	add "$email" --username "dup$BATS_SUITE_TEST_NUMBER"
	assert_success
	add "${email^^}"
	assert_failure 1
	assert_output 'authctl: email already taken'
	add "other-$email" --username "DUP$BATS_SUITE_TEST_NUMBER"
	assert_failure 1
	assert_output 'authctl: username already taken'
	[ "$(db "SELECT count(*) FROM users WHERE email = 'other-$email'")" = 0 ]
}

@test "authctl: add-user refuses bad values (1) and bad usage (2)" {
	email=$(new_email)
	add not-an-email
	assert_failure 1
	assert_output --partial 'not an email address'
	add "$email" --role root
	assert_failure 1
	assert_output --partial 'role must be "user" or "admin"'
	add "$email" --username 'a b'
	assert_failure 1
	assert_output --partial 'username may only contain'
	add "$email" --username ab
	assert_failure 1
	add
	assert_failure 2
	assert_output --partial 'usage: authctl add-user EMAIL'
	add "$email" extra
	assert_failure 2
	add "$email" --admin
	assert_failure 2
	add "$email" --role
	assert_failure 2
	[ "$(db "SELECT count(*) FROM users WHERE email = '$email'")" = 0 ]
}

@test "authctl: add-user applies the password policy" {
	email=$(new_email)
	run authctl add-user "$email" <<<'short'
	assert_failure 1
	assert_output 'authctl: password must be at least 8 characters'
	run authctl add-user "$email" <<<"$(printf 'a%.0s' $(seq 73))"
	assert_failure 1
	assert_output 'authctl: password must be at most 72 bytes'
	run authctl add-user "$email" <<<"$(printf 'a%.0s' $(seq 2000))"
	assert_failure 1
	assert_output --partial 'too long'
	run authctl add-user "$email" </dev/null
	assert_failure 1
	assert_output 'authctl: no password on standard input'
	run authctl add-user "$email" <<<''
	assert_failure 1
	[ "$(db "SELECT count(*) FROM users WHERE email = '$email'")" = 0 ]
	# The policy is the server's: AUTH_PASSWORD_MIN counts here too.
	run env $(store_env) AUTH_PASSWORD_MIN=20 \
	    "$ROOT/tools/authctl" add-user "$email" <<<'correct horse'
	assert_failure 1
	assert_output 'authctl: password must be at least 20 characters'
	# Only the first line counts; spaces inside are kept.
	run authctl add-user "$email" <<<$'  spaced pw  \nignored'
	assert_success
	login "$email" '  spaced pw  '
}

@test "authctl: on a terminal the password is asked twice, without echo" {
	email=$(new_email)
	# script(1) gives authctl a terminal; each answer waits for its prompt.
	coproc TTY { script -qfec "env $(printf '%q ' $(store_env))AUTH_BCRYPT_COST=4 \
	    '$ROOT/tools/authctl' add-user '$email'" /dev/null; }
	pid=$TTY_PID
	exec {from}<&"${TTY[0]}" {to}>&"${TTY[1]}"
	read -r -d ':' -t 20 -u "$from" prompt
	[[ $prompt == *Password ]]
	printf 'tty horse pw\n' >&"$to"
	read -r -d ':' -t 20 -u "$from" prompt
	[[ $prompt == *Again ]]
	printf 'tty horse pw\n' >&"$to"
	rest=$(timeout 20 cat <&"$from")
	exec {from}<&- {to}>&-
	wait "$pid"
	[[ $rest == *"created user"* ]]
	[[ $rest != *"tty horse"* ]]
	login "$email" 'tty horse pw'
}

@test "authctl: on a terminal two different passwords are refused" {
	email=$(new_email)
	coproc TTY { script -qfec "env $(printf '%q ' $(store_env))AUTH_BCRYPT_COST=4 \
	    '$ROOT/tools/authctl' add-user '$email'" /dev/null; }
	pid=$TTY_PID
	exec {from}<&"${TTY[0]}" {to}>&"${TTY[1]}"
	read -r -d ':' -t 20 -u "$from" prompt
	printf 'tty horse one\n' >&"$to"
	read -r -d ':' -t 20 -u "$from" prompt
	printf 'tty horse two\n' >&"$to"
	rest=$(timeout 20 cat <&"$from")
	exec {from}<&- {to}>&-
	run wait "$pid"
	assert_failure 1
	[[ $rest == *"the passwords differ"* ]]
	[ "$(db "SELECT count(*) FROM users WHERE email = '$email'")" = 0 ]
}

@test "authctl: set-role promotes and demotes at once" {
	user_login
	req GET /users '' -H "$(auth "$ACCESS")"
	assert_error 403 forbidden
	run authctl set-role "${EMAIL^^}" admin
	assert_success
	assert_output "user $ID $EMAIL is now admin"
	req GET /users '' -H "$(auth "$ACCESS")"
	assert_status 200
	run authctl set-role "$EMAIL" user
	assert_success
	req GET /users '' -H "$(auth "$ACCESS")"
	assert_error 403 forbidden
}

@test "authctl: set-role refuses unknown users and roles" {
	user_login
	run authctl set-role "nobody-$EMAIL" admin
	assert_failure 1
	assert_output "authctl: no user with email \"nobody-$EMAIL\""
	run authctl set-role "$EMAIL" root
	assert_failure 1
	assert_output --partial 'role must be'
	run authctl set-role "$EMAIL"
	assert_failure 2
	assert_output --partial 'usage: authctl set-role'
	run authctl set-role "$EMAIL" admin extra
	assert_failure 2
	[ "$(db "SELECT role FROM users WHERE id = $ID")" = user ]
}

@test "authctl: set-role may demote the last admin, with a warning" {
	admin_login
	db "UPDATE users SET role = 'user' WHERE role = 'admin' AND id <> $ADMIN_ID"
	run authctl set-role "$ADMIN_EMAIL" user
	assert_success
	assert_output --partial 'warning: no admin is left'
	[ "$(db "SELECT count(*) FROM users WHERE role = 'admin'")" = 0 ]
	run authctl set-role "$ADMIN_EMAIL" admin
	assert_success
	refute_output --partial warning
}

@test "authctl: set-password sets it and revokes every session" {
	user_login
	run authctl set-password "$EMAIL" <<<'reset by admin'
	assert_success
	assert_output "password set for $EMAIL; 1 sessions revoked"
	# The owner is told (authctl waits for nothing: its courier has
	# filed the mail once the output ended), without the password.
	notice=$(mails_to "$EMAIL" | tail -n 1)
	grep -q '^Subject: Your password was changed$' "$notice"
	refute grep -q 'reset by admin' "$notice"
	[ "$(db "SELECT event || ' ' || coalesce(ip, '-') || ' ' || user_agent
	    FROM audit WHERE user_id = $ID ORDER BY id DESC LIMIT 1")" = \
	    'password.changed - authctl' ]
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	assert_error 401 invalid_credentials
	login "$EMAIL" 'reset by admin'
}

@test "authctl: set-password refuses bad passwords and unknown users" {
	user_login
	before=$(db "SELECT password_hash FROM users WHERE id = $ID")
	run authctl set-password "$EMAIL" <<<'short'
	assert_failure 1
	assert_output --partial 'at least 8'
	run authctl set-password "$EMAIL" </dev/null
	assert_failure 1
	run authctl set-password "nobody-$EMAIL" <<<'correct horse'
	assert_failure 1
	assert_output --partial 'no user with email'
	run authctl set-password
	assert_failure 2
	[ "$(db "SELECT password_hash FROM users WHERE id = $ID")" = "$before" ]
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
}

@test "authctl: list-users lists every user by id" {
	user_login
	run authctl list-users
	assert_success
	assert_line --index 0 "$(printf 'ID\tEMAIL\tUSERNAME\tROLE\tVERIFIED\tCREATED')"
	assert_line --regexp "^$ID	$EMAIL	-	user	no	[0-9T:-]+Z$"
	[ "$(( ${#lines[@]} - 1 ))" = "$(db 'SELECT count(*) FROM users')" ]
	[ "$(tail -n +2 <<<"$output" | cut -f1 | sort -n | tr '\n' ' ')" = \
	    "$(tail -n +2 <<<"$output" | cut -f1 | tr '\n' ' ')" ]
	run authctl list-users extra
	assert_failure 2
}

@test "authctl: list-users pages through more than 200 users" {
	db "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	    WHERE i < 450) INSERT INTO users (email, password_hash,
	    created_at, updated_at) SELECT 'many' || i || '@example.com',
	    '*', 0, 0 FROM n"
	run authctl list-users
	assert_success
	[ "$(( ${#lines[@]} - 1 ))" = "$(db 'SELECT count(*) FROM users')" ]
	assert_line --partial 'many450@example.com'
}

@test "authctl: revoke-sessions ends every session of a user" {
	user_login
	a_email=$EMAIL first=$ACCESS
	login "$EMAIL"
	second=$ACCESS
	user_login
	run authctl revoke-sessions "${a_email^^}"
	assert_success
	assert_output "$a_email: 2 sessions revoked"
	req GET /user-info '' -H "$(auth "$first")"
	assert_error 401 invalid_token
	req GET /user-info '' -H "$(auth "$second")"
	assert_error 401 invalid_token
	# The other user's session is untouched.
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	run authctl revoke-sessions nobody@example.com
	assert_failure 1
	assert_output --partial 'no user with email'
	run authctl revoke-sessions
	assert_failure 2
}

@test "authctl: delete-user removes the user and their tokens" {
	user_login
	run authctl delete-user "$EMAIL"
	assert_success
	assert_output "deleted user $ID $EMAIL"
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	[ "$(db "SELECT count(*) FROM users WHERE id = $ID")" = 0 ]
	[ "$(db "SELECT count(*) FROM sessions WHERE user_id = $ID")" = 0 ]
	run authctl delete-user "$EMAIL"
	assert_failure 1
	assert_output --partial 'no user with email'
	run authctl delete-user
	assert_failure 2
	run authctl delete-user a@example.com b@example.com
	assert_failure 2
}

@test "authctl: migrate reports the schema" {
	run authctl migrate
	assert_success
	if [ "$DB" = postgresql ]; then
		# Its name and host, never the URI (which may hold a password).
		assert_output --regexp "^database t_[0-9a-f]+ on $FCGI_AUTH_PG is at schema [0-9]+$"
		version=$(db 'SELECT version FROM schema_version')
	else
		assert_output --regexp "^database $STATE/auth.db is at schema [0-9]+$"
		version=$(db 'PRAGMA user_version')
	fi
	[ "$version" = "$(awk '{ print $NF }' <<<"$output")" ]
	run authctl migrate now
	assert_failure 2
	# A fresh database is created and migrated.
	new=$(store_db "$BATS_TEST_TMPDIR/new.db")
	run env AUTH_DB="$new" ${SERVER_SECRET:+AUTH_JWT_SECRET_FILE="$SERVER_SECRET"} \
	    $(store_files "$BATS_TEST_TMPDIR") "$ROOT/tools/authctl" migrate
	assert_success
	[ "$(SERVER_DB=$new db 'SELECT count(*) FROM users')" = 0 ]
}
