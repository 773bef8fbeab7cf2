#!/bin/sh
# proof/run.sh - `make prove`: Frama-C on heartbeat.h.
#
#   1. Eva, the abstract interpreter, on each driver proof/eva_*.c: every
#      input abstract (see each driver's header); the step needs 0 alarms
#      and prints Eva's summary (coverage, alarms, properties). Together
#      (proof/cover.ml, proof/cover.py) the drivers reach every statement
#      of heartbeat.h but those proof/unreached.txt lists, each under the
#      reason no driver reaches it.
#   2. WP on proof/wp_core.c: the contracts of proof/contracts.h, each goal
#      proved by z3, cvc4 or cvc5 (PV_TIMEOUT s per goal, default 10).
#   3. proof/mutate.sh: known bugs injected into a copy of heartbeat.h; each
#      must make step 1 or 2 fail.
#
#   proof/run.sh               all three, RESULT lines for make test
#   proof/run.sh --no-mutate   steps 1 and 2 only (mutate.sh calls this)
#   PV_HEADER=path/heartbeat.h use that header instead of ./heartbeat.h
#   PV_PROVERS=cvc4,z3         WP's provers (default: every one detected)
#
# Output under $BUILD/prove (default build/prove): why3.conf written by
# `why3 config detect` (nothing is read from $HOME), one log per tool.
# Exit 0 only when every Eva driver has 0 alarms and WP proves every goal.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mutate=1
[ "${1:-}" = --no-mutate ] && mutate=0
header=${PV_HEADER:-$root/heartbeat.h}
hdir=$(cd "$(dirname "$header")" && pwd)
mkdir -p "${BUILD:-build}"
build=$(cd "${BUILD:-build}" && pwd)
out=${PV_OUT:-$build/prove}
mkdir -p "$out"
out=$(cd "$out" && pwd)
timeout=${PV_TIMEOUT:-10}
quiet=${PV_QUIET:-0}
say() { [ "$quiet" = 1 ] || echo "$@"; }

# Why3 sees the provers of this machine through a config of our own.
export WHY3CONFIG="${PV_WHY3CONFIG:-$out/why3.conf}"
if [ ! -s "$WHY3CONFIG" ]; then
    why3 config detect -C "$WHY3CONFIG" > "$out/why3-detect.log" 2>&1 ||
        { cat "$out/why3-detect.log"; exit 1; }
fi
# Why3 1.5.1 detects no cvc5 (its detection data stops at cvc4 1.8), yet
# cvc5 1.0 reads the SMT-LIB that Why3's driver for cvc4 1.6 writes: a
# manual prover entry with that driver makes it usable. Checked on a
# goal of our own first; cvc5 stays out if it does not prove it.
if command -v cvc5 > /dev/null 2>&1 && ! grep -q 'name = "CVC5"' "$WHY3CONFIG"; then
    v=$(cvc5 --version 2>/dev/null | sed -n 's/.*cvc5 version \([0-9.]*\).*/\1/p' | head -1)
    cp "$WHY3CONFIG" "$WHY3CONFIG.tmp"
    printf '%s\n' "" "[prover]" \
        "command = \"$(command -v cvc5) --tlimit=%t000 --lang=smt2 %f\"" \
        'driver = "cvc4_16"' 'editor = ""' 'in_place = false' \
        'interactive = false' 'name = "CVC5"' 'shortcut = "cvc5"' \
        "version = \"${v:-1.0}\"" >> "$WHY3CONFIG.tmp"
    printf 'module PvCvc5\n use int.Int\n goal g: forall x y: int. x * y = y * x\nend\n' > "$out/cvc5-check.mlw"
    if why3 prove -C "$WHY3CONFIG.tmp" -P cvc5 -t 10 "$out/cvc5-check.mlw" \
           > "$out/cvc5-check.log" 2>&1 && grep -q "Valid" "$out/cvc5-check.log"; then
        mv "$WHY3CONFIG.tmp" "$WHY3CONFIG"
    else
        rm -f "$WHY3CONFIG.tmp"
    fi
