/* proof/eva_monitor.c - Eva driver: the monitor's beat parser,
   hb_mon_parse, on every payload of 0..PV_MN bytes, each byte any value
   (a NULL payload or info too). NOT RUN BY make prove: see
   docs/robustness.md. */
#include "__fc_builtin.h"
#include "pv_builtins.h"
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#ifndef PV_MN
#define PV_MN 8
#endif
static char payload[PV_MN];

int main(void)
{
    hb_mon_info info;
    size_t len = Frama_C_size_t_interval(0, PV_MN);
    Frama_C_make_unknown(payload, PV_MN);
    return hb_mon_parse(Frama_C_nondet(0, 1) ? payload : NULL, len,
                        Frama_C_nondet(0, 1) ? &info : NULL);
}
