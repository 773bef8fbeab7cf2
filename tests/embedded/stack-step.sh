#!/bin/sh
# tests/embedded/stack-step.sh OUTDIR - check-stack-qemu: the static stack
# figure of hb_poll (tools/stack-depth.py over -fcallgraph-info, as in
# `make size`) against a measurement on Cortex-M4 under qemu
# (stack_probe.c). Both use core.c built the same way (-Os). Passes when
# the deepest callback call site seen at run time is within the static
# figure (the analysis is a true bound). Prints both figures. Twice: the
# plain build, and signed beats (stack_probe.c -DPROBE_SIGNED against the
# figure through the hb_signed_beats table, stack-depth.py --ops
# hb_sign_ops, as the FOOTPRINT table's "signed beats" rows).
set -u
out=${1:-build/embedded/stack}
ARM_CC=${ARM_CC:-arm-none-eabi-gcc}
PYTHON=${PYTHON:-python3}
here=$(cd "$(dirname "$0")/../.." && pwd)
emb=$here/tests/embedded
cpu="-mthumb -mcpu=cortex-m4"
mkdir -p "$out"
set -e
"$ARM_CC" $cpu -std=c99 -Os -ffreestanding -ffunction-sections -fdata-sections \
    -Wall -Wextra -Werror -I"$here" -fstack-usage -fcallgraph-info=su \
    -c "$emb/core.c" -o "$out/core.o"
"$ARM_CC" -E -P -x c -DCODE_ORIGIN=0x00000000 -DRAM_ORIGIN=0x20000000 \
    -DRAM_LENGTH=4M "$emb/mps2.ld.in" -o "$out/mps2.ld"
for v in plain signed; do
    def=""
    [ $v = signed ] && def=-DPROBE_SIGNED
    "$ARM_CC" $cpu -std=c99 -Os -Wall -Wextra -Werror $def -I"$here" \
        --specs=rdimon.specs -nostartfiles -Wl,--gc-sections -Wl,--no-warn-rwx-segments \
        -T "$out/mps2.ld" -o "$out/stack_probe_$v.elf" \
        "$emb/startup.c" "$emb/stack_probe.c" "$out/core.o"
done
set +e
pass=0 fail=0
for v in plain signed; do
    ops=""
    [ $v = signed ] && ops="--ops hb_sign_ops"
    echo "--- $v"
    # shellcheck disable=SC2086
    "$PYTHON" "$here/tools/stack-depth.py" $ops hb_poll "$out/core.ci" | tee "$out/static_$v.txt"
    static=$(awk 'NR == 1 { print $2 }' "$out/static_$v.txt")
    "$emb/qemu.sh" mps2-an386 "$out/stack_probe_$v.elf" | tee "$out/probe_$v.log"
    rc=$?
    line=$(grep '^STACK ' "$out/probe_$v.log")
    deepest=$(echo "$line" | sed -n 's/.*deepest=\([0-9]*\).*/\1/p')
    at_cb=$(echo "$line" | sed -n 's/.*at_cb=\([0-9]*\).*/\1/p')
    if [ $rc -ne 0 ] || [ -z "$deepest" ] || [ -z "$at_cb" ] || [ -z "$static" ]; then
        echo "FAIL $v: no figures (probe exit $rc)"
        fail=$((fail + 1))
        continue
    fi
    echo "hb_poll stack on Cortex-M4 -Os ($v): static bound $static bytes (callbacks excluded);"
    echo "measured: deepest callback call site $at_cb bytes, deepest use $deepest bytes"
    echo "(callbacks' own frames included)"
    if [ "$at_cb" -le "$static" ]; then
        echo "ok   $v: callbacks called within the static bound"
        pass=$((pass + 1))
    else
        echo "FAIL $v: a callback was called $at_cb bytes deep, beyond the static bound $static"
        fail=$((fail + 1))
    fi
done
echo "RESULT: $pass passed, $fail failed"
[ $fail -eq 0 ]
