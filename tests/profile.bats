#!/usr/bin/env bats
# GET /profile/{id} and PUT /profile/{id}: self or admin, one
# transaction per PUT, the caller's own password for every change,
# password changes and their sessions.  The pending email change and
# its mail are in account-change.bats.

load lib/server
load lib/users

setup_file() { server_start; }
teardown_file() { server_stop; }
setup() { load_helpers; }

BAD_IDS=(abc 2abc -1 0 1.5 99999999999999999999 01 +1 '')

# put ID JSON TOKEN: PUT /profile/ID.
put() {
	req PUT "/profile/$1" "$2" -H "$(auth "$3")"
}

# The caller's proof every test user can give.
CUR='"current_password":"correct horse"'


@test "profile: GET is self or admin" {
	user_login
	a_id=$ID a_access=$ACCESS a_email=$EMAIL
	user_login
	req GET "/profile/$a_id" '' -H "$(auth "$a_access")"
	assert_status 200
	assert_json .email "$a_email"
	assert_json .role user
	assert_json 'has("password_hash")' false
	req GET "/profile/$ID" '' -H "$(auth "$a_access")"
	assert_error 403 forbidden
	req GET /profile/999999 '' -H "$(auth "$a_access")"
	assert_error 403 forbidden
	admin_login
	req GET "/profile/$ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	assert_json .email "$EMAIL"
	req GET /profile/999999 '' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 404 not_found
	req GET "/profile/$ID"
	assert_error 401 invalid_token
	req PUT "/profile/$ID" '{}'
	assert_error 401 invalid_token
}

@test "profile: malformed ids are 404 for GET and PUT" {
	admin_login
	for id in "${BAD_IDS[@]}"; do
		req GET "/profile/$id" '' -H "$(auth "$ADMIN_ACCESS")"
		assert_error 404 not_found
		put "$id" "{\"username\":\"someone\",$CUR}" "$ADMIN_ACCESS"
		assert_error 404 not_found
	done
	req GET /profile '' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 404 not_found
	req GET "/profile/$ADMIN_ID/x" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 404 not_found
	req GET "/profile/$ADMIN_ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	req DELETE "/profile/$ADMIN_ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 405 method_not_allowed
	assert_header Allow 'GET, HEAD, PUT'
}

@test "profile: a new email of one's own is pending (202); the old one stays" {
	user_login
	db "UPDATE users SET email_verified = 1, updated_at = 1000 WHERE id = $ID"
	new=new-$(new_email)
	put "$ID" "{\"email\":\"  ${new^^} \",$CUR}" "$ACCESS"
	assert_status 202
	assert_json .pending_email "$new"
	assert_json .email "$EMAIL"
	assert_json .email_verified true
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_json .email "$EMAIL"
	login "$EMAIL"
	req POST /login "{\"email\":\"$new\",\"password\":\"correct horse\"}"
	assert_error 401 invalid_credentials
	# The same address again (any case) is no change: 200.
	put "$ID" "{\"email\":\"${EMAIL^^}\",$CUR}" "$ACCESS"
	assert_status 200
	assert_json .email_verified true
	assert_json 'has("pending_email")' false
}

@test "profile: the stolen-token walk-through fails at the first step" {
	user_login
	before=$(db "SELECT * FROM users WHERE id = $ID")
	# A thief with nothing but the access token.
	put "$ID" '{"email":"thief@evil.test"}' "$ACCESS"
	assert_error 400 invalid_request current_password
	for body in '{"username":"thief"}' '{"password":"thief horse 1"}' \
	    '{"email":"thief@evil.test","current_password":"guess horse"}'; do
		put "$ID" "$body" "$ACCESS"
		[ "$STATUS" = 400 ] || [ "$STATUS" = 401 ]
	done
	[ "$(db "SELECT * FROM users WHERE id = $ID")" = "$before" ]
	[ "$(db "SELECT count(*) FROM mail_tokens WHERE user_id = $ID")" = 0 ]
	login "$EMAIL"
}

