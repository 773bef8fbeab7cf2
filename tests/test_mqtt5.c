/* tests/test_mqtt5.c — MQTT 5 beat properties (hb_beat_props_get), the
   reconnect backoff (hb_backoff_*) and the poll-gap (keep-alive
   starvation) counter, on simulated time. */
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

/* What the publish callback saw through hb_beat_props_get. */
static struct {
    int           calls;
    int           had_props;
    hb_beat_props p;
    char          ct[64];
    char          status[16];
} seen;

static int props_publish(void *user, const char *topic, const char *payload,
                         size_t len, int qos)
{
    const hb_beat_props *p = hb_beat_props_get(&hb);
    const char *st;
    seen.calls++;
    seen.had_props = p != NULL;
    if (p != NULL) {
        seen.p = *p;
        snprintf(seen.ct, sizeof seen.ct, "%s", p->content_type);
    }
    st = strstr(payload, "\"status\":\"");
    if (st != NULL) {
        size_t k = 0;
        st += 10;
        while (st[k] != '"' && k + 1 < sizeof seen.status) {
            seen.status[k] = st[k];
            k++;
        }
        seen.status[k] = '\0';
    }
    return fake_publish(user, topic, payload, len, qos);
}

static void setup(void *unused)
{
    (void)unused;
    fake_config(&cfg, &f, buf, sizeof buf);
    cfg.publish = props_publish;
    memset(&hb, 0, sizeof hb);
    memset(&seen, 0, sizeof seen);
}

static uint32_t poll_at(uint32_t now)
{
    f.now = now;
    return hb_poll(&hb, now);
}

/* ---- properties ------------------------------------------------------- */

TEST props_null_outside_publish(void)
{
    ASSERT_EQ(NULL, hb_beat_props_get(NULL));
    ASSERT_EQ(NULL, hb_beat_props_get(&hb));       /* not initialised */
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_EQ(NULL, hb_beat_props_get(&hb));
    hb_start(&hb, 0);
    ASSERT_EQ(NULL, hb_beat_props_get(&hb));
    poll_at(1000);
    ASSERT_EQ(1, seen.calls);
    ASSERT_EQ(1, seen.had_props);
    ASSERT_EQ(NULL, hb_beat_props_get(&hb));       /* after the call */
    /* a failed publish clears them too */
    f.pub_fail = 1;
    poll_at(2000);
    ASSERT_EQ(2, seen.calls);
    ASSERT_EQ(1, seen.had_props);
    ASSERT_EQ(NULL, hb_beat_props_get(&hb));
    PASS();
}

TEST props_defaults(void)
{
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_EQ(1, seen.had_props);
    ASSERT_EQ(2u, seen.p.expiry_s);                /* ceil(1.5 * 1 s) */
    ASSERT_STR_EQ("application/json", seen.ct);
    ASSERT_EQ(1, seen.p.payload_format);
    ASSERT_EQ(NULL, seen.p.user_props);
    ASSERT_EQ(0u, seen.p.n_user_props);
    PASS();
}

/* ceil(1.5 * interval_ms / 1000) for intervals around each rounding edge,
   against a 64-bit reference. */
TEST props_default_expiry_is_ceil_one_and_a_half_intervals(void)
{
    static const uint32_t iv[] = { 1, 2, 666, 667, 999, 1000, 1001, 1333, 1334,
                                   1999, 2000, 2001, 30000, 59999, 60000,
                                   3600000, 0x7FFFFFFEu, 0x7FFFFFFFu };
    size_t i;
    for (i = 0; i < sizeof iv / sizeof iv[0]; i++) {
        uint64_t want = ((uint64_t)iv[i] * 3u + 1999u) / 2000u;
        if (want == 0) want = 1;
        setup(NULL);
        cfg.interval_ms = iv[i];
        ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
        hb_start(&hb, 0);
        poll_at(iv[i]);
        ASSERT_EQ(1, seen.had_props);
        if ((uint64_t)seen.p.expiry_s != want) {
            fprintf(stderr, "interval %u: expiry %u, want %u\n", (unsigned)iv[i],
                    (unsigned)seen.p.expiry_s, (unsigned)want);
            FAIL();
        }
    }
    PASS();
}

