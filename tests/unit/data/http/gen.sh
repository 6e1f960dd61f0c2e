#!/bin/sh
# Regenerates the TLS test fixtures of check_http (a CA and two leaf certificates, 100 years).
# Run once by hand in this directory; the outputs are committed as test data.
set -eu
days=36500
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
	-out ca.pem -days $days -subj "/CN=Fugue test CA" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
leaf() { # name subject-alt-names
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
		-out "$1.csr" -subj "/CN=$1"
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
		"$2" >"$1.ext"
	openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" \
		-days $days -extfile "$1.ext"
	rm -f "$1.csr" "$1.ext"
}
leaf server "DNS:localhost,IP:127.0.0.1"
leaf wronghost "DNS:wrong.example.invalid"
rm -f ca.key ca.srl
