# Running a program directly as plain CGI, one request and exit, as a
# shared host's web server does (libfcgi falls back to CGI when started
# without a FastCGI socket), for suites that check a program's contract
# without a server.  On top of server.bash (ROOT) and bats' run.
#
#   cgi PROGRAM METHOD PATH [BODY] [NAME=value ...]
#       runs cgi-bin/PROGRAM.fcgi in an empty environment with the CGI
#       variables for METHOD PATH and a JSON BODY on stdin, plus the
#       NAME=value given; sets status, output and lines (bats' run),
#       with the CRs of the CGI headers taken out
#
# Its database is $CGI_DB (default: cgi.db in the file's temporary
# folder; with DB=postgresql, a database named after it), kept across
# the file's tests; bcrypt runs at cost 4.

cgi() {
	local prog=$1 method=$2 path=$3 body=${4:-}
	shift 3
	[ $# -gt 0 ] && shift
	local db=${CGI_DB:-$BATS_FILE_TMPDIR/cgi.db}
	# shellcheck disable=SC2046
	run env -i AUTH_DB="$(store_db "$db")" $(store_files "$(dirname "$db")") \
	    AUTH_BCRYPT_COST=4 \
	    AUTH_JWT_SECRET=cgi-test-secret-0123456789abcdef0123 \
	    REQUEST_METHOD="$method" SCRIPT_NAME="$path" \
	    CONTENT_LENGTH=${#body} CONTENT_TYPE=application/json \
	    REMOTE_ADDR=127.0.0.1 "$@" "$ROOT/cgi-bin/$prog.fcgi" <<<"$body"
	# CGI headers end in CRLF; compare lines without the CR.
	output=${output//$'\r'/}
	# shellcheck disable=SC2034 # bats' own, read by assert_line
	mapfile -t lines <<<"$output"
}
