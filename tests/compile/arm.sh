#!/bin/sh
# tests/compile/arm.sh OUTDIR — tests/compile/knobs.c as a freestanding
# Cortex-M4 object with the strict warnings (WSTRICT), and its size.
out=${1:-build/compile}
ARM_CC=${ARM_CC:-arm-none-eabi-gcc}
mkdir -p "$out" &&
"$ARM_CC" -mcpu=cortex-m4 -mthumb -Os -std=c99 -Wall -Wextra -Wpedantic -Werror $WSTRICT \
    -ffreestanding -I. -c tests/compile/knobs.c -o "$out/knobs-m4.o" &&
"${ARM_CC%gcc}size" "$out/knobs-m4.o"
