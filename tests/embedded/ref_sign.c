/* tests/embedded/ref_sign.c - ref_min.c with signed beats: the same
   superloop, its beats signed by a caller's signer through cfg.signing
   (sg.ops = hb_signed_beats links the signed-beat code in). Linked for the
   size table's "signed beats" rows: the text that comes from core.o, and
   hb_poll's stack with the calls through the hb_signed_beats table
   followed (tools/stack-depth.py --ops hb_sign_ops). Never run. */
#include "heartbeat.h"

void ref_main(void);

static hb_service svc;
static hb_signing sg;
static char buf[768];
static volatile uint32_t ticks;

static int pub(void *user, const char *topic, const char *payload,
               size_t len, int qos)
{
    (void)user; (void)topic; (void)payload; (void)len; (void)qos;
    return 0;
}

static int clk(void *user, hb_time *now)
{
    (void)user;
    now->sec = 1800000000;
    now->nsec = 0;
    now->utc_offset_min = 0;
    return 0;
}

static uint32_t rnd(void *user)
{
    (void)user;
    return ticks * 2654435761u;
}

/* a secure element's answer: "pending" twice, then the signature */
static int sign(void *user, int alg, const char *input, size_t len,
                unsigned char *sig, int again)
{
    size_t i;
    (void)user;
    if (!again && (ticks & 1u)) return 1;
    for (i = 0; i < (alg == HB_SIGN_ES256 ? 64u : 32u); i++)
        sig[i] = (unsigned char)(input[i % len] ^ ticks);
    return 0;
}

void ref_main(void)
{
    static hb_config cfg;  /* zero: every option at its default */
    cfg.topic = "devices/d1/heartbeat";
    cfg.interval_ms = 1000;
    cfg.device_id = "d1";
    cfg.publish = pub;
    cfg.clock = clk;
    cfg.buf = buf;
    cfg.buf_size = sizeof buf;
    cfg.rand = rnd;        /* the boot_id */
    sg.ops = hb_signed_beats;
    sg.sign_alg = HB_SIGN_ES256;
    sg.sign_kid = "d1-hb";
    sg.sign = sign;
    cfg.signing = &sg;
    if (hb_init(&svc, &cfg) != HB_OK || hb_start(&svc, ticks) != HB_OK)
        return;
    while (ticks != 0xFFFFFFFFu)
        (void)hb_poll(&svc, ticks);
    hb_stop(&svc, ticks);
}
