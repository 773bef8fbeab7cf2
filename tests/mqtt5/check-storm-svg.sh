#!/bin/sh
# tests/mqtt5/check-storm-svg.sh - docs/storm.svg must be what gnuplot makes
# of docs/storm.gp and the storm simulation's data today (run `make docs`
# and commit after changing hb_backoff or storm.c), and the rendering must
# be deterministic (two runs, same bytes). The step asks for gnuplot
# through tests/need.sh first.
GNUPLOT=${GNUPLOT:-gnuplot}
BUILD=${BUILD:-build}
out=$BUILD/mqtt5
mkdir -p "$out"
"$out/storm" --data "$out/storm-check.dat" > /dev/null || { echo "storm failed"; exit 1; }
for i in 1 2; do
    "$GNUPLOT" -e "data='$out/storm-check.dat'" docs/storm.gp > "$out/storm-$i.svg" || exit 1
done
if ! cmp -s "$out/storm-1.svg" "$out/storm-2.svg"; then
    echo "gnuplot output differs between two runs:"
    diff "$out/storm-1.svg" "$out/storm-2.svg" | head -20
    exit 1
fi
if ! cmp -s "$out/storm-1.svg" docs/storm.svg; then
    echo "docs/storm.svg is out of date: run make docs and commit it"
    echo "(committed: $(sed -n 's/.*Produced by \(GNUPLOT [^<]*\).*/\1/p' docs/storm.svg); here: $("$GNUPLOT" --version))"
    diff -u docs/storm.svg "$out/storm-1.svg" | head -40
    exit 1
fi
echo "docs/storm.svg is up to date ($("$GNUPLOT" --version))"
