#!/usr/bin/env bats
# Authorization across users: user B, with a valid token, tries every
# endpoint that takes an id against user A; a forged "admin" role claim
# changes nothing, since the role that counts is the database's.

load lib/server

setup_file() { server_start; }
teardown_file() { server_stop; }
setup() {
	load_helpers
	fresh_user
	A_ID=$USER_ID A_EMAIL=$EMAIL A_ACCESS=$ACCESS A_REFRESH=$REFRESH
	req GET /tokens '' -H "$(auth "$A_ACCESS")"
	A_SID=$(jq -r '.tokens[0].id' <<<"$BODY")
	fresh_user
	B_ID=$USER_ID B_ACCESS=$ACCESS
}

# A is unchanged and still logged in.
a_intact() {
	req GET /user-info '' -H "$(auth "$A_ACCESS")"
	assert_status 200
	assert_json .email "$A_EMAIL"
	assert_json .role user
	login "$A_EMAIL"
}

@test "authz: B cannot read A" {
	for path in "/users/$A_ID" "/user/$A_ID" "/profile/$A_ID"; do
		req GET "$path" '' -H "$(auth "$B_ACCESS")"
		assert_error 403 forbidden
		[[ $BODY != *"$A_EMAIL"* ]]
	done
	req GET /users '' -H "$(auth "$B_ACCESS")"
	assert_error 403 forbidden
	a_intact
}

@test "authz: B cannot change A's profile, password, role or verification" {
	for body in "{\"email\":\"$(new_email)\"}" '{"username":"stolen"}' \
	    '{"password":"brand new horse","current_password":"correct horse"}'; do
		req PUT "/profile/$A_ID" "$body" -H "$(auth "$B_ACCESS")"
		assert_error 403 forbidden
	done
	req PATCH "/users/$A_ID" '{"role":"admin"}' -H "$(auth "$B_ACCESS")"
	assert_error 403 forbidden
	req PATCH "/users/$B_ID" '{"role":"admin"}' -H "$(auth "$B_ACCESS")"
	assert_error 403 forbidden
	a_intact
}

@test "authz: B cannot delete A, nor A's sessions" {
	req DELETE "/users/$A_ID" '{"password":"correct horse"}' -H "$(auth "$B_ACCESS")"
	assert_error 403 forbidden
	req DELETE "/tokens/$A_SID" '' -H "$(auth "$B_ACCESS")"
	assert_error 404 not_found
	req POST /refresh "{\"refresh_token\":\"$A_REFRESH\"}"
	assert_status 200
	a_intact
}

@test "authz: a role claim forged to admin, signed with the real key, is not admin" {
	forged=$(jwt_part "$B_ACCESS" 2 | jq -c '.role = "admin"' | b64url)
	token=$(resign "$(cut -d. -f1 <<<"$B_ACCESS").$forged")
	req GET /user-info '' -H "$(auth "$token")"
	assert_status 200
	assert_json .role user
	req GET /users '' -H "$(auth "$token")"
	assert_error 403 forbidden
	req GET "/users/$A_ID" '' -H "$(auth "$token")"
	assert_error 403 forbidden
	req PATCH "/users/$B_ID" '{"role":"admin"}' -H "$(auth "$token")"
	assert_error 403 forbidden
	a_intact
}

@test "authz: a token naming A's id with B's session is refused" {
	forged=$(jwt_part "$B_ACCESS" 2 | jq -c ".sub = \"$A_ID\"" | b64url)
	token=$(resign "$(cut -d. -f1 <<<"$B_ACCESS").$forged")
	req GET /user-info '' -H "$(auth "$token")"
	assert_error 401 invalid_token
}
