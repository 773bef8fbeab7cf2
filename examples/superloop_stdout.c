/* examples/superloop_stdout.c — the smallest complete program: a superloop
   whose "transport" prints each message, sleeping exactly what hb_poll
   says. `make demo` runs it (when no MQTT broker is installed). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>

#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

/* The monotonic millisecond tick; on a microcontroller, HAL_GetTick(). */
static uint32_t tick_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

/* Wall clock for the timestamp; on a device, the RTC once NTP has set it. */
static int wall_clock(void *user, hb_time *now)
{
    struct timespec ts;
    (void)user;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
    now->sec = (int64_t)ts.tv_sec;
    now->nsec = (uint32_t)ts.tv_nsec;
    now->utc_offset_min = 0;
    return 0;
}

/* The "MQTT client": prints what it would send. */
static int print_publish(void *user, const char *topic, const char *payload,
                         size_t len, int qos)
{
    (void)user;
    printf("%s (qos %d): %.*s\n", topic, qos, (int)len, payload);
    fflush(stdout);
    return 0;
}

static int demo_token(void *user, const char **token, size_t *len)
{
    (void)user;
    static const char demo[] = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJkZW1vIn0.c2lnbmF0dXJl";
    *token = demo;
    *len = sizeof demo - 1;
    return 0;
}

static const char *level_name(int level)
{
    switch (level) {
    case HB_LOG_ERROR: return "error";
    case HB_LOG_WARN:  return "warn";
    case HB_LOG_INFO:  return "info";
    case HB_LOG_DEBUG: return "debug";
    default:           return "log";
    }
}

static void print_log(void *user, int level, const char *msg, int err,
                      const char *detail)
{
    (void)user;
    (void)detail;  /* never the token: safe to print, but keep it short */
    fprintf(stderr, "%s: %s%s%s\n", level_name(level), msg, err ? ": " : "",
            err ? hb_strerror(err) : "");
}

int main(void)
{
    static char buf[512];
    hb_service hb;
    hb_config cfg = {0};
    uint32_t wait;
    hb_stats st;
    cfg.topic = "devices/demo-1/heartbeat";
    cfg.interval_ms = 500;
    cfg.qos = 1;
    cfg.device_id = "demo-1";
    cfg.publish = print_publish;
    cfg.token = demo_token;
    cfg.clock = wall_clock;
    cfg.log = print_log;
    cfg.buf = buf;
    cfg.buf_size = sizeof buf;
    if (hb_init(&hb, &cfg) != HB_OK || hb_start(&hb, tick_ms()) != HB_OK)
        return 1;
    do {                               /* the superloop */
        struct timespec nap;
        wait = hb_poll(&hb, tick_ms());
        /* ... the rest of the firmware's work goes here ... */
        nap.tv_sec = (time_t)(wait / 1000u);
        nap.tv_nsec = (long)(wait % 1000u) * 1000000L;
        nanosleep(&nap, NULL);
        hb_get_stats(&hb, &st);
    } while (st.sent < 5);
    hb_stop(&hb, tick_ms());
    printf("sent %u beats, %u failures\n", (unsigned)st.sent,
           (unsigned)(st.attempts - st.sent));
    return 0;
}
