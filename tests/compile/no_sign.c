/* HEARTBEAT_NO_SIGN: the options still work, a complete signed-beats
   config is refused with HB_ERR_ARG (never silently sent unsigned), and
   the same config is accepted without the knob (tests/compile/run.sh
   builds this file both ways: EXPECT_SIGN is 1 without the knob). */
#include <string.h>
#ifndef EXPECT_SIGN
#  define HEARTBEAT_NO_SIGN
#  define EXPECT_SIGN 0
#endif
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

static int pub(void *u, const char *t, const char *p, size_t n, int q)
{
    (void)u; (void)t; (void)p; (void)n; (void)q;
    return 0;
}

static int clk(void *u, hb_time *t)
{
    (void)u;
    t->sec = 1795809202;
    t->nsec = 0;
    t->utc_offset_min = 0;
    return 0;
}

static uint32_t rnd(void *u) { (void)u; return 4; }

static int sign(void *u, int alg, const char *in, size_t n, unsigned char *sig,
                int again)
{
    (void)u; (void)in; (void)n; (void)again;
    memset(sig, 1, alg == HB_SIGN_ES256 ? 64u : 32u);
    return 0;
}

int main(void)
{
    static char buf[1024];
    hb_service hb;
    hb_config c;
    memset(&c, 0, sizeof c);
    c.topic = "t";
    c.interval_ms = 10;
    c.device_id = "d";
    c.publish = pub;
    c.clock = clk;
    c.buf = buf;
    c.buf_size = sizeof buf;
    c.flags = HB_OPT_SEQ;
    c.rand = rnd;
    if (hb_init(&hb, &c) != HB_OK) return 1;
    c.sign_alg = HB_SIGN_ES256;
    c.sign_kid = "k";
    c.sign = sign;
    if (hb_init(&hb, &c) != (EXPECT_SIGN ? HB_OK : HB_ERR_ARG)) return 2;
    return 0;
}
