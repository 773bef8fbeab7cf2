#!/bin/sh
# tests/summary.sh DIR — total the results of every step of `make test`:
# a table of the steps, how many steps ran, were skipped and failed, and the
# one closing line "N passed, N failed" (each check counted once per build it
# ran in). Exit 1 on any failure or when no step ran at all.
dir=${1:-build/results}
set -- "$dir"/*
if [ ! -e "$1" ]; then
    echo "no test step ran"
    echo "0 passed, 1 failed"
    exit 1
fi
echo
echo "=== summary"
for f in "$@"; do
    read p fl s < "$f"
    printf '%-28s %5s passed %3s failed %2s skipped\n' "$(basename "$f")" "$p" "$fl" "$s"
done
for f in "$@"; do
    printf '%s ' "$(basename "$f")"; cat "$f"
done | awk '
    { p += $2; f += $3; s += $4; steps++
      if ($3 > 0) { failed++; fl = fl " " $1 }
      else if ($4 > 0 && $2 == 0) { skipped++; sk = sk " " $1 }
      else ran++ }
    END {
        printf "steps: %d, %d ran and passed, %d skipped, %d failed\n", steps, ran, skipped, failed
        if (skipped) print "skipped (an optional part is missing; see the SKIP lines above):" sk
        if (failed) print "failed:" fl
        print p " passed, " f " failed"
        exit (f > 0) }'
