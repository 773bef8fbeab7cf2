/* tests/test_features.c — the options beyond the Go service, each pinned
   to its exact bytes and timing on simulated time. */
#include <stdio.h>
#include <string.h>
#include "heartbeat.h"
#include "greatest.h"
#include "fakes.h"

#define ASSERT_ERR(exp, got) ASSERT_ENUM_EQ((exp), (got), hb_strerror)

static fake f;
static hb_config cfg;
static hb_service hb;
static char buf[1024];

#define HEAD "{\"device_id\":\"dev-1\",\"timestamp\":\"2026-11-27T19:53:22.123456789Z\"," \
             "\"status\":\"alive\",\"jwt_token\":\"tok.en.sig\""

static void setup(void *unused)
{
    (void)unused;
    fake_config(&cfg, &f, buf, sizeof buf);
    memset(&hb, 0, sizeof hb);
}

static uint32_t poll_at(uint32_t now)
{
    f.now = now;
    return hb_poll(&hb, now);
}

TEST zero_options_are_go_identical(void)
{
    hb_config zero;
    memset(&zero, 0, sizeof zero);
    zero.topic = cfg.topic; zero.interval_ms = 1000; zero.device_id = "dev-1";
    zero.publish = fake_publish; zero.clock = fake_clock; zero.token = fake_token;
    zero.user = &f; zero.buf = buf; zero.buf_size = sizeof buf;
    ASSERT_ERR(HB_OK, hb_init(&hb, &zero));
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_STR_EQ(HEAD "}", f.last);
    PASS();
}

TEST retry_backoff_capped_before_grid(void)
{
    hb_stats st;
    cfg.interval_ms = 10000;
    cfg.retry_base_ms = 100;
    cfg.retry_max_ms = 400;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    f.pub_fail = 1;
    ASSERT_EQ(100u, poll_at(10000));     /* fail; retry in 100 */
    ASSERT_EQ(1u, poll_at(10099));
    ASSERT_EQ(200u, poll_at(10100));     /* fail; doubles */
    ASSERT_EQ(400u, poll_at(10300));     /* fail; 400 */
    ASSERT_EQ(400u, poll_at(10700));     /* fail; capped at 400 */
    hb_get_stats(&hb, &st);
    ASSERT_EQ(4u, st.consecutive_failures);
    ASSERT_EQ(3u, st.retries);
    ASSERT_EQ(4, f.pub_calls);
    /* the same instant twice: one attempt per poll at most */
    ASSERT_EQ(400u, poll_at(10700));
    ASSERT_EQ(4, f.pub_calls);
    /* retries keep going until one would reach the next grid point */
    {
        uint32_t now = 11100, w;
        while ((w = poll_at(now)) != 0 && now < 20000) {
            now += w;
            if (now >= 20000) break;
        }
        ASSERT_EQ(20000u, now);
    }
    hb_get_stats(&hb, &st);
    /* 10000, 10100, 10300, 10700, then every 400 from 11100 while the retry
       stays before 20000: 11100 .. 19900 is 23 more */
    ASSERT_EQ(4 + 23, f.pub_calls);
    ASSERT_EQ(4u + 23u, st.attempts);
    /* success resets the counter and the backoff; grid unmoved */
    f.pub_fail = 0;
    ASSERT_EQ(10000u, poll_at(20000));
    hb_get_stats(&hb, &st);
    ASSERT_EQ(0u, st.consecutive_failures);
    ASSERT_EQ(1u, st.sent);
    f.pub_fail = 1;
    ASSERT_EQ(100u, poll_at(30000));
    PASS();
}

TEST retry_never_when_next_grid_is_closer(void)
{
    cfg.interval_ms = 1000;
    cfg.retry_base_ms = 600;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    f.pub_fail = 1;
    ASSERT_EQ(600u, poll_at(1000));      /* retry at 1600 < 2000 */
    ASSERT_EQ(400u, poll_at(1600));      /* next 600 (cap 500 => 600) ≥ 2000: none */
    ASSERT_EQ(2, f.pub_calls);
    PASS();
}

