#!/bin/sh
# proof/run.sh [HEADER] - `make prove`: Frama-C Eva (runtime errors) and WP
# (contracts) on heartbeat.h, then proof/mutate.sh (the proof bites).
#
#   proof/run.sh              everything; RESULT lines for make test
#   proof/run.sh --no-mutate  Eva and WP only
#   PV_HEADER=dir/heartbeat.h proof/run.sh --no-mutate   on a copy (mutate.sh)
#
# Output under $BUILD/prove (default build/prove): the Why3 config made by
# `why3 config detect` (nothing is read from $HOME), each tool's log.
# Exit 0 only when Eva reports 0 alarms for every driver and WP proves
# every goal.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=${BUILD:-build}/prove
mutate=1
[ "${1:-}" = --no-mutate ] && mutate=0
hdir=$(dirname "${PV_HEADER:-$root/heartbeat.h}")
mkdir -p "$out"
out=$(cd "$out" && pwd)
tag=${PV_TAG:-main}
log=$out/$tag
mkdir -p "$log"

# Why3: the provers found on this machine, in a config of our own.
export WHY3CONFIG="$out/why3.conf"
if [ ! -s "$WHY3CONFIG" ]; then
    why3 config detect -C "$WHY3CONFIG" > "$out/why3-detect.log" 2>&1 ||
        { cat "$out/why3-detect.log"; exit 1; }
fi
provers=""
for p in z3 cvc4 cvc5; do
    if grep -qi "name = \"$p\"" "$WHY3CONFIG"; then provers="$provers,$p"; fi
done
provers=${provers#,}
[ "$tag" = main ] && echo "why3 provers: $provers (from why3 config detect)"

CPP="-I$hdir -I$here -U__SSE2__"
fc() { frama-c -machdep x86_64 -cpp-extra-args="$CPP $1" "$2" "$@"; }

fail=0
