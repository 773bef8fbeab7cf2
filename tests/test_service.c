/* tests/test_service.c — the service: validation, scheduling on simulated
   time, failures, logging, start/stop. */
#include <stdio.h>
#include <string.h>
#include "heartbeat.h"
#include "greatest.h"
#include "fakes.h"

#define ASSERT_ERR(exp, got) ASSERT_ENUM_EQ((exp), (got), hb_strerror)

static fake f;
static hb_config cfg;
static hb_service hb;
static char buf[512];

static void setup(void *unused)
{
    (void)unused;
    fake_config(&cfg, &f, buf, sizeof buf);
    memset(&hb, 0xA5, sizeof hb);   /* garbage, as an uninitialised static */
}

/* Polls at now (recorded in the fake) and returns hb_poll's answer. */
static uint32_t poll_at(uint32_t now)
{
    f.now = now;
    return hb_poll(&hb, now);
}

TEST default_message_bytes(void)
{
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    ASSERT_EQ(1000u, poll_at(0));
    ASSERT_EQ(0, f.pub_calls);
    ASSERT_EQ(1000u, poll_at(1000));
    ASSERT_EQ(1, f.pub_calls);
    ASSERT_STR_EQ("{\"device_id\":\"dev-1\",\"timestamp\":\"2026-11-27T19:53:22.123456789Z\","
                  "\"status\":\"alive\",\"jwt_token\":\"tok.en.sig\"}", f.last);
    ASSERT_EQ(strlen(f.last), f.last_len);
    ASSERT_STR_EQ("devices/hb", f.last_topic);
    ASSERT_EQ(1, f.last_qos);
    ASSERT(fake_find_log(&f, HB_MSG_OK) >= 0);
    ASSERT_EQ(HB_LOG_INFO, f.log_level[fake_find_log(&f, HB_MSG_OK)]);
    PASS();
}

TEST no_token_callback_sends_empty(void)
{
    cfg.token = NULL;
    cfg.status = "1";     /* the Go agent's StatusAlive */
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 5);
    poll_at(1005);
    ASSERT_STR_EQ("{\"device_id\":\"dev-1\",\"timestamp\":\"2026-11-27T19:53:22.123456789Z\","
                  "\"status\":\"1\",\"jwt_token\":\"\"}", f.last);
    PASS();
}

TEST token_user_defaults_to_user(void)
{
    fake other;
    memset(&other, 0, sizeof other);
    other.token = "other";
    other.token_len = 5;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_EQ(1, f.token_calls);
    cfg.token_user = &other;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_EQ(1, other.token_calls);
    ASSERT(strstr(f.last, "\"jwt_token\":\"other\"") != NULL);
    PASS();
}