@test "profile: PUT sets, renames (\"user\" too) and clears the username" {
	user_login
	name=n$RANDOM$BATS_SUITE_TEST_NUMBER
	put "$ID" "{\"username\":\"$name\"}" "$ACCESS"
	assert_error 400 invalid_request current_password
	put "$ID" "{\"username\":\"$name\",$CUR}" "$ACCESS"
	assert_status 200
	assert_json .username "$name"
	req POST /login "{\"username\":\"$name\",\"password\":\"correct horse\"}"
	assert_status 200
	put "$ID" "{\"user\":\"${name}b\",$CUR}" "$ACCESS"
	assert_status 200
	assert_json .username "${name}b"
	# Only its case changes: still the user's own name.
	put "$ID" "{\"username\":\"${name^^}B\",$CUR}" "$ACCESS"
	assert_status 200
	assert_json .username "${name^^}B"
	put "$ID" "{\"username\":null,$CUR}" "$ACCESS"
	assert_status 200
	assert_json .username null
	[ "$(db "SELECT CAST(username IS NULL AS INTEGER) FROM users WHERE id = $ID")" = 1 ]
	# A cleared name is free for anyone.
	user_login
	put "$ID" "{\"username\":\"${name}b\",$CUR}" "$ACCESS"
	assert_status 200
}

@test "profile: PUT refuses bad values" {
	user_login
	before=$(db "SELECT * FROM users WHERE id = $ID")
	for body in '{"email":"not-an-email"}' '{"email":""}' '{"email":null}' \
	    '{"email":42}'; do
		put "$ID" "$body" "$ACCESS"
		assert_error 400 invalid_request email
	done
	for body in '{"username":"ab"}' '{"username":"has space"}' \
	    '{"username":""}' '{"username":7}' '{"user":"a@b"}'; do
		put "$ID" "$body" "$ACCESS"
		assert_error 400 invalid_request username
	done
	put "$ID" '{"password":null,"current_password":"correct horse"}' "$ACCESS"
	assert_error 400 invalid_request password
	put "$ID" '{"username":"abc","user":"abd"}' "$ACCESS"
	assert_error 400 invalid_request
	put "$ID" '{"username":"abc","username":"abd"}' "$ACCESS"
	assert_error 400 invalid_request
	[ "$(db "SELECT * FROM users WHERE id = $ID")" = "$before" ]
}

@test "profile: PUT refuses id, role, email_verified and other fields" {
	user_login
	before=$(db "SELECT * FROM users WHERE id = $ID")
	for f in id role email_verified password_hash created_at updated_at \
	    new_password foo; do
		for v in '"admin"' 1 true; do
			put "$ID" "{\"username\":\"fine$RANDOM\",\"$f\":$v}" \
			    "$ACCESS"
			assert_error 400 invalid_request "$f"
		done
	done
	[ "$(db "SELECT * FROM users WHERE id = $ID")" = "$before" ]
	# Not even an admin sets the role here.
	admin_login
	put "$ID" '{"role":"admin"}' "$ADMIN_ACCESS"
	assert_error 400 invalid_request role
	put "$ADMIN_ID" '{"role":"user"}' "$ADMIN_ACCESS"
	assert_error 400 invalid_request role
	[ "$(db "SELECT role FROM users WHERE id = $ID")" = user ]
}

@test "profile: a password change needs current_password and keeps this session" {
	user_login
	first=$ACCESS
	login "$EMAIL"
	second=$ACCESS second_refresh=$REFRESH
	put "$ID" '{"password":"brand new horse"}' "$first"
	assert_error 400 invalid_request current_password
	put "$ID" '{"password":"brand new horse","current_password":"wrong horse"}' "$first"
	assert_error 401 invalid_credentials current_password
	assert_json .message "the password is wrong"
	# Nothing changed: the old password still works, both sessions live.
	login "$EMAIL"
	req GET /user-info '' -H "$(auth "$second")"
	assert_status 200
	put "$ID" '{"password":"brand new horse","current_password":"correct horse"}' "$first"
	assert_status 200
	assert_json .id "$ID"
	req GET /user-info '' -H "$(auth "$first")"
	assert_status 200
	req GET /user-info '' -H "$(auth "$second")"
	assert_error 401 invalid_token
	req POST /refresh "{\"refresh_token\":\"$second_refresh\"}"
	assert_error 401 invalid_token
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	assert_error 401 invalid_credentials
	login "$EMAIL" "brand new horse"
	[ "$(db "SELECT substr(password_hash, 1, 7) FROM users WHERE id = $ID")" = '$2b$04$' ]
}

