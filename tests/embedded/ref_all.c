/* tests/embedded/ref_all.c - a user of every public function of the core
   (the JSON writer, offline message, stats, status, beat_now, buf_size,
   strerror), with the callbacks every option can use. Linked for the size
   table's "all API" column and by check-noheap. Never run. */
#include "heartbeat.h"

void ref_main(void);

static hb_service svc;
static char buf[512];
static char out[512];
static volatile uint32_t ticks;
static volatile uintptr_t sink;

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

static int tok(void *user, const char **token, size_t *len)
{
    (void)user;
    *token = "a.b.c";
    *len = 5;
    return 0;
}

static void lg(void *user, int level, const char *msg, int err,
               const char *detail)
{
    (void)user; (void)level; (void)err; (void)detail;
    sink = (uintptr_t)msg;
}

static uint32_t rnd(void *user)
{
    (void)user;
    return ticks * 2654435761u;
}

static void fields(void *user, hb_json *w)
{
    (void)user;
    (void)hb_json_key(w, "fw", 2);
    (void)hb_json_string(w, "1.0", 3);
}

void ref_main(void)
{
    static hb_config cfg;
    hb_json w;
    hb_stats st;
    hb_time t;
    size_t len = 0;

    cfg.topic = "devices/d1/heartbeat";
    cfg.interval_ms = 1000;
    cfg.device_id = "d1";
    cfg.publish = pub;
    cfg.token = tok;
    cfg.clock = clk;
    cfg.log = lg;
    cfg.buf = buf;
    cfg.buf_size = sizeof buf;
    cfg.flags = HB_OPT_IMMEDIATE | HB_OPT_DESYNC | HB_OPT_SEQ | HB_OPT_BOOT_ID |
                HB_OPT_UPTIME | HB_OPT_INTERVAL | HB_OPT_HEALTH |
                HB_OPT_OFFLINE_ON_STOP | HB_OPT_SEND_UNSYNCED;
    cfg.retry_base_ms = 100;
    cfg.jitter_ms = 50;
    cfg.rand = rnd;
    cfg.boot_id = 7;
    cfg.fields = fields;
    sink = hb_buf_size(&cfg, 300);
    if (hb_init(&svc, &cfg) != HB_OK || hb_start(&svc, ticks) != HB_OK)
        return;
    (void)hb_set_status(&svc, "degraded");
    (void)hb_beat_now(&svc, ticks);
    while (ticks != 0xFFFFFFFFu)
        (void)hb_poll(&svc, ticks);
    (void)hb_get_stats(&svc, &st);
    sink = (uintptr_t)hb_running(&svc);
    (void)hb_offline_message(&svc, ticks, out, sizeof out, &len);
    hb_stop(&svc, ticks);
    sink = (uintptr_t)hb_strerror((int)len);

    hb_json_init(&w, out, sizeof out);
    (void)hb_json_begin_object(&w);
    (void)hb_json_key(&w, "a", 1);
    (void)hb_json_begin_array(&w);
    (void)hb_json_int(&w, -1);
    (void)hb_json_uint(&w, 2u);
    (void)hb_json_bool(&w, 1);
    (void)hb_json_null(&w);
    t.sec = 0; t.nsec = 0; t.utc_offset_min = 0;
    (void)hb_json_time(&w, &t);
    (void)hb_json_end_array(&w);
    (void)hb_json_end_object(&w);
    (void)hb_json_finish(&w, &len);
    sink = (uintptr_t)hb_format_time(out, sizeof out, &t);
}

#ifdef EMB_HOST_MAIN
/* check-noheap links this for the host too: a main that never runs it. */
int main(int argc, char **argv);
int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 99)
        ref_main();
    return 0;
}
#endif
