/* tests/embedded/ref_min.c - the smallest real user of the core: a
   superloop that initialises, starts, polls and stops one service. Linked
   with --gc-sections, it keeps what such a program needs of heartbeat.h;
   tools/size.sh counts only the bytes that come from core.o. */
#include "heartbeat.h"

void ref_main(void);

static hb_service svc;
static char buf[256];
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
    if (hb_init(&svc, &cfg) != HB_OK || hb_start(&svc, ticks) != HB_OK)
        return;
    while (ticks != 0xFFFFFFFFu)
        (void)hb_poll(&svc, ticks);
    hb_stop(&svc, ticks);
}
