#!/bin/sh
# proof/mutate.sh - the proof bites. proof/mutants.py writes copies of
# heartbeat.h, each with one known bug (an off-by-one in the writer's
# bound, a missing wrap-safe cast, a time longer than HB_TIME_MAX, ...);
# proof/run.sh --no-mutate must fail on each, running only the check that
# covers the mutated code (an Eva driver or WP on one function), PV_JOBS
# (default 2) mutants at a time, WP with PV_MUTANT_TIMEOUT s per goal
# (default 3: the unmutated proof's slowest prover call takes about 1.4
# s, and a mutant's failing goals are false, so no time limit would prove
# them) and with cvc4 and z3 only, cvc4 first (every goal of the
# unmutated proof is proved by Qed, cvc4 or z3; with cvc5 as well each
# failing goal waited for two time limits: the WP mutants took about
# twice as long, hbi_put's 62 s instead of 32),
# Eva stopping at its first alarm (-eva-stop-at-nth-alarm 1: the verdict
# is the same, the mutants of the long beat-path drivers end sooner; a
# mutant caught by a driver's assertion runs to the end), a failed
# precondition of a libc function (memcpy's valid_src) included
# (-eva-warn-key alarm=abort: -eva-stop-at-nth-alarm does not count
# those: svc-poll-fast's mutant went on past 100 s).
# Prints "RESULT: K passed, S failed": K mutants flagged, S that survived
# (or whose pattern no longer matches heartbeat.h).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
base=${BUILD:-build}/prove
mkdir -p "$base/mutants"
base=$(cd "$base" && pwd)
bad=0
/usr/bin/python3 "$here/mutants.py" "$root/heartbeat.h" "$base/mutants" \
    > "$base/mutants/list" || bad=1
rm -f "$base/mutants"/*.verdict
export base here
# shellcheck disable=SC2016 # the script below is sh -c's, expanded there
# one mutant: NAME CHECK -> $base/mutants/NAME.verdict
xargs -r -n 2 -P "${PV_JOBS:-2}" sh -c '
    name=$1; check=$2
    case $check in
    eva:*) eva="${check#eva:}"; wp=none ;;
    wp:*)  eva=none; wp=${check#wp:} ;;
    esac
    if PV_HEADER="$base/mutants/$name/heartbeat.h" PV_OUT="$base/mutants/$name" \
       PV_WHY3CONFIG="$base/why3.conf" PV_QUIET=1 PV_EVA="$eva" PV_WP_FCT="$wp" \
       PV_EVA_EXTRA="-eva-stop-at-nth-alarm 1 -eva-warn-key alarm=abort" \
       PV_JOBS=1 PV_WP_LEMMAS=0 PV_TIMEOUT="${PV_MUTANT_TIMEOUT:-3}" PV_PROVERS=cvc4,z3 "$here/run.sh" --no-mutate > "$base/mutants/$name.log" 2>&1; then
        echo "mutant $name: SURVIVED ($check proved it)" > "$base/mutants/$name.verdict"
    else
        echo "mutant $name: killed by $check" > "$base/mutants/$name.verdict"
    fi' sh < "$base/mutants/list"
killed=0
survived=$bad
while read -r name _; do
    v=$(cat "$base/mutants/$name.verdict" 2>/dev/null || echo "mutant $name: SURVIVED (not run)")
    echo "$v"
    case $v in *killed*) killed=$((killed + 1)) ;; *) survived=$((survived + 1)) ;; esac
done < "$base/mutants/list"
echo "RESULT: $killed passed, $survived failed (mutants flagged by the proof)"
[ $survived = 0 ]
