#!/usr/bin/env bats
# Plain CGI: every program answers one request and exits when started
# without a FastCGI socket, as a shared host's web server runs it.

load lib/server
load lib/cgi

setup_file() {
	export CGI_DB="$BATS_FILE_TMPDIR/cgi.db"
}
setup() { load_helpers; }

@test "cgi: register answers one request with a Status header" {
	cgi register POST /register '{"email":"ann@example.com","password":"correct horse"}'
	assert_success
	assert_line --index 0 'Status: 201 Created'
	assert_line 'Content-Type: application/json'
	assert_line 'Location: /users/1'
	assert_output --partial '"email":"ann@example.com"'
}

@test "cgi: login then user-info with the token" {
	cgi login POST /login '{"email":"ann@example.com","password":"correct horse"}'
	assert_success
	assert_line --index 0 'Status: 200 OK'
	token=$(tail -n 1 <<<"$output" | jq -r .access_token)
	cgi user-info GET /user-info '' HTTP_AUTHORIZATION="Bearer $token"
	assert_success
	assert_line --index 0 'Status: 200 OK'
	assert_output --partial '"email":"ann@example.com"'
}

@test "cgi: the path is checked exactly" {
	cgi register POST /register-x '{}'
	assert_success
	assert_line --index 0 'Status: 404 Not Found'
}

@test "cgi: under a prefix, SCRIPT_NAME is where the API is and PATH_INFO the path" {
	cgi health GET /health '' SCRIPT_NAME=/auth PATH_INFO=/health
	assert_line --index 0 'Status: 200 OK'
	cgi register POST /register '{"email":"pre@example.com","password":"correct horse"}' \
	    SCRIPT_NAME=/auth PATH_INFO=/register
	assert_line --index 0 'Status: 201 Created'
	assert_line --regexp '^Location: /auth/users/[0-9]+$'
	# The prefix is the server's to strip: in the path it is no route.
	cgi health GET /auth/health
	assert_line --index 0 'Status: 404 Not Found'
	cgi health GET /health '' SCRIPT_NAME=/auth PATH_INFO=/auth/health
	assert_line --index 0 'Status: 404 Not Found'
}

@test "cgi: the Apache snippet's files for 413 and 500 are the error program's answers" {
	local s
	for s in 413 500; do
		cgi error GET /.error '' REDIRECT_STATUS=$s
		assert_line --regexp "^Status: $s "
		[ "${lines[-1]}" = "$(cat "$ROOT/conf/errors/$s.json")" ]
	done
}

@test "cgi: a bad setting stops the program with one line and status 1" {
	run env -i AUTH_DB="$(store_db "$CGI_DB")" \
	    $(store_files "$BATS_FILE_TMPDIR") AUTH_JWT_SECRET=short REQUEST_METHOD=GET \
	    SCRIPT_NAME=/health "$(program_path health)"
	assert_failure 1
	assert_output --partial AUTH_JWT_SECRET
	[ "${#lines[@]}" -eq 1 ]
	run env -i AUTH_DB="$(store_db "$CGI_DB")" \
	    $(store_files "$BATS_FILE_TMPDIR") AUTH_JWT_SECRET=cgi-test-secret-0123456789abcdef0123 \
	    AUTH_ACCESS_TTL=ten REQUEST_METHOD=GET SCRIPT_NAME=/health \
	    "$(program_path health)"
	assert_failure 1
	assert_output --partial 'AUTH_ACCESS_TTL: "ten" is not a whole number'
}

@test "cgi: the generated secret and the database are private (0600)" {
	if [ "$DB" = postgresql ]; then
		# No folder to make one in: every host is given the same.
		run env -i AUTH_DB="$(store_db "$BATS_FILE_TMPDIR/gen/auth.db")" \
		    $(store_files "$BATS_FILE_TMPDIR") REQUEST_METHOD=GET SCRIPT_NAME=/health "$(program_path health)"
		assert_failure 1
		assert_output --partial 'AUTH_DB is PostgreSQL: set AUTH_JWT_SECRET or AUTH_JWT_SECRET_FILE'
		return
	fi
	run env -i AUTH_DB="$BATS_FILE_TMPDIR/gen/auth.db" REQUEST_METHOD=GET \
	    SCRIPT_NAME=/health bash -c "mkdir -p '$BATS_FILE_TMPDIR/gen' && '$(program_path health)'"
	assert_success
	[ "$(stat -c %a "$BATS_FILE_TMPDIR/gen/jwt.secret")" = 600 ]
	[ "$(stat -c %a "$BATS_FILE_TMPDIR/gen/auth.db")" = 600 ]
}
