#!/bin/sh
# tests/jwt/example.sh EXAMPLE KEYDIR OUTDIR — run examples/jwt_mbedtls for
# two beats with HS256 and with ES256: every beat must carry a well-formed
# JWS (three base64url parts) and the program must exit 0.
set -u
ex=$1 keys=$2 out=$3
mkdir -p "$out"
pass=0 fail=0
run() { # NAME ARGS...
    name=$1; shift
    if "$ex" -n 2 -i 50 "$@" > "$out/$name.txt" 2> "$out/$name.err"; then
        n=$(grep -c '"jwt_token":"eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]\{43,\}"}$' "$out/$name.txt")
        if [ "$n" = 2 ]; then
            pass=$((pass + 1)); echo "ok   example $name"; head -1 "$out/$name.txt"
            return
        fi
        echo "FAIL example $name: $n of 2 beats carry a token"
    else
        echo "FAIL example $name: exit $?"
    fi
    fail=$((fail + 1)); cat "$out/$name.txt" "$out/$name.err"
}
run hs256
run es256 ES256 "$keys/ec.p8.pem"
run rs256 RS256 "$keys/rsa.p1.der"
echo "RESULT: $pass passed, $fail failed"
[ $fail = 0 ]