TEST success_cancels_pending_retry(void)
{
    hb_stats st;
    cfg.interval_ms = 10000;
    cfg.retry_base_ms = 1000;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    f.pub_fail = 1;
    ASSERT_EQ(1000u, poll_at(10000));     /* failed: retry at 11000 */
    f.pub_fail = 0;
    ASSERT_ERR(HB_OK, hb_beat_now(&hb, 10500));
    ASSERT_EQ(9500u, poll_at(10500));     /* no retry left: next grid point */
    poll_at(11000);
    ASSERT_EQ(2, f.pub_calls);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(0u, st.retries);
    PASS();
}

/* From inside publish: the calls that would rebuild or reuse the buffer
   (or reset the service under its own feet) are refused. */
static int reentry_results[3];
static int publish_reenters(void *user, const char *topic, const char *payload,
                            size_t len, int qos)
{
    char will[256];
    size_t n;
    (void)topic; (void)payload; (void)len; (void)qos;
    reentry_results[0] = hb_start(&hb, 0);
    reentry_results[1] = hb_beat_now(&hb, 0);
    reentry_results[2] = hb_offline_message(&hb, 0, will, sizeof will, &n);
    return fake_publish(user, topic, payload, len, qos);
}

TEST reentry_refused_inside_callbacks(void)
{
    hb_stats st;
    cfg.publish = publish_reenters;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    ASSERT_EQ(1000u, poll_at(1000));
    ASSERT_ERR(HB_ERR_STATE, reentry_results[0]);
    ASSERT_ERR(HB_ERR_STATE, reentry_results[1]);
    ASSERT_ERR(HB_ERR_STATE, reentry_results[2]);
    ASSERT_EQ(1, f.pub_calls);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1u, st.sent);
    ASSERT_EQ(1u, st.attempts);
    ASSERT_EQ(1, hb_running(&hb));
    PASS();
}

TEST retry_config_refused(void)
{
    cfg.interval_ms = 1000;
    cfg.retry_base_ms = 1000;             /* not below the interval */
    ASSERT_ERR(HB_ERR_ARG, hb_init(&hb, &cfg));
    cfg.retry_base_ms = 100;
    cfg.retry_max_ms = 50;                /* below the base */
    ASSERT_ERR(HB_ERR_ARG, hb_init(&hb, &cfg));
    cfg.retry_max_ms = 1000;              /* an interval or more */
    ASSERT_ERR(HB_ERR_ARG, hb_init(&hb, &cfg));
    cfg.retry_max_ms = 0xF0000000u;
    ASSERT_ERR(HB_ERR_ARG, hb_init(&hb, &cfg));
    cfg.retry_max_ms = 999;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    PASS();
}

TEST retry_jitter_bounded(void)
{
    int i;
    cfg.interval_ms = 100000;
    cfg.retry_base_ms = 1000;
    cfg.retry_max_ms = 1000;
    cfg.rand = fake_rand;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    f.pub_fail = 1;
    {
        uint32_t now = 100000, w, lo = 0xFFFFFFFFu, hi = 0;
        for (i = 0; i < 60; i++) {
            w = poll_at(now);
            if (w < lo) lo = w;
            if (w > hi) hi = w;
            ASSERT(w >= 500u && w <= 1000u);   /* equal jitter: [b/2, b] */
            now += w;
        }
        ASSERT(hi > lo);   /* it does vary */
    }
    PASS();
}

TEST desync_phase_spreads_fleet(void)
{
    enum { IDS = 10000, BINS = 100 };
    static int bins[BINS];
    char id[48];
    int i, busiest = 0;
    cfg.interval_ms = 60000;
    cfg.flags = HB_OPT_DESYNC;
    memset(bins, 0, sizeof bins);
    for (i = 0; i < IDS; i++) {
        uint32_t w;
        snprintf(id, sizeof id, "sensor-%05d", i);
        cfg.device_id = id;
        ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
        hb_start(&hb, 0);
        w = hb_poll(&hb, 0);
        ASSERT(w >= 1u && w <= 60000u);
        bins[(w - 1u) * BINS / 60000u]++;
        /* and the grid keeps that phase: w + k * interval */
        ASSERT_EQ(60000u, hb_poll(&hb, w));
    }
    for (i = 0; i < BINS; i++) if (bins[i] > busiest) busiest = bins[i];
    /* the busiest 1% of the interval holds at most 3% of the beats */
    ASSERTm("busiest 1% bin too full", busiest <= IDS * 3 / 100);
    /* the same id always gets the same phase */
    cfg.device_id = "sensor-00042";
    hb_init(&hb, &cfg);
    hb_start(&hb, 0);
    {
        uint32_t a = hb_poll(&hb, 0);
        hb_stop(&hb, 0);
        hb_start(&hb, 0);
        ASSERT_EQ(a, hb_poll(&hb, 0));
    }
    PASS();
}