fi
provers=""
for p in Z3 CVC4 CVC5; do
    grep -q "name = \"$p\"" "$WHY3CONFIG" &&
        provers="$provers,$(echo $p | tr '[:upper:]' '[:lower:]')"
done
provers=${provers#,}
# PV_PROVERS: a list of our own (mutate.sh), if each of them is detected
if [ -n "${PV_PROVERS:-}" ]; then
    ok=1
    for p in $(echo "$PV_PROVERS" | tr , ' '); do
        case ",$provers," in *",$p,"*) ;; *) ok=0 ;; esac
    done
    [ $ok = 1 ] && provers=$PV_PROVERS
fi
say "why3 config detect: provers $provers (Why3 $(why3 --version 2>/dev/null | sed 's/.*version //'))"

# -U__SSE2__: Frama-C has no model of the SSE2 and AVX2 intrinsics; the
# portable 8-byte scan is analysed instead (see docs/robustness.md), but
# for the driver "simd", which adds -D__SSE2__ and includes proof/simd's
# model of them (on the path for every driver, read by none of the others).
cpp="-I$hdir -I$here -I$here/simd -U__SSE2__"
# Frama-C's preprocessor puts -I. first: run from $out, where no other
# heartbeat.h can be found before the one under test.
cd "$out" || exit 1
fail=0
start=$(date +%s)
# the signed beats of proof/eva_misc.c case 5 are what proof/gen_signed.py
# prints: a format change that forgot them fails here, by name
python3 "$here/gen_signed.py" > "$out/signed-strings.h" || fail=1
if grep -vxFf "$here/eva_misc.c" "$out/signed-strings.h" > "$out/signed-stale.txt"; then
    echo "prove: proof/eva_misc.c case 5 differs from proof/gen_signed.py's output (paste it over the strings there):"
    cat "$out/signed-stale.txt"
    fail=1
fi

# ---- 2. WP (in the background, beside Eva's drivers: its goal
# generation runs on one core, and the two overlap) --------------------
WP_FCT=${PV_WP_FCT:-hbi_put,hb_json_init,hb_json_finish,hbi_wait,hbi_advance,hbi_utf8,hbi_escape,hbi_plain,hbi_string,hbi_fail,hbi_value,hbi_after,hb_json_string,hb_json_key}
log=$out/wp.log
# Typed+cast: the escaper reads its char string through an unsigned char
# pointer (hbi_string); the plain Typed model hides the cast's result, so
# no read through it could be proved valid. With +cast the cast keeps the
# address (as C does); the contracts are about addresses, not about the
# bytes' values, which the proof does not relate across the cast.
WP_MODEL="-wp-model Typed+cast"
wp_step() {
fail=0
frama-c -machdep x86_64 -cpp-extra-args="$cpp" "$here/wp_core.c" \
    -wp $WP_MODEL -wp-rte -wp-fct "$WP_FCT" -wp-prover "$provers" -wp-timeout "$timeout" \
    -wp-par "${PV_JOBS:-2}" -wp-cache none -wp-msg-key=-shell > "$log" 2>&1
rc=$?
proved=$(sed -n 's/.*Proved goals: *\([0-9]*\) \/ \([0-9]*\).*/\1/p' "$log" | tail -1)
total=$(sed -n 's/.*Proved goals: *\([0-9]*\) \/ \([0-9]*\).*/\2/p' "$log" | tail -1)
proved=${proved:-0}; total=${total:-0}
# the lemmas of proof/contracts.h (no function of their own, so not
# among -wp-fct's goals): a run of their own; PV_WP_LEMMAS=0 skips it
# (mutate.sh: they do not read heartbeat.h)
if [ "${PV_WP_LEMMAS:-1}" = 1 ]; then
    frama-c -machdep x86_64 -cpp-extra-args="$cpp" "$here/wp_core.c" \
        -wp $WP_MODEL -wp-prop=@lemma -wp-prover "$provers" -wp-timeout "$timeout" \
        -wp-par "${PV_JOBS:-2}" -wp-cache none -wp-msg-key=-shell > "$out/wp-lemmas.log" 2>&1 || rc=1
    lp=$(sed -n 's/.*Proved goals: *\([0-9]*\) \/ \([0-9]*\).*/\1/p' "$out/wp-lemmas.log" | tail -1)
    lt=$(sed -n 's/.*Proved goals: *\([0-9]*\) \/ \([0-9]*\).*/\2/p' "$out/wp-lemmas.log" | tail -1)
    say "wp: lemmas ${lp:-0} of ${lt:-0} proved"
    [ "${lp:-0}" = "${lt:-0}" ] && [ "${lt:-0}" != 0 ] || rc=1
    proved=$((proved + ${lp:-0})); total=$((total + ${lt:-0}))
fi
say "wp: $proved of $total goals proved ($WP_FCT), per prover:"
[ "$quiet" = 1 ] || sed -n '/Proved goals/,$p' "$log" | grep -E "^ +(Qed|Z3|CVC4|CVC5|Alt)" | sed 's/^ */  /'
if [ $rc -ne 0 ] || [ "$total" = 0 ] || [ "$proved" != "$total" ]; then
    fail=1
    [ "$quiet" = 1 ] || grep -A2 "\[Failed\]\|Timeout\|Unknown\|User Error" "$log" | head -30
fi
unproved=$((total - proved))
[ $rc -ne 0 ] && [ $unproved = 0 ] && unproved=1     # frama-c itself failed
say "RESULT: $proved passed, $unproved failed (WP goals, $timeout s each)"
return $fail
}
wp_pid=""
if [ "$WP_FCT" != none ]; then
    wp_step > "$out/wp-step.txt" 2>&1 &
    wp_pid=$!
