#!/bin/sh
# tests/analysis/clang-tidy.sh TU CHECKS [-DDEFINE...] — clang-tidy with
# CHECKS on the implementation TU, heartbeat.h in the header filter;
# warnings are errors. CLANG_TIDY names the tool (default clang-tidy).
tu=$1 checks=$2; shift 2
${CLANG_TIDY:-clang-tidy} --quiet --checks="$checks" --warnings-as-errors="*" \
    --header-filter=".*heartbeat\.h" "$tu" -- -std=c99 -I. "$@" || exit 1
echo "clang-tidy $*: no findings"
