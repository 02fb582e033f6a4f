#!/usr/bin/env bats
# GET /users, GET|PATCH|DELETE /users/{id} and GET /user/{id}: admins,
# ownership, paging, roles from the database, the last admin.

load lib/server
load lib/users

setup_file() { server_start; }
teardown_file() { server_stop; }
setup() { load_helpers; }

# Bad ids: each must be 404 on every {id} route, whoever asks.
BAD_IDS=(abc 2abc -1 0 1.5 99999999999999999999 01 +1 1e3 0x10 '')

@test "users: an admin lists users in order of id with the total" {
	admin_login
	user_login
	req GET /users '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	assert_json '.total' "$(db 'SELECT count(*) FROM users')"
	assert_json '[.users[].id] == ([.users[].id] | sort)' true
	assert_json "[.users[] | select(.id == $ID) | .email][0]" "$EMAIL"
	assert_json "[.users[] | select(.id == $ADMIN_ID) | .role][0]" admin
	assert_json '[.users[] | has("password_hash") or has("password")] | any' false
	assert_json '.users[0] | keys | sort | join(",")' \
	    created_at,email,email_verified,id,mfa_enabled,role,updated_at,username
}

@test "users: limit defaults to 50, is at most 200, and offset pages" {
	admin_login
	# Enough users for three pages of the default size.
	db "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
	    WHERE i < 120) INSERT INTO users (email, password_hash,
	    created_at, updated_at) SELECT 'bulk' || i || '@example.com',
	    '*', 0, 0 FROM n"
	total=$(db 'SELECT count(*) FROM users')
	req GET /users '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	assert_json '.users | length' 50
	assert_json .total "$total"
	assert_json '.users[0].id' "$(db 'SELECT min(id) FROM users')"
	req GET '/users?limit=200' '' -H "$(auth "$ADMIN_ACCESS")"
	assert_json '.users | length' "$(( total < 200 ? total : 200 ))"
	req GET '/users?limit=2' '' -H "$(auth "$ADMIN_ACCESS")"
	assert_json '.users | length' 2
	second=$(jq -r '.users[1].id' <<<"$BODY")
	req GET '/users?limit=2&offset=1' '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	assert_json '.users[0].id' "$second"
	assert_json .total "$total"
	req GET "/users?offset=$total" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	assert_json '.users | length' 0
	assert_json .total "$total"
	req GET '/users?offset=3&limit=1' '' -H "$(auth "$ADMIN_ACCESS")"
	assert_json '.users[0].id' "$(db 'SELECT id FROM users ORDER BY id LIMIT 1 OFFSET 3')"
}

@test "users: a bad limit or offset is 400 naming it" {
	admin_login
	for v in 0 201 -1 abc 1.5 '' 99999999999999999999 '%2B5' 5x; do
		req GET "/users?limit=$v" '' -H "$(auth "$ADMIN_ACCESS")"
		assert_error 400 invalid_request limit
	done
	for v in -1 abc 1.5 '' 99999999999999999999 '%201' 1x; do
		req GET "/users?offset=$v" '' -H "$(auth "$ADMIN_ACCESS")"
		assert_error 400 invalid_request offset
	done
	req GET '/users?limit=1&offset=0' '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
}

@test "users: listing is for admins only" {
	user_login
	req GET /users '' -H "$(auth "$ACCESS")"
	assert_error 403 forbidden
	req GET /users
	assert_error 401 invalid_token
	req GET /users '' -H 'Authorization: Bearer nonsense'
	assert_error 401 invalid_token
}

@test "users: a user reads themselves, not others; an admin reads anyone" {
	user_login
	a_id=$ID a_access=$ACCESS a_email=$EMAIL
	user_login
	req GET "/users/$a_id" '' -H "$(auth "$a_access")"
	assert_status 200
	assert_json .email "$a_email"
	assert_json .id "$a_id"
	req GET "/users/$ID" '' -H "$(auth "$a_access")"
	assert_error 403 forbidden
	# Whether or not the id exists: the answer does not tell.
	req GET "/users/999999" '' -H "$(auth "$a_access")"
	assert_error 403 forbidden
	admin_login
	req GET "/users/$ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	assert_json .email "$EMAIL"
	req GET "/users/999999" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 404 not_found
	req GET "/users/$ID"
	assert_error 401 invalid_token
}