fi

# ---- 1. Eva -------------------------------------------------------------
# Two option sets. "writer": the JSON writer and the time formatter, one
# state per buffer size and mode, loops unrolled. "service": the service's
# entry points (proof/eva_service.c, one entry per run): few states by
# default, more for the functions whose loops walk a string or a digit
# table, one state per partitioning key of the driver (status, hb_init's
# answer, the kind of service) and per return value.
EVA_COMMON="-eva-msg-key=-initial-state,-final-states -eva-no-show-progress"
EVA_writer="-eva-slevel 200 -eva-auto-loop-unroll 24 \
 -eva-domains cvalue,octagon,equality,symbolic-locations -eva-octagon-through-calls \
 -eva-partition-value pv_size -eva-partition-value pv_mode -eva-split-return full"
EVA_service="-eva-slevel 10 -eva-auto-loop-unroll 24 \
 -eva-slevel-function hbi_check:100,hbi_strnlen:100,hbi_utf8_valid:100,hbi_phase:100,hb_init:100,hbi_check_status:100,hbi_u64:200,hbi_digits:50,hbi_ndigits:50 \
 -eva-domains cvalue,equality,symbolic-locations -eva-split-return full \
 -eva-partition-value pv_status -eva-partition-value pv_ok -eva-partition-value pv_svc \
 -eva-partition-value pv_topic"
