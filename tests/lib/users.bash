# Helpers for the users, profile and authctl suites, on top of server.bash.
#
#   authctl ARGS...         authctl ($AUTHCTL: tools/authctl, or the
#                           package's) against the test server's
#                           database, with the server's settings
#   make_admin EMAIL [PW]   an admin made with authctl; sets USER_ID
#   admin_login             a fresh admin, logged in: sets ADMIN_ID,
#                           ADMIN_EMAIL and ADMIN_ACCESS
#   user_login              a fresh user, logged in: sets ID, EMAIL, ACCESS
#   claim TOKEN NAME        a claim of a JWT, unverified

authctl() {
	# shellcheck disable=SC2086
	env $(store_env) AUTH_BCRYPT_COST=4 $SERVER_ENV \
	    "$AUTHCTL" "$@"
}

make_admin() {
	local out
	out=$(printf '%s\n' "${2:-correct horse}" |
	    authctl add-user "$1" --role admin) || return 1
	USER_ID=$(awk '{ print $3 }' <<<"$out")
}

admin_login() {
	ADMIN_EMAIL=admin-$(new_email)
	make_admin "$ADMIN_EMAIL" || return 1
	ADMIN_ID=$USER_ID
	login "$ADMIN_EMAIL" || return 1
	ADMIN_ACCESS=$ACCESS
}

user_login() {
	EMAIL=$(new_email)
	register "$EMAIL" || return 1
	ID=$USER_ID
	login "$EMAIL"
}

claim() {
	jwt_part "$1" 2 | jq -r ".$2"
}