/* Each bad field: HB_ERR_ARG and a log line naming it. */
TEST validation(void)
{
    static char big_topic[65537];
    struct { const char *what; int line; } seen[32];
    int n = 0, i;
    hb_config c;
#define BAD(expr, word) do {                                              \
        fake_config(&c, &f, buf, sizeof buf);                             \
        expr;                                                             \
        f.logs = 0;                                                       \
        ASSERT_ERR(HB_ERR_ARG, hb_init(&hb, &c));                         \
        ASSERT_EQ(1, f.logs);                                             \
        ASSERT_STR_EQ(HB_MSG_CONFIG, f.log_msg[0]);                       \
        ASSERT_EQ(HB_ERR_ARG, f.log_err[0]);                              \
        ASSERTm(#expr, strstr(f.log_text, word) != NULL);                 \
        seen[n].what = #expr; seen[n].line = __LINE__; n++;               \
    } while (0)
    BAD(c.topic = NULL, "topic");
    BAD(c.topic = "", "topic");
    BAD(c.topic = "a/+/b", "wildcard");
    BAD(c.topic = "a/#", "wildcard");
    BAD(c.topic = "+", "wildcard");
    BAD(c.topic = "bad\xff", "UTF-8");
    BAD(c.topic = "bad\xed\xa0\x80", "UTF-8");
    BAD(c.topic = "bad\xc0\xaf", "UTF-8");
    memset(big_topic, 'a', 65536);
    big_topic[65536] = '\0';
    BAD(c.topic = big_topic, "65535");
    BAD(c.qos = -1, "qos");
    BAD(c.qos = 3, "qos");
    BAD(c.interval_ms = 0, "interval");
    BAD(c.interval_ms = 0x80000000u, "interval");
    BAD(c.interval_ms = 0xFFFFFFFFu, "interval");
    BAD(c.publish = NULL, "publish");
    BAD(c.clock = NULL, "clock");
    BAD(c.device_id = NULL, "device_id");
    BAD(c.buf = NULL, "buf");
    BAD(c.buf_size = 0, "buf_size");
    BAD(c.status = "", "status");
    BAD(c.status = "123456789012345678901234567890123", "32");
    BAD(c.status = "ok\xff", "UTF-8");
#undef BAD
    for (i = 0; i < n; i++) ASSERT(seen[i].line > 0);
    /* the edges that are fine */
    fake_config(&c, &f, buf, sizeof buf);
    big_topic[65535] = '\0';
    c.topic = big_topic;
    c.interval_ms = 0x7FFFFFFFu;
    c.qos = 2;
    c.status = "12345678901234567890123456789012";
    ASSERT_ERR(HB_OK, hb_init(&hb, &c));
    c.topic = "caf\xc3\xa9/\xf0\x9f\x92\x93";
    c.interval_ms = 1;
    c.qos = 0;
    c.status = "d\xc3\xa9grad\xc3\xa9";
    c.log = NULL;   /* optional */
    c.token = NULL; /* optional */
    ASSERT_ERR(HB_OK, hb_init(&hb, &c));
    /* NULL service or config */
    ASSERT_ERR(HB_ERR_ARG, hb_init(NULL, &c));
    ASSERT_ERR(HB_ERR_ARG, hb_init(&hb, NULL));
    PASS();
}

TEST misuse_never_crashes(void)
{
    hb_stats st;
    /* not initialised (garbage from setup) */
    ASSERT_ERR(HB_ERR_STATE, hb_start(&hb, 0));
    ASSERT_EQ(HB_POLL_IDLE, hb_poll(&hb, 0));
    hb_stop(&hb, 0);
    ASSERT_ERR(HB_ERR_STATE, hb_beat_now(&hb, 0));
    ASSERT_ERR(HB_ERR_STATE, hb_get_stats(&hb, &st));
    ASSERT_EQ(0, hb_running(&hb));
    /* NULL service */
    ASSERT_ERR(HB_ERR_ARG, hb_start(NULL, 0));
    ASSERT_EQ(HB_POLL_IDLE, hb_poll(NULL, 0));
    hb_stop(NULL, 0);
    ASSERT_ERR(HB_ERR_ARG, hb_beat_now(NULL, 0));
    ASSERT_ERR(HB_ERR_ARG, hb_get_stats(NULL, &st));
    ASSERT_ERR(HB_ERR_ARG, hb_set_status(NULL, "x"));
    /* start twice */
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_EQ(HB_POLL_IDLE, hb_poll(&hb, 0));   /* stopped after init */
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    ASSERT_ERR(HB_ERR_STATE, hb_start(&hb, 0));
    ASSERT_EQ(1, hb_running(&hb));
    /* stop is idempotent; start again starts afresh */
    hb_stop(&hb, 10);
    hb_stop(&hb, 10);
    ASSERT_EQ(HB_POLL_IDLE, hb_poll(&hb, 2000));
    ASSERT_EQ(0, f.pub_calls);
    ASSERT_ERR(HB_OK, hb_start(&hb, 5000));
    ASSERT_EQ(1000u, poll_at(5000));
    ASSERT_EQ(0, f.pub_calls);
    poll_at(6000);
    ASSERT_EQ(1, f.pub_calls);
    PASS();
}

