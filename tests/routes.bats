#!/usr/bin/env bats
# One route table, written down in five places: each program's own
# (cgi-bin/*.c), docs/openapi.json, lighttpd.conf, apache/httpd.conf and
# apache/htaccess.  They must agree, and each host must route every
# documented path to its program.  Programs another branch adds are in
# the Apache configs and openapi.json before they are in this tree:
# those are checked once their source is here.

load lib/server
load lib/routes

setup_file() { server_start; }
teardown_file() { server_stop; }
setup() { load_helpers; }

@test "routes: openapi.json is OpenAPI 3.1, every \$ref defined, operationIds unique" {
	run jq -r .openapi "$ROOT/docs/openapi.json"
	assert_output 3.1.0
	# Every "$ref" names something under components.
	run jq -r '. as $d | [.. | objects | .["$ref"]? // empty] | unique[] |
	    select((ltrimstr("#/") | split("/")) as $p |
	    ($d | getpath($p)) == null)' "$ROOT/docs/openapi.json"
	assert_success
	assert_output ''
	run jq -r '[.paths[][] | objects | .operationId] | group_by(.)[] |
	    select(length > 1)[0]' "$ROOT/docs/openapi.json"
	assert_output ''
	# Every operation says what it answers, errors included.
	run jq -r '.paths | to_entries[] | .key as $p | .value | to_entries[] |
	    select(.value | type == "object") |
	    select((.value.responses | keys | map(tonumber) |
	    any(. >= 400)) | not) | "\(.key) \($p)"' "$ROOT/docs/openapi.json"
	assert_output ''
}

@test "routes: openapi.json has exactly the routes the programs serve" {
	[ -n "$(c_routes)" ]
	diff <(c_routes | sort) <(openapi_routes | while read -r m p x; do
		! in_tree "$x" || echo "$m $p $x"; done | sort)
}

@test "routes: every program openapi.json names is in this tree" {
	local missing
	missing=$(openapi_routes | awk '{ print $3 }' | sort -u |
	    while read -r x; do in_tree "$x" || echo "$x"; done | xargs)
	[ -z "$missing" ] || skip "not merged yet: $missing"
	[ -z "$missing" ]
}

@test "routes: lighttpd.conf, httpd.conf and htaccess route alike, in one order" {
	local l
	l=$(lighttpd_routes)
	[ -n "$l" ]
	# The Apache configs also route the programs still to come.
	diff <(echo "$l") <(httpd_routes | while read -r re x; do
		! in_tree "$x" || echo "$re $x"; done)
	diff <(echo "$l") <(htaccess_routes | while read -r re x; do
		! in_tree "$x" || echo "$re $x"; done)
	diff <(httpd_routes) <(htaccess_routes)
}

@test "routes: each config routes every documented path to its program" {
	local m p x url table got
	while read -r m p x; do
		for url in "${p//\{id\}/1}" "${p//\{id\}/987654}"; do
			for table in lighttpd httpd htaccess; do
				# lighttpd.conf gets a program with its source.
				[ "$table" != lighttpd ] || in_tree "$x" ||
				    continue
				got=$("${table}_routes" | route_of "$url")
				[ "$got" = "$x" ] ||
				    { echo "$table: $url -> $got, not $x"; false; }
			done
		done
	done < <(openapi_routes)
}

@test "routes: every route in lighttpd.conf serves some path of its program" {
	local re x m p n
	while read -r re x; do
		n=0
		while read -r m p; do
			[[ ${p//\{id\}/1} =~ $re ]] && n=$((n + 1))
		done < <(c_routes | awk -v x="$x" '$3 == x { print $1, $2 }')
		[ "$n" -gt 0 ] || { echo "$re ($x) serves no route"; false; }
	done < <(lighttpd_routes)
}

@test "routes: httpd.conf passes the settings lighttpd.conf passes, each only when set" {
	local settings v
	settings=$(sed -n '/^var.settings = (/,/^)/p' "$ROOT/lighttpd.conf" |
	    grep -o '"[A-Z_]*"' | tr -d '"')
	[ "$(wc -w <<<"$settings")" -gt 20 ]
	for v in $settings; do
		grep -A1 "^<IfDefine $v>\$" "$ROOT/apache/httpd.conf" |
		    grep -q "^	FcgidInitialEnv $v \"\${$v}\"\$" ||
		    { echo "httpd.conf does not pass $v"; false; }
	done
	# No FcgidInitialEnv outside an <IfDefine> of its own name.
	run awk '/^<IfDefine / { d = $2; sub(/>$/, "", d) }
	    /^<\/IfDefine>/ { d = "" }
	    $1 == "FcgidInitialEnv" && $2 != d { print }' \
	    "$ROOT/apache/httpd.conf"
	assert_output ''
}

@test "routes: each documented path answers a method it lacks with 405 and its Allow" {
	local p x methods allow m want got
	while read -r p x; do
		# A program not built yet is a JSON 404, on every host.
		if ! in_tree "$x"; then
			req GET "${p//\{id\}/1}"
			assert_error 404 not_found
			continue
		fi
		methods=$(jq -r --arg p "$p" '.paths[$p] | keys[] |
		    select(test("^(get|put|post|patch|delete)$")) | ascii_upcase' \
		    "$ROOT/docs/openapi.json")
		# The answer lists GET with HEAD.
		want=$(sed 's/^GET$/GET\nHEAD/' <<<"$methods" | sort | xargs)
		for m in PUT PATCH DELETE POST GET; do
			grep -qx "$m" <<<"$methods" || break
		done
		req "$m" "${p//\{id\}/1}"
		assert_error 405 method_not_allowed ||
		    { echo "$m $p"; return 1; }
		allow=$(grep -i '^Allow:' "$HEADERS" | cut -d: -f2 | tr -d ' \r' |
		    tr ',' '\n' | sort | xargs)
		[ "$allow" = "$want" ] ||
		    { echo "$m $p: Allow '$allow', not '$want'"; false; }
	done < <(jq -r '.paths | to_entries[] |
	    "\(.key) \(.value["x-fcgi-program"])"' "$ROOT/docs/openapi.json")
}