TEST props_expiry_explicit_and_none(void)
{
    cfg.expiry_s = 7;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_EQ(7u, seen.p.expiry_s);
    setup(NULL);
    cfg.expiry_s = HB_EXPIRY_NONE;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_EQ(1, seen.had_props);
    ASSERT_EQ(0u, seen.p.expiry_s);                /* 0 = no expiry */
    PASS();
}

TEST props_content_type_and_user_props(void)
{
    static const hb_user_prop up[2] = { { "kind", "heartbeat", 9 },
                                        { "empty", NULL, 0 } };
    cfg.content_type = "application/jwt";
    cfg.user_props = up;
    cfg.n_user_props = 2;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    poll_at(1000);
    ASSERT_STR_EQ("application/jwt", seen.ct);
    ASSERT_EQ(up, seen.p.user_props);
    ASSERT_EQ(2u, seen.p.n_user_props);
    ASSERT_STR_EQ("kind", seen.p.user_props[0].key);
    ASSERT_EQ(9u, seen.p.user_props[0].value_len);
    ASSERT_MEM_EQ("heartbeat", seen.p.user_props[0].value, 9);
    PASS();
}

TEST props_bad_config_refused(void)
{
    static const hb_user_prop bad_utf8[1] = { { "k", "\xff", 1 } };
    static const hb_user_prop null_key[1] = { { NULL, "v", 1 } };
    static const hb_user_prop null_val[1] = { { "k", NULL, 3 } };
    static const hb_user_prop empty_key[1] = { { "", "v", 1 } };
    static const hb_user_prop nul_in_val[1] = { { "k", "a\0b", 3 } };
    static hb_user_prop many[256];
    size_t i;
    struct { const char *ct; const hb_user_prop *up; size_t n; uint32_t gap; } c[] = {
        { "", NULL, 0, 0 },
        { "bad\xc3", NULL, 0, 0 },
        { NULL, NULL, 1, 0 },
        { NULL, bad_utf8, 1, 0 },
        { NULL, null_key, 1, 0 },
        { NULL, null_val, 1, 0 },
        { NULL, empty_key, 1, 0 },
        { NULL, nul_in_val, 1, 0 },
        { NULL, many, 256, 0 },
        { NULL, NULL, 0, 0x80000000u },
    };
    for (i = 0; i < 256; i++) { many[i].key = "k"; many[i].value = "v"; many[i].value_len = 1; }
    for (i = 0; i < sizeof c / sizeof c[0]; i++) {
        setup(NULL);
        cfg.content_type = c[i].ct;
        cfg.user_props = c[i].up;
        cfg.n_user_props = c[i].n;
        cfg.poll_gap_ms = c[i].gap;
        ASSERT_ERR(HB_ERR_ARG, hb_init(&hb, &cfg));
        ASSERT(fake_find_log(&f, HB_MSG_CONFIG) >= 0);
    }
    /* the same limits, just inside */
    setup(NULL);
    cfg.user_props = many;
    cfg.n_user_props = 255;
    cfg.poll_gap_ms = 0x7FFFFFFFu;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    PASS();
}

TEST props_for_offline_message_until_next_beat(void)
{
    char will[512];
    size_t len = 0;
    const hb_beat_props *p;
    cfg.expiry_s = 30;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_offline_message(&hb, 0, will, sizeof will, &len));
    p = hb_beat_props_get(&hb);
    ASSERT(p != NULL);
    ASSERT_EQ(30u, p->expiry_s);
    ASSERT_STR_EQ("application/json", p->content_type);
    ASSERT_EQ(1, p->payload_format);
    hb_start(&hb, 0);                              /* a new run: gone */
    ASSERT_EQ(NULL, hb_beat_props_get(&hb));
    ASSERT_ERR(HB_OK, hb_offline_message(&hb, 0, will, sizeof will, &len));
    ASSERT(hb_beat_props_get(&hb) != NULL);
    poll_at(1000);                                 /* the next beat: gone */
    ASSERT_EQ(NULL, hb_beat_props_get(&hb));
    /* a failed build leaves none */
    ASSERT_ERR(HB_ERR_NOSPACE, hb_offline_message(&hb, 0, will, 8, &len));
    ASSERT_EQ(NULL, hb_beat_props_get(&hb));
    PASS();
}

/* hb_stop without an offline beat attempts nothing: the properties of
   hb_offline_message stay; hb_init on the used service forgets them. */