/* 10^6 beats on simulated time, polled exactly when hb_poll says: every beat
   on its grid point, none lost, no drift, across the 2^32 wrap. */
TEST million_beats_no_drift(void)
{
    const uint32_t start = 0xFFFFFFFFu - 250000u * 7u;  /* wraps mid-run */
    uint32_t now = start, wait;
    long i, beats = 0;
    hb_stats st;
    cfg.interval_ms = 7;
    cfg.log = NULL;
    cfg.publish = fake_publish;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, start);
    for (i = 0; i < 1000000; i++) {
        wait = hb_poll(&hb, now);
        ASSERT_EQ(7u, wait);
        now += wait;
        if (f.pub_calls != beats) {
            ASSERT_EQ(beats + 1, f.pub_calls);
            beats = f.pub_calls;
        }
        /* each poll lands on a grid point and sends exactly one beat */
        ASSERT_EQ(i, (long)beats);
    }
    hb_poll(&hb, now);
    ASSERT_EQ(1000000, f.pub_calls);
    ASSERT_EQ(start + 1000000u * 7u, now);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1000000u, st.sent);
    ASSERT_EQ(1000000u, st.attempts);
    ASSERT_EQ(0u, st.missed);
    PASS();
}

/* Polls that come late by a fraction keep the grid: the next wait is
   shorter, so there is no drift. */
TEST late_polls_keep_grid(void)
{
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 100);
    ASSERT_EQ(1000u, poll_at(100));
    ASSERT_EQ(999u, poll_at(101));
    ASSERT_EQ(1u, poll_at(1099));        /* early: nothing */
    ASSERT_EQ(0, f.pub_calls);
    ASSERT_EQ(700u, poll_at(1400));      /* 300 late: beat, next at 2100 */
    ASSERT_EQ(1, f.pub_calls);
    ASSERT_EQ(1u, poll_at(2099));
    ASSERT_EQ(1000u, poll_at(2100));     /* on time */
    ASSERT_EQ(2, f.pub_calls);
    ASSERT_EQ(1u, poll_at(3099));
    ASSERT_EQ(1u, poll_at(3099));        /* the same instant twice */
    ASSERT_EQ(2, f.pub_calls);
    PASS();
}

/* A poll late by whole intervals sends one beat, counts the rest as
   missed, and the next is due on the next grid point after now. */
TEST very_late_poll_one_beat(void)
{
    hb_stats st;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    ASSERT_EQ(500u, poll_at(5500));      /* due 1000; 2000..5000 skipped */
    ASSERT_EQ(1, f.pub_calls);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(4u, st.missed);
    ASSERT_EQ(1u, st.sent);
    ASSERT(fake_find_log(&f, HB_MSG_MISSED) >= 0);
    ASSERT_EQ(1000u, poll_at(6000));
    ASSERT_EQ(2, f.pub_calls);
    /* exactly one interval late: one missed */
    ASSERT_EQ(1000u, poll_at(8000));
    hb_get_stats(&hb, &st);
    ASSERT_EQ(5u, st.missed);
    ASSERT_EQ(3, f.pub_calls);
    PASS();
}

TEST wrap_and_long_interval(void)
{
    /* the largest interval, started just before the wrap */
    cfg.interval_ms = 0x7FFFFFFFu;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0xFFFFFF00u);
    ASSERT_EQ(0x7FFFFFFFu, poll_at(0xFFFFFF00u));
    ASSERT_EQ(0x7FFFFFFFu - 0x200u, poll_at(0x100u));
    ASSERT_EQ(0, f.pub_calls);
    ASSERT_EQ(0x7FFFFFFFu, poll_at(0xFFFFFF00u + 0x7FFFFFFFu));
    ASSERT_EQ(1, f.pub_calls);
    ASSERT_EQ(1u, poll_at(0xFFFFFF00u + 0x7FFFFFFFu * 2u - 1u));
    ASSERT_EQ(1, f.pub_calls);
    poll_at(0xFFFFFF00u + 0x7FFFFFFFu * 2u);
    ASSERT_EQ(2, f.pub_calls);
    PASS();
}