# "beat": the service's set, and more states for the beat path's string
# writer (hbi_string: its loop over a string with each kind of escape,
# whose merged iterations would lose the writer's length) and for
# hbi_build (the state whose time passed the range check is not joined
# with the unsynced one, so the bounds on sec and the offset reach
# hbi_time_fmt); and few for hbi_u64, whose digit loop over any 64-bit
# value made up to 200 states per call, each returned on its own (its
# two branches are kept apart by a split annotation in heartbeat.h):
# svc-poll took 123 s alone with 200, 69 s with 2; and one state in
# hbi_write_tail (its flags' branches joined: 51 s)
EVA_beat=$(echo "$EVA_service" | sed 's/hbi_ndigits:50/hbi_ndigits:50,hbi_string:100,hbi_build:30,hbi_write_tail:1/;s/hbi_u64:200/hbi_u64:2/')
# "beatfast": the beat path of the default build (svc-*-fast): the
# beat set, more states for the fast path's functions (hbi_head_fast, the
# scan hbi_skip / hbi_skip8, hbi_clean_copy, hbi_str_fast, the escape runs
# hbi_esc_run), whose loops walk a string with an exact length; one state
# per answer of the driver's token callback (pv_tokc: its empty token is
# not joined with a prefix of the fixed one), and the split annotations on
# the token's length in hbi_head_fast and hbi_write (heartbeat.h) keep one
# state per length through the scan; the return of hbi_head_fast and
# hbi_str_fast split on 0 (NULL) only, not on every length; the timestamp
# formatter by its contract (-eva-use-spec, proof/pv_time_spec.h; its
# body is proved alone by the driver time-fast, and analysing it again
# inside the whole beat would cost minutes);
# one state in hbi_build (the contract needs no range of sec), hbi_write
# and hbi_write_tail, so that the token's states split for the scan are
# joined before the tail (the merge annotation in hbi_write): 384 states
# had reached hbi_write_tail, and the run took 726 s instead of 49 s
EVA_beatfast=$(echo "$EVA_beat" | sed 's/hbi_build:30,hbi_write_tail:1/hbi_build:1,hbi_write:1,hbi_write_tail:1,hbi_head_fast:100,hbi_str_fast:20,hbi_esc_run:60,hbi_skip8:40,hbi_skip:20,hbi_clean_copy:20/')
EVA_beatfast="$EVA_beatfast -eva-split-return-function hbi_head_fast:0,hbi_str_fast:0 \
 -eva-partition-value pv_tokc -eva-use-spec hbi_time_fmt_dc"
# "sign": the service's set for signed beats (PV_SIGN, svc-sign-*): one
# state per kind of boot_id (pv_boot) and per refused signing setting
# (pv_sgbad) as well, and more states in hb_init and its checks
EVA_sign="$(echo "$EVA_service" | sed "s/hbi_check:100/hbi_check:400/;s/hb_init:100/hb_init:400/") -eva-partition-value pv_boot -eva-partition-value pv_sgbad"
# "signstart" (svc-sign-start): 17 values per byte, so that the generated
# boot_id's 16 hex digits are kept apart from the bytes between them
EVA_signstart="$EVA_sign -eva-ilevel 17"
# "monitor": the beat parser (proof/eva_monitor.c) on any bytes, one
# state per payload length (pv_len) and per prefix (pv_key); the reader's
# recursion (hbi_mon_skip, at most HBI_MON_DEPTH deep) unrolled; the
# blanks loop's iterations merged, and one state per place it stops kept
# through its return (the split annotation in hbi_mon_ws); more states
# for the functions whose joins lose the relation between the reader's
# pointer and a string's start and length (the equality domain keeps
# p == start), and for the time readers (each date or time field read
# or not kept apart from the others)
EVA_monitor="-eva-slevel 10 -eva-domains cvalue,equality -eva-split-return full \
 -eva-slevel-function hbi_mon_parse:500,hbi_mon_str:100,hbi_mon_uint:50,hbi_mon_eq:20,hbi_mon_num:50,hbi_mon_skip:100,hbi_mon_ws:40,hbi_mon_fast:100,hbi_mon_time_end:200,hbi_mon_ftime:200,hbi_mon_days:50 \
 -eva-slevel-merge-after-loop hbi_mon_ws -eva-interprocedural-splits \
 -eva-unroll-recursive-calls 17 -eva-partition-value pv_len -eva-partition-value pv_key"
