/* tests/test_faults.c — fault injection: a publish that fails every Nth
   call, in bursts, or succeeds slowly; a token source that fails and
   recovers; a wall clock that jumps back, forward by days, or answers
   nonsense; callbacks that re-enter the service. After each, every attempt
   is accounted for: attempts == sent + fail_clock + fail_token +
   fail_serialize + fail_publish. */
#include <string.h>
#include "heartbeat.h"
#include "greatest.h"
#include "fault_fakes.h"

#define ASSERT_ERR(exp, got) ASSERT_ENUM_EQ((exp), (got), hb_strerror)

/* Every attempt ended as exactly one of sent or a failure. */
#define ASSERT_ACCOUNTED()                                                    \
    do {                                                                      \
        hb_stats acc_;                                                        \
        ASSERT_ERR(HB_OK, hb_get_stats(&hb, &acc_));                          \
        ASSERT_EQ(acc_.attempts, acc_.sent + acc_.fail_clock +                \
                                 acc_.fail_token + acc_.fail_serialize +      \
                                 acc_.fail_publish);                          \
    } while (0)

#define T0 1795809202   /* 2026-11-27T19:53:22Z */

static fault_fake X;
static hb_config cfg;
static hb_service hb;
static char buf[512];

static void setup(void *unused)
{
    (void)unused;
    fault_config(&cfg, &X, &hb, buf, sizeof buf);
    memset(&hb, 0xA5, sizeof hb);
}

/* A caller that sleeps until the deadline hb_poll answers: the answer
   counts from the now_ms passed in, so the deadline is that tick plus the
   answer, however long the callbacks took (X.f.now moves during a slow
   publish); when the deadline has passed already it polls at once. Polls
   while X.f.now < end. Returns the number of polls; *max_wait gets the
   largest answer. */
static int run_until(uint32_t end, uint32_t *max_wait)
{
    int polls = 0;
    if (max_wait != NULL) *max_wait = 0;
    while ((int32_t)(X.f.now - end) < 0 && polls < 1000000) {
        uint32_t t = X.f.now, w = hb_poll(&hb, t);
        polls++;
        if (w == HB_POLL_IDLE) break;
        if (max_wait != NULL && w > *max_wait) *max_wait = w;
        if ((int32_t)(t + w - X.f.now) > 0) X.f.now = t + w;
    }
    return polls;
}

/* A naive caller: sleeps what hb_poll answered, counted from when the poll
   returned. */
static void run_naive(uint32_t end)
{
    while ((int32_t)(X.f.now - end) < 0) {
        uint32_t w = hb_poll(&hb, X.f.now);
        if (w == HB_POLL_IDLE) break;
        X.f.now += w;
    }
}

static hb_stats stats(void)
{
    hb_stats st;
    memset(&st, 0, sizeof st);
    (void)hb_get_stats(&hb, &st);
    return st;
}

static int count_logs(const char *msg, int err)
{
    int i, n = 0, max = X.f.logs < FAKE_MAX_LOGS ? X.f.logs : FAKE_MAX_LOGS;
    for (i = 0; i < max; i++)
        if (strcmp(X.f.log_msg[i], msg) == 0 && X.f.log_err[i] == err) n++;
    return n;
}

static hb_time at(int64_t sec, uint32_t nsec, int16_t off)
{
    hb_time t;
    t.sec = sec;
    t.nsec = nsec;
    t.utc_offset_min = off;
    return t;
}

/* ---- publish --------------------------------------------------------------- */

TEST publish_fails_every_nth(void)
{
    hb_stats st;
    X.f.pub_fail_every = 3;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(30001, NULL);
    st = stats();
    ASSERT_EQ(30u, st.attempts);
    ASSERT_EQ(20u, st.sent);
    ASSERT_EQ(10u, st.fail_publish);
    ASSERT_EQ(1u, st.consecutive_failures);    /* call 30 failed */
    ASSERT_ERR(HB_ERR_PUBLISH, st.last_error);
    ASSERT_EQ(30, X.f.pub_calls);
    /* no failure moved the grid: every sent beat is on it */
    ASSERT_EQ(1000u, X.f.beat_at[0]);
    ASSERT_EQ(5000u, X.f.beat_at[4]);
    ASSERT_EQ(10, count_logs(HB_MSG_PUBLISH, HB_ERR_PUBLISH));
    ASSERT_ACCOUNTED();
    PASS();
}