/* A random walk of poll times: beats only on grid points, at most one per
   poll, and the returned wait always lands on the next grid point. */
TEST random_polls_exact_wait(void)
{
    uint32_t now = 0xFFFF0000u, start = now, x = 12345u, wait, grid;
    int i, before;
    cfg.interval_ms = 250;
    cfg.publish = fake_publish;
    cfg.log = NULL;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, start);
    grid = start + 250u;
    for (i = 0; i < 200000; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        now += x % 7u == 0 ? x % 2000u : x % 60u;
        before = f.pub_calls;
        wait = hb_poll(&hb, now);
        if ((int32_t)(now - grid) >= 0) {
            ASSERT_EQ(before + 1, f.pub_calls);
            grid += ((now - grid) / 250u + 1u) * 250u;
        } else {
            ASSERT_EQ(before, f.pub_calls);
        }
        ASSERT_EQ(grid - now, wait);
        ASSERT((grid - start) % 250u == 0);
    }
    PASS();
}

TEST failures_counted_logged_nothing_sent(void)
{
    hb_stats st;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    /* clock */
    f.clock_fail = 1;
    ASSERT_EQ(1000u, poll_at(1000));     /* next attempt: next grid point */
    ASSERT_EQ(0, f.pub_calls);
    ASSERT_EQ(HB_ERR_CLOCK, f.log_err[fake_find_log(&f, HB_MSG_CLOCK)]);
    ASSERT_EQ(HB_LOG_ERROR, f.log_level[fake_find_log(&f, HB_MSG_CLOCK)]);
    f.clock_fail = 0;
    /* token */
    f.token_fail = 1;
    poll_at(2000);
    ASSERT_EQ(0, f.pub_calls);
    ASSERT_EQ(HB_ERR_TOKEN, f.log_err[fake_find_log(&f, HB_MSG_TOKEN)]);
    f.token_fail = 0;
    /* serialise: a token too big for the buffer */
    {
        static char big[600];
        memset(big, 'A', sizeof big);
        f.token = big;
        f.token_len = sizeof big;
        poll_at(3000);
        ASSERT_EQ(0, f.pub_calls);
        ASSERT_EQ(HB_ERR_NOSPACE, f.log_err[fake_find_log(&f, HB_MSG_SERIALIZE)]);
        f.token = "tok.en.sig";
        f.token_len = 10;
    }
    /* serialise: a time Go cannot marshal */
    f.t.utc_offset_min = 1440;
    poll_at(4000);
    ASSERT_EQ(0, f.pub_calls);
    ASSERT_EQ(HB_ERR_RANGE, f.log_err[fake_find_log(&f, HB_MSG_SERIALIZE)]);
    f.t.utc_offset_min = 0;
    f.t.sec = 253402300800LL;
    poll_at(5000);
    ASSERT_EQ(0, f.pub_calls);
    f.t.sec = 1795809202;
    /* a clock returning nonsense nanoseconds is a clock failure */
    f.t.nsec = 1000000000u;
    poll_at(6000);
    ASSERT_EQ(0, f.pub_calls);
    f.t.nsec = 0;
    /* publish */
    f.pub_fail = 1;
    poll_at(7000);
    ASSERT_EQ(1, f.pub_calls);
    ASSERT_EQ(HB_ERR_PUBLISH, f.log_err[fake_find_log(&f, HB_MSG_PUBLISH)]);
    ASSERT_EQ(HB_LOG_ERROR, f.log_level[fake_find_log(&f, HB_MSG_PUBLISH)]);
    f.pub_fail = 0;
    ASSERT_EQ(1000u, poll_at(7000));     /* no retry by default */
    ASSERT_EQ(1, f.pub_calls);
    poll_at(8000);
    ASSERT_EQ(2, f.pub_calls);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(2u, st.fail_clock);
    ASSERT_EQ(1u, st.fail_token);
    ASSERT_EQ(3u, st.fail_serialize);
    ASSERT_EQ(1u, st.fail_publish);
    ASSERT_EQ(1u, st.sent);
    ASSERT_EQ(8u, st.attempts);
    ASSERT_EQ(st.attempts, st.sent + st.fail_clock + st.fail_token +
                           st.fail_serialize + st.fail_publish);
    ASSERT_EQ(0u, st.consecutive_failures);
    ASSERT_ERR(HB_OK, st.last_error);
    PASS();
}