TEST jitter_bounded_grid_fixed(void)
{
    int i;
    uint32_t now = 0, w;
    cfg.interval_ms = 1000;
    cfg.jitter_ms = 200;
    cfg.rand = fake_rand;
    cfg.publish = fake_publish_rec;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    for (i = 0; i < 60; i++) {
        w = poll_at(now);
        now += w;
    }
    ASSERT(f.pub_calls >= 29);
    for (i = 0; i < f.pub_calls && i < FAKE_MAX_BEATS; i++) {
        uint32_t k = (uint32_t)i + 1u;   /* beat i belongs to grid point k */
        ASSERT(f.beat_at[i] >= k * 1000u && f.beat_at[i] <= k * 1000u + 200u);
    }
    /* jitter without rand, or not below the interval, is refused */
    cfg.rand = NULL;
    ASSERT_ERR(HB_ERR_ARG, hb_init(&hb, &cfg));
    cfg.rand = fake_rand;
    cfg.jitter_ms = 1000;
    ASSERT_ERR(HB_ERR_ARG, hb_init(&hb, &cfg));
    /* interval + jitter must stay below 2^31: the waits are signed 32-bit */
    cfg.interval_ms = 0x7FFFFFF0u;
    cfg.jitter_ms = 0x10u;
    ASSERT_ERR(HB_ERR_ARG, hb_init(&hb, &cfg));
    cfg.jitter_ms = 0xFu;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    {
        int before = f.pub_calls;
        uint32_t w = hb_poll(&hb, 0);
        ASSERT(w >= 0x7FFFFFF0u && w <= 0x7FFFFFFFu);
        ASSERT_EQ(before, f.pub_calls);   /* not due: the wait did not wrap */
    }
    PASS();
}

TEST immediate_and_beat_now(void)
{
    cfg.flags = HB_OPT_IMMEDIATE;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 500);
    ASSERT_EQ(1000u, poll_at(500));      /* sent now; the grid stays 1500 */
    ASSERT_EQ(1, f.pub_calls);
    ASSERT_EQ(1000u, poll_at(500));
    ASSERT_EQ(300u, poll_at(1200));
    ASSERT_ERR(HB_OK, hb_beat_now(&hb, 1200));
    ASSERT_EQ(2, f.pub_calls);
    ASSERT_EQ(300u, poll_at(1200));      /* the grid did not move */
    poll_at(1500);
    ASSERT_EQ(3, f.pub_calls);
    f.pub_fail = 1;
    ASSERT_ERR(HB_ERR_PUBLISH, hb_beat_now(&hb, 1600));
    hb_stop(&hb, 1700);
    ASSERT_ERR(HB_ERR_STATE, hb_beat_now(&hb, 1800));
    PASS();
}

TEST session_fields_exact(void)
{
    cfg.flags = HB_OPT_SEQ | HB_OPT_BOOT_ID | HB_OPT_UPTIME | HB_OPT_INTERVAL;
    cfg.boot_id = 17;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 100);
    poll_at(1100);
    ASSERT_STR_EQ(HEAD ",\"seq\":0,\"boot_id\":17,\"uptime_ms\":1000,\"interval_ms\":1000}", f.last);
    f.clock_fail = 1;
    poll_at(2100);                       /* attempt 1 fails: a gap in seq */
    f.clock_fail = 0;
    poll_at(3100);
    ASSERT_STR_EQ(HEAD ",\"seq\":2,\"boot_id\":17,\"uptime_ms\":3000,\"interval_ms\":1000}", f.last);
    cfg.boot_id_str = "boot-\"7\"";
    hb_init(&hb, &cfg);
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_STR_EQ(HEAD ",\"seq\":0,\"boot_id\":\"boot-\\\"7\\\"\",\"uptime_ms\":1000,\"interval_ms\":1000}", f.last);
    PASS();
}