TEST props_survive_stop_and_init_forgets_them(void)
{
    char will[512];
    size_t len = 0;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    ASSERT_ERR(HB_OK, hb_offline_message(&hb, 0, will, sizeof will, &len));
    ASSERT(hb_beat_props_get(&hb) != NULL);
    hb_stop(&hb, 10);
    ASSERT_EQ(0, seen.calls);
    ASSERT(hb_beat_props_get(&hb) != NULL);
    ASSERT_EQ(1, hb_beat_props_get(&hb)->payload_format);
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_EQ(NULL, hb_beat_props_get(&hb));
    PASS();
}

/* The rarely set fields (custom fields, min_valid_sec, poll_gap_ms), each
   set alone, take effect; hb_init of the same service with none of them
   forgets them all. */
static int rare_fields_calls;
static void rare_fields(void *user, hb_json *w)
{
    (void)user;
    rare_fields_calls++;
    (void)hb_json_key(w, "rare", 4);
    (void)hb_json_uint(w, 7);
}

TEST rare_fields_each_alone_then_forgotten(void)
{
    hb_stats st;
    int which;
    for (which = 0; which < 3; which++) {
        setup(NULL);
        rare_fields_calls = 0;
        f.clock_follows_now = 1;
        f.t.sec = 1700000000;
        if (which == 0) cfg.fields = rare_fields;
        if (which == 1) cfg.min_valid_sec = 1800000000;    /* the clock is below */
        if (which == 2) cfg.poll_gap_ms = 100;
        ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
        ASSERT_ERR(HB_OK, hb_start(&hb, 0));
        (void)poll_at(1000);
        ASSERT_ERR(HB_OK, hb_get_stats(&hb, &st));
        ASSERT_EQ(1u, st.attempts);
        ASSERT_EQ(which == 0 ? 1 : 0, rare_fields_calls);
        ASSERT(which != 0 || strstr(f.last, ",\"rare\":7}") != NULL);
        ASSERT_EQ(which == 1 ? 1u : 0u, st.fail_clock);
        ASSERT_EQ(which == 2 ? 1u : 0u, st.poll_gaps);
        /* the same service, a config without them */
        cfg.fields = NULL;
        cfg.min_valid_sec = 0;
        cfg.poll_gap_ms = 0;
        ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
        ASSERT_ERR(HB_OK, hb_start(&hb, 1000));
        (void)poll_at(2000);
        ASSERT_ERR(HB_OK, hb_get_stats(&hb, &st));
        ASSERT_EQ(1u, st.attempts);
        ASSERT_EQ(1u, st.sent);
        ASSERT_EQ(0u, st.poll_gaps);
        ASSERT_EQ(which == 0 ? 1 : 0, rare_fields_calls);
        ASSERT(strstr(f.last, "\"rare\"") == NULL);
    }
    PASS();
}

TEST props_on_offline_beat_from_stop(void)
{
    cfg.flags = HB_OPT_OFFLINE_ON_STOP;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    hb_stop(&hb, 500);
    ASSERT_EQ(1, seen.calls);
    ASSERT_STR_EQ("offline", seen.status);
    ASSERT_EQ(1, seen.had_props);
    ASSERT_EQ(2u, seen.p.expiry_s);
    ASSERT_EQ(NULL, hb_beat_props_get(&hb));
    PASS();
}

/* ---- keep-alive starvation: the poll gap ------------------------------- */

TEST poll_gap_twice_the_limit_counts_and_warns(void)
{
    hb_stats st;
    int i;
    cfg.interval_ms = 10000;
    cfg.poll_gap_ms = 500;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    poll_at(500);                                  /* = the limit: fine */
    poll_at(900);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(0u, st.poll_gaps);
    ASSERT_EQ(-1, fake_find_log(&f, HB_MSG_POLL_GAP));
    poll_at(900 + 1000);                           /* twice the limit */
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1u, st.poll_gaps);
    ASSERT_EQ(1000u, st.max_poll_gap_ms);
    i = fake_find_log(&f, HB_MSG_POLL_GAP);
    ASSERT(i >= 0);
    ASSERT_EQ(HB_LOG_WARN, f.log_level[i]);
    poll_at(2000);
    poll_at(2000);                                 /* same tick: no gap */
    poll_at(3000);                                 /* twice again */
    hb_get_stats(&hb, &st);
    ASSERT_EQ(2u, st.poll_gaps);
    ASSERT_EQ(1000u, st.max_poll_gap_ms);
    ASSERT_EQ(0u, st.attempts);                    /* no beat was due */
    /* hb_start starts afresh: counters and the reference tick */
    hb_stop(&hb, 3000);
    hb_start(&hb, 50000);
    poll_at(50400);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(0u, st.poll_gaps);
    ASSERT_EQ(400u, st.max_poll_gap_ms);
    PASS();
}