/* The token never reaches the log callback, whatever happens. */
TEST token_never_logged(void)
{
    static const char secret[] = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.SECRETSIG";
    int round;
    cfg.retry_base_ms = 100;
    cfg.flags = HB_OPT_OFFLINE_ON_STOP | HB_OPT_HEALTH | HB_OPT_SEQ;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    f.token = secret;
    f.token_len = sizeof secret - 1;
    hb_start(&hb, 0);
    for (round = 0; round < 40; round++) {
        f.pub_fail = round % 3 == 0;
        f.clock_fail = round % 7 == 1;
        f.t.utc_offset_min = (int16_t)(round % 11 == 2 ? 1440 : 0);
        poll_at((uint32_t)round * 500u);
    }
    hb_stop(&hb, 99999);
    ASSERT(f.logs > 40);
    ASSERT(strstr(f.log_text, "SECRETSIG") == NULL);
    ASSERT(strstr(f.log_text, "eyJ") == NULL);
    ASSERT(strstr(f.last, "SECRETSIG") != NULL);   /* it did get published */
    PASS();
}

TEST buffer_exactly_sized(void)
{
    size_t len;
    hb_stats st;
    char exact[256];
    cfg.buf = exact;
    cfg.buf_size = sizeof exact;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    poll_at(1000);
    len = f.last_len;
    ASSERT_EQ(1, f.pub_calls);
    /* len + 1 bytes are enough, len are not */
    cfg.buf_size = len + 1;
    hb_init(&hb, &cfg);
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_EQ(2, f.pub_calls);
    cfg.buf_size = len;
    hb_init(&hb, &cfg);
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_EQ(2, f.pub_calls);   /* one byte short: nothing published */
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1u, st.fail_serialize);
    ASSERT_EQ(0u, st.sent);
    PASS();
}

/* hb_init takes the config as const and nothing writes it later: the
   defaults (status, token_user, retry_max_ms, expiry) are worked out by
   the service, also with HEARTBEAT_CONFIG_BY_REF, where the service reads
   the caller's config in place (a config in flash must work). */
