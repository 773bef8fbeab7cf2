#!/bin/sh
# proof/eva_one.sh TAG DRIVER OPTION-SET CPP-FLAGS - one Eva run of
# proof/run.sh (which exports PV_CPP, PV_DIR, PV_LOGS and the option sets
# EVA_writer, EVA_service, EVA_beat, EVA_beatfast, EVA_sign, EVA_signstart,
# EVA_simd, EVA_room, EVA_roomfast, EVA_monitor, EVA_montable, EVA_monany,
# EVA_misc, EVA_whole, EVA_COMMON): proof/eva_DRIVER.c preprocessed with CPP-FLAGS
# (comma-separated, - for none), log in $PV_LOGS/eva-TAG.log, ending with a
# line "rc=R seconds=S". Run by xargs, PV_JOBS at a time.
t0=$(date +%s)
flags=$(echo "$4" | tr , ' ')
# PV_COVER=1 (run.sh, all drivers): proof/cover.ml writes which
# statements of heartbeat.h this run reached, to $PV_LOGS/cover-TAG.txt
# (loaded from a copy per run: Frama-C compiles a script beside it, and
# the runs are parallel)
export PV_COVER_OUT="$PV_LOGS/cover-$1.txt"
rm -f "$PV_COVER_OUT"
cover=""
if [ "${PV_COVER:-0}" = 1 ]; then
    script="$PV_LOGS/cover_$(echo "$1" | tr -c 'a-z0-9\n' _).ml"
    cp "$PV_DIR/cover.ml" "$script"
    cover="-then -load-script $script"
fi
[ "$flags" = - ] && flags=""
opts=""
eval "opts=\$EVA_$3"
# shellcheck disable=SC2086 # the option sets (and $cover) are word lists
frama-c -machdep x86_64 -cpp-extra-args="$PV_CPP $flags" \
    "$PV_DIR/eva_$2.c" -eva $opts $EVA_COMMON ${PV_EVA_EXTRA:-} \
    -then -report -report-no-proven $cover > "$PV_LOGS/eva-$1.log" 2>&1
echo "rc=$? seconds=$(( $(date +%s) - t0 ))" >> "$PV_LOGS/eva-$1.log"
exit 0
