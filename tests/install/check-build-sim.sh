#!/bin/sh
# tests/install/check-build-sim.sh - the ESP-IDF and Zephyr CMake entry
# points (idf_component / zephyr/CMakeLists.txt) run against stubs of those
# build systems (tests/install/sim-build-systems.cmake). Each "-- ok" line
# of the simulation is a check; the simulation must run to its end.
# Prints "RESULT: P passed, F failed". Needs cmake (declared by the step).
BUILD=${BUILD:-build}
work=$BUILD/metadata
mkdir -p "$work"
cmake -DREPO="$(pwd)" -DWORK="$work" -P tests/install/sim-build-systems.cmake \
    > "$work/sim.log" 2>&1
rc=$?
sed -n 's/^-- ok   /ok   /p' "$work/sim.log"
pass=$(grep -c '^-- ok   ' "$work/sim.log")
fail=0
if [ $rc -ne 0 ]; then
    tail -8 "$work/sim.log"
    echo "FAIL ESP-IDF/Zephyr CMake simulation did not run to the end (exit $rc)"
    fail=1
else
    echo "ok   ESP-IDF/Zephyr CMake simulation ran to the end"
    pass=$((pass + 1))
fi
echo "RESULT: $pass passed, $fail failed"
[ $fail = 0 ]