TEST publish_fails_in_bursts_with_retry(void)
{
    hb_stats st;
    X.burst_from[0] = 2;        /* calls 2..6 fail */
    X.burst_to[0] = 7;
    X.bursts = 1;
    cfg.retry_base_ms = 100;
    cfg.retry_max_ms = 400;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(10001, NULL);
    st = stats();
    /* 3000 fails; retries at 3100, 3300 (200), 3700 (400) fail; the next
       (4100, capped at 400) would pass the 4000 grid point, so 4000 is the
       next attempt: fails (the 5th in a row, the delay stays at the cap),
       and the retry at 4400 succeeds. */
    ASSERT_EQ(10u + 4u, st.attempts);
    ASSERT_EQ(4u, st.retries);
    ASSERT_EQ(5u, st.fail_publish);
    ASSERT_EQ(9u, st.sent);
    ASSERT_EQ(0u, st.consecutive_failures);
    ASSERT_ERR(HB_OK, st.last_error);
    ASSERT_EQ(4400u, X.f.beat_at[7]);          /* the retry that got through */
    ASSERT_EQ(5000u, X.f.beat_at[8]);          /* and the grid goes on */
    ASSERT_ACCOUNTED();
    PASS();
}

TEST publish_fails_always_then_recovers(void)
{
    hb_stats st;
    X.f.pub_fail = 1;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(100001, NULL);
    st = stats();
    ASSERT_EQ(100u, st.attempts);
    ASSERT_EQ(100u, st.fail_publish);
    ASSERT_EQ(100u, st.consecutive_failures);
    X.f.pub_fail = 0;
    run_until(101001, NULL);
    st = stats();
    ASSERT_EQ(1u, st.sent);
    ASSERT_EQ(0u, st.consecutive_failures);
    ASSERT_ACCOUNTED();
    PASS();
}

/* A publish that takes 300 ms of a 1000 ms interval. A caller that
   sleeps to the deadline (poll tick + answer) stays exactly on the grid; a
   naive one that sleeps the answer after the slow call returned is late by
   one publish time on each beat, but never drifts further. */
TEST publish_slow_within_interval(void)
{
    hb_stats st;
    uint32_t max_wait;
    int i;
    X.slow_ms = 300;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(50001, &max_wait);
    st = stats();
    ASSERT_EQ(50u, st.sent);
    ASSERT_EQ(0u, st.missed);
    ASSERT(max_wait <= 1000u);
    /* beat k was handed to publish at k * 1000 (recorded after its 300 ms) */
    for (i = 0; i < FAKE_MAX_BEATS && i < 50; i++)
        ASSERT_EQ((uint32_t)(i + 1) * 1000u + 300u, X.f.beat_at[i]);
    ASSERT_ACCOUNTED();

    fault_config(&cfg, &X, &hb, buf, sizeof buf);
    X.slow_ms = 300;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_naive(50001);
    st = stats();
    ASSERT_EQ(0u, st.missed);
    ASSERT_EQ(1300u, X.f.beat_at[0]);
    for (i = 1; i < FAKE_MAX_BEATS && i < 49; i++)
        ASSERT_EQ((uint32_t)(i + 1) * 1000u + 600u, X.f.beat_at[i]);
    ASSERT_ACCOUNTED();
    PASS();
}

/* A publish slower than the interval: polls come late, each sends one
   beat (never a burst), the skipped points are counted as missed, and the
   grid stays start + k * interval. */
TEST publish_slower_than_interval(void)
{
    hb_stats st;
    uint32_t max_wait;
    int polls;
    X.slow_ms = 2500;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    polls = run_until(100001, &max_wait);
    st = stats();
    ASSERT(st.sent > 0);
    ASSERT(st.sent <= (uint32_t)polls);        /* at most one per poll */
    ASSERT_EQ(st.attempts, (uint32_t)X.f.pub_calls);
    ASSERT(st.missed > 0);
    ASSERT(max_wait <= 1000u);
    /* grid points 1000 .. 100000 are each either beaten or missed, except
       the ones still ahead of the last beat */
    ASSERT(st.sent + st.missed <= 100u + 3u);
    ASSERT(st.sent + st.missed >= 100u - 3u);
    ASSERT_ACCOUNTED();
    PASS();
}

