#!/bin/sh
# tests/compile/run.sh OUTDIR [COMPILER...] — the compile matrix: every way
# a user may build the header, with strict warnings, as C and as C++, with
# each COMPILER (default gcc g++; the C compilers gcc/clang, the C++ ones
# g++/clang++). The layout and hook checks run with gcc. Prints one line a
# check and "RESULT: P passed, F failed".
out=${1:-build/compile}
shift
[ $# -gt 0 ] || set -- gcc g++
ccs="" cxxs=""
for c in "$@"; do
    case $c in *++) cxxs="$cxxs $c" ;; *) ccs="$ccs $c" ;; esac
done
mkdir -p "$out"
pass=0 fail=0
C_STD="-std=c99 -Wall -Wextra -Wpedantic -Werror"
STRICT="-Wconversion -Wsign-conversion -Wshadow -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes"
CXX_STD="-Wall -Wextra -Wpedantic -Werror -Wconversion -Wsign-conversion -Wshadow -Wcast-qual"

# check NAME RUN(0/1) COMMAND... : build with COMMAND (output to $out/NAME), run it if asked
check() {
    name=$1 run=$2; shift 2
    if "$@" -I. -o "$out/$name" > "$out/$name.log" 2>&1 &&
       { [ "$run" = 0 ] || "$out/$name" >> "$out/$name.log" 2>&1; }; then
        pass=$((pass + 1)); echo "ok   $name"
    else
        fail=$((fail + 1)); echo "FAIL $name: $*"; sed 's/^/     /' "$out/$name.log" | head -20
    fi
}

T=tests/compile
for cc in $ccs; do
    for opt in -O0 -O2 -Os; do
        check $cc$opt-double-include 1 $cc $C_STD $STRICT $opt $T/double_include.c
        check $cc$opt-two-tu 1 $cc $C_STD $STRICT $opt $T/two_tu_a.c $T/two_tu_b.c
        check $cc$opt-static 1 $cc $C_STD $STRICT $opt $T/static_a.c $T/static_b.c
        check $cc$opt-api-only 1 $cc $C_STD $STRICT $opt $T/api_only.c
    done
    check $cc-knobs-none 1 $cc $C_STD $STRICT $T/knobs.c
    check $cc-knobs-hooks 1 $cc $C_STD $STRICT -DUSE_HOOKS $T/knobs.c
    check $cc-knobs-assert 1 $cc $C_STD $STRICT -DUSE_ASSERT $T/knobs.c
    check $cc-knobs-both 1 $cc $C_STD $STRICT -DUSE_HOOKS -DUSE_ASSERT $T/knobs.c
    check $cc-knobs-static 1 $cc $C_STD $STRICT -DHEARTBEAT_STATIC -DUSE_HOOKS $T/knobs.c
    check $cc-no-options 1 $cc $C_STD $STRICT -Os $T/no_options.c
    check $cc-no-options-api 1 $cc $C_STD $STRICT -DHEARTBEAT_NO_OPTIONS $T/api_only.c
    check $cc-no-sign 1 $cc $C_STD $STRICT -Os $T/no_sign.c
    check $cc-with-sign 1 $cc $C_STD $STRICT -Os -DEXPECT_SIGN=1 $T/no_sign.c
    check $cc-compact 1 $cc $C_STD $STRICT -O2 -DHEARTBEAT_COMPACT $T/api_only.c
    check $cc-fast-os 1 $cc $C_STD $STRICT -Os -DHEARTBEAT_FAST $T/api_only.c
    check $cc-no-simd 1 $cc $C_STD $STRICT -O2 -DHEARTBEAT_NO_SIMD $T/api_only.c
    check $cc-c11 1 $cc -std=c11 -Wall -Wextra -Wpedantic -Werror $STRICT $T/api_only.c
    check $cc-config-by-ref 1 $cc $C_STD $STRICT -O2 $T/by_ref.c
    check $cc-config-by-ref-api 1 $cc $C_STD $STRICT -O2 -DHEARTBEAT_CONFIG_BY_REF $T/api_only.c
    check $cc-config-by-ref-no-options 1 $cc $C_STD $STRICT -Os -DHEARTBEAT_CONFIG_BY_REF $T/no_options.c
    check $cc-superloop-example 0 $cc $C_STD $STRICT -D_POSIX_C_SOURCE=200809L -c examples/superloop_stdout.c
done
for cxx in $cxxs; do
    for std in c++11 c++17; do
        check $cxx-$std-api-only 1 $cxx -x c++ -std=$std $CXX_STD $T/api_only.c
        check $cxx-$std-double-include 1 $cxx -x c++ -std=$std $CXX_STD $T/double_include.c
        check $cxx-$std-two-tu 1 $cxx -x c++ -std=$std $CXX_STD $T/two_tu_a.c $T/two_tu_b.c
        check $cxx-$std-static 1 $cxx -x c++ -std=$std $CXX_STD $T/static_a.c $T/static_b.c
    done
    check $cxx-no-options 1 $cxx -x c++ -std=c++11 $CXX_STD $T/no_options.c
    check $cxx-knobs-hooks 1 $cxx -x c++ -std=c++11 $CXX_STD -DUSE_HOOKS $T/knobs.c
    check $cxx-config-by-ref 1 $cxx -x c++ -std=c++11 $CXX_STD $T/by_ref.c
done
case " $ccs " in *" gcc "*) ;; *)
    echo "RESULT: $pass passed, $fail failed"; [ $fail = 0 ]; exit ;;
esac
# hb_service and hb_config keep one layout under every knob (but
# HEARTBEAT_CONFIG_BY_REF, whose point is a smaller hb_service)
ref=""
for knob in "" -DHEARTBEAT_NO_OPTIONS -DHEARTBEAT_COMPACT -DHEARTBEAT_FAST -DHEARTBEAT_NO_SIMD \
            -DHEARTBEAT_STATIC -DHEARTBEAT_NO_SIGN "-DHEARTBEAT_NO_OPTIONS -DHEARTBEAT_COMPACT -Os"; do
    if gcc -std=c99 -I. $knob -o "$out/layout" $T/layout.c > "$out/layout.log" 2>&1 &&
       "$out/layout" > "$out/layout.txt"; then
        if [ -z "$ref" ]; then ref=$(cat "$out/layout.txt"); fi
        if [ "$(cat "$out/layout.txt")" = "$ref" ]; then
            pass=$((pass + 1)); echo "ok   layout ${knob:-(default)}: $(head -1 "$out/layout.txt")"
        else
            fail=$((fail + 1)); echo "FAIL layout ${knob}: $(cat "$out/layout.txt") differs from $ref"
        fi
    else
        fail=$((fail + 1)); echo "FAIL layout ${knob}: does not build"; cat "$out/layout.log"
    fi
done
# a half-defined hook set must be an error that says what to do
if printf '#define HB_MEMCPY(d,s,n) 0\n#define HEARTBEAT_IMPLEMENTATION\n#include "heartbeat.h"\n' |
   gcc -x c -I. -fsyntax-only - 2>&1 | grep -q "define all three"; then
    pass=$((pass + 1)); echo "ok   half-hooks-error"
else
    fail=$((fail + 1)); echo "FAIL half-hooks-error: no #error for a partial hook set"
fi
echo "RESULT: $pass passed, $fail failed"
[ $fail = 0 ]