TEST poll_gap_first_poll_counts_from_start_and_wraps(void)
{
    hb_stats st;
    uint32_t t0 = 0xFFFFFF00u;
    cfg.interval_ms = 60000;
    cfg.poll_gap_ms = 1000;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, t0);
    poll_at(t0 + 2000u);                           /* across the wrap */
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1u, st.poll_gaps);
    ASSERT_EQ(2000u, st.max_poll_gap_ms);
    PASS();
}

TEST poll_gap_off_by_default(void)
{
    hb_stats st;
    cfg.interval_ms = 10000;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    poll_at(9000);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(0u, st.poll_gaps);
    ASSERT_EQ(0u, st.max_poll_gap_ms);
    ASSERT_EQ(-1, fake_find_log(&f, HB_MSG_POLL_GAP));
    PASS();
}

TEST poll_gap_with_late_beat_sends_once(void)
{
    hb_stats st;
    cfg.poll_gap_ms = 500;                         /* interval 1000 */
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    hb_start(&hb, 0);
    ASSERT_EQ(1000u, poll_at(2000));               /* late: one beat */
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1u, st.poll_gaps);
    ASSERT_EQ(1u, st.sent);
    ASSERT_EQ(1u, st.missed);
    PASS();
}

TEST poll_gap_log_reentry_no_double_count(void)
{
    hb_stats st;
    cfg.interval_ms = 10000;
    cfg.poll_gap_ms = 100;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    f.reenter = &hb;
    f.reenter_poll = 1;
    hb_start(&hb, 0);
    poll_at(200);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1u, st.poll_gaps);
    /* and a log callback that stops the service stops it */
    f.reenter_poll = 0;
    f.reenter_stop = 1;
    ASSERT_EQ(HB_POLL_IDLE, poll_at(400));
    ASSERT_EQ(0, hb_running(&hb));
    PASS();
}

/* ---- hb_backoff ---------------------------------------------------------- */

TEST backoff_init_validates(void)
{
    hb_backoff b;
    ASSERT_ERR(HB_ERR_ARG, hb_backoff_init(NULL, 100, 800, 1000, "d", 1));
    ASSERT_ERR(HB_ERR_ARG, hb_backoff_init(&b, 0, 800, 1000, "d", 1));
    ASSERT_ERR(HB_ERR_ARG, hb_backoff_init(&b, 900, 800, 1000, "d", 1));
    ASSERT_ERR(HB_ERR_ARG, hb_backoff_init(&b, 100, 0x80000000u, 1000, "d", 1));
    ASSERT_ERR(HB_ERR_ARG, hb_backoff_init(&b, 100, 800, 0x80000000u, "d", 1));
    ASSERT_ERR(HB_OK, hb_backoff_init(&b, 1, 1, 0, NULL, 0));
    ASSERT_ERR(HB_OK, hb_backoff_init(&b, 100, 0x7FFFFFFFu, 0x7FFFFFFFu, "d", 1));
    /* misuse: zeroed or NULL state answers 0 and does not crash */
    memset(&b, 0, sizeof b);
    ASSERT_EQ(0u, hb_backoff_next(&b, 0));
    ASSERT_EQ(0u, hb_backoff_next(NULL, 0));
    hb_backoff_connected(NULL, 0);
    hb_backoff_reset(NULL);
    ASSERT_EQ(0u, hb_backoff_failures(NULL));
    PASS();
}

/* d0 in [base, 2 base), then d0, 2 d0, 4 d0 ... capped: the k-th retry
   comes d0 * 2^k after the loss. */
TEST backoff_doubles_from_a_random_first_delay(void)
{
    hb_backoff b;
    uint32_t seed, k, d0, want;
    for (seed = 0; seed < 200; seed++) {
        ASSERT_ERR(HB_OK, hb_backoff_init(&b, 100, 1600, 1000, "dev-1", seed));
        d0 = hb_backoff_next(&b, 0);
        ASSERT(d0 >= 100 && d0 < 200);
        ASSERT_EQ(1u, hb_backoff_failures(&b));
        want = d0;
        for (k = 1; k < 10; k++) {
            uint32_t d = hb_backoff_next(&b, k * 1000u);
            ASSERT_EQ(want, d);
            ASSERT_EQ(k + 1u, hb_backoff_failures(&b));
            want = want * 2 > 1600 ? 1600 : want * 2;
        }
    }
    PASS();
}

