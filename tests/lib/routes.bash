# The route tables, read from where they are written down, one route a
# line, for tests/routes.bats:
#
#   c_routes         METHOD PATH PROGRAM   each program's own table (cgi-bin/*.c)
#   openapi_routes   METHOD PATH PROGRAM   docs/openapi.json (x-fcgi-program)
#   lighttpd_routes  REGEX PROGRAM         lighttpd.conf, in order
#   httpd_routes     REGEX PROGRAM         apache/httpd.conf (AliasMatch)
#   htaccess_routes  REGEX PROGRAM         apache/htaccess (RewriteRule),
#                                          with the leading "/" put back
#   deblighttpd_routes  REGEX PROGRAM      conf/lighttpd.conf, the Debian
#   debapache_routes    REGEX PROGRAM      snippets (conf/apache.conf):
#                                          below the prefix, taken out
#
# The error program and static files are left out; lighttpd_catch_all,
# httpd_catch_all and htaccess_catch_all print each config's last rule,
# which sends everything else to the error program.
#
#   programs         each program in cgi-bin/ that has routes (not the
#                    error program, whose one route is "*", nor the
#                    authorizer, which has none)
#   url_of PATH ID   PATH with each {name} segment replaced by ID
#   paths_overlap P Q  can one URL match both paths?
#   gen_copy DIR     the inputs and outputs of tools/gen-routes.sh,
#                    copied to DIR, for running it there

c_routes() {
	local f prog
	for f in "$ROOT"/cgi-bin/*.c; do
		prog=$(basename "$f" .c)
		grep -o '{ METHOD_[A-Z]*, "/[^"]*"' "$f" |
		    sed "s|{ METHOD_\([A-Z]*\), \"\(.*\)\"|\1 \2 $prog|"
	done
}

openapi_routes() {
	jq -r '.paths | to_entries[] | .key as $p | .value["x-fcgi-program"] as $x |
	    .value | keys[] | select(test("^(get|put|post|patch|delete)$")) |
	    "\(ascii_upcase) \($p) \($x)"' "$ROOT/docs/openapi.json"
}

lighttpd_routes() {
	awk '/\$HTTP\["url"\]/ { re = "" }
	/\$HTTP\["url"\] =~/ {
		match($0, /=~ "[^"]*"/); re = substr($0, RSTART + 4, RLENGTH - 5)
	}
	/"bin-path"/ && re != "" {
		match($0, /cgi-bin\/[^"]*\.fcgi/)
		prog = substr($0, RSTART + 8, RLENGTH - 13)
		if (prog != "error") print re, prog
		re = ""
	}' "$ROOT/lighttpd.conf"
}

httpd_routes() {
	awk '$1 == "AliasMatch" && $3 ~ /cgi-bin\// {
		re = $2; gsub(/"/, "", re)
		prog = $3; sub(/.*cgi-bin\//, "", prog); sub(/\.fcgi"$/, "", prog)
		if (prog != "error") print re, prog
	}' "$ROOT/apache/httpd.conf"
}

htaccess_routes() {
	awk '$1 == "RewriteRule" && $3 ~ /^cgi-bin\/.*\/\$0$/ {
		prog = $3; sub(/^cgi-bin\//, "", prog); sub(/\.fcgi\/\$0$/, "", prog)
		print "^/" substr($2, 2), prog
	}' "$ROOT/apache/htaccess"
}

deblighttpd_routes() {
	awk '/\$HTTP\["url"\] =~ "\^" \+ var.fcgi_auth_prefix \+ "/ {
		match($0, /fcgi_auth_prefix \+ "[^"]*"/)
		re = "^" substr($0, RSTART + 20, RLENGTH - 21)
	}
	/"bin-path"/ && re != "" {
		match($0, /cgi-bin\/[^"]*\.fcgi/)
		prog = substr($0, RSTART + 8, RLENGTH - 13)
		if (prog != "error") print re, prog
		re = ""
	}' "$ROOT/conf/lighttpd.conf"
}

debapache_routes() {
	awk '$1 == "AliasMatch" && $3 ~ /cgi-bin\// {
		re = $2; gsub(/"/, "", re)
		sub(/^\^\$\{FCGI_AUTH_PREFIX\}\(/, "^", re); sub(/\)\$$/, "$", re)
		prog = $3; sub(/.*cgi-bin\//, "", prog); sub(/\.fcgi\$1"$/, "", prog)
		if (prog != "error") print re, prog
	}' "$ROOT/conf/apache.conf"
}

# The last rule of each config (lighttpd.conf: its program).
lighttpd_catch_all() {
	grep -o 'cgi-bin/[^"]*\.fcgi' "$ROOT/lighttpd.conf" | tail -n 1
}

httpd_catch_all() {
	awk '$1 == "AliasMatch" { last = $2 " " $3 } END { print last }' \
	    "$ROOT/apache/httpd.conf"
}

htaccess_catch_all() {
	awk '$1 == "RewriteRule" { last = $2 " " $3 } END { print last }' \
	    "$ROOT/apache/htaccess"
}

programs() {
	local f
	for f in "$ROOT"/cgi-bin/*.c; do
		grep -q '{ METHOD_[A-Z]*, "\*"\|api_authorize(' "$f" ||
		    basename "$f" .c
	done
}

url_of() {
	sed "s|{[a-z_]*}|$2|g" <<<"$1"
}

# A {name} segment is any one segment, and only that.
paths_overlap() {
	local -a a b
	local i
	IFS=/ read -ra a <<<"$1"
	IFS=/ read -ra b <<<"$2"
	[ "${#a[@]}" -eq "${#b[@]}" ] || return 1
	for i in "${!a[@]}"; do
		[[ ${a[i]} == "${b[i]}" || ${a[i]} == \{*\} ||
		    ${b[i]} == \{*\} ]] || return 1
	done
}

gen_copy() {
	mkdir -p "$1/tools" "$1/cgi-bin" "$1/common" "$1/apache" "$1/conf"
	cp "$ROOT/tools/gen-routes.sh" "$1/tools/"
	cp "$ROOT"/cgi-bin/*.c "$1/cgi-bin/"
	cp "$ROOT"/common/*.c "$1/common/"
	cp "$ROOT/lighttpd.conf" "$1/"
	cp "$ROOT/apache/httpd.conf" "$ROOT/apache/htaccess" "$1/apache/"
	cp "$ROOT/conf/lighttpd.conf" "$ROOT/conf/apache.conf" "$1/conf/"
}

# route_of TABLE URL: the program the first matching regex of TABLE
# (REGEX PROGRAM lines on stdin) gives URL, or "error".
route_of() {
	local re prog
	while read -r re prog; do
		[[ $1 =~ $re ]] && { echo "$prog"; return; }
	done
	echo error
}