/* ---- token ---------------------------------------------------------------- */

TEST token_fails_then_recovers(void)
{
    hb_stats st;
    X.token_fail_first = 3;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(3001, NULL);
    st = stats();
    ASSERT_EQ(3u, st.fail_token);
    ASSERT_EQ(0u, st.sent);
    ASSERT_EQ(0, X.f.pub_calls);               /* nothing partial went out */
    ASSERT_EQ(3, count_logs(HB_MSG_TOKEN, HB_ERR_TOKEN));
    ASSERT_EQ(3u, st.consecutive_failures);
    run_until(5001, NULL);
    st = stats();
    ASSERT_EQ(2u, st.sent);
    ASSERT_EQ(0u, st.consecutive_failures);
    ASSERT(strstr(X.f.last, "\"jwt_token\":\"tok.en.sig\"") != NULL);
    ASSERT_ACCOUNTED();
    PASS();
}

TEST token_recovers_on_retry(void)
{
    hb_stats st;
    X.token_fail_first = 3;
    cfg.retry_base_ms = 100;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(2001, NULL);
    st = stats();
    /* 1000 fails, retries at 1100 and 1300 fail, 1700 gets a token */
    ASSERT_EQ(1700u, X.f.beat_at[0]);
    ASSERT_EQ(2000u, X.f.beat_at[1]);
    ASSERT_EQ(3u, st.fail_token);
    ASSERT_EQ(3u, st.retries);
    ASSERT_EQ(2u, st.sent);
    ASSERT_ACCOUNTED();
    PASS();
}

/* ---- wall clock ------------------------------------------------------------ */

TEST clock_jumps_backwards(void)
{
    hb_stats st;
    X.script[0] = at(T0, 0, 0);
    X.script[1] = at(T0 - 86400, 0, 0);    /* NTP sets it back a day */
    X.script[2] = at(T0 - 86400 + 1, 0, 0);
    X.script_len = 3;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(2001, NULL);
    ASSERT(strstr(X.f.last, "\"timestamp\":\"2026-11-26T19:53:22Z\"") != NULL);
    run_until(3001, NULL);
    ASSERT(strstr(X.f.last, "\"timestamp\":\"2026-11-26T19:53:23Z\"") != NULL);
    st = stats();
    /* the schedule runs on the tick, not the wall clock */
    ASSERT_EQ(3u, st.sent);
    ASSERT_EQ(0u, st.missed);
    ASSERT_EQ(3000u, X.f.beat_at[2]);
    ASSERT_ACCOUNTED();
    PASS();
}

TEST clock_below_min_valid_is_unsynced(void)
{
    hb_stats st;
    X.script[0] = at(T0, 0, 0);
    X.script[1] = at(86400, 0, 0);          /* back to 1970: lost its RTC */
    X.script[2] = at(T0 + 2, 0, 0);
    X.script_len = 3;
    cfg.min_valid_sec = 1704067200;         /* 2024-01-01 */
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(3001, NULL);
    st = stats();
    ASSERT_EQ(2u, st.sent);
    ASSERT_EQ(1u, st.fail_clock);
    ASSERT_EQ(1, count_logs(HB_MSG_CLOCK, HB_ERR_CLOCK));
    ASSERT_ACCOUNTED();
    /* with HB_OPT_SEND_UNSYNCED the beat goes out, marked */
    fault_config(&cfg, &X, &hb, buf, sizeof buf);
    X.script[0] = at(86400, 0, 0);
    X.script_len = 1;
    cfg.min_valid_sec = 1704067200;
    cfg.flags = HB_OPT_SEND_UNSYNCED;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(1001, NULL);
    st = stats();
    ASSERT_EQ(1u, st.sent);
    ASSERT(strstr(X.f.last, "\"clock_synced\":false") != NULL);
    ASSERT(strstr(X.f.last, "timestamp") == NULL);
    ASSERT_ACCOUNTED();
    PASS();
}

TEST clock_jumps_forward_days(void)
{
    hb_stats st;
    X.script[0] = at(T0, 123456789u, 0);
    X.script[1] = at(T0 + 40 * 86400, 123456789u, 0);
    X.script_len = 2;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(2001, NULL);
    ASSERT(strstr(X.f.last, "\"timestamp\":\"2027-01-06T19:53:22.123456789Z\"") != NULL);
    st = stats();
    ASSERT_EQ(2u, st.sent);
    ASSERT_EQ(0u, st.missed);       /* a wall-clock jump is no missed beat */
    ASSERT_ACCOUNTED();
    PASS();
}