TEST uptime_across_wrap(void)
{
    uint32_t now = 0xFFFFF000u, w;
    int i;
    char want[64];
    cfg.flags = HB_OPT_UPTIME;
    cfg.interval_ms = 0x40000000u;       /* 2^30: four beats per wrap */
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, now);
    for (i = 0; i < 10; i++) {
        w = poll_at(now);
        now += w;
    }
    poll_at(now);
    /* 10 intervals of 2^30 ms since start */
    snprintf(want, sizeof want, "\"uptime_ms\":%llu}",
             (unsigned long long)10u * 0x40000000ULL);
    ASSERT(strstr(f.last, want) != NULL);
    PASS();
}

TEST health_fields_exact(void)
{
    cfg.flags = HB_OPT_HEALTH;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_STR_EQ(HEAD ",\"publish_failures\":0,\"missed\":0,\"last_error\":0}", f.last);
    f.pub_fail = 1;
    poll_at(2000);
    f.pub_fail = 0;
    poll_at(5000);                        /* 3000, 4000 missed */
    ASSERT_STR_EQ(HEAD ",\"publish_failures\":1,\"missed\":2,\"last_error\":-4}", f.last);
    PASS();
}

TEST set_status_while_running(void)
{
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    ASSERT_ERR(HB_OK, hb_set_status(&hb, "degraded"));
    poll_at(1000);
    ASSERT(strstr(f.last, "\"status\":\"degraded\"") != NULL);
    ASSERT_ERR(HB_ERR_ARG, hb_set_status(&hb, ""));
    ASSERT_ERR(HB_ERR_ARG, hb_set_status(&hb, "\xff"));
    ASSERT_ERR(HB_ERR_ARG, hb_set_status(&hb, "123456789012345678901234567890123"));
    ASSERT(fake_find_log(&f, HB_MSG_CONFIG) >= 0);
    poll_at(2000);
    ASSERT(strstr(f.last, "\"status\":\"degraded\"") != NULL);
    ASSERT_ERR(HB_OK, hb_set_status(&hb, NULL));   /* back to the config's */
    poll_at(3000);
    ASSERT(strstr(f.last, "\"status\":\"alive\"") != NULL);
    PASS();
}

TEST offline_on_stop_and_will(void)
{
    char will[512];
    size_t n = 0;
    hb_stats st;
    cfg.flags = HB_OPT_OFFLINE_ON_STOP;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    /* the will can be built before start, for the MQTT CONNECT */
    ASSERT_ERR(HB_OK, hb_offline_message(&hb, 0, will, sizeof will, &n));
    ASSERT_STR_EQ("{\"device_id\":\"dev-1\",\"timestamp\":\"2026-11-27T19:53:22.123456789Z\","
                  "\"status\":\"offline\",\"jwt_token\":\"tok.en.sig\"}", will);
    ASSERT_EQ(strlen(will), n);
    ASSERT_EQ(0, f.pub_calls);
    {
        char small[20];
        ASSERT_ERR(HB_ERR_NOSPACE, hb_offline_message(&hb, 0, small, sizeof small, &n));
        ASSERT_EQ(0u, n);
        ASSERT_EQ('\0', small[0]);
    }
    hb_start(&hb, 0);
    poll_at(1000);
    hb_stop(&hb, 1500);
    ASSERT_EQ(2, f.pub_calls);
    ASSERT_STR_EQ(will, f.last);          /* same topic and format */
    ASSERT_STR_EQ("devices/hb", f.last_topic);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(2u, st.sent);
    hb_stop(&hb, 1600);                   /* idempotent: no second one */
    ASSERT_EQ(2, f.pub_calls);
    PASS();
}

static void add_fields(void *user, hb_json *w)
{
    (void)user;
    hb_json_key(w, "battery", 7);
    hb_json_uint(w, 87);
    hb_json_key(w, "rssi", 4);
    hb_json_int(w, -61);
}

static void bad_fields(void *user, hb_json *w)
{
    (void)user;
    hb_json_uint(w, 1);   /* a value without a key */
}

