#!/bin/sh
# tests/embedded/bare-metal-step.sh ELF - check-bare-metal: runs the
# example on mps2-an385 and checks its UART output: it exits 0, logs the
# clock failure of its first beat, publishes at least 3 "alive" beats with
# increasing "seq", and ends with one "offline" message.
elf=$1
log=${elf%.elf}.log
here=$(dirname "$0")
"$here/qemu.sh" mps2-an385 "$elf" > "$log" 2>&1
rc=$?
tr -d '\r' < "$log"
pass=0 fail=0
res() {
    if [ "$1" = 0 ]; then pass=$((pass + 1)); echo "ok   $2"
    else fail=$((fail + 1)); echo "FAIL $2"; fi
}
[ $rc -eq 0 ]; res $? "the example exits 0 (got $rc)"
alive=$(grep -c 'PUBLISH devices/mps2-an385/heartbeat qos 1: {"device_id":"mps2-an385","timestamp":"2026-11-27T19:53:2[0-9.]*Z","status":"alive"' "$log")
[ "$alive" -ge 3 ]; res $? "at least 3 alive beats on the UART (got $alive)"
grep -q 'error: .*(wall clock not available)' "$log"; res $? "the unsynced RTC is logged as a clock failure"
[ "$(grep -c '"status":"offline"' "$log")" -eq 1 ]; res $? "hb_stop publishes one offline message"
echo "RESULT: $pass passed, $fail failed"
[ $fail -eq 0 ]