/* nsec out of range: the clock is not trusted (HB_ERR_CLOCK), nothing is
   sent, the next good reading works. */
TEST clock_nsec_nonsense(void)
{
    hb_stats st;
    X.script[0] = at(T0, 1000000000u, 0);
    X.script[1] = at(T0, 0xFFFFFFFFu, 0);
    X.script[2] = at(T0, 999999999u, 0);
    X.script_len = 3;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(2001, NULL);
    st = stats();
    ASSERT_EQ(2u, st.fail_clock);
    ASSERT_EQ(0, X.f.pub_calls);
    ASSERT_EQ(2, count_logs(HB_MSG_CLOCK, HB_ERR_CLOCK));
    ASSERT_ERR(HB_ERR_CLOCK, st.last_error);
    run_until(3001, NULL);
    ASSERT(strstr(X.f.last, "\"timestamp\":\"2026-11-27T19:53:22.999999999Z\"") != NULL);
    ASSERT_ACCOUNTED();
    PASS();
}

/* An offset of 24 h or more has no RFC 3339 form (Go's MarshalJSON fails
   too): a serialisation failure with HB_ERR_RANGE and a log line that says
   why; nothing is sent. 23:59 either way is fine. */
TEST clock_offset_24h_is_error(void)
{
    static const int16_t bad[4] = { 1440, -1440, 32767, -32768 };
    hb_stats st;
    int i;
    for (i = 0; i < 4; i++) X.script[i] = at(T0, 0, bad[i]);
    X.script[4] = at(T0, 0, 1439);
    X.script[5] = at(T0, 0, -1439);
    X.script_len = 6;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(4001, NULL);
    st = stats();
    ASSERT_EQ(4u, st.fail_serialize);
    ASSERT_EQ(0, X.f.pub_calls);
    ASSERT_EQ(4, count_logs(HB_MSG_SERIALIZE, HB_ERR_RANGE));
    ASSERT_ERR(HB_ERR_RANGE, st.last_error);
    /* the error code says it: "time not representable (... offset ...)" */
    ASSERT(strstr(hb_strerror(HB_ERR_RANGE), "offset") != NULL);
    run_until(5001, NULL);
    ASSERT(strstr(X.f.last, "\"timestamp\":\"2026-11-28T19:52:22+23:59\"") != NULL);
    run_until(6001, NULL);
    ASSERT(strstr(X.f.last, "\"timestamp\":\"2026-11-26T19:54:22-23:59\"") != NULL);
    ASSERT_EQ(2u, stats().sent);
    ASSERT_ACCOUNTED();
    PASS();
}

TEST clock_year_out_of_range(void)
{
    hb_stats st;
    X.script[0] = at(253402300800LL, 0, 0);     /* 10000-01-01 */
    X.script[1] = at(-62167219201LL, 0, 0);     /* -0001-12-31T23:59:59 */
    X.script[2] = at(253402300799LL, 0, 0);     /* 9999-12-31T23:59:59 */
    X.script[3] = at(-62167219200LL, 0, 0);     /* 0000-01-01 */
    X.script_len = 4;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(2001, NULL);
    st = stats();
    ASSERT_EQ(2u, st.fail_serialize);
    ASSERT_EQ(2, count_logs(HB_MSG_SERIALIZE, HB_ERR_RANGE));
    run_until(3001, NULL);
    ASSERT(strstr(X.f.last, "\"9999-12-31T23:59:59Z\"") != NULL);
    run_until(4001, NULL);
    ASSERT(strstr(X.f.last, "\"0000-01-01T00:00:00Z\"") != NULL);
    ASSERT_ACCOUNTED();
    PASS();
}

/* ---- re-entry from inside the callbacks ------------------------------------ */

/* A log callback that polls on every message: the nested poll answers the
   wait and sends nothing; one beat per outer poll. */
TEST log_reenters_poll(void)
{
    hb_stats st;
    int i;
    X.log_reenter = RE_POLL;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(10001, NULL);
    st = stats();
    ASSERT_EQ(10u, st.sent);
    ASSERT_EQ(10, X.f.pub_calls);
    ASSERT(X.reentries >= 8);
    for (i = 0; i < 8; i++) {
        ASSERT_EQ(X.attempts_seen[i], X.attempts_after[i]);
        ASSERT(X.reenter_wait[i] != HB_POLL_IDLE);
    }
    ASSERT_ACCOUNTED();
    PASS();
}

