#!/bin/sh
# tests/summary.sh DIR — total the results of every step of `make test` and
# print the one closing line "N passed, N failed". Exit 1 on any failure or
# when no step ran at all.
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
cat "$@" | awk '
    { p += $1; f += $2; s += $3 }
    END {
        if (s > 0) print s " step(s) skipped: an optional part is missing (see SKIP lines above)"
        print p " passed, " f " failed"
        exit (f > 0) }'