TEST backoff_near_max_does_not_overflow(void)
{
    hb_backoff b;
    int k;
    ASSERT_ERR(HB_OK, hb_backoff_init(&b, 0x40000001u, 0x7FFFFFFFu, 0, "x", 3));
    for (k = 0; k < 5; k++) {
        uint32_t d = hb_backoff_next(&b, 0);
        ASSERT(d >= 0x40000001u && d <= 0x7FFFFFFFu);
    }
    ASSERT_ERR(HB_OK, hb_backoff_init(&b, 1, 1, 0, "x", 3));
    ASSERT_EQ(1u, hb_backoff_next(&b, 0));          /* never 0 */
    ASSERT_EQ(1u, hb_backoff_next(&b, 0));
    ASSERT_ERR(HB_OK, hb_backoff_init(&b, 300, 400, 0, "x", 3));
    for (k = 0; k < 50; k++) {                       /* d0 capped too */
        uint32_t d = hb_backoff_next(&b, 0);
        ASSERT(d >= 300 && d <= 400);
        hb_backoff_reset(&b);
    }
    PASS();
}

/* The first retry is jittered: 1000 devices that lost the broker at the
   same tick spread over [base, 2 base), log-uniformly (half below
   base * sqrt 2). */
TEST backoff_first_retry_jittered_across_devices(void)
{
    static uint8_t hit[2001];
    hb_backoff b;
    char id[16];
    uint32_t lo = 0xFFFFFFFFu, hi = 0, distinct = 0, below = 0, i;
    memset(hit, 0, sizeof hit);
    for (i = 0; i < 1000; i++) {
        uint32_t d;
        snprintf(id, sizeof id, "dev-%u", (unsigned)i);
        ASSERT_ERR(HB_OK, hb_backoff_init(&b, 1000, 30000, 5000, id, 42));
        d = hb_backoff_next(&b, 12345);
        ASSERT(d >= 1000 && d < 2000);
        if (d < lo) lo = d;
        if (d > hi) hi = d;
        if (!hit[d]) { hit[d] = 1; distinct++; }
        below += d < 1414;
    }
    ASSERT(lo < 1050);
    ASSERT(hi > 1900);
    ASSERT(distinct > 350);      /* 1000 draws over ~1000 values */
    ASSERT(below > 440 && below < 560);
    PASS();
}

/* Scale-free: however long the broker is away (T), every device's next
   attempt after its return falls in [T, 2T), and the fleet fills that
   window without a spike at its start. */
TEST backoff_broker_back_at_any_time_means_next_attempt_within_double(void)
{
    static const uint32_t ts[] = { 2500, 7000, 20000, 50000 };
    size_t j;
    for (j = 0; j < sizeof ts / sizeof ts[0]; j++) {
        uint32_t T = ts[j], first_quarter = 0, i;
        for (i = 0; i < 2000; i++) {
            hb_backoff b;
            char id[16];
            uint32_t t = 0;
            snprintf(id, sizeof id, "d%u", (unsigned)i);
            ASSERT_ERR(HB_OK, hb_backoff_init(&b, 1000, 1000000, 0, id, 0));
            while (t < T) t += hb_backoff_next(&b, t);
            ASSERT(t >= T && t < 2 * T);
            first_quarter += t < T + T / 4;
        }
        /* log-uniform: log2(1.25) = 32 % in the first quarter (flat: 25 %,
           a spike at T: more than half) */
        ASSERT(first_quarter > 560 && first_quarter < 730);
    }
    PASS();
}

