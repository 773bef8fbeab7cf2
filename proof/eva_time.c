/* proof/eva_time.c - Eva driver: hb_format_time and hb_json_time.
   Every hb_time (any sec, any nsec including >= 10^9, any offset), every
   buffer size 0..PV_N, a NULL buffer or time; hb_json_time into a writer
   of every size, measuring (NULL buffer) or writing. Eva checks the answer
   of hb_format_time is at most HB_TIME_MAX and inside the buffer. In the
   default build also the formatter with its day cache (below). */
#include "__fc_builtin.h"
#include "pv_builtins.h"
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#ifndef PV_N
#define PV_N (HB_TIME_MAX + 4)
#endif
static char out[PV_N];
size_t pv_size;     /* Eva keeps one state per buffer size ... */
int pv_mode;        /* ... and per mode (writing / measuring) */

static void pv_time(hb_time *t)
{
    t->sec = Frama_C_long_long_interval(INT64_MIN, INT64_MAX);
    t->nsec = Frama_C_unsigned_int_interval(0, UINT32_MAX);
    t->utc_offset_min = Frama_C_short_interval(INT16_MIN, INT16_MAX);
}

#ifndef HEARTBEAT_COMPACT
/* (called first, from one state: in main's later states the range check's
   reduction of t would be joined away) */
static void pv_fast(void)
{
    /* the default build's formatter with its day cache, as the beat calls
       it (hbi_head_fast): any time that passes hbi_time_check, a cache
       that is empty or holds any date the formatter could have written
       (it is the only writer of it), and the output the last HB_TIME_MAX
       bytes of an array, so a byte written past them is an alarm; its
       contract for the svc-*-fast drivers (proof/pv_time_spec.h): it
       answers 20..HB_TIME_MAX */
    hb_time t;
    struct hbi_day dc;
    int k;
    pv_time(&t);
    if (hbi_time_check(&t) != HB_OK) return;
    dc.day = Frama_C_unsigned_int_interval(0, UINT32_MAX);
    dc.ymd[0] = (unsigned char)Frama_C_interval(0, 99);
    dc.ymd[1] = (unsigned char)Frama_C_interval(0, 99);
    dc.ymd[2] = (unsigned char)Frama_C_interval(1, 12);
    dc.ymd[3] = (unsigned char)Frama_C_interval(1, 31);
    k = hbi_time_fmt_dc(out + (PV_N - HB_TIME_MAX), &t, &dc);
    /*@ assert fast_len: 20 <= k <= HB_TIME_MAX; */
    /*@ assert fast_cache: dc.ymd[0] <= 99 && dc.ymd[1] <= 99 && 1 <= dc.ymd[2] <= 12 && 1 <= dc.ymd[3] <= 31; */
}
#endif

int main(void)
{
    hb_json w;
    hb_time t;
    size_t len;
    int r;
#ifndef HEARTBEAT_COMPACT
    pv_fast();
#endif
    pv_size = Frama_C_size_t_interval(0, PV_N);
    pv_mode = Frama_C_interval(0, 1);
    pv_time(&t);
    r = hb_format_time(Frama_C_nondet(0, 1) ? out : NULL, pv_size,
                       Frama_C_nondet(0, 1) ? &t : NULL);
    /*@ assert r <= HB_TIME_MAX && (r >= 0 ==> r < pv_size); */
    pv_time(&t);
    hb_json_init(&w, pv_mode ? out : NULL, pv_size);
    hb_json_time(&w, Frama_C_nondet(0, 1) ? &t : NULL);
    hb_json_finish(&w, Frama_C_nondet(0, 1) ? &len : NULL);
    return r > 0;
}
