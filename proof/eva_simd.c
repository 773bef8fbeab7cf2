/* proof/eva_simd.c - Eva driver: the default build's SIMD scans, which
   the other drivers do not compile (they run with -U__SSE2__): the SSE2
   copy-scans hbi_copy_scan and hbi_copy_scan16, the scan hbi_skip, the
   AVX2 copy-scan hbi_copy_scan_avx2, and hbi_clean_copy, which picks
   among them (the CPU check answering either way), and the monitor's id
   reader hbi_mon_fid (16 bytes a step with SSE2). The intrinsics are
   proof/simd's model in plain C (their loads and stores are memcpy of
   16 or 32 bytes, so Eva checks every byte they touch).

   Every length n from 0 to PV_N, one state each, and any bytes: the
   string is the last n bytes of an array of PV_N, the output the last n
   bytes of another, so a read or a write past the n bytes leaves its
   array (an alarm), as does one before them. Each answer (the index of
   the first byte that may need care, or n) is checked to be at most n;
   hbi_skip also from any start i <= n. */
#include "__fc_builtin.h"
#include "pv_builtins.h"
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

/* (without -D__SSE2__ on x86-64 and proof/simd on the include path the
   scans below do not exist: no analysis of anything else) */

#ifndef PV_N
#define PV_N 144     /* the loops' every exit: 64-byte steps twice, then 32, 16 and the tail */
#endif
static unsigned char src[PV_N];
static char dst[PV_N];
size_t pv_n;

int main(void)
{
    size_t n, r, i;
    const unsigned char *s;
    char *o;
    Frama_C_make_unknown((char *)src, PV_N);
    pv_n = Frama_C_size_t_interval(0, PV_N);
    n = pv_n;               /* -eva-partition-value pv_n: one state per n */
    s = src + (PV_N - n);
    o = dst + (PV_N - n);
    /* (the monitor's reader first, then the scans: a mutant's first
       alarm comes sooner, each call analysed for every n before the next) */
    if (n <= 64u) {
        /* the monitor's id reader, SSE2 then 8 bytes at a time: the
           payload's last n bytes from an opening quote on, with and
           without the hash (64 bytes: every exit of both loops, after
           several steps of each) */
        const char *p = (const char *)s, *e = p + n, *id = NULL;
        size_t len = 0;
        uint64_t h;
        if (hbi_mon_fid(&p, e, &id, &len, Frama_C_nondet(0, 1) ? &h : NULL)) {
            /*@ assert fid_bound: p <= e && len <= n; */
            /*@ assert fid_id: id - (const char *)s == 1; */
        }
    }
    r = hbi_clean_copy(o, (const char *)s, n);
    /*@ assert clean_copy_bound: r <= n; */
    i = Frama_C_size_t_interval(0, n);
    r = hbi_skip(s, i, n);
    /*@ assert skip_bound: r <= n; */
    if (n >= 16u) {
        r = hbi_copy_scan(o, s, n);
        /*@ assert copy_scan_bound: r <= n; */
        r = hbi_copy_scan16(o, s, n);
        /*@ assert copy_scan16_bound: r <= n; */
    }
    if (n >= 32u) {
        r = hbi_copy_scan_avx2(o, s, n);
        /*@ assert copy_scan_avx2_bound: r <= n; */
    }
    return 0;
}
