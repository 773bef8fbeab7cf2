/* HEARTBEAT_NO_OPTIONS: the Go-compatible core still works, and every
   option field is refused with HB_ERR_ARG instead of being ignored. */
#include <string.h>
#define HEARTBEAT_NO_OPTIONS
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

static char last[256];

static int pub(void *u, const char *t, const char *p, size_t n, int q)
{
    (void)u; (void)t; (void)q;
    memcpy(last, p, n + 1);
    return 0;
}

static int clk(void *u, hb_time *t)
{
    (void)u;
    t->sec = 1795809202;
    t->nsec = 5;
    t->utc_offset_min = 0;
    return 0;
}

static uint32_t rnd(void *u) { (void)u; return 4; }
static void fields(void *u, hb_json *w) { (void)u; (void)w; }

int main(void)
{
    static char buf[256];
    hb_service hb;
    hb_config c;
    int bad = 0;
    memset(&c, 0, sizeof c);
    c.topic = "t";
    c.interval_ms = 10;
    c.device_id = "d";
    c.publish = pub;
    c.clock = clk;
    c.buf = buf;
    c.buf_size = sizeof buf;
    if (hb_init(&hb, &c) != HB_OK || hb_start(&hb, 0) != HB_OK) return 1;
    if (hb_poll(&hb, 10) != 10) return 2;
    if (strcmp(last, "{\"device_id\":\"d\",\"timestamp\":\"2026-11-27T19:53:22.000000005Z\","
                     "\"status\":\"alive\",\"jwt_token\":\"\"}") != 0) return 3;
#define REFUSED(field, value) do { hb_config x = c; x.field = value; \
        if (hb_init(&hb, &x) != HB_ERR_ARG) bad++; } while (0)
    REFUSED(flags, HB_OPT_SEQ);
    REFUSED(flags, HB_OPT_IMMEDIATE);
    REFUSED(retry_base_ms, 5);
    REFUSED(retry_max_ms, 5);
    REFUSED(jitter_ms, 5);
    REFUSED(rand, rnd);
    REFUSED(fields, fields);
    REFUSED(min_valid_sec, 1);
    REFUSED(boot_id, 7);
    REFUSED(boot_id_str, "boot-7");
    return bad ? 4 : 0;
}
