#!/bin/sh
# tests/embedded/qemu-step.sh MACHINE DIR - one check-qemu-* step.
# First proves the harness on this board with DIR/selftest-fail.elf (a
# greatest run with one failing test: qemu must exit 1, so failures cannot
# be lost on the way out), then runs the unit tests DIR/unit.elf, whose
# greatest "Pass: P, fail: F" line and exit status make the step's result.
machine=$1 dir=$2
here=$(dirname "$0")
"$here/qemu.sh" "$machine" "$dir/selftest-fail.elf" > "$dir/selftest-fail.log" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^Pass: 3, fail: 1, skip: 0\.' "$dir/selftest-fail.log"; then
    echo "harness on $machine: a failing test exits 1 as it should"
    echo "RESULT: 1 passed, 0 failed"
else
    cat "$dir/selftest-fail.log"
    echo "harness on $machine: expected exit 1 from the failing self-test, got $rc"
    echo "RESULT: 0 passed, 1 failed"
fi
"$here/qemu.sh" "$machine" "$dir/unit.elf"
