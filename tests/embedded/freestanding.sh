#!/bin/sh
# tests/embedded/freestanding.sh OUTDIR arm|rv32 - check-freestanding (arm)
# and check-freestanding-rv32 (rv32).
#
# Builds tests/embedded/core.c (the implementation alone) with
# -ffreestanding for Cortex-M0, M3, M4, M33 (arm-none-eabi-gcc) and rv32imac
# (riscv64-unknown-elf-gcc, which has no libc headers at all), with the
# project's warnings plus WSTRICT, and checks for each build:
#   - heartbeat.h includes nothing but <stddef.h>, <stdint.h> and, unless
#     HB_MEMCPY/HB_MEMSET/HB_STRLEN are given, <string.h>;
#   - the "hooks" build (the three macros from core.c's EMB_HOOKS) compiles
#     with -nostdinc: only the compiler's own headers exist;
#   - the object's undefined symbols are only the hooks (or memcpy, memset,
#     strlen without them), what GCC itself may call in freestanding code
#     (memcpy, memmove, memset, memcmp) and compiler helpers (__aeabi_*,
#     __udivdi3, ...);
#   - it links with -nostdlib, libgcc and the four functions of hooks.c
#     into a program that calls every public function (ref_all.c).
# Prints "RESULT: P passed, F failed" per target.
set -u
out=${1:-build/embedded/freestanding}
target=${2:-arm}
ARM_CC=${ARM_CC:-arm-none-eabi-gcc}
RV_CC=${RV_CC:-riscv64-unknown-elf-gcc}
WSTRICT=${WSTRICT:-"-Wconversion -Wsign-conversion -Wshadow -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes"}
here=$(cd "$(dirname "$0")/../.." && pwd)
emb=$here/tests/embedded
FLAGS="-std=c99 -Os -ffreestanding -Wall -Wextra -Wpedantic -Werror $WSTRICT"
mkdir -p "$out"

# check NAME CC "CPU" MODE(string|hooks)
check() {
    name=$1 cc=$2 cpu=$3 mode=$4
    d=$out/$name-$mode
    mkdir -p "$d"
    ok=1
    if [ "$mode" = hooks ]; then
        defs="-DEMB_HOOKS -nostdinc -isystem $("$cc" -print-file-name=include)"
        allowed="stddef.h stdint.h"
        calls="emb_memcpy emb_memset emb_strlen memcpy memmove memset memcmp"
        libs=""
    else
        defs=""
        allowed="stddef.h stdint.h string.h"
        calls="memcpy memmove memset memcmp strlen"
        libs="-lc"
    fi
    if ! "$cc" $cpu $FLAGS $defs -I"$here" -H -c "$emb/core.c" -o "$d/core.o" 2> "$d/includes.txt"; then
        cat "$d/includes.txt"
        echo "FAIL $name $mode: core.c does not compile freestanding"
        echo "RESULT: 0 passed, 1 failed"
        return
    fi
    # -H: "." is a file core.c includes, ".." one that heartbeat.h includes.
    hdrs=$(awk '/^\.\. / { n = split($2, p, "/"); print p[n] }' "$d/includes.txt" | sort -u | tr '\n' ' ')
    direct=$(awk '/^\. / { n = split($2, p, "/"); print p[n] }' "$d/includes.txt" | sort -u | tr '\n' ' ')
    for h in $hdrs; do
        case " $allowed " in
        *" $h "*) ;;
        *) echo "FAIL $name $mode: heartbeat.h includes <$h> (allowed: $allowed)"; ok=0 ;;
        esac
    done
    if [ "$mode" = hooks ]; then
        case " $direct " in *" string.h "*)
            echo "FAIL $name $mode: <string.h> included although the hooks are set"; ok=0 ;;
        esac
    fi
    undef=$("${cc%gcc}nm" -u "$d/core.o" | awk '{ print $NF }' | tr '\n' ' ')
    for s in $undef; do
        case " $calls " in
        *" $s "*) ;;
        *) case $s in
           __*) ;;   # compiler runtime (libgcc)
           *) echo "FAIL $name $mode: core.o needs $s"; ok=0 ;;
           esac ;;
        esac
    done
    "$cc" $cpu $FLAGS $defs -I"$here" -c "$emb/ref_all.c" -o "$d/ref_all.o" &&
    "$cc" $cpu $FLAGS -DEMB_LIBC -fno-tree-loop-distribute-patterns \
        -c "$emb/hooks.c" -o "$d/hooks.o" || ok=0
    if [ "$mode" = hooks ]; then
        set -- "$d/hooks.o"
    else
        set --
    fi
    if ! "$cc" $cpu -nostdlib -nostartfiles -Wl,-e,ref_main -Wl,--no-warn-rwx-segments \
            -o "$d/ref_all.elf" "$d/ref_all.o" "$d/core.o" "$@" $libs -lgcc; then
        echo "FAIL $name $mode: does not link with -nostdlib"; ok=0
    fi
    echo "$name $mode: includes { $hdrs}; undefined { $undef}"
    if [ "$mode" = hooks ]; then
        for s in $undef; do
            case $s in memcpy|memmove|memset|memcmp)
                echo "note: $name: GCC calls $s itself (a struct assignment?): the hooks do not cover it" ;;
            esac
        done
    fi
    if [ $ok = 1 ]; then
        echo "RESULT: 1 passed, 0 failed"
    else
        echo "RESULT: 0 passed, 1 failed"
    fi
}

case $target in
arm)
    for c in m0 m3 m4 m33; do
        cpu="-mthumb -mcpu=cortex-$c"
        check $c "$ARM_CC" "$cpu" string
        check $c "$ARM_CC" "$cpu" hooks
    done ;;
rv32)
    # The riscv64-unknown-elf toolchain has no libc: the hooks build only.
    check rv32 "$RV_CC" "-march=rv32imac -mabi=ilp32" hooks ;;
*)
    echo "usage: $0 OUTDIR arm|rv32"; exit 2 ;;
esac
