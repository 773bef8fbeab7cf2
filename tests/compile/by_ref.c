/* HEARTBEAT_CONFIG_BY_REF: the config is a `static const` object, as
   firmware keeps it in flash (here in .rodata, read-only: a write through
   it would crash), initialised in order as docs/porting.md shows, and the
   service reads it in place. Also built as C++. Exits 0 when it works. */
#include <stdio.h>
#include <string.h>
#define HEARTBEAT_CONFIG_BY_REF
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

static char last[256];
static int published;

static int my_publish(void *user, const char *topic, const char *payload,
                      size_t len, int qos)
{
    (void)user; (void)topic; (void)qos;
    if (len < sizeof last) memcpy(last, payload, len + 1);
    published++;
    return 0;
}

static int my_token(void *user, const char **token, size_t *len)
{
    (void)user;
    *token = "a.b.c";
    *len = 5;
    return 0;
}

static int my_rtc_clock(void *user, hb_time *now)
{
    (void)user;
    now->sec = 1795809202;
    now->nsec = 0;
    now->utc_offset_min = 0;
    return 0;
}

static char buf[256];
static const hb_config cfg = {
    "devices/dev-7/heartbeat",  /* topic */
    30000, 1,                   /* interval_ms, qos */
    "dev-7", NULL,              /* device_id, status ("alive") */
    my_publish, my_token, NULL, /* publish, token, token_user */
    my_rtc_clock, NULL, NULL,   /* clock, log, user */
    buf, sizeof buf,            /* buf, buf_size: the rest is zero */
    0, 0, 0, 0, NULL, 0, NULL, NULL, 0, 0, 0, NULL, NULL, 0, NULL
};

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

int main(void)
{
    static hb_service hb;
    hb_stats st;
    /* a pointer, the idle path's values and the state: no copy */
    CHECK(sizeof(hb_service) < sizeof(hb_config) + sizeof(hb_stats));
    CHECK(hb_buf_size(&cfg, 5) <= sizeof buf);
    CHECK(hb_init(&hb, &cfg) == HB_OK);
    CHECK(hb_start(&hb, 0) == HB_OK);
    CHECK(hb_poll(&hb, 0) == 30000);
    CHECK(hb_poll(&hb, 30000) == 30000);
    CHECK(published == 1);
    CHECK(strcmp(last, "{\"device_id\":\"dev-7\",\"timestamp\":\"2026-11-27T19:53:22Z\","
                       "\"status\":\"alive\",\"jwt_token\":\"a.b.c\"}") == 0);
    CHECK(hb_set_status(&hb, "busy") == HB_OK);
    CHECK(hb_beat_now(&hb, 30001) == HB_OK);
    CHECK(strstr(last, "\"status\":\"busy\"") != NULL);
    CHECK(hb_set_status(&hb, NULL) == HB_OK);
    CHECK(hb_beat_now(&hb, 30002) == HB_OK);
    CHECK(strstr(last, "\"status\":\"alive\"") != NULL);
    hb_stop(&hb, 30003);
    CHECK(hb_get_stats(&hb, &st) == HB_OK && st.sent == 3 && st.attempts == 3);
    return failures != 0;
}
