#!/bin/sh
# tools/size.sh [OUTDIR] - the footprint table of `make size`.
#
# For each target (Cortex-M0, M4, M33 with arm-none-eabi-gcc; rv32imac with
# riscv64-unknown-elf-gcc) it builds tests/embedded/core.c (the
# implementation alone) with -Os -ffunction-sections -fdata-sections, links
# it with --gc-sections into two reference programs and counts, from the
# link map, only the bytes that come from core.o:
#   core     tests/embedded/ref_min.c: hb_init, hb_start, hb_poll, hb_stop
#            (every HB_OPT_* option is a run-time flag, so their code paths
#            are all in hb_poll and counted here)
#   all API  tests/embedded/ref_all.c: every public function, every option
#   monitor  tests/embedded/ref_mon.c: the fleet monitor's own size (hb_mon_*),
#            which the two above never link
#   signed   tests/embedded/ref_sign.c: the core program with signed beats
#            (cfg.signing, sg.ops = hb_signed_beats), its text and how much
#            it adds to "+options", and its hb_poll stack, for which
#            tools/stack-depth.py --ops hb_sign_ops follows the calls through
#            the hb_signed_beats table (the other stack figure ignores them:
#            a build that never names hb_signed_beats links none of them)
# "text" includes read-only data (the error strings, tables), as size(1)
# counts it; "ro" is that read-only part alone. The struct sizes come from
# tests/embedded/sizeof.c (hb_service "copy", the default) and
# tests/embedded/sizeof_ref.c (hb_service "by ref", built with
# HEARTBEAT_CONFIG_BY_REF); the stack of hb_poll from -fstack-usage and
# -fcallgraph-info=su through tools/stack-depth.py, callbacks (calls through
# a function pointer) and libc/libgcc helpers counted as 0.
#
# A missing cross compiler leaves its rows out (named on stderr); exit 77
# when no row could be built. SIZE_DEFS adds -D options to every build.
# The project's targets (docs/performance.md): core <= 2560 B text and
# every option <= 4096 B on M4; hb_service <= 128 B (with
# HEARTBEAT_CONFIG_BY_REF); hb_poll stack <= 256 B. The figures
# over a target are listed after the table (OUTDIR/targets.txt), not in it:
# the table is the manual's FOOTPRINT section.
set -u
out=${1:-build/size}
ARM_CC=${ARM_CC:-arm-none-eabi-gcc}
RV_CC=${RV_CC:-riscv64-unknown-elf-gcc}
PYTHON=${PYTHON:-python3}
SIZE_DEFS=${SIZE_DEFS:-}
here=$(cd "$(dirname "$0")/.." && pwd)
emb=$here/tests/embedded
mkdir -p "$out"
CFLAGS_SIZE="-std=c99 -Os -ffreestanding -ffunction-sections -fdata-sections -Wall -Wextra -Werror $SIZE_DEFS"

# map_bytes MAP OBJ -> "text ro data bss" of the input sections from OBJ
# that the link kept (after "Linker script and memory map").
map_bytes() {
    awk -v obj="$2" '
        function hex(h,   i, c, n) {
            n = 0; h = tolower(h); sub(/^0x/, "", h)
            for (i = 1; i <= length(h); i++)
                n = n * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
            return n
        }
        function add(sec, hx, file,   n) {
            if (file != obj) return
            n = hex(hx)
            if (sec ~ /^\.(text|init|fini)/) text += n
            else if (sec ~ /^\.(s?rodata)/) { text += n; ro += n }
            else if (sec ~ /^\.(s?data)/) data += n
            else if (sec ~ /^\.(s?bss)/ || sec == "COMMON") bss += n
        }
        /^Linker script and memory map/ { on = 1; next }
        !on { next }
        /^ [^ ]+$/ { pending = $1; next }
        pending != "" && /^ +0x[0-9a-fA-F]+ +0x[0-9a-fA-F]+ +[^ ]+$/ {
            sub(/^0x/, "", $2); add(pending, $2, $3); pending = ""; next }
        /^ [^ ]+ +0x[0-9a-fA-F]+ +0x[0-9a-fA-F]+ +[^ ]+$/ {
            sub(/^0x/, "", $3); add($1, $3, $4) }
        { pending = "" }
        END { printf "%d %d %d %d\n", text, ro, data, bss }' "$1"
}

# symsize NM OBJ SYMBOL -> decimal size
symsize() {
    "$1" -S "$2" | awk -v s="$3" '
        function hex(h,   i, c, n) {
            n = 0; h = tolower(h); sub(/^0x/, "", h)
            for (i = 1; i <= length(h); i++)
                n = n * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
            return n
        }
        $4 == s { print hex($2) }'
}