TEST config_never_written(void)
{
    hb_config snap;
    hb_stats st;
    char will[512];
    size_t len;
    cfg.status = NULL;
    cfg.token_user = NULL;
    cfg.interval_ms = 10000;
    cfg.retry_base_ms = 3000;             /* retry_max_ms 0: interval / 2 */
    cfg.poll_gap_ms = 60000;
    cfg.flags = HB_OPT_SEQ | HB_OPT_UPTIME | HB_OPT_HEALTH | HB_OPT_OFFLINE_ON_STOP;
    memcpy(&snap, &cfg, sizeof cfg);
    ASSERT(hb_buf_size(&cfg, 16) > 0);
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    f.pub_fail = 1;
    ASSERT_EQ(3000u, poll_at(10000));     /* fails: retry after 3000, */
    ASSERT_EQ(5000u, poll_at(13000));     /* then 6000 capped at 5000, */
    ASSERT_EQ(2000u, poll_at(18000));     /* none past the next grid point */
    f.pub_fail = 0;
    ASSERT_ERR(HB_OK, hb_set_status(&hb, "busy"));
    ASSERT_ERR(HB_OK, hb_beat_now(&hb, 18100));
    ASSERT(strstr(f.last, "\"status\":\"busy\",") != NULL);
    ASSERT_ERR(HB_OK, hb_set_status(&hb, NULL));   /* back to the default */
    ASSERT_ERR(HB_OK, hb_beat_now(&hb, 18200));
    ASSERT(strstr(f.last, "\"status\":\"alive\",") != NULL);
    ASSERT_EQ(5, f.token_calls);          /* token_user NULL: the user fake */
    ASSERT_ERR(HB_OK, hb_offline_message(&hb, 18300, will, sizeof will, &len));
    hb_stop(&hb, 18400);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(3u, st.fail_publish);
    ASSERT_EQ(3u, st.sent);               /* two beats now, the offline beat */
    ASSERT(strstr(f.last, "\"status\":\"offline\",\"jwt_token\":\"tok.en.sig\",\"seq\":5,") != NULL);
    ASSERT_MEM_EQ(&snap, &cfg, sizeof cfg);
    PASS();
}

#ifndef HEARTBEAT_CONFIG_BY_REF
/* The default keeps the manual's promise: hb_init copies the config, so
   the caller may reuse or drop it right after. */
TEST config_copied_may_be_dropped(void)
{
    static hb_config mine;
    fake other;
    fake_config(&mine, &f, buf, sizeof buf);
    mine.device_id = "dev-copy";
    mine.topic = "devices/copy";
    ASSERT_ERR(HB_OK, hb_init(&hb, &mine));
    fake_config(&mine, &other, buf, sizeof buf);    /* reused for another */
    mine.interval_ms = 5;
    mine.device_id = "dev-other";
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    ASSERT_EQ(1000u, poll_at(0));
    ASSERT_EQ(1000u, poll_at(1000));
    ASSERT_EQ(1, f.pub_calls);
    ASSERT_EQ(0, other.pub_calls);
    ASSERT_STR_EQ("devices/copy", f.last_topic);
    ASSERT(strstr(f.last, "\"device_id\":\"dev-copy\"") != NULL);
    ASSERT(sizeof(hb_service) > sizeof(hb_config));
    PASS();
}
#else
/* HEARTBEAT_CONFIG_BY_REF: the service holds a pointer to the config and
   the few values of its idle path, not a copy; on 32-bit targets at most
   128 bytes (a compile-time check in the header, measured by make size). */
TEST config_by_ref_not_copied(void)
{
    ASSERT(sizeof(hb_service) < sizeof(hb_config) + sizeof(hb_stats));
    ASSERT(sizeof(void *) > 4 || sizeof(hb_service) <= 128);
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    ASSERT_EQ(1000u, poll_at(1000));
    ASSERT_EQ(1, f.pub_calls);
    PASS();
}
#endif

SUITE(service)
{
    GREATEST_SET_SETUP_CB(setup, NULL);
    RUN_TEST(default_message_bytes);
    RUN_TEST(no_token_callback_sends_empty);
    RUN_TEST(token_user_defaults_to_user);
    RUN_TEST(validation);
    RUN_TEST(misuse_never_crashes);
    RUN_TEST(million_beats_no_drift);
    RUN_TEST(late_polls_keep_grid);
    RUN_TEST(very_late_poll_one_beat);
    RUN_TEST(wrap_and_long_interval);
    RUN_TEST(random_polls_exact_wait);
    RUN_TEST(failures_counted_logged_nothing_sent);
    RUN_TEST(token_never_logged);
    RUN_TEST(buffer_exactly_sized);
    RUN_TEST(config_never_written);
#ifndef HEARTBEAT_CONFIG_BY_REF
    RUN_TEST(config_copied_may_be_dropped);
#else
    RUN_TEST(config_by_ref_not_copied);
#endif
}
