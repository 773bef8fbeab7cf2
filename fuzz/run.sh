#!/bin/sh
# fuzz/run.sh SECONDS NAME... — runs each built harness $BUILD/fuzz/fuzz_NAME
# for SECONDS from its committed seeds (fuzz/corpus/NAME), one at a time.
#
# New inputs go to $FUZZ_WORK/NAME (default $BUILD/fuzz/work, kept between
# runs, never committed); a failing input is written to $BUILD/fuzz/crash-NAME-* and the
# harness counts as failed. First every committed seed is replayed as a
# regression test. Prints, per harness, "NAME: N executions, F findings"
# and a line "RESULT: P passed, F failed" for tests/step.sh.
secs=$1; shift
build=${BUILD:-build}
pass=0 fail=0 total=0
for name in "$@"; do
    bin=$build/fuzz/fuzz_$name
    seeds=fuzz/corpus/$name
    work=${FUZZ_WORK:-$build/fuzz/work}/$name
    log=$build/fuzz/$name.log
    mkdir -p "$work" "$seeds"
    # replay the committed seeds (findings stay here as regression tests)
    if ls "$seeds"/* >/dev/null 2>&1; then
        if ! "$bin" "$seeds"/* > "$log.replay" 2>&1; then
            grep -E "check failed|ERROR|runtime error" "$log.replay" | head -5
            echo "$name: a committed seed fails (log $log.replay)"
            fail=$((fail + 1))
            continue
        fi
    fi
    # -rss_limit_mb: the harnesses allocate little; catch leaks that grow
    "$bin" -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=1024 \
        -artifact_prefix="$build/fuzz/crash-$name-" "$work" "$seeds" \
        > "$log" 2>&1
    rc=$?
    execs=$(awk '/stat::number_of_executed_units:/ { print $2 }' "$log")
    execs=${execs:-0}
    total=$((total + execs))
    if [ $rc -eq 0 ]; then
        echo "$name: $execs executions, 0 findings"
        pass=$((pass + 1))
    else
        grep -E "check failed|ERROR|runtime error|SUMMARY" "$log" | head -5
        ls "$build/fuzz/crash-$name-"* 2>/dev/null
        echo "$name: $execs executions, 1 finding (log $log)"
        fail=$((fail + 1))
    fi
done
echo "total: $total executions"
echo "RESULT: $pass passed, $fail failed"
[ $fail -eq 0 ]
