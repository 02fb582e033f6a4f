#!/bin/sh
# A throwaway PostgreSQL cluster in a folder, for make run DB=postgresql,
# the tests and the benchmark:
#
#   tools/pg-cluster.sh start DIR        make it (first time) and start it
#   tools/pg-cluster.sh stop DIR         stop it (the files stay)
#   tools/pg-cluster.sh createdb DIR DB  an empty database DB owned by the
#                                        service's role, unless there is
#                                        one; prints its AUTH_DB
#   tools/pg-cluster.sh uri DIR DB       print DB's AUTH_DB
#   tools/pg-cluster.sh psql DIR DB ...  psql on DB as the service's role
#
# The cluster (Debian's postgresql package, /usr/lib/postgresql/NN/bin)
# lives in DIR/data and listens on a unix socket in DIR only, never on
# a TCP port, so no two clusters clash.  PostgreSQL refuses to run as
# root: run as root, DIR belongs to the postgres user, who runs initdb
# and pg_ctl, and every folder above DIR must let it through (o+x).
# Connections over the socket are trusted: a development cluster that
# only the machine's users who can reach DIR can connect to.  The
# programs connect as the role fcgiauth, which owns its databases and
# is not a superuser.
set -eu

die() {
	echo "pg-cluster: $*" >&2
	exit 1
}

[ $# -ge 2 ] || die "usage: tools/pg-cluster.sh start|stop|createdb|uri|psql DIR [DB]"
cmd=$1
dir=$(cd "$2" 2>/dev/null && pwd) || die "$2: no such folder"
shift 2
ROLE=fcgiauth

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || die "no PostgreSQL server (make deps DB=postgresql)"

# as_owner CMD...: run CMD as the cluster's owner.
if [ "$(id -u)" -eq 0 ]; then
	owner=postgres
	as_owner() { runuser -u postgres -- "$@"; }
else
	owner=$(id -un)
	as_owner() { "$@"; }
fi

# A URI path part: the socket folder, percent-encoded as a query value.
uri() {
	printf 'postgresql://%s@/%s?host=%s\n' "$ROLE" "$1" \
	    "$(printf '%s' "$dir" | sed -e 's/%/%25/g' -e 's/ /%20/g' \
	    -e 's/&/%26/g' -e 's/#/%23/g' -e 's/?/%3F/g')"
}

# The socket's path must fit in a sockaddr_un (107 bytes).
[ ${#dir} -le 80 ] || die "$dir: path too long for a socket (80 at most)"

case $cmd in
start)
	# The socket's folder: anyone may pass, nobody may list it.
	chmod 711 "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$dir"
		runuser -u postgres -- test -x "$dir" ||
		    die "the postgres user cannot reach $dir: every folder above it needs o+x"
	fi
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_owner "$bin/initdb" -D "$dir/data" -U "$owner" -A trust \
		    -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
		    { cat "$dir/initdb.log" >&2; die "initdb failed"; }
		# Unix socket only; room for several hosts' programs and
		# test suites; the durability of the SQLite store's
		# synchronous=NORMAL (a crash may lose the last commits,
		# never consistency), which is what a throwaway cluster needs.
		cat >>"$dir/data/postgresql.conf" <<-CONF
		listen_addresses = ''
		unix_socket_directories = '$dir'
		max_connections = 400
		shared_buffers = 128MB
		synchronous_commit = off
		log_min_messages = warning
		log_min_error_statement = panic
		CONF
	fi
	if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
		    -w -t 60 start >/dev/null ||
		    { cat "$dir/server.log" >&2; die "the server did not start"; }
	fi
	# The service's role: it owns its databases, nothing more.
	as_owner "$bin/psql" -h "$dir" -U "$owner" -d postgres -XAtq -c \
	    "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'" | grep -q 1 ||
	    as_owner "$bin/psql" -h "$dir" -U "$owner" -d postgres -XAtq \
	    -c "CREATE ROLE $ROLE LOGIN" >/dev/null
	;;
stop)
	[ -f "$dir/data/PG_VERSION" ] || exit 0
	as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	;;
createdb)
	[ $# -eq 1 ] || die "createdb DIR DB"
	case $1 in
	*[!a-z0-9_]*|'') die "$1: a database name is a-z, 0-9 and _" ;;
	esac
	as_owner "$bin/psql" -h "$dir" -U "$owner" -d postgres -XAtq -c \
	    "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1 ||
	    as_owner "$bin/psql" -h "$dir" -U "$owner" -d postgres -XAtq \
	    -c "CREATE DATABASE $1 OWNER $ROLE" >/dev/null
	uri "$1"
	;;
uri)
	[ $# -eq 1 ] || die "uri DIR DB"
	uri "$1"
	;;
psql)
	[ $# -ge 1 ] || die "psql DIR DB [psql args]"
	db=$1
	shift
	exec "$bin/psql" -h "$dir" -U "$ROLE" -d "$db" -XAtq "$@"
	;;
*)
	die "$cmd: start, stop, createdb, uri or psql"
	;;
esac