@test "users: GET /user/{id} is the same as GET /users/{id}" {
	user_login
	a_id=$ID a_access=$ACCESS
	user_login
	req GET "/user/$a_id" '' -H "$(auth "$a_access")"
	assert_status 200
	assert_json .id "$a_id"
	req GET "/user/$ID" '' -H "$(auth "$a_access")"
	assert_error 403 forbidden
	admin_login
	req GET "/user/$ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	assert_json .email "$EMAIL"
	req GET /user/999999 '' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 404 not_found
	req PATCH "/user/$ID" '{"role":"admin"}' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 405 method_not_allowed
	assert_header Allow 'GET, HEAD'
}

@test "users: malformed ids are 404 on every {id} route" {
	admin_login
	for id in "${BAD_IDS[@]}"; do
		for m in GET PATCH DELETE; do
			req "$m" "/users/$id" '' -H "$(auth "$ADMIN_ACCESS")"
			assert_error 404 not_found
		done
		req GET "/user/$id" '' -H "$(auth "$ADMIN_ACCESS")"
		assert_error 404 not_found
	done
	req GET "/users/$ADMIN_ID/" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 404 not_found
	req GET "/users/$ADMIN_ID/x" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 404 not_found
	req GET "/usersx/$ADMIN_ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 404 not_found
	# The control: the same admin, a good id.
	req GET "/users/$ADMIN_ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
}

@test "users: other methods are 405 with Allow" {
	admin_login
	req PUT "/users/$ADMIN_ID" '{}' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 405 method_not_allowed
	assert_header Allow 'GET, HEAD, PATCH, DELETE'
	req POST /users '{}' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 405 method_not_allowed
	assert_header Allow 'GET, HEAD'
}

@test "users: PATCH by an admin sets role and email_verified; updated_at moves" {
	admin_login
	user_login
	db "UPDATE users SET updated_at = 1000 WHERE id = $ID"
	req PATCH "/users/$ID" '{"email_verified":true}' \
	    -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	assert_json .email_verified true
	assert_json .role user
	assert_json .email "$EMAIL"
	[ "$(jq -r .updated_at <<<"$BODY")" != 1970-01-01T00:16:40Z ]
	[ "$(db "SELECT updated_at > 1000 FROM users WHERE id = $ID")" = 1 ]
	req PATCH "/users/$ID" '{"role":"admin","email_verified":false}' \
	    -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	assert_json .role admin
	assert_json .email_verified false
	[ "$(db "SELECT role || email_verified FROM users WHERE id = $ID")" = admin0 ]
	# An empty patch changes nothing.
	req PATCH "/users/$ID" '{}' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	assert_json .role admin
}

@test "users: PATCH refuses bad values and fields it does not take" {
	admin_login
	user_login
	before=$(db "SELECT * FROM users WHERE id = $ID")
	req PATCH "/users/$ID" '{"role":"root"}' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 400 invalid_request role
	req PATCH "/users/$ID" '{"role":"Admin"}' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 400 invalid_request role
	req PATCH "/users/$ID" '{"email_verified":"yes"}' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 400 invalid_request email_verified
	req PATCH "/users/$ID" '{"email_verified":1}' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 400 invalid_request email_verified
	for f in id email username password password_hash created_at \
	    updated_at current_password foo; do
		req PATCH "/users/$ID" "{\"role\":\"admin\",\"$f\":\"x\"}" \
		    -H "$(auth "$ADMIN_ACCESS")"
		assert_error 400 invalid_request "$f"
	done
	req PATCH "/users/$ID" '{"role":"admin"' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 400 invalid_request
	req PATCH "/users/$ID" '' --data-binary '{"role":"admin"}' \
	    -H "$(auth "$ADMIN_ACCESS")" -H 'Content-Type: text/plain'
	assert_error 415 unsupported_media_type
	[ "$(db "SELECT * FROM users WHERE id = $ID")" = "$before" ]
	req PATCH /users/999999 '{"role":"admin"}' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 404 not_found
}

