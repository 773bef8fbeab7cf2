#!/bin/sh
# tests/sign/qemu-slice.sh ELF — run tests/sign/slice_m4.c on qemu's
# mps2-an386 (Cortex-M4) with -icount shift=6: virtual time advances 64 ns
# per instruction, so the figures are the instructions a 15.6 MIPS part
# would execute, independent of the load on the host.
QEMU_ARM=${QEMU_ARM:-qemu-system-arm}
timeout "${QEMU_TIMEOUT:-300}" "$QEMU_ARM" -M mps2-an386 -nographic \
    -icount shift=6,align=off,sleep=off \
    -semihosting-config enable=on,target=native -kernel "$1" < /dev/null
rc=$?
[ $rc -eq 124 ] && echo "qemu-slice.sh: timed out after ${QEMU_TIMEOUT:-300} s"
exit $rc
