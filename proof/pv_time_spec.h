/* proof/pv_time_spec.h - the default build's timestamp formatter by its
   contract, for the Eva drivers that run with -eva-use-spec
   hbi_time_fmt_dc (proof/run.sh: option sets beatfast and roomfast): it
   writes at most HB_TIME_MAX bytes at o and answers their count. Its body
   is not analysed there: the driver time-fast (proof/eva_time.c) proves
   it alone against this contract, and analysing it again inside the whole
   beat would cost minutes. Included after heartbeat.h. */
#ifndef PV_TIME_SPEC_H
#define PV_TIME_SPEC_H
#ifndef HEARTBEAT_COMPACT
/*@ requires \valid(o + (0 .. HB_TIME_MAX - 1)) && \valid_read(t) && \valid(dc);
    assigns o[0 .. HB_TIME_MAX - 1], *dc \from *t, *dc;
    assigns \result \from *t;
    ensures 20 <= \result <= HB_TIME_MAX; */
static int hbi_time_fmt_dc(char *o, const hb_time *t, struct hbi_day *dc);
#endif
#endif
