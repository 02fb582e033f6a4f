#!/usr/bin/env bats
# The password policy's list of common passwords, AUTH_PASSWORD_DENYLIST,
# and the bcrypt cost upgrade at login: users registered at cost 4, then
# the server restarted with AUTH_BCRYPT_COST=5.

load lib/server

setup_file() {
	server_start
	for who in up1 up2 up3; do
		curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
		    -d "{\"email\":\"$who@example.com\",\"password\":\"correct horse\"}" \
		    "$BASE/register"
	done
	server_stop
	server_start AUTH_BCRYPT_COST=5
}
teardown_file() { server_stop; }
setup() { load_helpers; }

# The stored hash of a user, read straight from the database.
stored_hash() {
	db "SELECT password_hash FROM users WHERE email = '$1'"
}

# cgi PROGRAM BODY [NAME=value ...]: one POST to a program as plain CGI.
cgi() {
	local prog=$1 body=$2
	shift 2
	run env -i AUTH_DB="$(store_db "$BATS_TEST_TMPDIR/cgi.db")" AUTH_BCRYPT_COST=4 \
	    $(store_files "$BATS_TEST_TMPDIR") \
	    AUTH_JWT_SECRET=cgi-test-secret-0123456789abcdef0123 \
	    REQUEST_METHOD=POST SCRIPT_NAME="/$prog" CONTENT_LENGTH=${#body} \
	    CONTENT_TYPE=application/json REMOTE_ADDR=127.0.0.1 "$@" \
	    "$(program_path $prog)" <<<"$body"
}

@test "policy: common passwords are refused at register, in any case" {
	for pw in password PASSWORD1 TrustNo1 iloveyou 12345678 1q2w3e4r; do
		req POST /register "{\"email\":\"$(new_email)\",\"password\":\"$pw\"}"
		assert_error 400 invalid_request password
		assert_json .message "password is too common"
	done
	req POST /register "{\"email\":\"$(new_email)\",\"password\":\"password!x\"}"
	assert_status 201
}

@test "policy: breach favourites password123, qwerty123, iloveyou1 are refused" {
	for pw in password123 qwerty123 iloveyou1 Password123 QWERTY123 ILoveYou1; do
		req POST /register "{\"email\":\"$(new_email)\",\"password\":\"$pw\"}"
		assert_error 400 invalid_request password
		assert_json .message "password is too common"
	done
	req POST /register "{\"email\":\"$(new_email)\",\"password\":\"password123!x\"}"
	assert_status 201
}

@test "policy: a common password is refused as a new password" {
	email=$(new_email)
	register "$email"
	login "$email"
	req POST /change-password '{"current_password":"correct horse","new_password":"Sunshine"}' \
	    -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request new_password
	assert_json .message "new_password is too common"
	req POST /login "{\"email\":\"$email\",\"password\":\"correct horse\"}"
	assert_status 200
}

@test "policy: a common password still logs in an account that has one" {
	email=$(new_email)
	register "$email"
	db "UPDATE users SET password_hash = '$(stored_hash up3@example.com)' WHERE email = '$email'"
	req POST /login "{\"email\":\"$email\",\"password\":\"correct horse\"}"
	assert_status 200
}

@test "policy: AUTH_PASSWORD_DENYLIST replaces the shipped list" {
	printf '# ours\nZebra-Crossing\r\n' >"$BATS_TEST_TMPDIR/deny.txt"
	cgi register '{"email":"a@example.com","password":"zebra-CROSSING"}' \
	    AUTH_PASSWORD_DENYLIST="$BATS_TEST_TMPDIR/deny.txt"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "Status: 400 "* ]]
	[[ $output == *'"message":"password is too common"'* ]]
	cgi register '{"email":"a@example.com","password":"password"}' \
	    AUTH_PASSWORD_DENYLIST="$BATS_TEST_TMPDIR/deny.txt"
	[[ ${lines[0]} == "Status: 201 "* ]]
}

@test "policy: a missing or unreadable denylist stops the program with one line" {
	cgi register '{"email":"a@example.com","password":"correct horse"}' \
	    AUTH_PASSWORD_DENYLIST="$BATS_TEST_TMPDIR/nope.txt"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"AUTH_PASSWORD_DENYLIST: $BATS_TEST_TMPDIR/nope.txt: No such file or directory" ]]
	cgi register '{}' AUTH_PASSWORD_DENYLIST="$BATS_TEST_TMPDIR"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"not a regular file" ]]
	if [ "$(id -u)" -ne 0 ]; then
		printf 'x\n' >"$BATS_TEST_TMPDIR/secret.txt"
		chmod 000 "$BATS_TEST_TMPDIR/secret.txt"
		cgi register '{}' AUTH_PASSWORD_DENYLIST="$BATS_TEST_TMPDIR/secret.txt"
		[ "$status" -eq 1 ]
		[[ $output == *"Permission denied" ]]
	fi
}

@test "upgrade: a cost-4 hash becomes cost 5 at the next login" {
	[[ $(stored_hash up1@example.com) == '$2b$04$'* ]]
	req POST /login '{"email":"up1@example.com","password":"correct horse"}'
	assert_status 200
	[[ $(stored_hash up1@example.com) == '$2b$05$'* ]]
	req POST /login '{"email":"up1@example.com","password":"correct horse"}'
	assert_status 200
	[[ $(stored_hash up1@example.com) == '$2b$05$'* ]]
}

@test "upgrade: a wrong password upgrades nothing" {
	before=$(stored_hash up2@example.com)
	[[ $before == '$2b$04$'* ]]
	req POST /login '{"email":"up2@example.com","password":"wrong horse"}'
	assert_error 401 invalid_credentials
	[ "$(stored_hash up2@example.com)" = "$before" ]
}

@test "upgrade: new users get the configured cost" {
	email=$(new_email)
	register "$email"
	[[ $(stored_hash "$email") == '$2b$05$'* ]]
}
