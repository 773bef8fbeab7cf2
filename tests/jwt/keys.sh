#!/bin/sh
# tests/jwt/keys.sh DIR — make the JWT test keys with the openssl CLI.
# Generated at test time, never committed. Existing keys are kept, so a
# second run is fast; `make clean` removes them with the build directory.
set -eu
dir=${1:-build/jwt/keys}
mkdir -p "$dir"
cd "$dir"
[ -f done ] && exit 0
q() { "$@" 2>/dev/null; }

rsa() { # NAME BITS: PKCS#8 and PKCS#1, PEM and DER, and the public key
    q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"$2" -out "$1.p8.pem"
    q openssl pkey -in "$1.p8.pem" -outform DER -out "$1.p8.der"
    q openssl rsa -in "$1.p8.pem" -traditional -out "$1.p1.pem"
    q openssl rsa -in "$1.p8.pem" -traditional -outform DER -out "$1.p1.der"
    q openssl pkey -in "$1.p8.pem" -pubout -out "$1.pub.pem"
}
ec() { # NAME CURVE: PKCS#8 and SEC1, PEM and DER, and the public key
    q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:"$2" \
        -pkeyopt ec_param_enc:named_curve -out "$1.p8.pem"
    q openssl pkey -in "$1.p8.pem" -outform DER -out "$1.p8.der"
    q openssl ec -in "$1.p8.pem" -out "$1.sec1.pem"
    q openssl ec -in "$1.p8.pem" -outform DER -out "$1.sec1.der"
    q openssl pkey -in "$1.p8.pem" -pubout -out "$1.pub.pem"
}

rsa rsa 2048
rsa rsa2 2048        # "wrong key" for the verifier
rsa rsa1024 1024     # too small for RS256 (RFC 7518 3.3)
rsa rsa4096 4096     # the largest accepted
ec ec P-256
ec ec2 P-256         # "wrong key"
ec ec384 P-384       # wrong curve for ES256
head -c 32 /dev/urandom > hs.key
head -c 32 /dev/urandom > hs2.key
head -c 100 /dev/urandom > hslong.key   # longer than the HMAC block
head -c 31 /dev/urandom > hsshort.key   # under RFC 7518's 256 bits
head -c 200 /dev/urandom > garbage.der
grep -v -- "-----" ec.p8.pem > nohdr.txt  # PEM body without its armour
touch done
echo "keys: $(ls | wc -l) files in $dir"