TEST backoff_seeded_per_device(void)
{
    hb_backoff a, b, c;
    int k, same_ac = 0;
    ASSERT_ERR(HB_OK, hb_backoff_init(&a, 1000, 64000, 0, "dev-1", 7));
    ASSERT_ERR(HB_OK, hb_backoff_init(&b, 1000, 64000, 0, "dev-1", 7));
    ASSERT_ERR(HB_OK, hb_backoff_init(&c, 1000, 64000, 0, "dev-2", 7));
    for (k = 0; k < 5; k++) {       /* five outages: a new d0 each */
        uint32_t da = hb_backoff_next(&a, 0), dc = hb_backoff_next(&c, 0);
        ASSERT_EQ(da, hb_backoff_next(&b, 0));     /* same id and seed */
        same_ac += da == dc;
        hb_backoff_reset(&a); hb_backoff_reset(&b); hb_backoff_reset(&c);
    }
    ASSERT(same_ac < 2);
    /* the same id with another seed differs too */
    ASSERT_ERR(HB_OK, hb_backoff_init(&a, 1000, 64000, 0, "dev-1", 7));
    ASSERT_ERR(HB_OK, hb_backoff_init(&b, 1000, 64000, 0, "dev-1", 8));
    same_ac = 0;
    for (k = 0; k < 5; k++) {
        same_ac += hb_backoff_next(&a, 0) == hb_backoff_next(&b, 0);
        hb_backoff_reset(&a); hb_backoff_reset(&b);
    }
    ASSERT(same_ac < 2);
    PASS();
}

/* A broker that kicks the client right after CONNACK: the backoff keeps
   growing; only a session that stayed up for stable_ms resets it. */
TEST backoff_reset_only_after_stable_session(void)
{
    hb_backoff b;
    uint32_t t = 0xFFFFF000u, d, d0;  /* across the tick wrap */
    int k;
    ASSERT_ERR(HB_OK, hb_backoff_init(&b, 100, 6400, 1000, "dev-1", 1));
    d0 = hb_backoff_next(&b, t);
    ASSERT(d0 >= 100 && d0 < 200);
    t += d0;
    for (k = 0; k < 3; k++) {          /* d0, 2 d0, 4 d0 */
        hb_backoff_connected(&b, t);
        t += 999;                      /* kicked just before stable_ms */
        d = hb_backoff_next(&b, t);
        ASSERT_EQ(d0 << k, d);
        t += d;
    }
    ASSERT_EQ(4u, hb_backoff_failures(&b));
    hb_backoff_connected(&b, t);
    t += 1000;                         /* stayed up for stable_ms */
    d = hb_backoff_next(&b, t);
    ASSERT(d >= 100 && d < 200);       /* reset: a new first delay */
    ASSERT_EQ(1u, hb_backoff_failures(&b));
    /* failures without a connect in between never reset */
    ASSERT_EQ(d, hb_backoff_next(&b, t + 100000u));
    ASSERT_EQ(2 * d, hb_backoff_next(&b, t + 200000u));
    /* a tick that went back counts as a short session */
    hb_backoff_connected(&b, t + 500000u);
    ASSERT_EQ(4 * d, hb_backoff_next(&b, t + 300000u));
    hb_backoff_reset(&b);
    ASSERT_EQ(0u, hb_backoff_failures(&b));
    d = hb_backoff_next(&b, t);
    ASSERT(d >= 100 && d < 200);
    PASS();
}

SUITE(mqtt5)
{
    SET_SETUP(setup, NULL);
    RUN_TEST(props_null_outside_publish);
    RUN_TEST(props_defaults);
    RUN_TEST(props_default_expiry_is_ceil_one_and_a_half_intervals);
    RUN_TEST(props_expiry_explicit_and_none);
    RUN_TEST(props_content_type_and_user_props);
    RUN_TEST(props_bad_config_refused);
    RUN_TEST(props_for_offline_message_until_next_beat);
    RUN_TEST(props_on_offline_beat_from_stop);
    RUN_TEST(props_survive_stop_and_init_forgets_them);
    RUN_TEST(rare_fields_each_alone_then_forgotten);
    RUN_TEST(poll_gap_twice_the_limit_counts_and_warns);
    RUN_TEST(poll_gap_first_poll_counts_from_start_and_wraps);
    RUN_TEST(poll_gap_off_by_default);
    RUN_TEST(poll_gap_with_late_beat_sends_once);
    RUN_TEST(poll_gap_log_reentry_no_double_count);
    RUN_TEST(backoff_init_validates);
    RUN_TEST(backoff_doubles_from_a_random_first_delay);
    RUN_TEST(backoff_near_max_does_not_overflow);
    RUN_TEST(backoff_first_retry_jittered_across_devices);
    RUN_TEST(backoff_broker_back_at_any_time_means_next_attempt_within_double);
    RUN_TEST(backoff_seeded_per_device);
    RUN_TEST(backoff_reset_only_after_stable_session);
}