# pieces MAP OBJ -> "bytes section" of each kept input section from OBJ,
# largest first (the functions and tables worth shrinking).
pieces() {
    awk -v obj="$2" '
        function hex(h,   i, n) {
            n = 0; h = tolower(h); sub(/^0x/, "", h)
            for (i = 1; i <= length(h); i++)
                n = n * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
            return n
        }
        /^Linker script and memory map/ { on = 1; next }
        !on { next }
        /^ [^ ]+$/ { pending = $1; next }
        pending != "" && /^ +0x[0-9a-fA-F]+ +0x[0-9a-fA-F]+ +[^ ]+$/ {
            if ($3 == obj) print hex($2), pending; pending = ""; next }
        /^ [^ ]+ +0x[0-9a-fA-F]+ +0x[0-9a-fA-F]+ +[^ ]+$/ {
            if ($4 == obj) print hex($3), $1 }
        { pending = "" }' "$1" | sort -rn
}

rows=0
table=$out/table.txt
targets=$out/targets.txt
: > "$targets"
: > "$table"
mon_table=$out/mon_table.txt
: > "$mon_table"
sign_table=$out/sign_table.txt
: > "$sign_table"
# measure NAME LABEL CC "CPU FLAGS" "LIBS" HOOKS(0/1)
measure() {
    name=$1 label=$2 cc=$3 cpu=$4 libs=$5 hooks=$6
    if ! command -v "$cc" >/dev/null 2>&1; then
        echo "size: $cc not found, no $label row" >&2
        return 0
    fi
    d=$out/$name
    mkdir -p "$d"
    nm=$("$cc" -print-prog-name=nm)
    defs="" extra=""
    if [ "$hooks" = 1 ]; then
        defs="-DEMB_HOOKS -nostdinc -isystem $("$cc" -print-file-name=include)"
        "$cc" $cpu $CFLAGS_SIZE -DEMB_LIBC -fno-tree-loop-distribute-patterns \
            -c "$emb/hooks.c" -o "$d/hooks.o" || return 1
        extra=$d/hooks.o
    fi
    "$cc" $cpu $CFLAGS_SIZE $defs -I"$here" -fstack-usage -fcallgraph-info=su \
        -c "$emb/core.c" -o "$d/core.o" || return 1
    # the core alone: the options compiled out (HEARTBEAT_NO_OPTIONS)
    "$cc" $cpu $CFLAGS_SIZE $defs -DHEARTBEAT_NO_OPTIONS -I"$here" \
        -c "$emb/core.c" -o "$d/core_min.o" || return 1
    "$cc" $cpu $CFLAGS_SIZE $defs -I"$here" -c "$emb/ref_min.c" -o "$d/ref_min.o" || return 1
    "$cc" $cpu -nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,ref_main \
        -Wl,--no-warn-rwx-segments -Wl,-Map,"$d/ref_core.map" -o "$d/ref_core.elf" \
        "$d/ref_min.o" "$d/core_min.o" $extra $libs -lgcc || return 1
    "$cc" $cpu $CFLAGS_SIZE $defs -I"$here" -c "$emb/sizeof.c" -o "$d/sizeof.o" || return 1
    "$cc" $cpu $CFLAGS_SIZE $defs -I"$here" -c "$emb/sizeof_ref.c" -o "$d/sizeof_ref.o" || return 1
    for r in min all mon sign; do
        "$cc" $cpu $CFLAGS_SIZE $defs -I"$here" -c "$emb/ref_$r.c" -o "$d/ref_$r.o" || return 1
        "$cc" $cpu -nostdlib -nostartfiles -Wl,--gc-sections -Wl,-e,ref_main \
            -Wl,--no-warn-rwx-segments \
            -Wl,-Map,"$d/ref_$r.map" -o "$d/ref_$r.elf" \
            "$d/ref_$r.o" "$d/core.o" $extra $libs -lgcc || return 1
    done
    set -- $(map_bytes "$d/ref_core.map" "$d/core_min.o")
    t=$1 ro=$2 da=$3 bs=$4
    set -- $(map_bytes "$d/ref_min.map" "$d/core.o")
    ot=$1
    set -- $(map_bytes "$d/ref_all.map" "$d/core.o")
    at=$1 aro=$2 ada=$3 abs=$4
    set -- $(map_bytes "$d/ref_mon.map" "$d/core.o")
    printf '%-10s %5s %5s %4s %4s\n' "$label" "$1" "$2" "$3" "$4" >> "$mon_table"
    set -- $(map_bytes "$d/ref_sign.map" "$d/core.o")
    sgt=$1
    svc=$(symsize "$nm" "$d/sizeof.o" emb_sizeof_service)
    ref=$(symsize "$nm" "$d/sizeof_ref.o" emb_sizeof_service_ref)
    cfg=$(symsize "$nm" "$d/sizeof.o" emb_sizeof_config)
    "$PYTHON" "$here/tools/stack-depth.py" hb_poll "$d/core.ci" > "$d/stack.txt"
    src=$?
    stk=$(awk 'NR == 1 { print $2 }' "$d/stack.txt")
    [ $src -eq 0 ] || stk="$stk?"
    "$PYTHON" "$here/tools/stack-depth.py" --ops hb_sign_ops hb_poll "$d/core.ci" > "$d/sign_stack.txt"
    src=$?
    sstk=$(awk 'NR == 1 { print $2 }' "$d/sign_stack.txt")
    [ $src -eq 0 ] || sstk="$sstk?"
    printf '%-10s %5s %5s %6s\n' "$label" "$sgt" "$((sgt - ot))" "$sstk" >> "$sign_table"
    # the project's own targets (docs/performance.md), not in the table:
    # on Cortex-M4 the core <= 2560 B and every option <= 4096 B; on every
    # 32-bit target hb_service <= 128 B (HEARTBEAT_CONFIG_BY_REF, the mode
    # made for it) and the hb_poll stack <= 256 B
    [ "$t" -gt 2560 ] && [ "$name" = m4 ] &&
        echo "$label: core text $t > 2560" >> "$targets"
    [ "$ot" -gt 4096 ] && [ "$name" = m4 ] &&
        echo "$label: text with every option $ot > 4096" >> "$targets"
    [ "$ref" -gt 128 ] && echo "$label: sizeof(hb_service) by ref $ref > 128" >> "$targets"
    [ "${stk%\?}" -gt 256 ] 2>/dev/null && echo "$label: hb_poll stack $stk > 256" >> "$targets"
    [ "${sstk%\?}" -gt 256 ] 2>/dev/null &&
        echo "$label: hb_poll stack with signed beats $sstk > 256" >> "$targets"
    printf '%-10s %5s  %5s %4s %4s %6s %6s %6s %6s %9s %6s\n' \
        "$label" "$t" "$ro" "$da" "$bs" "$ot" "$at" \
        "$svc" "$ref" "$cfg" "$stk" >> "$table"
    [ "$ada" = "$da" ] && [ "$abs" = "$bs" ] ||
        echo "  ($label all API: data $ada, bss $abs)" >> "$table"
    rows=$((rows + 1))
    return 0
}