TEST custom_fields(void)
{
    hb_stats st;
    size_t need;
    cfg.fields = add_fields;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_STR_EQ(HEAD ",\"battery\":87,\"rssi\":-61}", f.last);
    /* overflow: a serialisation failure, nothing sent */
    need = strlen(f.last);
    cfg.buf_size = need;                  /* one byte short (NUL) */
    hb_init(&hb, &cfg);
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_EQ(1, f.pub_calls);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1u, st.fail_serialize);
    /* misuse inside the callback: also a serialisation failure */
    cfg.buf_size = sizeof buf;
    cfg.fields = bad_fields;
    hb_init(&hb, &cfg);
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_EQ(1, f.pub_calls);
    ASSERT_EQ(HB_ERR_STATE, f.log_err[fake_find_log(&f, HB_MSG_SERIALIZE)]);
    PASS();
}

TEST unsynced_clock_policy(void)
{
    hb_stats st;
    /* default: skip the beat */
    cfg.min_valid_sec = 1704067200;      /* 2024-01-01 */
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    f.t.sec = 5;                          /* an RTC that was never set */
    poll_at(1000);
    ASSERT_EQ(0, f.pub_calls);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1u, st.fail_clock);
    /* send anyway, without timestamp */
    cfg.flags = HB_OPT_SEND_UNSYNCED;
    hb_init(&hb, &cfg);
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_STR_EQ("{\"device_id\":\"dev-1\",\"clock_synced\":false,"
                  "\"status\":\"alive\",\"jwt_token\":\"tok.en.sig\"}", f.last);
    f.clock_fail = 1;
    poll_at(2000);
    ASSERT_EQ(2, f.pub_calls);
    ASSERT(strstr(f.last, "1970") == NULL);
    f.clock_fail = 0;
    f.t.sec = 1795809202;
    poll_at(3000);
    ASSERT_STR_EQ(HEAD "}", f.last);
    cfg.min_valid_sec = -1;
    ASSERT_ERR(HB_ERR_ARG, hb_init(&hb, &cfg));
    PASS();
}

TEST buf_size_query(void)
{
    static char tok[188];
    size_t need;
    memset(tok, 'x', sizeof tok);
    cfg.flags = HB_OPT_SEQ | HB_OPT_BOOT_ID | HB_OPT_UPTIME | HB_OPT_INTERVAL |
                HB_OPT_HEALTH;
    cfg.device_id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    need = hb_buf_size(&cfg, sizeof tok);
    cfg.fields = add_fields;
    /* the custom fields count, byte for byte */
    ASSERT_EQ(need + strlen(",\"battery\":87,\"rssi\":-61"),
              hb_buf_size(&cfg, sizeof tok));
    need = hb_buf_size(&cfg, sizeof tok);
    ASSERT(need > 0);
    cfg.buf_size = need;
    f.token = tok;
    f.token_len = sizeof tok;
    f.t.sec = 253402300799LL - 1439 * 60;   /* the widest timestamp */
    f.t.nsec = 999999999u;
    f.t.utc_offset_min = 1439;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_EQ(1, f.pub_calls);
    ASSERT(f.last_len + 1 <= need);
    ASSERT(strstr(f.last, ",\"battery\":87,\"rssi\":-61}") != NULL);
    ASSERT_EQ(0u, hb_buf_size(NULL, 10));
    PASS();
}

SUITE(features)
{
    GREATEST_SET_SETUP_CB(setup, NULL);
    RUN_TEST(zero_options_are_go_identical);
    RUN_TEST(retry_backoff_capped_before_grid);
    RUN_TEST(retry_never_when_next_grid_is_closer);
    RUN_TEST(success_cancels_pending_retry);
    RUN_TEST(reentry_refused_inside_callbacks);
    RUN_TEST(retry_config_refused);
    RUN_TEST(retry_jitter_bounded);
    RUN_TEST(desync_phase_spreads_fleet);
    RUN_TEST(jitter_bounded_grid_fixed);
    RUN_TEST(immediate_and_beat_now);
    RUN_TEST(session_fields_exact);
    RUN_TEST(uptime_across_wrap);
    RUN_TEST(health_fields_exact);
    RUN_TEST(set_status_while_running);
    RUN_TEST(offline_on_stop_and_will);
    RUN_TEST(custom_fields);
    RUN_TEST(unsynced_clock_policy);
    RUN_TEST(buf_size_query);
}
