#!/bin/sh
# tests/embedded/qemu.sh MACHINE ELF - run one semihosting program under
# qemu-system-arm and exit with its status (main's return value, passed
# through newlib's exit and semihosting SYS_EXIT). A run that outlives
# QEMU_TIMEOUT seconds (default 300) is killed and fails with status 124.
QEMU_ARM=${QEMU_ARM:-qemu-system-arm}
machine=$1 elf=$2
timeout "${QEMU_TIMEOUT:-300}" "$QEMU_ARM" -M "$machine" -nographic \
    -semihosting-config enable=on,target=native -kernel "$elf" < /dev/null
rc=$?
[ $rc -eq 124 ] && echo "qemu.sh: $elf on $machine timed out after ${QEMU_TIMEOUT:-300} s"
exit $rc
