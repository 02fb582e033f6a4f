#!/usr/bin/env bats
# Input abuse through lighttpd: malformed and nested JSON, NUL bytes,
# bad UTF-8, wrong types, SQL in every field, bcrypt's 72-byte edge,
# multi-byte and look-alike characters, bodies over the cap, and
# answers that do not tell which accounts exist.

load lib/server

setup_file() { server_start; }
teardown_file() { server_stop; }
setup() { load_helpers; }

# post PATH FILE: POST the bytes of FILE as a JSON body.
post_file() {
	req POST "$1" '' -H 'Content-Type: application/json' --data-binary @"$2"
}

# post_bytes PATH PRINTF-FORMAT: POST bytes made by printf (escapes).
post_bytes() {
	printf "$2" >"$BATS_TEST_TMPDIR/body"
	post_file "$1" "$BATS_TEST_TMPDIR/body"
}

@test "input: malformed JSON is 400 on register and login" {
	for body in '{' '{"email":' '{"email":"a@b.cd",}' '["a@b.cd"]' '"x"' \
	    'null' '42' '{"email":"a@b.cd"} {}' "{'email':'a@b.cd'}" \
	    '{"email":"a@b.cd","password":NaN}' '{"email":"a@b.cd"/**/}' \
	    '{"email":"a@b.cd","password":"x\q"}' '{email:"a@b.cd"}' \
	    '{"email":"a@b.cd","password":"tab	inside"}'; do
		for path in /register /login; do
			req POST "$path" "$body"
			assert_error 400 invalid_request
		done
	done
}

@test "input: deeply nested JSON is 400, quickly and without a crash" {
	deep=$(printf '{"a":%.0s' $(seq 500))1$(printf '}%.0s' $(seq 500))
	req POST /register "$deep"
	assert_error 400 invalid_request
	head -c 60000 /dev/zero | tr '\0' '[' >"$BATS_TEST_TMPDIR/deep"
	post_file /login "$BATS_TEST_TMPDIR/deep"
	assert_error 400 invalid_request
	req POST /register '{"email":{"a":{"b":{"c":{"d":1}}}},"password":"correct horse"}'
	assert_error 400 invalid_request
	req GET /health
	assert_status 200
}

@test "input: duplicate keys, also spelt with escapes, are 400" {
	email=$(new_email)
	for body in "{\"email\":\"$email\",\"email\":\"x@y.zz\",\"password\":\"correct horse\"}" \
	    "{\"email\":\"$email\",\"\\u0065mail\":\"x@y.zz\",\"password\":\"correct horse\"}" \
	    "{\"email\":\"$email\",\"password\":\"correct horse\",\"password\":\"other horse\"}" \
	    "{\"email\":\"$email\",\"username\":\"abc\",\"user\":\"abd\",\"password\":\"correct horse\"}"; do
		req POST /register "$body"
		assert_error 400 invalid_request
	done
	req POST /login "{\"email\":\"$email\",\"password\":\"correct horse\"}"
	assert_error 401 invalid_credentials
}

