#!/bin/sh
# tests/integration/demo-stdout.sh EXE — the demo-stdout step: the stdout
# superloop (examples/superloop_stdout.c, what `make demo` runs without
# mosquitto) sends its five beats, and its log lines name their level
# ("info: ...", not "[2] ..."). Then `make demo` with the MQTT parts forced
# missing (WITHOUT=...) says what to install, each package once, and falls
# back to the superloop. Prints "RESULT: P passed, F failed".
exe=${1:-build/superloop_stdout}
out=$("$exe" 2>&1)
rc=$?
printf '%s\n' "$out"
pass=0 fail=0
res() { if [ "$1" = 1 ]; then pass=$((pass + 1)); echo "ok   $2"; else fail=$((fail + 1)); echo "FAIL $2"; fi; }
res $([ $rc = 0 ] && echo 1 || echo 0) "exits 0 (exit $rc)"
n=$(printf '%s\n' "$out" | grep -c '"status":"alive"')
res $([ "$n" = 5 ] && echo 1 || echo 0) "five beats printed ($n)"
n=$(printf '%s\n' "$out" | grep -c '^info: Heartbeat published successfully$')
res $([ "$n" = 5 ] && echo 1 || echo 0) "each logged as 'info: Heartbeat published successfully' ($n)"
n=$(printf '%s\n' "$out" | grep -c '^\[[0-9]\]')
res $([ "$n" = 0 ] && echo 1 || echo 0) "no log line shows its level as a number ($n)"

MAKE=${MAKE:-make}
out=$(WITHOUT="python3 mosquitto mqtt-clients libmosquitto" MQTT_HOST= $MAKE -s --no-print-directory demo 2>&1)
rc=$?
line=$(printf '%s\n' "$out" | grep '^demo: no MQTT demo here')
echo "$line"
pkgs=$(printf '%s\n' "$line" | sed -n 's/.*apt-get install //p')
dups=$(printf '%s\n' $pkgs | sort | uniq -d | tr '\n' ' ')
res $([ -n "$pkgs" ] && [ -z "$dups" ] && echo 1 || echo 0) "make demo without MQTT names each package once (${pkgs:-none}${dups:+; twice: $dups})"
for p in mosquitto mosquitto-clients libmosquitto-dev; do
    case " $pkgs " in *" $p "*) ok=1 ;; *) ok=0 ;; esac
    res $ok "make demo without MQTT names $p"
done
n=$(printf '%s\n' "$out" | grep -c '"status":"alive"')
res $([ $rc = 0 ] && [ "$n" = 5 ] && echo 1 || echo 0) "make demo without MQTT runs the stdout superloop (exit $rc, $n beats)"
echo "RESULT: $pass passed, $fail failed"
[ $fail = 0 ]
