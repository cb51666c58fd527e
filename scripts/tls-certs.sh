#!/usr/bin/env bash
# Makes the test certificates (openssl, into DIR; idempotent: an existing set is kept).
#
#   scripts/tls-certs.sh DIR
#
#   ca.pem / ca.key          the test CA the clients trust (wechat.ca_file, curl --cacert)
#   server.pem / server.key  for localhost and 127.0.0.1, signed by the CA (nginx, the fake WeChat)
#   wronghost.pem / .key     signed by the CA, but for other.invalid only
#   unknown.pem / .key       for localhost, signed by a CA nobody trusts (other-ca.pem)
#   expired.pem / .key       for localhost, signed by the CA, valid only in January 2020
# Test material only: the keys are unencrypted and live under .run/.
set -euo pipefail
DIR="${1:?usage: tls-certs.sh DIR}"
mkdir -p "$DIR"
cd "$DIR"
[ -f expired.pem ] && exit 0

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca() {  # ca NAME SUBJECT
    key "$1.key"
    openssl req -x509 -new -key "$1.key" -sha256 -days 3650 -subj "$2" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$1.pem" 2>/dev/null
}

# leaf NAME CA SAN [START END]: a server certificate signed by CA (openssl ca for fixed dates).
leaf() {
    local name=$1 issuer=$2 san=$3 start=${4:-} end=${5:-}
    key "$name.key"
    openssl req -new -key "$name.key" -subj "/CN=${san#DNS:}" -out "$name.csr" 2>/dev/null
    mkdir -p "ca-$issuer"
    : >"ca-$issuer/index.txt"
    [ -f "ca-$issuer/serial" ] || echo 1000 >"ca-$issuer/serial"
    cat >"$name.cnf" <<CNF
[ca]
default_ca = test
[test]
dir = ca-$issuer
database = ca-$issuer/index.txt
serial = ca-$issuer/serial
new_certs_dir = ca-$issuer
certificate = $issuer.pem
private_key = $issuer.key
default_md = sha256
default_days = 825
policy = any
copy_extensions = none
unique_subject = no
x509_extensions = ext
[any]
commonName = supplied
[ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $san
CNF
    local dates=()
    if [ -n "$start" ]; then dates=(-startdate "$start" -enddate "$end"); fi
    openssl ca -batch -config "$name.cnf" -in "$name.csr" -out "$name.pem" -notext "${dates[@]}" 2>/dev/null
    rm -f "$name.csr" "$name.cnf"
}

ca ca "/CN=Shared Hall test CA"
ca other-ca "/CN=A CA nobody trusts"
leaf server ca "DNS:localhost,IP:127.0.0.1"
leaf wronghost ca "DNS:other.invalid"
leaf unknown other-ca "DNS:localhost,IP:127.0.0.1"
leaf expired ca "DNS:localhost,IP:127.0.0.1" 20200101000000Z 20200131000000Z
echo "tls-certs: test CA and certificates in $DIR" >&2