fail=0
measure m0   "Cortex-M0"  "$ARM_CC" "-mthumb -mcpu=cortex-m0"  "-lc" 0 || fail=1
measure m4   "Cortex-M4"  "$ARM_CC" "-mthumb -mcpu=cortex-m4"  "-lc" 0 || fail=1
measure m33  "Cortex-M33" "$ARM_CC" "-mthumb -mcpu=cortex-m33" "-lc" 0 || fail=1
measure rv32 "rv32imac"   "$RV_CC"  "-march=rv32imac -mabi=ilp32" "" 1 || fail=1
if [ $fail -ne 0 ]; then
    echo "size: a build failed (see above)" >&2
    exit 1
fi
if [ $rows -eq 0 ]; then
    echo "size: no cross compiler: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi gcc-riscv64-unknown-elf" >&2
    exit 77
fi

ver() { command -v "$1" >/dev/null 2>&1 && "$1" -dumpversion || echo "-"; }
{
    echo "make size: arm-none-eabi-gcc $(ver "$ARM_CC"), riscv64-unknown-elf-gcc $(ver "$RV_CC"),"
    echo "-Os -ffunction-sections -fdata-sections, linked with --gc-sections;"
    echo "bytes that come from heartbeat.h only."
    echo
    echo "           core alone                +options all API  sizeof: hb_service   hb_poll"
    echo "target      text    ro data  bss     text   text  copy by ref hb_config  stack"
    cat "$table"
    echo
    echo "           monitor (hb_mon_*, tests/embedded/ref_mon.c)"
    echo "target      text    ro data  bss"
    cat "$mon_table"
    echo
    echo "           signed beats (tests/embedded/ref_sign.c)"
    echo "target      text added  stack"
    cat "$sign_table"
    echo
    echo "text includes ro (read-only data: strings, tables). core alone: a"
    echo "program calling hb_init, hb_start, hb_poll, hb_stop, built with"
    echo "HEARTBEAT_NO_OPTIONS; +options: the same with every option compiled"
    echo "in (the fleet options); all API: every public function of the"
    echo "device side called. monitor: hb_mon_init, _beat, _poll, _link and"
    echo "_get, which no device build links (--gc-sections drops them)."
    echo "sizeof hb_service: copy = the default (hb_init copies the config),"
    echo "by ref = built with HEARTBEAT_CONFIG_BY_REF (a pointer to it)."
    echo "signed beats: the core program with cfg.signing set (sg.ops ="
    echo "hb_signed_beats), its text, what that adds to +options, and its"
    echo "hb_poll stack, through the hb_signed_beats table's functions."
    echo "hb_poll stack (options in): the deepest call chain, without your"
    echo "callbacks and libc/libgcc helpers (memcpy, __aeabi_*); ? marks an"
    echo "unbounded stack."
} > "$out/footprint.txt"
cat "$out/footprint.txt"
echo
echo "Over the project's targets (docs/performance.md):"
if [ -s "$targets" ]; then sed 's/^/  /' "$targets"; else echo "  none"; fi
echo
for n in m0 m4 m33 rv32; do
    [ -f "$out/$n/stack.txt" ] && sed "s/^/$n: /" "$out/$n/stack.txt"
    [ -f "$out/$n/sign_stack.txt" ] && sed "s/^/$n signed: /" "$out/$n/sign_stack.txt"