@test "users: a user cannot PATCH anyone, themselves included" {
	user_login
	a_id=$ID a_access=$ACCESS
	user_login
	before=$(db "SELECT * FROM users WHERE id IN ($a_id, $ID)")
	req PATCH "/users/$a_id" '{"role":"admin"}' -H "$(auth "$a_access")"
	assert_error 403 forbidden
	req PATCH "/users/$ID" '{"email_verified":true}' -H "$(auth "$a_access")"
	assert_error 403 forbidden
	[ "$(db "SELECT * FROM users WHERE id IN ($a_id, $ID)")" = "$before" ]
	req GET /users '' -H "$(auth "$a_access")"
	assert_error 403 forbidden
}

@test "users: a promotion counts at once, with a token whose claim says user" {
	admin_login
	user_login
	[ "$(claim "$ACCESS" role)" = user ]
	req GET /users '' -H "$(auth "$ACCESS")"
	assert_error 403 forbidden
	req PATCH "/users/$ID" '{"role":"admin"}' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
	req GET /users '' -H "$(auth "$ACCESS")"
	assert_status 200
}

@test "users: a demoted admin loses admin access at once, old token or not" {
	admin_login
	a_access=$ADMIN_ACCESS
	admin_login
	b_id=$ADMIN_ID b_access=$ADMIN_ACCESS
	[ "$(claim "$b_access" role)" = admin ]
	req GET /users '' -H "$(auth "$b_access")"
	assert_status 200
	req PATCH "/users/$b_id" '{"role":"user"}' -H "$(auth "$a_access")"
	assert_status 200
	assert_json .role user
	# The token still says admin; the database does not.
	[ "$(claim "$b_access" role)" = admin ]
	req GET /users '' -H "$(auth "$b_access")"
	assert_error 403 forbidden
	req PATCH "/users/$b_id" '{"role":"admin"}' -H "$(auth "$b_access")"
	assert_error 403 forbidden
	[ "$(db "SELECT role FROM users WHERE id = $b_id")" = user ]
	# Still a user: their own resource is theirs.
	req GET "/users/$b_id" '' -H "$(auth "$b_access")"
	assert_status 200
}

@test "users: the last admin can be neither demoted nor deleted" {
	admin_login
	a_id=$ADMIN_ID a_email=$ADMIN_EMAIL a_access=$ADMIN_ACCESS
	admin_login
	b_id=$ADMIN_ID b_access=$ADMIN_ACCESS
	# Only these two admins from here on.
	db "UPDATE users SET role = 'user' WHERE role = 'admin'
	    AND id NOT IN ($a_id, $b_id)"
	# With two, one may step down.
	req PATCH "/users/$b_id" '{"role":"user"}' -H "$(auth "$b_access")"
	assert_status 200
	req PATCH "/users/$a_id" '{"role":"user"}' -H "$(auth "$a_access")"
	assert_error 409 conflict role
	assert_json .message 'this is the last admin; make another admin first'
	req DELETE "/users/$a_id" '{"password":"correct horse"}' \
	    -H "$(auth "$a_access")"
	assert_error 409 conflict
	[ "$(db "SELECT role FROM users WHERE id = $a_id")" = admin ]
	# Role "admin" for the last admin is no demotion.
	req PATCH "/users/$a_id" '{"role":"admin","email_verified":true}' \
	    -H "$(auth "$a_access")"
	assert_status 200
	# With a second admin again, the first may go.
	req PATCH "/users/$b_id" '{"role":"admin"}' -H "$(auth "$a_access")"
	assert_status 200
	req DELETE "/users/$a_id" '{"password":"correct horse"}' \
	    -H "$(auth "$a_access")"
	assert_status 204
	[ "$(db "SELECT count(*) FROM users WHERE email = '$a_email'")" = 0 ]
}

