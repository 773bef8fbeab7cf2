#!/bin/sh
# tests/prefetch-check.sh BINARY — the monitor's slot prefetch survived the
# compiler: BINARY (bench/monitor.c, built like the bench, -O2) holds at
# least one prefetch instruction. gcc 12 -O2 once deleted every call of a
# helper that held nothing but __builtin_prefetch (a "const" function to
# it), silently: the parse then no longer overlapped the table's miss.
# x86 prefetch*, AArch64 prfm, PowerPC dcbt; another target: skipped (77).
set -u
bin=${1:?usage: tests/prefetch-check.sh BINARY}
case $(uname -m) in
    x86_64|i?86|aarch64|ppc*|powerpc*) ;;
    *) echo "no prefetch mnemonic known for $(uname -m)"; exit 77 ;;
esac
n=$(objdump -d "$bin" | grep -c -E '[[:space:]](prefetch[a-z0-9]*|prfm|dcbtst?)[[:space:]]')
if [ "$n" -gt 0 ]; then
    echo "$bin: $n prefetch instructions"
    echo "RESULT: 1 passed, 0 failed"
else
    echo "$bin: no prefetch instruction (hbi_mon_touch was optimised away?)"
    echo "RESULT: 0 passed, 1 failed"
    exit 1
fi