@test "input: a NUL byte is 400: naming its field, or for the whole body" {
	# Raw, it is not JSON at all.
	post_bytes /register '{"email":"nul@example.com","password":"correct\000horse"}'
	assert_error 400 invalid_request
	assert_json .message "the body must not contain NUL bytes"
	# Escaped in a value: that field.
	for pair in 'email:{"email":"nul@example.com\u0000.evil","password":"correct horse"}' \
	    'password:{"email":"nul@example.com","password":"correct horse\u0000"}' \
	    'username:{"email":"nul@example.com","password":"correct horse","username":"ab\u0000c"}'; do
		field=${pair%%:*} body=${pair#*:}
		req POST /register "$body"
		assert_error 400 invalid_request "$field"
		assert_json .message "$field must not contain a NUL byte"
		[ "$field" = username ] && continue
		req POST /login "$body"
		assert_error 400 invalid_request "$field"
	done
	# Escaped in a key, which json-c would cut short: the whole body.
	for body in '{"email\u0000x":"nul@example.com","password":"correct horse"}' \
	    '{"email":"nul@example.com","password\u0000":"correct horse"}'; do
		for path in /register /login; do
			req POST "$path" "$body"
			assert_error 400 invalid_request
			assert_json .message "a key must not contain a NUL byte"
			assert_json .field null
		done
	done
	[ "$(db "SELECT count(*) FROM users WHERE email LIKE 'nul@%'")" = 0 ]
}

@test "input: malformed UTF-8 is 400" {
	for bad in '\300\200' '\340\200\257' '\355\240\200' '\364\220\200\200' \
	    '\365\200\200\200' '\377' '\342\202' '\200'; do
		post_bytes /register "{\"email\":\"$(new_email)\",\"password\":\"correct horse $bad\"}"
		assert_error 400 invalid_request
		assert_json .message "the body is not valid UTF-8"
	done
	for esc in '\\ud800' '\\udfff' '\\ud800\\u0041'; do
		post_bytes /login "{\"email\":\"a@b.cd\",\"password\":\"correct horse $esc\"}"
		assert_error 400 invalid_request
	done
}

@test "input: wrong types in every field are 400 naming the field" {
	for v in 1 1.5 true false null '[]' '["a@b.cd"]' '{}' '{"$ne":""}'; do
		req POST /register "{\"email\":$v,\"password\":\"correct horse\"}"
		assert_error 400 invalid_request email
		req POST /register "{\"email\":\"$(new_email)\",\"password\":$v}"
		assert_error 400 invalid_request password
		req POST /register "{\"email\":\"$(new_email)\",\"password\":\"correct horse\",\"username\":$v}"
		assert_error 400 invalid_request username
		req POST /login "{\"email\":$v,\"password\":\"correct horse\"}"
		assert_error 400 invalid_request email
		req POST /login "{\"username\":$v,\"password\":\"correct horse\"}"
		assert_error 400 invalid_request username
		req POST /login "{\"email\":\"a@b.cd\",\"password\":$v}"
		assert_error 400 invalid_request password
	done
}

@test "input: SQL in every field of register and login is data, never SQL" {
	users=$(db 'SELECT count(*) FROM users')
	# Valid values that carry SQL are stored as typed.
	req POST /register '{"email":"o'"'"'neil--@example.com","password":"'"'"' OR 1=1; DROP TABLE users; --"}'
	assert_status 201
	assert_json .email "o'neil--@example.com"
	req POST /login '{"email":"o'"'"'neil--@example.com","password":"'"'"' OR 1=1; DROP TABLE users; --"}'
	assert_status 200
	for pw in "' OR '1'='1" "' OR 1=1 --" '\" OR \"\"=\"' "x' UNION SELECT password_hash FROM users --"; do
		req POST /login "{\"email\":\"o'neil--@example.com\",\"password\":\"$pw\"}"
		assert_error 401 invalid_credentials
	done
	# Invalid ones are refused by the validators.
	for v in "' OR 1=1 --" "admin'--" "x@y.zz' OR '1'='1" "%' --" "\\\\'; --"; do
		req POST /register "{\"email\":\"$v\",\"password\":\"correct horse\"}"
		assert_error 400 invalid_request email
		req POST /register "{\"email\":\"$(new_email)\",\"password\":\"correct horse\",\"username\":\"$v\"}"
		assert_error 400 invalid_request username
		req POST /login "{\"email\":\"$v\",\"password\":\"correct horse\"}"
		assert_error 400 invalid_request email
		req POST /login "{\"username\":\"$v\",\"password\":\"correct horse\"}"
		assert_error 400 invalid_request username
	done
	req POST /login "{\"email\":\"x'or'1'='1@example.com\",\"password\":\"correct horse\"}"
	assert_error 401 invalid_credentials
	[ "$(db 'SELECT count(*) FROM users')" = $((users + 1)) ]
	[ "$DB" != sqlite ] || [ "$(db 'PRAGMA integrity_check')" = ok ]
	[[ $BODY != *SELECT* && $BODY != *sqlite* && $BODY != *syntax* ]]
}

@test "input: passwords of 72 bytes work, 73 are refused, never cut" {
	email=$(new_email)
	p72=$(printf 'k%.0s' $(seq 72))
	req POST /register "{\"email\":\"$email\",\"password\":\"$p72\"}"
	assert_status 201
	req POST /login "{\"email\":\"$email\",\"password\":\"$p72\"}"
	assert_status 200
	req POST /login "{\"email\":\"$email\",\"password\":\"${p72}k\"}"
	assert_error 401 invalid_credentials
	req POST /login "{\"email\":\"$email\",\"password\":\"${p72}kkkkkkkkkkkkkkkkkkkkkkk\"}"
	assert_error 401 invalid_credentials
	req POST /register "{\"email\":\"$(new_email)\",\"password\":\"${p72}k\"}"
	assert_error 400 invalid_request password
	assert_json .message "password must be at most 72 bytes"
}

@test "input: multi-byte passwords count bytes for the cap, characters for the minimum" {
	email=$(new_email)
	e24=$(printf '€%.0s' $(seq 24))	# 24 characters of 3 bytes: 72 bytes
	req POST /register "{\"email\":\"$email\",\"password\":\"$e24\"}"
	assert_status 201
	req POST /login "{\"email\":\"$email\",\"password\":\"$e24\"}"
	assert_status 200
	req POST /login "{\"email\":\"$email\",\"password\":\"${e24%€}\"}"
	assert_error 401 invalid_credentials
	req POST /register "{\"email\":\"$(new_email)\",\"password\":\"${e24}a\"}"
	assert_error 400 invalid_request password
	req POST /register "{\"email\":\"$(new_email)\",\"password\":\"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀\"}"
	assert_error 400 invalid_request password
	req POST /register "{\"email\":\"$(new_email)\",\"password\":\"ééééééé\"}"
	assert_error 400 invalid_request password
	assert_json .message "password must be at least 8 characters"
	# The same text escaped is the same password; other bytes are not.
	email=$(new_email)
	req POST /register "{\"email\":\"$email\",\"password\":\"pässwörd-é\"}"
	assert_status 201
	req POST /login "{\"email\":\"$email\",\"password\":\"p\\u00e4ssw\\u00f6rd-\\u00e9\"}"
	assert_status 200
	req POST /login "{\"email\":\"$email\",\"password\":\"pässwörd-e\\u0301\"}"
	assert_error 401 invalid_credentials
}

@test "input: look-alike and case-variant emails never reach another account" {
	req POST /register '{"email":"paypal@example.com","password":"correct horse","username":"paypal"}'
	assert_status 201
	id=$(jq -r .id <<<"$BODY")
	# Cyrillic а (U+0430), fullwidth @, an IDN domain: not ASCII, refused.
	for e in 'pаypal@example.com' 'paypal＠example.com' 'paypal@exаmple.com' \
	    'p\u0430ypal@example.com' 'paypal@example.com\u200b'; do
		req POST /register "{\"email\":\"$e\",\"password\":\"correct horse\"}"
		assert_error 400 invalid_request email
		req POST /login "{\"email\":\"$e\",\"password\":\"correct horse\"}"
		assert_error 400 invalid_request email
	done
	req POST /register '{"email":"x@example.com","username":"pаypal","password":"correct horse"}'
	assert_error 400 invalid_request username
	# Case and space variants are the same account: 409, and login finds it.
	for e in 'PayPal@Example.COM' ' paypal@example.com ' 'PAYPAL@EXAMPLE.COM'; do
		req POST /register "{\"email\":\"$e\",\"password\":\"correct horse\"}"
		assert_error 409 conflict email
		login "$e"
		req GET /user-info '' -H "$(auth "$ACCESS")"
		assert_json .id "$id"
	done
	req POST /register '{"email":"other@example.com","username":"PAYPAL","password":"correct horse"}'
	assert_error 409 conflict username
	[ "$(db "SELECT count(*) FROM users WHERE email LIKE '%paypal%' OR username LIKE '%paypal%'")" = 1 ]
}

@test "input: an unknown email and a wrong password answer alike" {
	email=$(new_email)
	register "$email"
	req POST /login "{\"email\":\"$email\",\"password\":\"wrong horse\"}"
	assert_error 401 invalid_credentials
	known=$(answer)
	req POST /login "{\"email\":\"nobody-$RANDOM@example.com\",\"password\":\"wrong horse\"}"
	assert_error 401 invalid_credentials
	[ "$(answer)" = "$known" ]
	req POST /login '{"username":"nobody-at-all","password":"wrong horse"}'
	[ "$(answer)" = "$known" ]
}

@test "input: bodies over the cap are 413, in JSON, at every size" {
	for kb in 65 200 1000 1100; do
		head -c $((kb * 1024)) /dev/zero | tr '\0' ' ' >"$BATS_TEST_TMPDIR/big"
		post_file /register "$BATS_TEST_TMPDIR/big"
		assert_error 413 payload_too_large
	done
	req GET /health
	assert_status 200
}

@test "input: a body over the cap is refused from Content-Length, unread" {
	# As plain CGI, with a body that never ends (a FIFO held open
	# here): reading it would hang until timeout kills the program.
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	exec {hold}<>"$BATS_TEST_TMPDIR/fifo"
	cgidb=$(store_db "$BATS_TEST_TMPDIR/cgi.db")
	run timeout 20 env -i AUTH_DB="$cgidb" $(store_files "$BATS_TEST_TMPDIR") \
	    AUTH_JWT_SECRET=cgi-test-secret-0123456789abcdef0123 \
	    REQUEST_METHOD=POST SCRIPT_NAME=/register CONTENT_LENGTH=100000000 \
	    CONTENT_TYPE=application/json "$(program_path register)" \
	    <"$BATS_TEST_TMPDIR/fifo"
	exec {hold}>&-
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "Status: 413 "* ]]
	[[ $output == *'"error":"payload_too_large"'* ]]
	for cl in -1 abc 1e3 99999999999999999999; do
		run env -i AUTH_DB="$cgidb" $(store_files "$BATS_TEST_TMPDIR") \
		    AUTH_JWT_SECRET=cgi-test-secret-0123456789abcdef0123 \
		    REQUEST_METHOD=POST SCRIPT_NAME=/register CONTENT_LENGTH="$cl" \
		    CONTENT_TYPE=application/json "$(program_path register)" </dev/null
		[[ ${lines[0]} == "Status: 400 "* ]]
	done
}

@test "input: content types other than JSON are 415" {
	for t in text/plain application/x-www-form-urlencoded application/jsonx \
	    'application/json-patch+json' multipart/form-data; do
		req POST /register '' -H "Content-Type: $t" \
		    --data-binary '{"email":"a@b.cd","password":"correct horse"}'
		assert_error 415 unsupported_media_type
	done
	req POST /register '' -H 'Content-Type: Application/JSON; charset=utf-8' \
	    --data-binary "{\"email\":\"$(new_email)\",\"password\":\"correct horse\"}"
	assert_status 201
}
