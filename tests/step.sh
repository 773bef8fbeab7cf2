#!/bin/sh
# tests/step.sh NAME COMMAND... — run one check of `make test` and record it.
#
# The command's output is shown and kept in build/logs/NAME.log. Its result
# goes to build/results/NAME as "passed failed skipped":
#   - each greatest runner's "Pass: P, fail: F, skip: S." line counts P/F/S
#     (summed: a step that runs several builds of a suite counts each check
#     once per build);
#   - a script may print "RESULT: P passed, F failed" lines (summed);
#   - otherwise exit 0 is one pass, any other exit one failure;
#   - exit 77 means "skipped: an optional part is missing" (the command says
#     which Debian package to install). With REQUIRE_ALL=1 a skip is a failure.
# A non-zero exit adds one failure when the counts said all passed (a
# sanitizer report after the last test, a crash in teardown); when they
# already count a failure, the exit status is that failure, not another.
name=$1; shift
results=${RESULTS_DIR:-build/results}
logs=${LOGS_DIR:-build/logs}
mkdir -p "$results" "$logs"
log="$logs/$name.log"
echo "=== $name"
( eval "$@" ) > "$log" 2>&1
rc=$?
cat "$log"
if [ $rc -eq 77 ]; then
    if [ "${REQUIRE_ALL:-0}" = 1 ]; then
        echo "FAIL $name: skipped, but REQUIRE_ALL=1 makes every skip a failure"
        echo "0 1 0" > "$results/$name"
    else
        echo "SKIP $name (see the message above for the package to install)"
        echo "0 0 1" > "$results/$name"
    fi
    exit 0
fi
counts=$(awk '
    /^Pass: [0-9]+, fail: [0-9]+, skip: [0-9]+\./ {
        gsub(/[^0-9 ]/, " "); split($0, a, " "); gp += a[1]; gf += a[2]; gs += a[3]; g = 1 }
    /^RESULT: [0-9]+ passed, [0-9]+ failed/ { rp += $2; rf += $4; r = 1 }
    END {
        if (g) print gp + rp, gf + rf, gs;
        else if (r) print rp, rf, 0;
        else print "none" }' "$log")
if [ "$counts" = none ]; then
    if [ $rc -eq 0 ]; then counts="1 0 0"; else counts="0 1 0"; fi
elif [ $rc -ne 0 ]; then
    counts=$(echo "$counts" | awk '{ print $1, ($2 > 0 ? $2 : 1), $3 }')
fi
echo "$counts" > "$results/$name"
set -- $counts
if [ $rc -eq 0 ] && [ "$2" = 0 ]; then
    echo "ok   $name: $1 passed"
else
    echo "FAIL $name: $1 passed, $2 failed (exit $rc, log $log)"
fi
exit 0