@test "profile: a new password must meet the policy" {
	user_login
	long=$(printf 'a%.0s' $(seq 73))
	for pw in short "$long" ''; do
		put "$ID" "{\"password\":\"$pw\",\"current_password\":\"correct horse\"}" "$ACCESS"
		assert_error 400 invalid_request password
	done
	# A NUL, even escaped, is refused naming the field, before a check.
	put "$ID" '{"password":"abc\u0000defghij","current_password":"correct horse"}' "$ACCESS"
	assert_error 400 invalid_request password
	assert_json .message "password must not contain a NUL byte"
	# Nor the account's email, its local part or its username.
	put "$ID" "{\"password\":\"${EMAIL^^}\",$CUR}" "$ACCESS"
	assert_error 400 invalid_request password
	put "$ID" "{\"password\":\"${EMAIL%@*}\",$CUR}" "$ACCESS"
	assert_error 400 invalid_request password
	put "$ID" "{\"username\":\"horsey$ID\",\"password\":\"HORSEY$ID\",$CUR}" "$ACCESS"
	assert_error 400 invalid_request password
	login "$EMAIL"
}

@test "profile: an admin sets another user's password with the admin's own" {
	admin_login
	user_login
	login "$EMAIL"
	second=$ACCESS
	put "$ID" '{"password":"admin set horse"}' "$ADMIN_ACCESS"
	assert_error 400 invalid_request current_password
	put "$ID" "{\"password\":\"admin set horse\",$CUR}" "$ADMIN_ACCESS"
	assert_status 200
	# Every session of the user ends; the admin's own goes on.
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	req GET /user-info '' -H "$(auth "$second")"
	assert_error 401 invalid_token
	req GET /user-info '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	login "$EMAIL" "admin set horse"
	# The user's password is no proof for the admin.
	put "$ID" '{"password":"other horse x","current_password":"admin set horse"}' "$ADMIN_ACCESS"
	assert_error 401 invalid_credentials current_password
	login "$EMAIL" "admin set horse"
}

@test "profile: an admin changing their own password needs current_password" {
	admin_login
	put "$ADMIN_ID" '{"password":"brand new horse"}' "$ADMIN_ACCESS"
	assert_error 400 invalid_request current_password
	put "$ADMIN_ID" '{"password":"brand new horse","current_password":"correct horse"}' "$ADMIN_ACCESS"
	assert_status 200
	req GET /user-info '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	login "$ADMIN_EMAIL" "brand new horse"
}

@test "profile: an admin changes another user's email and username" {
	admin_login
	user_login
	new=moved-$(new_email)
	put "$ID" "{\"email\":\"$new\",\"username\":\"moved$RANDOM\"}" "$ADMIN_ACCESS"
	assert_error 400 invalid_request current_password
	# The admin vouches for the address: it applies at once, unverified.
	put "$ID" "{\"email\":\"$new\",\"username\":\"moved$RANDOM\",$CUR}" "$ADMIN_ACCESS"
	assert_status 200
	assert_json .email "$new"
	assert_json .email_verified false
	assert_json .role user
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	assert_json .email "$new"
}

@test "profile: a taken email or username is 409 naming it, in any case" {
	user_login
	a_email=$EMAIL
	user_login
	put "$ID" '{"username":"taken'"$BATS_SUITE_TEST_NUMBER"'",'"$CUR"'}' "$ACCESS"
	assert_status 200
	b_id=$ID b_access=$ACCESS
	user_login
	put "$ID" "{\"email\":\"${a_email^^}\",$CUR}" "$ACCESS"
	assert_error 409 conflict email
	put "$ID" '{"username":"TAKEN'"$BATS_SUITE_TEST_NUMBER"'",'"$CUR"'}' "$ACCESS"
	assert_error 409 conflict username
	put "$ID" '{"user":"taken'"$BATS_SUITE_TEST_NUMBER"'",'"$CUR"'}' "$ACCESS"
	assert_error 409 conflict username
	[ "$(db "SELECT email FROM users WHERE id = $ID")" = "$EMAIL" ]
}

