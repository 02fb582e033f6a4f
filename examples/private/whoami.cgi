#!/bin/sh
# whoami.cgi: a CGI script behind fcgi-auth's authorizer, answering
# with the variables the web server handed it, as JSON (null: not set).
# Behind the authorizer they name the signed-in user; a client sending
# headers of those names gets HTTP_* variables, never these.

# A variable's value as a JSON string, or null when it is not set.
value() {
	eval "set=\${$1+x} v=\${$1-}"
	if [ -z "$set" ]; then
		printf 'null'
	else
		printf '"%s"' "$(printf '%s' "$v" |
		    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | tr -d '\000-\037')"
	fi
}

# Read the body, if any, first: Apache's mod_cgid cuts the answer of a
# script that leaves it unread.
[ "${CONTENT_LENGTH:-0}" = 0 ] || cat >/dev/null

printf 'Status: 200 OK\r\nContent-Type: application/json\r\n'
printf 'Cache-Control: no-store\r\n\r\n'
sep='{'
for name in AUTH_USER_ID AUTH_USER_ROLE AUTH_USER_EMAIL AUTH_SESSION_ID; do
	printf '%s"%s":%s' "$sep" "$name" "$(value "$name")"
	sep=','
done
printf '}\n'
