/* proof/eva_monitor.c - Eva drivers for the monitor's beat parser,
   hb_mon_parse, run by proof/run.sh with the option set "monitor", one
   frama-c process per PV_CASE. In each, the payload is an object of
   exactly its length (one array per length, below): a read one byte
   before or past it is an alarm, not a read of a neighbour. Eva keeps
   one state per length (pv_len) and per prefix (pv_key).

   PV_CASE 0 (tag mon-parse): hb_mon_parse on EVERY payload of 0..PV_MN
     bytes (default 8), each byte any value (-128..127); the payload
     pointer NULL or not, the info pointer NULL or not. This is the
     complete input space up to that length: every path of the general
     reader that such a payload takes ("{}", "{\"\":1}", "[", blanks,
     "{\"a\":[]}", a truncated string or literal, ...). Eva's time
     doubles with each byte (8 bytes: about 25 s on this 2-core
     machine, 9 bytes over a minute), which is why the cases below exist.

   PV_CASE 1 (tag mon-keys): hb_mon_parse on a payload that starts with
     one of the prefixes pv_pre (an object opened on each member the
     reader knows, and one it does not), followed by 0..PV_MH bytes
     (default 2; 3 takes three times as long), each any value. So each
     member's value reader (the integers with their bounds, boot_id as
     a string or an integer, clock_synced, status, the id, the
     timestamp's string, an unknown member's value skipped) meets any
     0..2 bytes, and the fast path (hbi_mon_fast, "{\"device_id\":")
     its first string. NOT covered: longer values, a second member,
     whole beats.

   PV_CASE 2 (tag mon-time): the two time readers hb_mon_parse calls,
     alone: hbi_mon_time_end (the general reader's, and the fast path's
     fallback) and hbi_mon_ftime (the fast path's, 8 bytes at a time) on
     EVERY string of 0..PV_TN bytes (default 36: the writer's longest
     timestamp is 35), each byte any value, with no day cache or one
     holding any value. That hb_mon_parse passes them a pointer and
     length inside the payload is not part of this case (the string
     reader's result, checked in cases 0 and 1 only for short payloads).

   The monitor's C code is the same in the default and the
   HEARTBEAT_COMPACT builds (only inline attributes differ); -U__SSE2__
   (run.sh) leaves the SSE2 id scan out, the 8-byte SWAR code in
   (HBI_MON_SWAR, a 64-bit host). */
#include "__fc_builtin.h"
#include "pv_builtins.h"
/* heartbeat.h's own choice on a 64-bit host (machdep x86_64), made here
   so that the driver sees it too (heartbeat.h #undefs it at its end);
   -DHBI_MON_SWAR=0 gives the byte-at-a-time code of 32-bit hosts (not
   with run.sh's option set, which names functions it does not have) */
#ifndef HBI_MON_SWAR
#define HBI_MON_SWAR 1
#endif
#if HBI_MON_SWAR
#define PV_SWAR 1
#else
#define PV_SWAR 0
#endif
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#ifndef PV_CASE
#define PV_CASE 0
#endif
#ifndef PV_MN
#define PV_MN 8
#endif
#ifndef PV_MH
#define PV_MH 2
#endif
#ifndef PV_TN
#define PV_TN 36
#endif

/* one object of exactly n bytes per length n (length 0: one past the
   end of a 1-byte array, a valid pointer that may not be read) */
static char b1[1], b2[2], b3[3], b4[4], b5[5], b6[6], b7[7], b8[8], b9[9],
    b10[10], b11[11], b12[12], b13[13], b14[14], b15[15], b16[16], b17[17],
    b18[18], b19[19], b20[20], b21[21], b22[22], b23[23], b24[24], b25[25],
    b26[26], b27[27], b28[28], b29[29], b30[30], b31[31], b32[32], b33[33],
    b34[34], b35[35], b36[36], b37[37], b38[38], b39[39], b40[40];
static char *const pv_buf[41] = { b1 + 1, b1, b2, b3, b4, b5, b6, b7, b8,
    b9, b10, b11, b12, b13, b14, b15, b16, b17, b18, b19, b20, b21, b22,
    b23, b24, b25, b26, b27, b28, b29, b30, b31, b32, b33, b34, b35, b36,
    b37, b38, b39, b40 };
size_t pv_len;   /* partitioned: one Eva state per length */
int pv_key;      /* partitioned: one per prefix (case 1), per reader (2) */

#if PV_CASE == 0
#if PV_MN > 40
#error "PV_MN: at most 40"
#endif
int main(void)
{
    hb_mon_info info;
    char *p;
    pv_len = Frama_C_size_t_interval(0, PV_MN);
    p = pv_buf[pv_len];
    Frama_C_make_unknown(p, pv_len);
    return hb_mon_parse(Frama_C_nondet(0, 1) ? p : NULL, pv_len,
                        Frama_C_nondet(0, 1) ? &info : NULL);
}
#elif PV_CASE == 1
static const char *const pv_pre[] = {
    "{\"seq\":", "{\"uptime_ms\":", "{\"interval_ms\":", "{\"boot_id\":",
    "{\"clock_synced\":", "{\"status\":", "{\"device_id\":",
    "{\"timestamp\":", "{\"x\":"
};
#define PV_NPRE ((int)(sizeof pv_pre / sizeof pv_pre[0]))
#if PV_MH > 40 - 17
#error "PV_MH: at most 23 (the longest prefix is 17 bytes)"
#endif
int main(void)
{
    hb_mon_info info;
    char *p;
    size_t n, h;
    pv_key = Frama_C_interval(0, PV_NPRE - 1);
    n = strlen(pv_pre[pv_key]);
    h = Frama_C_size_t_interval(0, PV_MH);
    pv_len = n + h;
    p = pv_buf[pv_len];
    memcpy(p, pv_pre[pv_key], n);
    Frama_C_make_unknown(p + n, h);
    return hb_mon_parse(p, pv_len, &info);
}
#elif PV_CASE == 2
#if PV_TN > 40
#error "PV_TN: at most 40"
#endif
int main(void)
{
    char *p;
    int64_t ms;
    size_t end;
    hbi_mon_day dc;
    pv_len = Frama_C_size_t_interval(0, PV_TN);
    p = pv_buf[pv_len];
    Frama_C_make_unknown(p, pv_len);
    Frama_C_make_unknown((char *)&dc, sizeof dc);
    pv_key = Frama_C_interval(0, 1);
    if (pv_key == 0)
        return hbi_mon_time_end(p, pv_len, &ms, &end,
                                Frama_C_nondet(0, 1) ? &dc : NULL);
#if PV_SWAR
    return hbi_mon_ftime(p, p + pv_len, Frama_C_nondet(0, 1) ? &dc : NULL,
                         &ms) != NULL;
#else
    return 0;
#endif
}
#else
#error "PV_CASE: 0, 1 or 2"
#endif
