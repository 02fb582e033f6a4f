# The route tables, read from where they are written down, one route a
# line, for tests/routes.bats:
#
#   c_routes         METHOD PATH PROGRAM   each program's own table (cgi-bin/*.c)
#   openapi_routes   METHOD PATH PROGRAM   docs/openapi.json (x-fcgi-program)
#   lighttpd_routes  REGEX PROGRAM         lighttpd.conf, in order
#   httpd_routes     REGEX PROGRAM         apache/httpd.conf (AliasMatch)
#   htaccess_routes  REGEX PROGRAM         apache/htaccess (RewriteRule),
#                                          with the leading "/" put back
#
# The error program and static files are left out.

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
	awk '/\$HTTP\["url"\] =~/ {
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

# Is PROGRAM built from a source in this tree?
in_tree() {
	[ -e "$ROOT/cgi-bin/$1.c" ]
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
