#!/bin/sh
# tests/jwt/need.sh WHAT... — exit 77 (step skipped), naming the Debian
# package, when an optional part the JWT checks need is missing.
#   mbedtls  the mbedTLS headers and library    (libmbedtls-dev)
#   openssl  the openssl CLI for the test keys  (openssl)
#   pyjwt    PyJWT and cryptography for Debian's /usr/bin/python3
#                                               (python3-jwt python3-cryptography)
#   valgrind                                    (valgrind)
#   clang                                       (clang)
for what in "$@"; do
    case $what in
    mbedtls)
        if ! printf '#include <mbedtls/pk.h>\nint main(void){mbedtls_pk_context k; mbedtls_pk_init(&k); return 0;}\n' |
             ${CC:-cc} ${JWT_CFLAGS:-} -x c - -o /dev/null ${JWT_LIBS:--lmbedcrypto} >/dev/null 2>&1; then
            echo "mbedTLS not found (headers or -lmbedcrypto): apt-get install libmbedtls-dev"
            exit 77
        fi ;;
    openssl)
        command -v openssl >/dev/null 2>&1 ||
            { echo "openssl CLI not found: apt-get install openssl"; exit 77; } ;;
    pyjwt)
        /usr/bin/python3 -c 'import jwt, cryptography' >/dev/null 2>&1 ||
            { echo "PyJWT/cryptography not found for /usr/bin/python3: apt-get install python3-jwt python3-cryptography"; exit 77; } ;;
    valgrind)
        command -v valgrind >/dev/null 2>&1 ||
            { echo "valgrind not installed: apt-get install valgrind"; exit 77; } ;;
    clang)
        command -v clang >/dev/null 2>&1 ||
            { echo "clang not installed: apt-get install clang"; exit 77; } ;;
    esac
done
exit 0