done
if [ -f "$out/m4/ref_min.map" ]; then
    echo
    echo "Cortex-M4 core, largest pieces (bytes, section):"
    pieces "$out/m4/ref_core.map" "$out/m4/core_min.o" | head -16 | awk '{ printf "  %5d %s\n", $1, $2 }'
    # The same bytes by what they do: every .text/.rodata piece of the core
    # in exactly one part (a piece no pattern names is "other"), so the
    # parts add up to the core's text. docs/performance.md quotes them.
    echo
    echo "Cortex-M4 core by part (bytes; code + strings and tables):"
    pieces "$out/m4/ref_core.map" "$out/m4/core_min.o" | awk '
        $2 !~ /^\.(text|rodata)/ { next }
        {
            n = $2; sub(/^\.(text|rodata)\./, "", n); sub(/\..*$/, "", n)
            if (n ~ /^(hb_init|hbi_check|hbi_check_status)$/) p = "config check (hb_init, per-field reasons)"
            else if (n ~ /^hbi_(time_fmt|time_check|hms|dec|put_time)$/) p = "RFC 3339 time (Go format, 64-bit seconds)"
            else if (n ~ /^(hbi_string|hbi_escape|hbi_utf8|hbi_utf8_valid|hbi_plain_map|hex|two|min|hbi_strnlen)$/) p = "JSON string escaping (Go-exact, UTF-8 checked)"
            else if (n ~ /^(hbi_put|hb_json_init|hb_json_finish|hb_json_key|hbi_build)$/) p = "the beat message (keys, writer)"
            else if (n ~ /^(hbi_attempt|hbi_log)$/) p = "attempt, counters, log messages"
            else if (n ~ /^(hb_start|hb_poll|hb_stop|hbi_advance|hbi_wait|hbi_inited)$/) p = "schedule (start, poll, stop)"
            else p = "other"
            sum[p] += $1; all += $1
            if (!(p in seen)) { seen[p] = 1; order[++k] = p }
        }
        END {
            for (i = 1; i <= k; i++) printf "  %5d %s\n", sum[order[i]], order[i]
            printf "  %5d total\n", all
        }' | sort -rn -k1,1 | awk '/ total$/ { t = $0; next } { print } END { print t }'
    # What compiling the options in adds, piece by piece (gcc's clone
    # suffixes such as .constprop.0 and the numbers of local tables taken
    # off, so that a piece has one name in both builds).
    echo
    echo "Cortex-M4 +options minus core, by piece (bytes, section):"
    { pieces "$out/m4/ref_core.map" "$out/m4/core_min.o" | sed 's/^/core /'
      pieces "$out/m4/ref_min.map" "$out/m4/core.o" | sed 's/^/opts /'; } | awk '
        $3 !~ /^\.(text|rodata)/ { next }
        { n = $3; sub(/\.str1\.1$/, " strings", n)
          gsub(/\.(constprop|isra|part)\.[0-9]+/, "", n); sub(/\.[0-9]+$/, "", n)
          d[n] += ($1 == "opts" ? $2 : -$2) }
        END { for (n in d) if (d[n] != 0) { printf "  %5d %s\n", d[n], n; t += d[n] }
              printf "  %5d total\n", t }' |
        sort -rn -k1,1 | awk '/ total$/ { t = $0; next } { print } END { print t }'
fi
exit 0
