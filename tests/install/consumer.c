/* A program that uses heartbeat.h as an installed package: built by
   tests/install/check-install.sh through pkg-config and find_package, and by
   check-cmake-subdir.sh through add_subdirectory. It runs one beat against
   a recording publisher and prints it. Exit 0 = the package works. */
#define HEARTBEAT_IMPLEMENTATION
#include <heartbeat.h>

#include <stdio.h>
#include <string.h>

struct sink {
    char   last[256];
    size_t len;
    int    count;
};

static int publish(void *user, const char *topic, const char *payload,
                   size_t len, int qos)
{
    struct sink *s = (struct sink *)user;
    (void)topic;
    (void)qos;
    if (len >= sizeof s->last)
        return 1;
    memcpy(s->last, payload, len);
    s->last[len] = '\0';
    s->len = len;
    s->count++;
    return 0;
}

static int wall_clock(void *user, hb_time *now)
{
    (void)user;
    now->sec = 1795809202; /* 2026-11-27T19:53:22Z */
    now->nsec = 0;
    now->utc_offset_min = 0;
    return 0;
}

int main(void)
{
    static const char want[] = "{\"device_id\":\"consumer-1\","
        "\"timestamp\":\"2026-11-27T19:53:22Z\",\"status\":\"alive\","
        "\"jwt_token\":\"\"}";
    struct sink sink;
    char buf[256];
    hb_config cfg;
    hb_service hb;
    int err;

    memset(&sink, 0, sizeof sink);
    memset(&cfg, 0, sizeof cfg);
    cfg.topic = "devices/consumer-1/heartbeat";
    cfg.interval_ms = 1000;
    cfg.qos = 1;
    cfg.device_id = "consumer-1";
    cfg.publish = publish;
    cfg.clock = wall_clock;
    cfg.user = &sink;
    cfg.buf = buf;
    cfg.buf_size = sizeof buf;

    err = hb_init(&hb, &cfg);
    if (err != HB_OK) {
        printf("hb_init: %s\n", hb_strerror(err));
        return 1;
    }
    if (hb_start(&hb, 0) != HB_OK || hb_poll(&hb, 0) != 1000) {
        printf("hb_start/hb_poll: unexpected\n");
        return 1;
    }
    hb_poll(&hb, 1000);
    hb_stop(&hb, 1001);
    if (sink.count != 1 || strcmp(sink.last, want) != 0) {
        printf("expected one beat %s, got %d: %s\n", want, sink.count,
               sink.last);
        return 1;
    }
    printf("heartbeat %s: %s\n", HEARTBEAT_VERSION_STRING, sink.last);
    return 0;
}