/* The "missed" warning comes from hb_poll before the beat: re-entering
   there must not beat twice (or recurse). */
TEST log_reenters_poll_on_missed(void)
{
    hb_stats st;
    X.log_reenter = RE_POLL;
    X.log_reenter_on = HB_MSG_MISSED;
    X.log_reenter_max = 1;      /* today's bug would recurse without end */
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    X.f.now = 5500;             /* 4 whole intervals late */
    (void)hb_poll(&hb, X.f.now);
    st = stats();
    ASSERT_EQ(1, X.reentries);
    ASSERT_EQ(X.attempts_seen[0], X.attempts_after[0]);
    ASSERT_EQ(1u, st.attempts);
    ASSERT_EQ(1, X.f.pub_calls);
    ASSERT_EQ(4u, st.missed);
    ASSERT_ACCOUNTED();
    PASS();
}

TEST log_reenters_beat_now_and_start(void)
{
    hb_stats st;
    X.log_reenter = RE_BEAT_NOW;
    X.log_reenter_max = 4;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(3001, NULL);
    ASSERT_ERR(HB_ERR_STATE, X.reenter_rc[0]);
    ASSERT_ERR(HB_ERR_STATE, X.reenter_rc[2]);
    X.log_reenter = RE_START;
    X.reentries = 0;
    run_until(5001, NULL);
    ASSERT_ERR(HB_ERR_STATE, X.reenter_rc[0]);
    st = stats();
    ASSERT_EQ(5u, st.attempts);
    ASSERT_EQ(5u, st.sent);
    ASSERT_ACCOUNTED();
    PASS();
}

/* hb_stop from the log callback after a beat: stops; no offline beat
   (the buffer is in use); later polls are idle; hb_start works again. */
TEST log_stops_after_beat(void)
{
    hb_stats st;
    cfg.flags = HB_OPT_OFFLINE_ON_STOP;
    X.log_reenter = RE_STOP;
    X.log_reenter_on = HB_MSG_OK;
    X.log_reenter_max = 1;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    run_until(5001, NULL);
    st = stats();
    ASSERT_EQ(1, X.f.pub_calls);
    ASSERT_STR_EQ("alive", X.f.status_of[0]);
    ASSERT_EQ(1u, st.attempts);
    ASSERT_EQ(0, hb_running(&hb));
    ASSERT_EQ(HB_POLL_IDLE, hb_poll(&hb, 9000));
    ASSERT_EQ(1, X.f.pub_calls);
    ASSERT_ERR(HB_OK, hb_start(&hb, 10000));
    X.f.now = 10000;
    run_until(12001, NULL);
    ASSERT_EQ(3, X.f.pub_calls);
    ASSERT_ACCOUNTED();
    PASS();
}

/* hb_stop from the "missed" warning, before the beat: the service stops
   and nothing goes out, neither the beat nor the offline message. */
TEST log_stops_on_missed(void)
{
    hb_stats st;
    cfg.flags = HB_OPT_OFFLINE_ON_STOP;
    X.log_reenter = RE_STOP;
    X.log_reenter_on = HB_MSG_MISSED;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    X.f.now = 5500;
    ASSERT_EQ(HB_POLL_IDLE, hb_poll(&hb, X.f.now));
    st = stats();
    ASSERT_EQ(0, hb_running(&hb));
    ASSERT_EQ(0, X.f.pub_calls);
    ASSERT_EQ(0u, st.attempts);
    ASSERT_ACCOUNTED();
    PASS();
}

/* From inside publish: hb_poll answers with no beat, hb_start and
   hb_beat_now are refused. */
TEST publish_reenters(void)
{
    static const int what[3] = { RE_POLL, RE_START, RE_BEAT_NOW };
    int i;
    for (i = 0; i < 3; i++) {
        fault_config(&cfg, &X, &hb, buf, sizeof buf);
        X.pub_reenter = what[i];
        ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
        ASSERT_ERR(HB_OK, hb_start(&hb, 0));
        run_until(3001, NULL);
        ASSERT_EQ(3, X.reentries);
        ASSERT_EQ(3, X.f.pub_calls);
        ASSERT_EQ(X.attempts_seen[1], X.attempts_after[1]);
        if (what[i] == RE_POLL) ASSERT(X.reenter_wait[1] != HB_POLL_IDLE);
        else ASSERT_ERR(HB_ERR_STATE, X.reenter_rc[1]);
        ASSERT_EQ(3u, stats().sent);
        ASSERT_ACCOUNTED();
    }
    PASS();
}

