#!/bin/sh
# tests/sign/m4-mbedtls.sh — signed beats with mbedTLS on Cortex-M4 (qemu
# mps2-an386): per-beat sign and verify cost in instructions, and M4-signed
# beats checked on the host.
#
#   m4-mbedtls.sh src             print the mbedTLS 2.28 source tree; fetch
#                                 Debian's source package into the cache first
#                                 when it is not there (exit 1 if it cannot)
#   m4-mbedtls.sh build OUT       cross-compile the library files ES256/HS256
#                                 need and link OUT/m4_mbedtls.elf
#   m4-mbedtls.sh bench OUT KEYS  build, run `m4 bench`, print the count table
#   m4-mbedtls.sh test OUT KEYS   build, then check: the M4's own checks
#                                 (tests/sign/m4_mbedtls.c), the M4-signed
#                                 beats on the host (tests/sign/m4-check.py:
#                                 PyJWT, jwcrypto, python-jose; HS256 equal
#                                 byte for byte to the host's HMAC), and
#                                 tests/sign/verify.py with the M4 as its
#                                 emitter (tests/sign/m4-emit.sh)
#
# The source: $MBEDTLS_SRC (an mbedTLS 2.28 tree) if set, else
# ${XDG_CACHE_HOME:-$HOME/.cache}/heartbeat/mbedtls-src/mbedtls-2.28.*,
# else `apt-get source mbedtls/bookworm` run in that directory (Debian bookworm's
# mbedtls 2.28; it needs a deb-src entry, which .ci/run adds, and dpkg-dev).
# The source stays in the cache: nothing of it enters the repository.
#
# The library is compiled with arm-none-eabi-gcc -Os and M4_CPU (the
# Makefile passes the Cortex-M4 board's flags), configured by
# tests/sign/m4_mbedtls_config.h, into OUT/lib/libmbedcrypto.a; it is
# rebuilt when that header, the flags or the tree change. qemu runs with
# -icount shift=7 (128 ns per instruction, more than the timer's 40 ns
# tick, so the program's counts are exact; it checks that on a loop).
set -u
ARM_CC=${ARM_CC:-arm-none-eabi-gcc}
QEMU_ARM=${QEMU_ARM:-qemu-system-arm}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-300}
M4_CPU=${M4_CPU:--mthumb -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16}
M4_LDFLAGS=${M4_LDFLAGS:---specs=rdimon.specs -nostartfiles -Wl,--gc-sections -Wl,--no-warn-rwx-segments}
ICOUNT_SHIFT=7
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/heartbeat/mbedtls-src

# The library files ES256 and HS256 need (with m4_mbedtls_config.h).
LIB_FILES="asn1parse asn1write base64 bignum constant_time ecdsa ecp ecp_curves
hmac_drbg md memory_buffer_alloc oid pem pk pk_wrap pkparse platform
platform_util sha256"

is_tree() { [ -f "$1/include/mbedtls/config.h" ] && [ -f "$1/library/ecdsa.c" ]; }

find_tree() {
    if [ -n "${MBEDTLS_SRC:-}" ]; then
        is_tree "$MBEDTLS_SRC" && { echo "$MBEDTLS_SRC"; return 0; }
        echo "m4-mbedtls.sh: MBEDTLS_SRC=$MBEDTLS_SRC is not an mbedTLS 2.28 tree" >&2
        return 1
    fi
    for d in "$cache"/mbedtls-2.28*; do
        is_tree "$d" && t=$d
    done
    [ -n "${t:-}" ] && echo "$t"
}

src() {
    t=$(find_tree) && { echo "$t"; return 0; }
    [ -n "${MBEDTLS_SRC:-}" ] && return 1
    mkdir -p "$cache" || return 1
    echo "m4-mbedtls.sh: fetching Debian's mbedtls source into $cache" >&2
    if ! (cd "$cache" && apt-get source mbedtls/bookworm) >"$cache/fetch.log" 2>&1; then
        echo "m4-mbedtls.sh: apt-get source mbedtls failed (it needs a deb-src entry for" \
             "bookworm and dpkg-dev; see .ci/run); log: $cache/fetch.log" >&2
        return 1
    fi
    t=$(find_tree) && { echo "$t"; return 0; }
    echo "m4-mbedtls.sh: apt-get source gave no mbedTLS 2.28 tree in $cache" \
         "(this benchmark's config is for 2.28, Debian bookworm's)" >&2
    return 1
}

