#!/bin/sh
# tests/integration/stress.sh — `make stress-mqtt`: the MQTT integration
# suites (tests/integration/run.py, both clients, every group) STRESS_RUNS
# times (default 5) back to back while a CPU hog keeps every core busy: one
# busy-loop process per core (nproc), each bounded in time (STRESS_HOG_MAX
# seconds, default 1800) and killed by PID at the end. Prints each run's
# RESULT line and "stress-mqtt: P of N runs passed"; exit 1 unless all did.
# Not part of `make test`. Environment: BUILD, STRESS_RUNS, STRESS_HOG_MAX.
BUILD=${BUILD:-build}
runs=${STRESS_RUNS:-5}
hog_max=${STRESS_HOG_MAX:-1800}
cores=$(nproc 2>/dev/null || echo 2)
log_dir=$BUILD/stress
mkdir -p "$log_dir"

hogs=""
stop_hogs() {
    for p in $hogs; do kill "$p" 2>/dev/null; done
    for p in $hogs; do wait "$p" 2>/dev/null; done
    hogs=""
}
trap 'stop_hogs' EXIT
trap 'stop_hogs; exit 130' INT TERM
i=0
while [ $i -lt "$cores" ]; do
    timeout "$hog_max" sh -c 'while :; do :; done' &
    hogs="$hogs $!"
    i=$((i + 1))
done
echo "stress-mqtt: $cores busy-loop processes (pids$hogs) on $cores cores, $runs runs"
echo "stress-mqtt: $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"

ok=0
n=1
while [ $n -le "$runs" ]; do
    t0=$(date +%s)
    BUILD=$BUILD /usr/bin/python3 tests/integration/run.py > "$log_dir/run$n.log" 2>&1
    rc=$?
    t1=$(date +%s)
    res=$(grep '^RESULT:' "$log_dir/run$n.log" | tail -1)
    if [ $rc -eq 0 ]; then
        ok=$((ok + 1))
        echo "run $n: ${res:-no RESULT line} ($((t1 - t0)) s, load $(cut -d' ' -f1 /proc/loadavg))"
    else
        echo "run $n: FAILED (exit $rc) ${res:-no RESULT line} ($((t1 - t0)) s, log $log_dir/run$n.log)"
        grep '^FAIL' "$log_dir/run$n.log" | head -10
    fi
    grep 'restart: broker down' "$log_dir/run$n.log" | sed 's/^ */    /' | sort -u
    n=$((n + 1))
done
stop_hogs
echo "stress-mqtt: $ok of $runs runs passed"
[ "$ok" -eq "$runs" ]
