#!/bin/sh
# tests/embedded/noheap.sh OUTDIR [host|arm] - check-noheap (host: 1. on
# the host, 2. and 3.) and check-noheap-arm (arm: 1. and 2. for Cortex-M4): heartbeat.h allocates
# nothing and prints nothing, proven three ways.
#   1. Link trap: core.o (the implementation) and ref_all.c (a caller of
#      every public function) link with --wrap for every allocator, the
#      printf/puts family, raw output and clock reads, and no __wrap_*
#      symbol defined: any reference would be an undefined __wrap_X. Done
#      for Cortex-M4 with newlib (when arm-none-eabi-gcc is there) and for
#      the host with CC. A negative control (noheap_bad.c: malloc and
#      snprintf) linked the same way must fail, naming __wrap_malloc.
#   2. core.o's undefined symbols: only memcpy, memset, strlen (and compiler
#      helpers, __*) on each build. On x86-64 the AVX2 dispatch reads
#      libgcc's __cpu_model (data, not a call) through the GOT, so a PIE
#      host object also names _GLOBAL_OFFSET_TABLE_, which the linker makes
#      itself; both are allowed and the helpers seen are printed.
#   3. Run time, on the host: alloc_count.c counts every allocator call of
#      the process over about a million beats: it must stay 0.
# Prints RESULT lines.
set -u
out=${1:-build/embedded/noheap}
where=${2:-host}
CC=${CC:-cc}
ARM_CC=${ARM_CC:-arm-none-eabi-gcc}
CFLAGS=${CFLAGS:-"-std=c99 -Wall -Wextra -Wpedantic -Werror -g -O1"}
here=$(cd "$(dirname "$0")/../.." && pwd)
emb=$here/tests/embedded
mkdir -p "$out"
pass=0 fail=0
res() {
    if [ "$1" = 1 ]; then pass=$((pass + 1)); echo "ok   $2"
    else fail=$((fail + 1)); echo "FAIL $2"; fi
}

trap_syms="malloc _malloc_r calloc _calloc_r realloc _realloc_r free _free_r
memalign _memalign_r aligned_alloc posix_memalign valloc pvalloc
reallocarray strdup strndup _strdup_r sbrk _sbrk _sbrk_r brk mmap
printf fprintf sprintf snprintf vprintf vfprintf vsprintf vsnprintf
dprintf vdprintf asprintf vasprintf iprintf fiprintf siprintf sniprintf
vsniprintf _printf_r _fprintf_r _sprintf_r _snprintf_r _vfprintf_r
_vsnprintf_r _svfprintf_r _vfiprintf_r puts fputs putchar fputc putc
fwrite perror _write _write_r write
time clock gettimeofday clock_gettime _gettimeofday _gettimeofday_r"
wrap="-Wl"
for s in $trap_syms; do
    wrap="$wrap,--wrap=$s"
done


# trap NAME CC "FLAGS" "LINKFLAGS" "LIBS"
trap_link() {
    name=$1 cc=$2 fl=$3 lfl=$4 libs=$5
    d=$out/$name
    mkdir -p "$d"
    "$cc" $fl -I"$here" -c "$emb/core.c" -o "$d/core.o" &&
    "$cc" $fl -I"$here" -DEMB_HOST_MAIN -c "$emb/ref_all.c" -o "$d/ref_all.o" &&
    "$cc" $fl -c "$emb/noheap_bad.c" -o "$d/noheap_bad.o" || {
        res 0 "$name: build"; return; }
    if "$cc" $fl $lfl $wrap -o "$d/clean.elf" "$d/ref_all.o" "$d/core.o" $libs > "$d/clean.log" 2>&1; then
        res 1 "$name: every public function links with allocators, printf and clocks trapped"
    else
        cat "$d/clean.log"
        res 0 "$name: a trapped function is referenced (see the __wrap_ names above)"
    fi
    if "$cc" $fl $lfl $wrap -o "$d/bad.elf" "$d/ref_all.o" "$d/core.o" "$d/noheap_bad.o" $libs > "$d/bad.log" 2>&1; then
        res 0 "$name: negative control linked: the trap does not work"
    else
        grep -q '__wrap_malloc' "$d/bad.log" && grep -q '__wrap_snprintf' "$d/bad.log"
        res $([ $? -eq 0 ] && echo 1 || echo 0) "$name: negative control (malloc, snprintf) fails to link as it must"
    fi
    if [ "$name" = host ]; then
        nm_core=nm
    else
        nm_core="${cc%gcc}nm"
    fi
    bad="" helpers=""
    for s in $("$nm_core" -u "$d/core.o" | awk '{ print $NF }'); do
        case $s in
        memcpy|memset|strlen|memmove|memcmp) ;;
        __*|_GLOBAL_OFFSET_TABLE_) helpers="$helpers $s" ;;
        *) bad="$bad $s" ;;
        esac
    done
    res $([ -z "$bad" ] && echo 1 || echo 0) "$name: core.o calls nothing but memcpy/memset/strlen${helpers:+ (compiler/linker symbols:$helpers)}${bad:+ (also:$bad)}"
}

if [ "$where" = arm ]; then
    trap_link cortex-m4 "$ARM_CC" "$CFLAGS -mthumb -mcpu=cortex-m4 -ffreestanding" \
        "-nostdlib -nostartfiles -Wl,-e,ref_main" "-lc -lgcc"
    echo "RESULT: $pass passed, $fail failed"
    [ $fail -eq 0 ]
    exit
fi
trap_link host "$CC" "$CFLAGS" "" ""

# Run time: zero allocator calls on the host.
if "$CC" $CFLAGS -I"$here" -o "$out/alloc_count" "$emb/alloc_count.c"; then
    "$out/alloc_count" > "$out/alloc_count.log" 2>&1
    rc=$?
    grep -v '^RESULT' "$out/alloc_count.log"   # counted below, once
    [ $rc -eq 77 ] && echo "(run-time counter skipped: not glibc)"
    [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ "$(grep -c '^RESULT' "$out/alloc_count.log")" = 0 ] &&
        res 0 "alloc_count crashed (exit $rc)"
    if grep -q '^RESULT' "$out/alloc_count.log"; then
        set -- $(awk '/^RESULT/ { print $2, $4 }' "$out/alloc_count.log")
        pass=$((pass + $1)) fail=$((fail + $2))
    fi
else
    res 0 "alloc_count.c does not build"
fi
echo "RESULT: $pass passed, $fail failed"
[ $fail -eq 0 ]
