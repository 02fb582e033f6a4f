# Capturing mail for the suites: AUTH_SENDMAIL points at a script that
# files each message in a folder, and helpers read them.  With one
# process per program (PROCS=1), a program hands a request's mail to a
# detached courier (a session leader of its own) after the answer and
# before it takes the next request: once a later request to each
# mailing program has been answered, every courier of the earlier ones
# has been started, and once none is left running (mail_sync), every
# mail of the earlier requests is filed.
#
#   mailer_make             make $MAILER and $MAILDIR in the state folder
#   mail_sync               wait until every earlier mail is filed
#   mails_to EMAIL          the files of the messages to EMAIL, oldest first
#   last_mail EMAIL         sets MAIL and TOKEN from the newest mail with a link
#   token_of FILE           sets TOKEN from the link in a message
#   header NAME             a header of $MAIL

# The mailer lives in the server's state folder, which Apache hands to
# the user it runs the programs as: it must run and write as them.  It
# notes its arguments, environment and open descriptors; "mode" in the
# folder makes it fail or hang instead, keeping the message.
mailer_make() {
	export STATE=${STATE:-$(mktemp -d "$BATS_FILE_TMPDIR/state.XXXXXX")}
	export MAILDIR="$STATE/mail"
	export MAILER="$STATE/mailer"
	mkdir -p "$MAILDIR/in"
	cat >"$MAILER" <<-EOF
	#!/bin/sh
	dir='$MAILDIR'
	echo "\$*" >"\$dir/args"
	env >"\$dir/env"
	ls -l /proc/\$\$/fd/ >"\$dir/fds"
	case \$(cat "\$dir/mode" 2>/dev/null) in
	fail) cat >"\$dir/failed"; exit 1 ;;
	hang) cat >"\$dir/hung"; echo \$\$ >>"\$dir/hang.pid"; exec sleep 30 ;;
	esac
	n=\$(date +%s%N).\$\$
	cat >"\$dir/.\$n" && mv "\$dir/.\$n" "\$dir/in/\$n"
	EOF
	chmod +x "$MAILER"
}

# couriers: the pids of the mail couriers still running (programs in a
# session of their own: the programs themselves share the server's).
couriers() {
	ps -eo pid=,sid=,args= |
	    awk '$1 == $2 && $3 ~ /cgi-bin\/[a-z-]*\.fcgi$/ { print $1 }'
}

mail_sync() {
	local path i
	for path in /password-reset /verify-email/confirm /mfa/totp/confirm; do
		curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
		    -d '{}' "$BASE$path"
	done
	curl -s -o /dev/null -X PUT -H 'Content-Type: application/json' \
	    -d '{}' "$BASE/profile/1"
	for i in $(seq 200); do
		[ -z "$(couriers)" ] && return 0
		sleep 0.05
	done
	echo "couriers still running: $(couriers)" >&2
	return 1
}

mails_to() {
	grep -l -x -F "To: $1" "$MAILDIR"/in/* 2>/dev/null | sort
}

# The newest mail to EMAIL that carries a link.  A file's name is the
# time its courier filed it, and couriers run side by side: a notice of
# an earlier request can be filed after the link a later one asked for.
# Sets MAIL and TOKEN; neither is left from an earlier mail if none has
# a link.
last_mail() {
	local m
	MAIL=
	mail_sync
	for m in $(mails_to "$1" | sort -r); do
		token_of "$m" 2>/dev/null && { MAIL=$m; return 0; }
	done
	TOKEN=
	echo "no mail with a link to $1" >&2
	return 1
}

token_of() {
	TOKEN=$(grep -o 'token=[A-Za-z0-9_-]*' "$1" | cut -d= -f2)
	[ ${#TOKEN} -eq 43 ] || { echo "no token in $1" >&2; return 1; }
}

header() {
	sed '/^$/q' "$MAIL" | sed -n "s/^$1: //p"
}
