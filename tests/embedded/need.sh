#!/bin/sh
# tests/embedded/need.sh WHAT... - exit 77 (the "skipped" code of
# tests/step.sh) naming the Debian package when an optional tool is missing.
#   arm     arm-none-eabi-gcc          (gcc-arm-none-eabi)
#   newlib  newlib with rdimon         (libnewlib-arm-none-eabi)
#   qemu    qemu-system-arm            (qemu-system-arm)
#   rv32    riscv64-unknown-elf-gcc    (gcc-riscv64-unknown-elf)
#   python  python3                    (python3)
ARM_CC=${ARM_CC:-arm-none-eabi-gcc}
RV_CC=${RV_CC:-riscv64-unknown-elf-gcc}
QEMU_ARM=${QEMU_ARM:-qemu-system-arm}
missing() {
    echo "$1 not found: apt-get install $2"
    exit 77
}
for what in "$@"; do
    case $what in
    arm)    command -v "$ARM_CC" >/dev/null 2>&1 || missing "$ARM_CC" gcc-arm-none-eabi ;;
    newlib) f=$("$ARM_CC" -mthumb -mcpu=cortex-m3 -print-file-name=librdimon.a 2>/dev/null)
            [ -f "$f" ] || missing "newlib (librdimon.a)" libnewlib-arm-none-eabi ;;
    qemu)   command -v "$QEMU_ARM" >/dev/null 2>&1 || missing "$QEMU_ARM" qemu-system-arm ;;
    rv32)   command -v "$RV_CC" >/dev/null 2>&1 || missing "$RV_CC" gcc-riscv64-unknown-elf ;;
    python) command -v "${PYTHON:-python3}" >/dev/null 2>&1 || missing python3 python3 ;;
    *)      echo "need.sh: unknown requirement $what"; exit 2 ;;
    esac
done
exit 0
