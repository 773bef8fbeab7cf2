#!/bin/sh
# bench/instr.sh — `make bench-instr`: instruction counts of rows 1 and 2
# under callgrind. Unlike times, these do not move with the load on the
# machine, so they compare commits. Each operation runs N times between
# callgrind client requests (bench --instr); the count per operation is the
# dump's total divided by N.
#
# Environment: BENCH_OUT (default build/bench, holding the bench binary);
# BENCH_BIN (default bench; `make bench-monitor-instr` gives monitor,
# bench/monitor.c, whose dumps are its --big calls of hb_mon_parse,
# hb_mon_beat on new and on known devices, and hb_mon_beat_batch) and
# BENCH_INSTR_ARGS (default --instr); BENCH_VG_ARGS, more callgrind
# options (the monitor's: --collect-atstart=no, it toggles collection).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_OUT:-build/bench}
case $out in /*) ;; *) out=$top/$out ;; esac
"$top/tests/need.sh" valgrind || exit $?
bin=${BENCH_BIN:-bench}
dir=$out/callgrind/$bin
rm -rf "$dir"
mkdir -p "$dir"
# shellcheck disable=SC2086  # the arguments are words
valgrind --tool=callgrind ${BENCH_VG_ARGS:-} --callgrind-out-file="$dir/cg.out" \
    "$out/$bin" ${BENCH_INSTR_ARGS:---instr} > "$dir/stdout" 2> "$dir/valgrind.log" || {
    cat "$dir/valgrind.log"
    exit 1
}
n=$(sed -n 's/^iterations //p' "$dir/stdout")
echo "instructions per operation (callgrind, $n iterations each; Ir = instructions executed)"
printf '  %-28s %12s\n' operation Ir/op
i=1
while [ -f "$dir/cg.out.$i" ]; do
    f=$dir/cg.out.$i
    i=$((i + 1))
    name=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
    total=$(sed -n 's/^totals: *//p; s/^summary: *//p' "$f" | head -n 1 | awk '{ print $1 }')
    [ -n "$name" ] && [ -n "$total" ] || continue
    printf '%s %s\n' "$name" "$total"
done | awk -v n="$n" '{ printf "  %-28s %12.1f\n", $1, $2 / n }'
ls "$dir"/cg.out.* >/dev/null 2>&1 || { echo "no callgrind dumps (was bench built with valgrind/callgrind.h?)"; exit 1; }