/* hb_stop from inside the clock or token callback: the service stops at
   once, sends no offline beat, and the beat being built is not published
   (nothing goes out after hb_stop): it counts as a publish failure with
   last_error HB_ERR_STATE. */
TEST clock_or_token_stops_beat_in_flight(void)
{
    hb_stats st;
    int i;
    for (i = 0; i < 2; i++) {
        fault_config(&cfg, &X, &hb, buf, sizeof buf);
        cfg.flags = HB_OPT_OFFLINE_ON_STOP;
        if (i == 0) X.clock_reenter = RE_STOP;
        else X.token_reenter = RE_STOP;
        ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
        ASSERT_ERR(HB_OK, hb_start(&hb, 0));
        run_until(5001, NULL);
        st = stats();
        ASSERT_EQ(0, hb_running(&hb));
        ASSERT_EQ(1u, st.attempts);
        ASSERT_EQ(0, X.f.pub_calls);
        ASSERT_EQ(1u, st.fail_publish);
        ASSERT_ERR(HB_ERR_STATE, st.last_error);
        ASSERT_ACCOUNTED();
    }
    PASS();
}

/* Everything at once, decided by a PRNG, with retries: the counters add
   up after every poll, at most one attempt per poll. */
TEST mixed_faults_accounted(void)
{
    uint32_t x = 12345u, before = 0;
    int i;
    cfg.retry_base_ms = 50;
    cfg.flags = HB_OPT_HEALTH | HB_OPT_SEQ;
    ASSERT_ERR(HB_OK, hb_init(&hb, &cfg));
    ASSERT_ERR(HB_OK, hb_start(&hb, 0));
    for (i = 0; i < 20000; i++) {
        uint32_t w;
        hb_stats st;
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        X.f.clock_fail = (x & 15u) == 0;
        X.token_fail_first = X.f.token_calls + ((x >> 4 & 15u) == 0);
        X.f.pub_fail = (x >> 8 & 7u) == 0;
        w = hb_poll(&hb, X.f.now);
        st = stats();
        ASSERT_EQ(st.attempts, st.sent + st.fail_clock + st.fail_token +
                               st.fail_serialize + st.fail_publish);
        ASSERT(st.attempts - before <= 1u);
        before = st.attempts;
        ASSERT(w <= 1000u);
        X.f.now += (x >> 12 & 3u) == 0 ? w + (x >> 16) % 3000u : w;
    }
    ASSERT(stats().fail_clock > 0 && stats().fail_token > 0 &&
           stats().fail_publish > 0 && stats().sent > 0 && stats().retries > 0);
    PASS();
}

SUITE(faults)
{
    GREATEST_SET_SETUP_CB(setup, NULL);
    RUN_TEST(publish_fails_every_nth);
    RUN_TEST(publish_fails_in_bursts_with_retry);
    RUN_TEST(publish_fails_always_then_recovers);
    RUN_TEST(publish_slow_within_interval);
    RUN_TEST(publish_slower_than_interval);
    RUN_TEST(token_fails_then_recovers);
    RUN_TEST(token_recovers_on_retry);
    RUN_TEST(clock_jumps_backwards);
    RUN_TEST(clock_below_min_valid_is_unsynced);
    RUN_TEST(clock_jumps_forward_days);
    RUN_TEST(clock_nsec_nonsense);
    RUN_TEST(clock_offset_24h_is_error);
    RUN_TEST(clock_year_out_of_range);
    RUN_TEST(log_reenters_poll);
    RUN_TEST(log_reenters_poll_on_missed);
    RUN_TEST(log_reenters_beat_now_and_start);
    RUN_TEST(log_stops_after_beat);
    RUN_TEST(log_stops_on_missed);
    RUN_TEST(publish_reenters);
    RUN_TEST(clock_or_token_stops_beat_in_flight);
    RUN_TEST(mixed_faults_accounted);
}
