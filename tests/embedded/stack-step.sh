#!/bin/sh
# tests/embedded/stack-step.sh OUTDIR - check-stack-qemu: the static stack
# figure of hb_poll (tools/stack-depth.py over -fcallgraph-info, as in
# `make size`) against a measurement on Cortex-M4 under qemu
# (stack_probe.c). Both use core.c built the same way (-Os). Passes when
# the deepest callback call site seen at run time is within the static
# figure (the analysis is a true bound). Prints both figures.
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
"$ARM_CC" $cpu -std=c99 -Os -Wall -Wextra -Werror -I"$here" \
    --specs=rdimon.specs -nostartfiles -Wl,--gc-sections -Wl,--no-warn-rwx-segments \
    -T "$out/mps2.ld" -o "$out/stack_probe.elf" \
    "$emb/startup.c" "$emb/stack_probe.c" "$out/core.o"
set +e
"$PYTHON" "$here/tools/stack-depth.py" hb_poll "$out/core.ci" | tee "$out/static.txt"
static=$(awk 'NR == 1 { print $2 }' "$out/static.txt")
"$emb/qemu.sh" mps2-an386 "$out/stack_probe.elf" | tee "$out/probe.log"
line=$(grep '^STACK ' "$out/probe.log")
deepest=$(echo "$line" | sed -n 's/.*deepest=\([0-9]*\).*/\1/p')
at_cb=$(echo "$line" | sed -n 's/.*at_cb=\([0-9]*\).*/\1/p')
if [ -z "$deepest" ] || [ -z "$at_cb" ] || [ -z "$static" ]; then
    echo "FAIL: no figures"
    echo "RESULT: 0 passed, 1 failed"
    exit 1
fi
echo "hb_poll stack on Cortex-M4 -Os: static bound $static bytes (callbacks excluded);"
echo "measured: deepest callback call site $at_cb bytes, deepest use $deepest bytes"
echo "(callbacks' own frames included)"
if [ "$at_cb" -le "$static" ]; then
    echo "RESULT: 1 passed, 0 failed"
else
    echo "FAIL: a callback was called $at_cb bytes deep, beyond the static bound $static"
    echo "RESULT: 0 passed, 1 failed"
    exit 1
fi
