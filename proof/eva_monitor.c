/* proof/eva_monitor.c - Eva driver: the monitor's beat parser,
   hb_mon_parse (run by proof/run.sh, tag "mon-parse").

   Inputs, all abstract at once:
   - the payload: every length 0..PV_MN (default 8), each byte any value
     (-128..127); the payload is an object of exactly that many bytes
     (one array per length), so a read one byte before or past it is an
     alarm, not a read of a neighbour;
   - the payload pointer NULL or not, the info pointer NULL or not.
   Eva keeps one state per length (pv_len, -eva-partition-value in
   run.sh's option set "monitor").

   What this covers: every path of the general reader that a payload of
   at most 8 bytes can take ("{}", "{\"\":1}", "[", "{\"a\":[]}", blanks,
   a truncated string, a bad literal, ...). Not reached at this length:
   the fast path (hbi_mon_fast needs the 13 bytes of "{\"device_id\":"),
   a member whose key is known (the shortest, "{\"seq\":1}", is 9
   bytes), the time parser and the escape decoder; Eva's time doubles
   with each byte (8 bytes: about 25 s on this 2-core machine, 9: over
   a minute), see docs/robustness.md. Other drivers (PV_CASE, below)
   take those on with a fixed prefix and any bytes after it. */
#include "__fc_builtin.h"
#include "pv_builtins.h"
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#ifndef PV_MN
#define PV_MN 8
#endif
#if PV_MN > 20
#error "PV_MN: at most 20 (one array per length below)"
#endif

/* one object of exactly n bytes per length n (length 0: one past the
   end of a 1-byte array, a valid pointer that may not be read) */
static char b1[1], b2[2], b3[3], b4[4], b5[5], b6[6], b7[7], b8[8], b9[9],
    b10[10], b11[11], b12[12], b13[13], b14[14], b15[15], b16[16], b17[17],
    b18[18], b19[19], b20[20];
static char *const pv_buf[21] = { b1 + 1, b1, b2, b3, b4, b5, b6, b7, b8,
    b9, b10, b11, b12, b13, b14, b15, b16, b17, b18, b19, b20 };
size_t pv_len;   /* partitioned: one Eva state per length */

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
