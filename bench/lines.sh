#!/bin/sh
# bench/lines.sh - `make bench-lines`: how many cache lines one gateway beat
# brings from memory, counted by callgrind's cache simulation, so the figure
# does not move with the load on the machine (the gateway row's times do).
#
# For each N in BENCH_LINES_N (default 1000 100000 1000000) it runs
# `bench --gateway-lines N --gateway-seconds S` (S = BENCH_LINES_SECONDS,
# default 2) under callgrind --cache-sim=yes with this machine's caches as
# the model (D1 48 KiB 12-way, LL 32 MiB 16-way, 64-byte lines; override
# with BENCH_LINES_CACHES) and prints per beat: instructions, D1 misses and
# LL misses (reads + writes), for the stub harness and for the real beats
# (harness included). An LL miss is a line from DRAM; valgrind simulates no
# prefetching, so these are the lines the gateway's prefetch must hide.
# A 10^6 run takes about 40 s and 420 MB.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_OUT:-build/bench}
case $out in /*) ;; *) out=$top/$out ;; esac
"$top/tests/need.sh" valgrind || exit $?
caches=${BENCH_LINES_CACHES:---I1=32768,8,64 --D1=49152,12,64 --LL=33554432,16,64}
secs=${BENCH_LINES_SECONDS:-2}
dir=$out/callgrind/lines
rm -rf "$dir"
mkdir -p "$dir"
echo "cache lines per gateway beat (callgrind --cache-sim=yes $caches;"
echo "$secs simulated s, 1 s interval, HB_OPT_DESYNC, no prefetch)"
printf '  %-9s %-8s %8s %8s %10s %10s\n' instances run beats Ir/beat "D1 miss" "LL miss"
for n in ${BENCH_LINES_N:-1000 100000 1000000}; do
    # shellcheck disable=SC2086  # the cache options are words
    valgrind --tool=callgrind --cache-sim=yes $caches \
        --callgrind-out-file="$dir/cg.$n" "$out/bench" --gateway-lines "$n" \
        --gateway-seconds "$secs" > "$dir/stdout.$n" 2> "$dir/valgrind.$n.log" || {
        cat "$dir/valgrind.$n.log"
        exit 1
    }
    beats=$(sed -n 's/^beats //p' "$dir/stdout.$n")
    size=$(sed -n 's/^sizeof(hb_service) //p' "$dir/stdout.$n")
    for f in "$dir/cg.$n".*; do
        name=$(sed -n 's/^desc: Trigger: Client Request: gateway-//p' "$f")
        # events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw
        sed -n 's/^summary: *//p' "$f" | head -n 1 |
            awk -v n="$n" -v b="$beats" -v r="$name" '{
                printf "  %-9s %-8s %8d %8.1f %10.2f %10.2f\n", n, r, b,
                       $1 / b, ($5 + $6) / b, ($8 + $9) / b }'
    done
done
echo "sizeof(hb_service) ${size:-?} bytes; the id is in a 64-byte slot of its own"