@test "users: deleting yourself needs your password; the token dies at once" {
	user_login
	login "$EMAIL"
	other_access=$ACCESS other_refresh=$REFRESH
	req DELETE "/users/$ID" '' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request password
	req DELETE "/users/$ID" '{}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request password
	req DELETE "/users/$ID" '{"password":"wrong horse"}' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_credentials
	req GET "/users/$ID" '' -H "$(auth "$ACCESS")"
	assert_status 200
	req DELETE "/users/$ID" '{"password":"correct horse"}' \
	    -H "$(auth "$ACCESS")"
	assert_status 204
	[ -z "$BODY" ]
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	req GET /user-info '' -H "$(auth "$other_access")"
	assert_error 401 invalid_token
	req POST /refresh "{\"refresh_token\":\"$other_refresh\"}"
	assert_error 401 invalid_token
	req POST /login "{\"email\":\"$EMAIL\",\"password\":\"correct horse\"}"
	assert_error 401 invalid_credentials
	[ "$(db "SELECT count(*) FROM users WHERE id = $ID")" = 0 ]
	[ "$(db "SELECT count(*) FROM sessions WHERE user_id = $ID")" = 0 ]
	[ "$(db "SELECT count(*) FROM refresh_tokens r LEFT JOIN sessions s
	    ON s.id = r.session_id WHERE s.id IS NULL")" = 0 ]
}

@test "users: the email of a deleted user can register again" {
	user_login
	req DELETE "/users/$ID" '{"password":"correct horse"}' \
	    -H "$(auth "$ACCESS")"
	assert_status 204
	register "$EMAIL"
	[ "$USER_ID" -gt "$ID" ]
	# The old token does not name the new account.
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
}

@test "users: a user cannot delete another; the other is unchanged" {
	user_login
	a_id=$ID a_access=$ACCESS
	user_login
	before=$(db "SELECT * FROM users WHERE id = $ID")
	req DELETE "/users/$ID" '{"password":"correct horse"}' \
	    -H "$(auth "$a_access")"
	assert_error 403 forbidden
	req DELETE "/users/$ID" '' -H "$(auth "$a_access")"
	assert_error 403 forbidden
	req DELETE /users/999999 '' -H "$(auth "$a_access")"
	assert_error 403 forbidden
	[ "$(db "SELECT * FROM users WHERE id = $ID")" = "$before" ]
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_status 200
	req GET /user-info '' -H "$(auth "$a_access")"
	assert_status 200
}

@test "users: an admin deletes another user without a password" {
	admin_login
	user_login
	req DELETE "/users/$ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 204
	req GET /user-info '' -H "$(auth "$ACCESS")"
	assert_error 401 invalid_token
	req GET "/users/$ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 404 not_found
	req DELETE "/users/$ID" '' -H "$(auth "$ADMIN_ACCESS")"
	assert_error 404 not_found
	# A password sent anyway is the admin's own, and is checked.
	user_login
	req DELETE "/users/$ID" '{"password":"wrong horse"}' \
	    -H "$(auth "$ADMIN_ACCESS")"
	assert_error 401 invalid_credentials
	req DELETE "/users/$ID" '{"password":"correct horse"}' \
	    -H "$(auth "$ADMIN_ACCESS")"
	assert_status 204
	# The admin is still in.
	req GET /users '' -H "$(auth "$ADMIN_ACCESS")"
	assert_status 200
}

@test "users: DELETE refuses fields other than password" {
	user_login
	for f in id role email force; do
		req DELETE "/users/$ID" "{\"password\":\"correct horse\",\"$f\":1}" \
		    -H "$(auth "$ACCESS")"
		assert_error 400 invalid_request "$f"
	done
	req DELETE "/users/$ID" '{"password":42}' -H "$(auth "$ACCESS")"
	assert_error 400 invalid_request password
	[ "$(db "SELECT count(*) FROM users WHERE id = $ID")" = 1 ]
}
