/* proof/eva_room.c - Eva driver: the beat's in-place writers at the edge
   of the buffer. The service drivers give the library a 400-byte array
   whatever buf_size says, so a write past buf_size inside the array is
   no alarm there. Here the writer's buffer is the last `size` bytes of
   an array: a write one byte past the buffer is one past the array, an
   alarm. The writers that check their room themselves instead of
   through hbi_put, each at the sizes around its room check (one state
   per size):
   - hbi_put_uint (a counter's key and digits in place): any 64-bit
     value, one state per digit count d (1..20), after a 7-byte key, in a
     buffer of 7 + d - 1 .. 7 + d + 2 bytes: too small by one, exactly
     the digits and no NUL, room for the NUL, one byte more;
   - hbi_put_time (the timestamp in place, quoted): any time that passes
     hbi_time_check (the beat checks it first), in a buffer of 36..39
     bytes (its check asks for HB_TIME_MAX + 3 = 38, the widest time,
     its quotes and the NUL);
   - in the default build (room-fast), hbi_head_fast (the beat's first
     four members, one room check on the whole), below.
   After each, Eva proves that the NUL still has its byte: the writer's
   length stays below its size unless it failed. Sizes away from the
   edge take the same paths as those next to it (a refusal, or room to
   spare), which the service drivers analyse in the 400-byte array. */
#include "__fc_builtin.h"
#include "pv_builtins.h"
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
#include "pv_time_spec.h"

#ifdef HEARTBEAT_COMPACT
#  define PV_R 40
#else
#  define PV_R 200
static const char pv_tok[] = "eyJhbGciOiJIUzI1NiJ9.e30.sig";
#endif
static char arr[PV_R];
size_t pv_size;     /* one state per size ... */
int pv_what;        /* ... per writer ... */
int pv_digits;      /* ... and per digit count of the counter */

/* any time that passes hbi_time_check (the beat checks it first) */
static int pv_checked_time(hb_time *t)
{
    t->sec = Frama_C_long_long_interval(INT64_MIN, INT64_MAX);
    t->nsec = Frama_C_unsigned_int_interval(0, UINT32_MAX);
    t->utc_offset_min = Frama_C_short_interval(INT16_MIN, INT16_MAX);
    return hbi_time_check(t) == HB_OK;
}

int main(void)
{
    hb_json w;
    hb_time t;
    size_t size;
#ifdef HEARTBEAT_COMPACT
    pv_what = Frama_C_interval(0, 1);
#else
    pv_what = Frama_C_interval(0, 2);
#endif
    if (pv_what == 0) {
        /* any value with pv_digits digits */
        uint64_t lo = 0, hi = 9;
        int k;
        pv_digits = Frama_C_interval(1, 20);
        for (k = 1; k < pv_digits; k++) {
            lo = hi + 1u;
            hi = k == 19 ? UINT64_MAX : hi * 10u + 9u;
        }
        pv_size = 7u + (size_t)pv_digits - 1u + Frama_C_size_t_interval(0, 3);
        size = pv_size;
        hb_json_init(&w, arr + (PV_R - size), size);
        hbi_put_uint(&w, ",\"seq\":", 7, Frama_C_unsigned_long_long_interval(lo, hi));
#ifndef HEARTBEAT_COMPACT
    } else if (pv_what == 2) {
        /* the default build's head (the first four members, one room
           check on the whole): the widest status, 32 bytes, clean or with
           an escape, a token of 0 or 28 bytes, any time (the formatter
           by its contract, any length 20..35), in a buffer of the check's
           estimate - 1 .. + 2 bytes */
        struct hbi_day dc;
        /* hbi_head_fast's own estimate (its four keys' 14 + 15 + 12 + 15
           bytes, whose macros end with it): should the two drift apart,
           the mutant head-room-short would survive and fail the step */
        size_t r, toklen, fixed = 14u + 15u + 12u + 15u + HB_TIME_MAX + 32u + 3u;
        const char *st = Frama_C_nondet(0, 1) ? "ok-0123456789-0123456789-0123456"
                                              : "ok-0123456789-0123456789-012345\n";
        toklen = Frama_C_nondet(0, 1) ? 0u : sizeof pv_tok - 1u;
        if (!pv_checked_time(&t)) return 0;
        dc.day = 0;
        dc.ymd[0] = dc.ymd[1] = dc.ymd[2] = dc.ymd[3] = 0;
        pv_size = fixed + 5u + toklen - 1u + Frama_C_size_t_interval(0, 3);
        size = pv_size;
        r = hbi_head_fast(arr + (PV_R - size), size, "dev-1", &t, &dc, st,
                          pv_tok, toklen);
        /*@ assert head_room: r + 2 <= size || r == 0; */
        return 0;
#endif
    } else {
        if (!pv_checked_time(&t)) return 0;
        pv_size = Frama_C_size_t_interval(HB_TIME_MAX + 1, HB_TIME_MAX + 4);
        size = pv_size;
        hb_json_init(&w, arr + (PV_R - size), size);
        hbi_put_time(&w, &t);
    }
    /*@ assert nul_room: w.internal_.err != HB_OK || w.internal_.len < w.internal_.size; */
    return 0;
}