# "montable": the monitor's set, with more states for the table driver
# (proof/eva_monitor.c case 3): its main (hb_mon_init's answer and each
# operation kept apart), hb_mon_init's checks, and the id hash with the
# escape decoder (one state per decoded byte, so the byte loop's count
# stays exact)
EVA_montable=$(echo "$EVA_monitor" | sed 's/-eva-slevel-function /-eva-slevel-function main:100,hb_mon_init:200,hb_mon_id_hash:1000,hbi_mon_decode:200,/')
# "monany": the montable set, one state per capacity (pv_cap: the probe
# index, the slot and the slice stay below it), and the octagon domain,
# which keeps differences such as a seq gap above 0 after the comparison
# of the two seqs (proof/eva_monitor.c case 4, a table in any state)
EVA_monany="$(echo "$EVA_montable" | sed 's/-eva-slevel-function /-eva-slevel-function hbi_mon_find:50,hb_mon_beat:100,/') -eva-partition-value pv_op"
# "misc": the montable set and one state per operation (pv_op) and per
# batch size (pv_n: the batch's loops then run a known count), for the
# public functions no other driver calls (proof/eva_misc.c: the backoff,
# the monitor's id helpers on any bytes, its entry points on bad
# arguments, the batch, signed beats; more states for their loops over
# a whole string: the base64url decoder and encoder, the byte compare)
EVA_misc="$(echo "$EVA_montable" | sed 's/-eva-slevel-function /-eva-slevel-function hb_mon_unescape:200,hb_mon_id_equal:200,hb_mon_beat_batch:400,hb_mon_beat_signed:1000,hbi_b64dec:3000,hbi_b64url:3000,/;s/hbi_mon_eq:20,/hbi_mon_eq:300,/') -eva-partition-value pv_op -eva-partition-value pv_n"
# "whole": concrete inputs (proof/eva_monitor.c case 5, proof/eva_misc.c
# cases 4 to 6): one state per input (pv_key) and per path, as many as
# the input's loops take (a concrete run: no join, so no precision lost);
# the recursion of a callback that calls back in unrolled
EVA_whole="-eva-slevel 20000 -eva-split-return full -eva-unroll-recursive-calls 20 \
 -eva-partition-value pv_key"
# "room": the in-place writers at the buffer's edge (proof/eva_room.c):
# more states for the digit writers, one per size, writer and digit count
# (and in the default build its head, hbi_head_fast: its string writers'
# states as in beatfast, the timestamp formatter by its contract)
EVA_room="-eva-slevel 10 -eva-auto-loop-unroll 24 -eva-split-return full \
 -eva-slevel-function main:200,hbi_u64:200,hbi_digits:50,hbi_ndigits:50 \
 -eva-partition-value pv_size -eva-partition-value pv_what -eva-partition-value pv_digits"
EVA_roomfast="$(echo "$EVA_room" | sed 's/hbi_ndigits:50/hbi_ndigits:50,hbi_head_fast:100,hbi_str_fast:20,hbi_esc_run:60,hbi_skip8:40,hbi_skip:20/') \
 -eva-use-spec hbi_time_fmt_dc"
# "simd": the SIMD scans (proof/eva_simd.c) on any bytes, one state per
# length (pv_n: up to 144 values), their 16- and 32-byte loops unrolled
EVA_simd="-eva-slevel 200 -eva-auto-loop-unroll 70 -eva-split-return full \
 -eva-partition-value pv_n -eva-split-limit 200"
