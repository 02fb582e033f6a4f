#!/bin/sh
# server-settings: the settings file (fcgi-auth.conf(5)) in the syntax of
# the web servers' Debian snippets.  Installed as
# @libexecdir@/fcgi-auth/server-settings:
#
#   server-settings lighttpd       print var.fcgi_auth_env for the
#                                  lighttpd snippet's include_shell
#   server-settings apache [FILE]  write FcgidCmdOptions lines, one per
#                                  program, into FILE (default
#                                  @sysconfdir@/fcgi-auth/apache-env.conf),
#                                  or to standard output for "-"
#
# The file is read and checked by `authctl settings`, as the programs
# check their settings; on any error this says why on standard error,
# prints nothing and leaves FILE as it was.  FCGI_AUTH_CONF names
# another settings file.
set -eu

authctl=@sbindir@/authctl
cgibin=@libexecdir@/fcgi-auth/cgi-bin
apache_env=@sysconfdir@/fcgi-auth/apache-env.conf
# Processes per program, at most, under mod_fcgid.
procs=2

die() {
	echo "server-settings: $*" >&2
	exit 1
}

case ${1:-} in
lighttpd|apache) ;;
*)
	echo "usage: server-settings lighttpd | apache [FILE|-]" >&2
	exit 2
	;;
esac

# NAME=value lines, checked (authctl names the file and line of an error).
settings=$("$authctl" settings) || exit 1

case $1 in
lighttpd)
	# A lighttpd string escapes only '"'; the file holds no value
	# ending in a backslash (authctl refuses it), which could escape
	# the closing quote.
	printf '%s\n' "var.fcgi_auth_env = ("
	[ -z "$settings" ] || printf '%s\n' "$settings" | sed \
	    -e 's/"/\\"/g' -e 's/^\([A-Z0-9_]*\)=\(.*\)$/	"\1" => "\2",/'
	printf '%s\n' ")"
	;;
apache)
	out=${2:-$apache_env}
	[ -d "$cgibin" ] || die "$cgibin: no such folder"
	# Quoted for Apache: backslash and '"' escaped; authctl refuses
	# "${", which Apache would expand.
	env=$(printf '%s\n' "$settings" | sed -e 's/[\\"]/\\&/g' \
	    -e 's/^.*$/	InitialEnv "&" \\/')
	text=$(
		echo "# Written from ${FCGI_AUTH_CONF:-@sysconfdir@/fcgi-auth/fcgi-auth.conf}"
		echo "# by $0: do not edit, run it again."
		for p in "$cgibin"/*.fcgi; do
			[ -e "$p" ] || continue
			echo "FcgidCmdOptions $p \\"
			[ -z "$settings" ] || printf '%s\n' "$env"
			echo "	MaxProcesses $procs"
		done
	)
	if [ "$out" = - ]; then
		printf '%s\n' "$text"
		exit 0
	fi
	# Apache reads it as root; the settings may hold a secret.
	tmp=$(mktemp "$out.XXXXXX") || die "cannot write beside $out"
	trap 'rm -f "$tmp"' EXIT
	printf '%s\n' "$text" >"$tmp"
	chmod 0600 "$tmp"
	mv "$tmp" "$out"
	trap - EXIT
	;;
esac
