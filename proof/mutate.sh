#!/bin/sh
# proof/mutate.sh - the proof bites. proof/mutants.py writes copies of
# heartbeat.h, each with one known bug (an off-by-one in the writer's
# bound, a missing wrap-safe cast, a time longer than HB_TIME_MAX, ...);
# proof/run.sh --no-mutate must fail on each, running only the check that
# covers the mutated code (an Eva driver or WP on one function).
# Prints "RESULT: K passed, S failed": K mutants flagged, S that survived
# (or whose pattern no longer matches heartbeat.h).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
base=${BUILD:-build}/prove
mkdir -p "$base/mutants"
base=$(cd "$base" && pwd)
killed=0
survived=0
/usr/bin/python3 "$here/mutants.py" "$root/heartbeat.h" "$base/mutants" \
    > "$base/mutants/list" || survived=$((survived + 1))
while read -r name check; do
    case $check in
    eva:*) eva="${check#eva:}"; wp=none ;;
    wp:*)  eva=none; wp=${check#wp:} ;;
    esac
    if PV_HEADER="$base/mutants/$name/heartbeat.h" PV_OUT="$base/mutants/$name" \
       PV_WHY3CONFIG="$base/why3.conf" PV_QUIET=1 PV_EVA="$eva" PV_WP_FCT="$wp" \
       "$here/run.sh" --no-mutate > "$base/mutants/$name.log" 2>&1; then
        echo "mutant $name: SURVIVED ($check proved it)"
        survived=$((survived + 1))
    else
        echo "mutant $name: killed by $check"
        killed=$((killed + 1))
    fi
done < "$base/mutants/list"
echo "RESULT: $killed passed, $survived failed (mutants flagged by the proof)"
[ $survived = 0 ]
