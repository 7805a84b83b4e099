# Test certificates shared by the test-bed scripts (sourced, not run).
# shellcheck shell=bash

# Are the CA, server and client files all in $1, and the server and client
# certificates good for another day?
test_certs_ok() {
    local dir=$1 f
    for f in ca.pem server.pem server-key.pem client/ca.pem client/cert.pem client/key.pem; do
        [[ -s $dir/$f ]] || return 1
    done
    openssl x509 -checkend 86400 -noout -in "$dir/server.pem" >/dev/null 2>&1 &&
        openssl x509 -checkend 86400 -noout -in "$dir/client/cert.pem" >/dev/null 2>&1
}

# make_test_certs DIR NAME CN SAN LOG: a CA, a server certificate for CN with
# subjectAltName SAN (e.g. "IP:127.0.0.1,DNS:localhost") and a client
# certificate, all EC P-256, into DIR (DIR/client holds what a client needs);
# openssl's output goes to LOG. Details matter for rustls (wharf's TLS), which
# is stricter than OpenSSL or Go: the CA must be a v3 certificate with
# basicConstraints CA:TRUE, the server certificate needs the address in
# subjectAltName (the CN is ignored) and serverAuth, the client one
# clientAuth. genpkey writes PKCS#8 keys, which rustls reads.
# The set is made beside DIR and swapped in whole: a cut-short run never
# leaves a CA that does not match its certificates. Fails if openssl does.
make_test_certs() {
    local dir=$1 name=$2 cn=$3 san=$4 log=$5 tmp=$1.new
    rm -rf "$tmp"
    mkdir -p -m 700 "$tmp/client"
    (
        set -e
        cd "$tmp"
        umask 077
        key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
        key ca-key.pem
        openssl req -x509 -new -key ca-key.pem -sha256 -days 3650 -subj "/CN=$name CA" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
        key server-key.pem
        openssl req -new -key server-key.pem -subj "/CN=$cn" -out server.csr
        printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
            "extendedKeyUsage=serverAuth" "subjectAltName=$san" >server.ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
            -sha256 -days 3650 -extfile server.ext -out server.pem
        key client/key.pem
        openssl req -new -key client/key.pem -subj "/CN=$name client" -out client.csr
        printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
            "extendedKeyUsage=clientAuth" >client.ext
        openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
            -sha256 -days 3650 -extfile client.ext -out client/cert.pem
        cp ca.pem client/ca.pem
        rm -f ./*.csr ./*.ext ./*.srl
        # Everything but the keys may be read by anyone (tests may not run as
        # root one day); keys stay 0600.
        chmod 644 ca.pem server.pem client/ca.pem client/cert.pem
        chmod 755 . client
    ) >"$log" 2>&1 || return 1
    rm -rf "$dir"
    mv "$tmp" "$dir"
}
