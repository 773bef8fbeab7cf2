#!/bin/sh
# tests/check-ci-packages.sh — every Debian package that tests/need.sh names
# for an optional part is installed by .ci/run (its pkgs list), so the
# REQUIRE_ALL=1 run of CI really runs every step. Go is the one exception
# (bookworm-backports only; golden-fresh is not a step of make test).
# Prints "RESULT: P passed, F failed".
need_pkgs=$(sed -n 's/.*pkgs="\{0,1\}\([^";]*\)"\{0,1\};.*/\1/p; s/^ *\([a-z0-9-]*)\) *pkgs="\{0,1\}\([^";]*\)"\{0,1\}$/\2/p' tests/need.sh |
            tr ' ' '\n' | grep -v '^$' | sort -u)
ci_pkgs=$(sed -n '/^pkgs=(/,/^)/p' .ci/run | sed '1d;$d' | tr ' ' '\n' | grep -v '^$' | sort -u)
pass=0 fail=0
for p in $need_pkgs; do
    case $p in golang-*) echo "ok   $p: Go, bookworm-backports only (golden-fresh, outside make test)"; continue ;; esac
    if echo "$ci_pkgs" | grep -qx "$p"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL $p is named by tests/need.sh but not installed by .ci/run"
    fi
done
echo "ok   $pass packages named by tests/need.sh are in .ci/run's list"
echo "RESULT: $pass passed, $fail failed"
[ $fail = 0 ]