eva_alarms=0
eva_logs=""
rm -f "$out"/eva-*.log "$out"/cover-*.txt
eva_ok=0
eva_bad=0
# tag:driver:option-set:extra-cpp-flags (comma-separated, - for none), one frama-c
# process each (proof/eva_one.sh), PV_JOBS (default 2) at a time, the
# longest first. The beat path in the HEARTBEAT_COMPACT build, option set
# "beat" (see docs/robustness.md for its scope): svc-poll, hb_poll on a
# running service; svc-offline, hb_offline_message into a buffer of any
# size; svc-now, hb_beat_now; svc-stop, hb_stop with the offline beat.
# The same four in the default build, option set "beatfast": svc-*-fast.
# time-fast: the time driver in the default build (the formatter with its
# day cache, the contract the svc-*-fast drivers take it by).
# simd: the default build's SSE2 and AVX2 scans (proof/eva_simd.c).
# room, room-fast: the in-place writers at the buffer's edge
# (proof/eva_room.c), in the compact and the default build.
# svc-sign-init, svc-sign-start, svc-sign-status: hb_init (with
# hb_buf_size), hb_start and the entry points of entry 7 with signed
# beats configured (PV_SIGN, option sets "sign" and "signstart").
# misc-*: proof/eva_misc.c (the backoff, the monitor's id helpers, its
# entry points on bad arguments, the batch, signed beats up to their
# verification; and, option set "whole", concrete histories: UTF-8 of
# each kind through the escaper, signed beats in the monitor past their
# verification, the services' signed beats, callbacks that call back in,
# the core's fast head). mon-whole: whole beats, concrete (proof/
# eva_monitor.c case 5). *-core: the
# HEARTBEAT_NO_OPTIONS build (the core of a device build: hb_init,
# hb_start and the beat), and hb_init's refusal of signed beats there and
# with HEARTBEAT_NO_SIGN.
EVA_DRIVERS="svc-sign-init:service:sign:-DPV_ENTRY=1,-DPV_SIGN \
 svc-poll:service:beat:-DPV_ENTRY=3,-DHEARTBEAT_COMPACT \
 svc-poll-fast:service:beatfast:-DPV_ENTRY=3 \
 mon-any:monitor:monany:-DPV_CASE=4 \
 svc-now-fast:service:beatfast:-DPV_ENTRY=4 \
 svc-offline-fast:service:beatfast:-DPV_ENTRY=6 \
 svc-stop-fast:service:beatfast:-DPV_ENTRY=5 \
 svc-sign-status:service:sign:-DPV_ENTRY=7,-DPV_SIGN \
 svc-sign-start:service:signstart:-DPV_ENTRY=2,-DPV_SIGN \
 json:json:writer:- \
 svc-offline:service:beat:-DPV_ENTRY=6,-DHEARTBEAT_COMPACT \
 simd:simd:simd:-D__SSE2__ json-compact:json:writer:-DHEARTBEAT_COMPACT \
 svc-now:service:beat:-DPV_ENTRY=4,-DHEARTBEAT_COMPACT \
 misc-unescape:misc:misc:-DPV_CASE=1 \
 svc-stop:service:beat:-DPV_ENTRY=5,-DHEARTBEAT_COMPACT \
 svc-init:service:service:-DPV_ENTRY=1 \
 svc-sign-init-nosign:service:sign:-DPV_ENTRY=1,-DPV_SIGN,-DHEARTBEAT_NO_SIGN \
 time-fast:time:writer:- room:room:room:-DHEARTBEAT_COMPACT \
 time:time:writer:-DHEARTBEAT_COMPACT \
 mon-parse:monitor:monitor:-DHEARTBEAT_COMPACT \
 misc-monsigned:misc:misc:-DPV_CASE=3 \
 mon-time:monitor:monitor:-DPV_CASE=2 \
 mon-table:monitor:montable:-DPV_CASE=3 room-fast:room:roomfast:- \
 misc-monargs:misc:misc:-DPV_CASE=2 \
 svc-poll-core:service:beat:-DPV_ENTRY=3,-DHEARTBEAT_COMPACT,-DHEARTBEAT_NO_OPTIONS \
 svc-start:service:service:-DPV_ENTRY=2 \
 svc-init-core:service:service:-DPV_ENTRY=1,-DHEARTBEAT_NO_OPTIONS \
 mon-keys:monitor:monitor:-DPV_CASE=1 \
 svc-status:service:service:-DPV_ENTRY=7 \
 svc-start-core:service:service:-DPV_ENTRY=2,-DHEARTBEAT_NO_OPTIONS \
 svc-sign-init-core:service:sign:-DPV_ENTRY=1,-DPV_SIGN,-DHEARTBEAT_NO_OPTIONS \
 misc-backoff:misc:misc:-DPV_CASE=0 \
 misc-services-compact:misc:whole:-DPV_CASE=6,-DHEARTBEAT_COMPACT \
 misc-services:misc:whole:-DPV_CASE=6 \
 misc-signed:misc:whole:-DPV_CASE=5 \
 misc-utf8:misc:whole:-DPV_CASE=4 \
 mon-whole:monitor:whole:-DPV_CASE=5 \
 misc-utf8-compact:misc:whole:-DPV_CASE=4,-DHEARTBEAT_COMPACT \
 misc-core:misc:whole:-DPV_CASE=6,-DHEARTBEAT_NO_OPTIONS"
