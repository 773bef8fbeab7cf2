#!/bin/sh
# tests/integration/demo-step.sh OUT — the mqtt-demo step: `make demo`,
# shortened (DEMO_SECONDS, DEMO_INTERVAL_MS from the caller), must exit 0
# and show the beats and the final offline beat. Its output is kept in OUT.
out=$1
MAKE=${MAKE:-make}
$MAKE -s --no-print-directory demo > "$out" 2>&1
rc=$?
cat "$out"
[ $rc = 0 ] || { echo "make demo exited $rc"; exit 1; }
grep -q " alive " "$out" || { echo "no alive beat in the demo's output"; exit 1; }
grep -q " offline " "$out" || { echo "no offline beat in the demo's output"; exit 1; }
