#!/bin/sh
# tests/jwt/matrix.sh OUTDIR — the signer built every way a user may build
# it: gcc and clang at several -O levels with the strict warning set, as
# C++11/C++17 under g++ and clang++, with HEARTBEAT_STATIC, with the memory
# hooks, reduced mbedTLS configs, the example and the tools; plus, when MBEDTLS3_DIR points at an
# mbedTLS 3.x tree (include/ and library/libmbedcrypto.a), the same against
# 3.x, and the unit suite run on it. Prints "RESULT: P passed, F failed".
out=${1:-build/jwt/matrix}
mkdir -p "$out"
pass=0 fail=0
C_STD="-std=c99 -Wall -Wextra -Wpedantic -Werror"
STRICT="-Wconversion -Wsign-conversion -Wshadow -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes"
CXX_STD="-Wall -Wextra -Wpedantic -Werror -Wconversion -Wsign-conversion -Wshadow -Wcast-qual"
LIBS=${JWT_LIBS:--lmbedcrypto}
J=tests/jwt

check() { # NAME RUN(0/1) COMMAND...
    name=$1 run=$2; shift 2
    if "$@" -I. -o "$out/$name" > "$out/$name.log" 2>&1 &&
       { [ "$run" = 0 ] || "$out/$name" >> "$out/$name.log" 2>&1; }; then
        pass=$((pass + 1)); echo "ok   $name"
    else
        fail=$((fail + 1)); echo "FAIL $name: $*"; sed 's/^/     /' "$out/$name.log" | head -20
    fi
}

M=-DHEARTBEAT_MBEDTLS
HOOKS='-DHB_MEMCPY(d,s,n)=memcpy(d,s,n) -DHB_MEMSET(d,c,n)=memset(d,c,n) -DHB_STRLEN(s)=strlen(s)'
for cc in gcc clang; do
    for opt in -O0 -O2 -Os; do
        check $cc$opt-two-tu 1 $cc $C_STD $STRICT $opt $M $J/impl.c $J/tu_b.c $LIBS
    done
    check $cc-static 1 $cc $C_STD $STRICT -DHEARTBEAT_STATIC $M $J/impl.c -DJWT_ONE_TU $LIBS
    check $cc-hooks 1 $cc $C_STD $STRICT $M -include string.h $HOOKS $J/impl.c $J/tu_b.c $LIBS
    check $cc-c11 1 $cc -std=c11 -Wall -Wextra -Wpedantic -Werror $STRICT $M $J/impl.c $J/tu_b.c $LIBS
    check $cc-example 0 $cc $C_STD $STRICT examples/jwt_mbedtls.c $LIBS
    check $cc-emit 0 $cc $C_STD $STRICT $M $J/emit.c $LIBS
    check $cc-bench 0 $cc $C_STD $STRICT $M $J/bench.c $LIBS
    # without HEARTBEAT_MBEDTLS the signer is absent and costs nothing
    check $cc-no-mbedtls 1 $cc $C_STD $STRICT tests/compile/double_include.c
done
# reduced mbedTLS configs: the missing algorithms drop out, nothing breaks
for cfg in no-es256 no-rs256 hs256-only; do
    check gcc-cfg-$cfg 0 gcc $C_STD $STRICT $M -I$J/mbedtls-cfg \
        "-DMBEDTLS_USER_CONFIG_FILE=\"$cfg.h\"" -c $J/impl.c
done
for cxx in g++ clang++; do
    for std in c++11 c++17; do
        check $cxx-$std-two-tu 1 $cxx -x c++ -std=$std $CXX_STD $M $J/impl.c $J/tu_b.c $LIBS
    done
    check $cxx-example 0 $cxx -x c++ -std=c++11 $CXX_STD examples/jwt_mbedtls.c $LIBS
done

if [ -n "${MBEDTLS3_DIR:-}" ]; then
    I3="-isystem $MBEDTLS3_DIR/include"
    L3="$MBEDTLS3_DIR/library/libmbedcrypto.a"
    check gcc-mbedtls3-two-tu 1 gcc $C_STD $STRICT $M $I3 $J/impl.c $J/tu_b.c $L3
    check clang-mbedtls3-two-tu 1 clang $C_STD $STRICT $M $I3 $J/impl.c $J/tu_b.c $L3
    check g++-mbedtls3-two-tu 1 g++ -x c++ -std=c++11 $CXX_STD $M $I3 $J/impl.c $J/tu_b.c $L3
    for cfg in no-es256 no-rs256 hs256-only; do
        check gcc-mbedtls3-cfg-$cfg 0 gcc $C_STD $STRICT $M $I3 -I$J/mbedtls-cfg \
            "-DMBEDTLS_USER_CONFIG_FILE=\"$cfg.h\"" -c $J/impl.c
    done
    check gcc-mbedtls3-suite 1 gcc $C_STD $M $I3 -I${GREATEST_INC:-build/greatest} \
        $J/main.c tests/test_jwt.c $L3
else
    echo "note: mbedTLS 3.x not checked here (set MBEDTLS3_DIR to an mbedTLS 3.x tree)"
fi
echo "RESULT: $pass passed, $fail failed"
[ $fail = 0 ]
