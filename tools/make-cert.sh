#!/bin/sh
# Make a self-signed certificate for 127.0.0.1 and localhost in DIR
# (cert.pem, key.pem), unless one is there already.  For `make run TLS=1`
# and the tests; a real deployment sets TLS_CERT and TLS_KEY instead.
set -eu
dir=$1
[ -s "$dir/cert.pem" ] && [ -s "$dir/key.pem" ] && exit 0
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-days 825 -subj "/CN=localhost" \
	-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
	-addext "basicConstraints=critical,CA:TRUE" \
	-keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
chmod 600 "$dir/key.pem"
chmod 644 "$dir/cert.pem"
