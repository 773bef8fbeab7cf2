#!/bin/sh
# tests/analysis/cppcheck.sh TU [-DDEFINE...] — cppcheck on the
# implementation TU, every #ifdef configuration (--force); any finding fails.
# CPPCHECK names the tool (default cppcheck).
tu=$1; shift
${CPPCHECK:-cppcheck} --version || exit 1
${CPPCHECK:-cppcheck} --enable=warning,portability,performance --error-exitcode=1 \
    --std=c99 --inline-suppr --force -q -I. "$@" "$tu" || exit 1
echo "cppcheck $*: no findings"