build() {
    out=$1
    tree=$(src) || return 1
    cfg=$here/m4_mbedtls_config.h
    key=$(printf '%s\n%s\n%s\n%s\n' "$tree" "$ARM_CC" "$M4_CPU" "$LIB_FILES" |
          cat - "$cfg" | sha256sum | cut -d' ' -f1)
    mkdir -p "$out/lib" || return 1
    if [ "$(cat "$out/lib/key" 2>/dev/null)" != "$key" ]; then
        echo "m4-mbedtls.sh: compiling mbedTLS $(basename "$tree") for Cortex-M4 (-Os) in $out/lib" >&2
        rm -f "$out/lib/"*.o "$out/lib/libmbedcrypto.a" "$out/lib/key"
        for f in $LIB_FILES; do
            # shellcheck disable=SC2086
            "$ARM_CC" $M4_CPU -Os -ffunction-sections -fdata-sections \
                -I"$tree/include" -I"$here" -DMBEDTLS_CONFIG_FILE='"m4_mbedtls_config.h"' \
                -c "$tree/library/$f.c" -o "$out/lib/$f.o" || return 1
        done
        "${ARM_CC%gcc}ar" rcs "$out/lib/libmbedcrypto.a" "$out/lib/"*.o || return 1
        echo "$key" > "$out/lib/key"
    fi
    elf=$out/m4_mbedtls.elf
    stale=0
    for f in "$top/heartbeat.h" "$here/m4_mbedtls.c" "$cfg" "$out/lib/libmbedcrypto.a" \
             "$top/tests/embedded/startup.c" "$top/tests/embedded/mps2.ld.in"; do
        [ "$f" -nt "$elf" ] && stale=1
    done
    [ -f "$elf" ] && [ $stale = 0 ] && return 0
    "$ARM_CC" -E -P -x c -DCODE_ORIGIN=0x00000000 -DRAM_ORIGIN=0x20000000 \
        -DRAM_LENGTH=4M "$top/tests/embedded/mps2.ld.in" -o "$out/mps2.ld" || return 1
    # shellcheck disable=SC2086
    "$ARM_CC" $M4_CPU -std=c99 -Wall -Wextra -Wpedantic -Werror -g -Os \
        -ffunction-sections -fdata-sections -DICOUNT_SHIFT=$ICOUNT_SHIFT \
        -DHEARTBEAT_MBEDTLS -DMBEDTLS_CONFIG_FILE='"m4_mbedtls_config.h"' \
        -I"$top" -I"$here" -I"$tree/include" $M4_LDFLAGS -T "$out/mps2.ld" \
        -o "$elf" "$top/tests/embedded/startup.c" "$here/m4_mbedtls.c" \
        "$out/lib/libmbedcrypto.a" || return 1
}

# run ELF ARG...: the program with ARG... as its semihosting command line.
run() {
    elf=$1; shift
    sh="enable=on,target=native,arg=m4"
    for a in "$@"; do sh="$sh,arg=$(printf '%s' "$a" | sed 's/,/,,/g')"; done
    timeout "$QEMU_TIMEOUT" "$QEMU_ARM" -M mps2-an386 -nographic \
        -icount shift=$ICOUNT_SHIFT,align=off,sleep=off \
        -semihosting-config "$sh" -kernel "$elf" < /dev/null
    rc=$?
    [ $rc -eq 124 ] && echo "m4-mbedtls.sh: qemu timed out after $QEMU_TIMEOUT s"
    return $rc
}

cmd=${1:-}
case $cmd in
src)
    src ;;
build)
    build "$2" ;;
bench)
    build "$2" || exit 1
    keys=$(cd "$3" && pwd)
    run "$2/m4_mbedtls.elf" bench "$keys" > "$2/bench.txt"
    rc=$?
    grep -v "^beat " "$2/bench.txt"
    [ $rc -eq 0 ] || exit 1
    /usr/bin/python3 "$here/m4-check.py" --table "$2/bench.txt" ;;
test)
    build "$2" || exit 1
    keys=$(cd "$3" && pwd)
    echo "--- on the M4 (qemu mps2-an386, -icount shift=$ICOUNT_SHIFT)"
    run "$2/m4_mbedtls.elf" bench "$keys" > "$2/bench.txt"
    rc=$?
    grep -v '^beat ' "$2/bench.txt"
    echo "--- the M4's beats on the host"
    /usr/bin/python3 "$here/m4-check.py" "$2/bench.txt" "$keys" "$top/docs/security.md" || rc=1
    echo "--- tests/sign/verify.py, the M4 as the emitter"
    M4_SIGN_ELF=$2/m4_mbedtls.elf /usr/bin/python3 "$here/verify.py" "$here/m4-emit.sh" "$keys" || rc=1
    exit $rc ;;
emit)
    # m4-mbedtls.sh emit ELF ALG KEYFILE CARRIER COUNT KID (tests/sign/m4-emit.sh)
    elf=$2; shift 2
    seed=$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
    run "$elf" emit "$1" "$2" "$3" "$4" "$5" "$seed" ;;
*)
    echo "usage: m4-mbedtls.sh src | build OUT | bench OUT KEYDIR | test OUT KEYDIR" >&2
    exit 2 ;;
esac