@test "profile: one PUT is all or nothing" {
	user_login
	put "$ID" '{"username":"atomic'"$BATS_SUITE_TEST_NUMBER"'",'"$CUR"'}' "$ACCESS"
	assert_status 200
	user_login
	login "$EMAIL"
	second=$ACCESS
	db "UPDATE users SET email_verified = 1 WHERE id = $ID"
	before=$(db "SELECT * FROM users WHERE id = $ID")
	free=free-$(new_email)
	# A free email, a new password and a taken username: nothing changes.
	put "$ID" '{"email":"'"$free"'","password":"brand new horse",
	    "current_password":"correct horse",
	    "username":"atomic'"$BATS_SUITE_TEST_NUMBER"'"}' "$ACCESS"
	assert_error 409 conflict username
	[ "$(db "SELECT * FROM users WHERE id = $ID")" = "$before" ]
	req GET /user-info '' -H "$(auth "$second")"
	assert_status 200
	login "$EMAIL"
	[ "$(db "SELECT count(*) FROM users WHERE email = '$free'")" = 0 ]
	[ "$(db "SELECT count(*) FROM mail_tokens WHERE user_id = $ID")" = 0 ]
	# The same without the clash: all of it is done, the email pending.
	put "$ID" '{"email":"'"$free"'","password":"brand new horse",
	    "current_password":"correct horse","username":"ok'"$RANDOM"'"}' "$ACCESS"
	assert_status 202
	assert_json .pending_email "$free"
	assert_json .email "$EMAIL"
	[ "$(db "SELECT count(*) FROM mail_tokens WHERE user_id = $ID AND kind = 'email'")" = 1 ]
	login "$EMAIL" "brand new horse"
	req GET /user-info '' -H "$(auth "$second")"
	assert_error 401 invalid_token
}

@test "profile: a user can neither read nor change another; the other is unchanged" {
	user_login
	a_id=$ID a_access=$ACCESS
	user_login
	before=$(db "SELECT * FROM users WHERE id = $ID")
	put "$ID" '{"username":"hijack'"$RANDOM"'",'"$CUR"'}' "$a_access"
	assert_error 403 forbidden
	put "$ID" '{"password":"brand new horse","current_password":"correct horse"}' "$a_access"
	assert_error 403 forbidden
	put "$ID" "{\"email\":\"hijack-$(new_email)\",$CUR}" "$a_access"
	assert_error 403 forbidden
	put 999999 '{"username":"nobody'"$RANDOM"'",'"$CUR"'}' "$a_access"
	assert_error 403 forbidden
	req GET "/profile/$ID" '' -H "$(auth "$a_access")"
	assert_error 403 forbidden
	[ "$(db "SELECT * FROM users WHERE id = $ID")" = "$before" ]
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	login "$EMAIL"
}

@test "profile: an empty PUT changes nothing" {
	user_login
	before=$(db "SELECT * FROM users WHERE id = $ID")
	put "$ID" '{}' "$ACCESS"
	assert_status 200
	assert_json .email "$EMAIL"
	req PUT "/profile/$ID" '' -H "$(auth "$ACCESS")"
	assert_status 200
	[ "$(db "SELECT * FROM users WHERE id = $ID")" = "$before" ]
}

@test "profile: a deleted user's token is refused at once" {
	admin_login
	user_login
	req DELETE "/users/$ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 204
	req GET "/profile/$ID" '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	put "$ID" '{"username":"ghost'"$RANDOM"'",'"$CUR"'}' "$ACCESS"
	assert_error 401 invalid_token
	put "$ID" '{"username":"ghost'"$RANDOM"'",'"$CUR"'}' "$ADMIN_ACCESS"
	assert_error 404 not_found
}