# the joint statement coverage (proof/cover.ml, proof/cover.py): on a run
# of every driver only
PV_COVER=0
[ -z "${PV_EVA:-}" ] && PV_COVER=1
export PV_COVER PV_CPP="$cpp" PV_DIR="$here" PV_LOGS="$out" EVA_writer EVA_service EVA_beat EVA_beatfast EVA_sign EVA_signstart EVA_simd EVA_room EVA_roomfast EVA_monitor EVA_montable EVA_monany EVA_misc EVA_whole EVA_COMMON
tags=""
for d in ${PV_EVA:-$EVA_DRIVERS}; do
    [ "$d" = none ] || echo "$d" | tr : ' '
done | xargs -r -n 4 -P "${PV_JOBS:-2}" "$here/eva_one.sh"
for d in ${PV_EVA:-$EVA_DRIVERS}; do
    [ "$d" = none ] || tags="$tags ${d%%:*}"
done
for tag in $tags; do
    log=$out/eva-$tag.log
    eva_logs="$eva_logs $log"
    rc=$(sed -n 's/^rc=\([0-9]*\) seconds=.*/\1/p' "$log" | tail -1)
    secs=$(sed -n 's/^rc=[0-9]* seconds=\([0-9]*\)/\1/p' "$log" | tail -1)
    n=$(sed -n 's/^ *\([0-9][0-9]*\) alarms\{0,1\} generated by the analysis.*/\1/p' "$log" | tail -1)
    case $n in '') if grep -q "No alarms\|0 alarms generated" "$log"; then n=0; else n=-1; fi ;; esac
    cov=$(sed -n 's/.*statements reached (out of \([0-9]*\)): \([0-9]*\)% coverage.*/\2%/p' "$log" | tail -1)
    fns=$(sed -n 's/^ *\([0-9]* functions analyzed (out of [0-9]*)\).*/\1/p' "$log" | tail -1)
    asserts=$(grep -E "^ +(Assertions|Preconditions) " "$log" | tr -s ' ' | tr '\n' ';')
    say "eva $tag: $n alarms, $fns, statements covered $cov; $asserts ${secs:-?} s"
    unk=$(grep -E "^ +(Assertions|Preconditions) " "$log" | awk '{ u += $4; i += $6 } END { print u + i + 0 }')
    if [ "${rc:-1}" -ne 0 ] || [ "$n" != 0 ] || [ "$unk" != 0 ]; then
        eva_bad=$((eva_bad + 1)); fail=1
        [ "$quiet" = 1 ] || { sed -n '/ANALYSIS SUMMARY/,/^ *-*$/p' "$log"; grep -A3 "eva:alarm\|User Error" "$log" | head -40; }
    else
        eva_ok=$((eva_ok + 1))
    fi
    [ "$n" -gt 0 ] 2>/dev/null && eva_alarms=$((eva_alarms + n))
done
for log in $eva_logs; do
    [ "$quiet" = 1 ] || { echo "eva summary, $(basename "$log" .log):"
        sed -n '/ANALYSIS SUMMARY/,$p' "$log" |
            grep -E "^ +[0-9].*(coverage|alarms? generated)|statements reached|^ +(Assertions|Preconditions) |proven" | sed 's/^ */  /'; }
done
say "RESULT: $eva_ok passed, $eva_bad failed (Eva drivers with 0 alarms; $eva_alarms alarms in all)"
# every statement of heartbeat.h that no driver reaches, and every function
# that none calls, is listed in proof/unreached.txt with the reason why
if [ "$PV_COVER" = 1 ]; then
    python3 "$here/cover.py" "$out" "$header" "$here/unreached.txt" > "$out/cover.log" 2>&1 || fail=1
    if [ "$quiet" = 1 ]; then grep "^RESULT" "$out/cover.log"; else cat "$out/cover.log"; fi
fi

# ---- 2. WP: its output and verdict, started above ----------------------
if [ -n "$wp_pid" ]; then
    wait "$wp_pid" || fail=1
    cat "$out/wp-step.txt"
fi
say "eva + wp: $(( $(date +%s) - start )) s"

# ---- 3. mutants ----------------------------------------------------------
if [ $mutate = 1 ]; then
    BUILD="$build" "$here/mutate.sh" || fail=1
fi
exit $fail
