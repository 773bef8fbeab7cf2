#!/bin/sh
# tests/endian.sh OUTDIR — the unit suites on a big-endian CPU: built by
# powerpc-linux-gnu-gcc (32-bit PowerPC, big-endian) and run under
# qemu-ppc (user mode), once per escaping path that a big-endian target
# can take: the portable 8-byte scan (the fast default without SSE2) and
# the compact byte loop. heartbeat.h has no byte-order-specific code; this
# step shows that it needs none (the swar build includes the monitor's
# word-at-a-time readers, which read bytes in memory order on any CPU).
#
# Environment: PPC_CC (default powerpc-linux-gnu-gcc), QEMU_PPC (qemu-ppc),
# UNIT_SRC (the unit sources, from the Makefile), GREATEST_INC.
# Prints "RESULT: P passed, F failed" per build (tests/step.sh sums them).
set -u
out=${1:-build/endian}
cc=${PPC_CC:-powerpc-linux-gnu-gcc}
qemu=${QEMU_PPC:-qemu-ppc}
src=${UNIT_SRC:?UNIT_SRC not set}
inc=${GREATEST_INC:-build/greatest}
mkdir -p "$out"
if ! echo | "$cc" -dM -E - | grep -q '__BYTE_ORDER__ __ORDER_BIG_ENDIAN__'; then
    echo "FAIL: $cc does not target a big-endian CPU"
    exit 1
fi
rc=0
# the swar build also turns on the monitor's word readers (64-bit hosts
# only otherwise: HBI_MON_SWAR), so their byte order is tested here
for v in swar:-O2:-DHBI_MON_SWAR=1 compact:-O2:-DHEARTBEAT_COMPACT; do
    name=${v%%:*}
    flags=$(echo "${v#*:}" | tr ':' ' ')
    bin=$out/test_unit_ppc_$name
    # shellcheck disable=SC2086
    if ! "$cc" -std=c99 -Wall -Wextra -Wpedantic -Werror -g $flags -static \
            -I. -I"$inc" -Itests -o "$bin" $src; then
        echo "RESULT: 0 passed, 1 failed ($name: build failed)"
        rc=1
        continue
    fi
    "$qemu" "$bin" > "$bin.log" 2>&1
    st=$?
    line=$(grep '^Pass: ' "$bin.log" | tail -1)
    p=$(echo "$line" | sed -n 's/^Pass: \([0-9]*\), fail: \([0-9]*\).*/\1/p')
    f=$(echo "$line" | sed -n 's/^Pass: \([0-9]*\), fail: \([0-9]*\).*/\2/p')
    grep '^FAIL' "$bin.log"
    if [ -z "$p" ] || [ "$st" -ne 0 ]; then
        tail -5 "$bin.log"
        echo "RESULT: ${p:-0} passed, $(( ${f:-0} + 1 )) failed (ppc $name: exit $st)"
        rc=1
    else
        echo "ppc big-endian $name: ${line}"
        echo "RESULT: $p passed, $f failed"
        [ "$f" -eq 0 ] || rc=1
    fi
done
exit $rc
