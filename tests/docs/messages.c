/* Prints real heartbeat.h messages, one per line as "label<TAB>json", for
   tests/docs/check-schema.py to validate against docs/heartbeat.schema.json:
   the default message, every HB_OPT_* field with custom fields, the
   unsynced-clock variants, the offline messages, and strings that need
   escaping. Exit 1 if the library refuses one of them. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#include <stdio.h>
#include <string.h>

struct env {
    int     fail_publish;   /* refuse the next N publishes */
    int     clock_ok;       /* 0: the clock callback fails */
    hb_time now;
    char    label[64];
    int     printed;
};

static int publish(void *user, const char *topic, const char *payload,
                   size_t len, int qos)
{
    struct env *e = (struct env *)user;
    (void)topic;
    (void)qos;
    if (e->fail_publish > 0) {
        e->fail_publish--;
        return 1;
    }
    printf("%s\t%.*s\n", e->label, (int)len, payload);
    e->printed++;
    return 0;
}

static int wall_clock(void *user, hb_time *now)
{
    struct env *e = (struct env *)user;
    if (!e->clock_ok)
        return 1;
    *now = e->now;
    return 0;
}

static int token(void *user, const char **tok, size_t *len)
{
    static const char jwt[] =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        ".eyJhdWQiOiJkZXZpY2VzIiwiZXhwIjoxNzk1ODEyODAyLCJpYXQiOjE3OTU4MDkyMDJ9"
        ".dGVzdC1zaWduYXR1cmUtbm90LXJlYWw";
    (void)user;
    *tok = jwt;
    *len = sizeof jwt - 1;
    return 0;
}

static void fields(void *user, hb_json *w)
{
    (void)user;
    hb_json_key(w, "battery", 7);
    hb_json_uint(w, 87);
    hb_json_key(w, "rssi", 4);
    hb_json_int(w, -61);
    hb_json_key(w, "fw", 2);
    hb_json_string(w, "1.2.3", 5);
    hb_json_key(w, "sensors", 7);
    hb_json_begin_array(w);
    hb_json_bool(w, 1);
    hb_json_null(w);
    hb_json_end_array(w);
}

static char buf[1024];

/* Signed beats: any signature will do here, the claims are what counts. */
static int sign(void *user, int alg, const char *in, size_t len,
                unsigned char *sig, int again)
{
    (void)user; (void)in; (void)len; (void)again;
    memset(sig, 7, alg == HB_SIGN_ES256 ? 64u : 32u);
    return 0;
}

static void base(hb_config *cfg, struct env *e)
{
    memset(cfg, 0, sizeof *cfg);
    memset(e, 0, sizeof *e);
    e->clock_ok = 1;
    e->now.sec = 1795809202; /* 2026-11-27T19:53:22Z */
    e->now.nsec = 123456789;
    cfg->topic = "devices/sensor-0042/heartbeat";
    cfg->interval_ms = 30000;
    cfg->qos = 1;
    cfg->device_id = "sensor-0042";
    cfg->publish = publish;
    cfg->clock = wall_clock;
    cfg->user = e;
    cfg->buf = buf;
    cfg->buf_size = sizeof buf;
}

static int failures;

static void expect(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "messages: %s failed\n", what);
        failures++;
    }
}

/* Starts, lets `beats` grid points pass (one poll per interval), stops. */
static void run(const char *label, hb_config *cfg, struct env *e, int beats)
{
    hb_service hb;
    uint32_t t = 1000;
    int i, want = e->printed + beats - e->fail_publish;
    snprintf(e->label, sizeof e->label, "%s", label);
    expect(hb_init(&hb, cfg) == HB_OK, label);
    expect(hb_start(&hb, t) == HB_OK, label);
    for (i = 0; i < beats; i++) {
        t += cfg->interval_ms;
        hb_poll(&hb, t);
    }
    hb_stop(&hb, t + 1);
    if (cfg->flags & HB_OPT_OFFLINE_ON_STOP)
        want++;
    expect(e->printed == want, label);
}

static void offline(const char *label, hb_config *cfg, struct env *e)
{
    hb_service hb;
    char will[1024];
    size_t len = 0;
    expect(hb_init(&hb, cfg) == HB_OK, label);
    expect(hb_offline_message(&hb, 5000, will, sizeof will, &len) == HB_OK, label);
    expect(len == strlen(will), label);
    printf("%s\t%s\n", label, will);
    (void)e;
}

int main(void)
{
    hb_config cfg;
    struct env e;
    const uint32_t all = HB_OPT_SEQ | HB_OPT_BOOT_ID | HB_OPT_UPTIME |
                         HB_OPT_INTERVAL | HB_OPT_HEALTH;

    base(&cfg, &e);
    run("default", &cfg, &e, 1);

    base(&cfg, &e);
    cfg.token = token;
    cfg.status = "1";
    e.now.nsec = 0;
    run("go-agent-status", &cfg, &e, 1);

    base(&cfg, &e);
    cfg.token = token;
    cfg.flags = all | HB_OPT_IMMEDIATE | HB_OPT_DESYNC | HB_OPT_SEND_UNSYNCED |
                HB_OPT_OFFLINE_ON_STOP;
    cfg.boot_id = 42;
    cfg.fields = fields;
    e.fail_publish = 1; /* so the health counters are not all zero */
    e.now.utc_offset_min = 330;
    run("all-options", &cfg, &e, 3);

    base(&cfg, &e);
    cfg.flags = all;
    cfg.boot_id_str = "b7c1-2026-11-27";
    e.now.utc_offset_min = -480;
    e.now.nsec = 120000000;
    run("boot-id-string", &cfg, &e, 1);

    base(&cfg, &e);
    cfg.flags = HB_OPT_SEND_UNSYNCED;
    e.clock_ok = 0;
    run("unsynced", &cfg, &e, 1);

    base(&cfg, &e);
    cfg.flags = all | HB_OPT_SEND_UNSYNCED;
    cfg.fields = fields;
    cfg.min_valid_sec = 1704067200; /* 2024-01-01: an unset RTC reads 1970 */
    e.now.sec = 12;
    run("unsynced-all-options", &cfg, &e, 2);

    base(&cfg, &e);
    cfg.device_id = "tab\there <b>&amp; \"q\" \\ \xe2\x80\xa8 bad:\xff\xc0\xaf end";
    cfg.status = "d\xc3\xa9grad\xc3\xa9";
    run("escaping", &cfg, &e, 1);

    /* carrier B: the payload is the signed beat's claims */
    base(&cfg, &e);
    cfg.sign_alg = HB_SIGN_ES256;
    cfg.sign_kid = "sensor-0042-hb";
    cfg.sign = sign;
    cfg.sign_carrier = HB_CARRIER_B;
    cfg.boot_id_str = "9f86d081884c7d65";
    run("signed-claims", &cfg, &e, 2);
    cfg.flags = HB_OPT_SEND_UNSYNCED;
    e.clock_ok = 0;
    run("signed-unsynced", &cfg, &e, 1);

    base(&cfg, &e);
    offline("offline-message", &cfg, &e);

    base(&cfg, &e);
    cfg.token = token;
    cfg.flags = all;
    cfg.boot_id = 7;
    cfg.fields = fields;
    offline("offline-message-all-options", &cfg, &e);

    base(&cfg, &e);
    cfg.flags = HB_OPT_SEND_UNSYNCED;
    e.clock_ok = 0;
    offline("offline-message-unsynced", &cfg, &e);

    base(&cfg, &e);
    cfg.flags = HB_OPT_OFFLINE_ON_STOP;
    run("offline-on-stop", &cfg, &e, 0);

    return failures ? 1 : 0;
}
