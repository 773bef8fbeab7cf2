/* tests/test_reentry.c — the re-entry guard, entry point by entry point.

   Each entry point that runs callbacks (hb_start, hb_offline_message, a
   refused hb_set_status, hb_stop with its offline beat, the beat of
   hb_poll, hb_beat_now) is run once for each callback it calls (rand,
   clock, token, fields, publish, log) re-entering each API call (hb_poll,
   hb_stop, hb_start, hb_beat_now, hb_offline_message, hb_set_status good
   and bad, hb_get_stats, hb_running). Each run checks the manual's
   CALLBACK CONTRACTS: the inner call's answer, no callback while a
   re-entered call runs (so no recursion and no extra beat), the beats
   sent, the counters, the state afterwards, and that the service still
   works (the guard is released).

   The second half settles the edge rules of the manual's ROBUSTNESS
   section, one test each. */
#include <string.h>
#include "heartbeat.h"
#include "greatest.h"

#define ASSERT_ERR(exp, got) ASSERT_ENUM_EQ((exp), (got), hb_strerror)

enum { CB_RAND, CB_CLOCK, CB_TOKEN, CB_FIELDS, CB_PUBLISH, CB_LOG, CB_N };
enum { C_POLL, C_STOP, C_START, C_BEAT_NOW, C_OFFLINE, C_SET_STATUS,
       C_SET_STATUS_BAD, C_GET_STATS, C_RUNNING, C_N };
enum { E_START, E_OFFLINE, E_SET_STATUS, E_STOP, E_BEAT, E_BEAT_NOW, E_N };

static const char *const cb_name[CB_N] = {
    "rand", "clock", "token", "fields", "publish", "log" };
static const char *const call_name[C_N] = {
    "hb_poll", "hb_stop", "hb_start", "hb_beat_now", "hb_offline_message",
    "hb_set_status", "hb_set_status_bad", "hb_get_stats", "hb_running" };
static const char *const entry_name[E_N] = {
    "hb_start", "hb_offline_message", "hb_set_status", "hb_stop", "beat",
    "hb_beat_now" };

/* The callbacks each entry point runs (with this test's config, where
   every beat succeeds). */
static const unsigned entry_cbs[E_N] = {
    1u << CB_RAND,
    1u << CB_CLOCK | 1u << CB_TOKEN | 1u << CB_FIELDS,
    1u << CB_LOG,
    1u << CB_CLOCK | 1u << CB_TOKEN | 1u << CB_FIELDS | 1u << CB_PUBLISH |
        1u << CB_LOG,
    1u << CB_RAND | 1u << CB_CLOCK | 1u << CB_TOKEN | 1u << CB_FIELDS |
        1u << CB_PUBLISH | 1u << CB_LOG,
    1u << CB_CLOCK | 1u << CB_TOKEN | 1u << CB_FIELDS | 1u << CB_PUBLISH |
        1u << CB_LOG,
};

#define INTERVAL 1000u
#define JITTER   100u

typedef struct rx {
    hb_service hb;
    hb_config  cfg;
    char       buf[512];
    char       obuf[512];
    char       last[512];
    uint32_t   now;
    uint32_t   rng;
    int        cb, call;       /* the callback that re-enters, the call */
    int        ran[CB_N];      /* how often each callback ran (armed) */
    int        fired;          /* re-entered calls made */
    int        depth;          /* inside a re-entered call */
    int        nested;         /* callbacks run inside a re-entered call */
    int        ret;            /* the first re-entered call's answer */
    uint32_t   poll_ret;
    int        running_after;  /* hb_running right after that call */
    int        pubs, logs;
} rx;

static rx R;

/* Every callback starts here. A callback that runs while a re-entered
   call is in progress breaks the contract (that call must not run any):
   it is counted and does not re-enter again, so a broken guard shows as a
   failure, not as endless recursion. */
static void hook(rx *r, int cb)
{
    if (r->cb < 0) return;             /* setup: not armed */
    r->ran[cb]++;
    if (r->depth > 0) { r->nested++; return; }
    if (cb != r->cb) return;
    r->depth++;
    switch (r->call) {
    case C_POLL:
        r->poll_ret = hb_poll(&r->hb, r->now);
        r->ret = HB_OK;
        break;
    case C_STOP:
        hb_stop(&r->hb, r->now);
        r->ret = HB_OK;
        break;
    case C_START:
        r->ret = hb_start(&r->hb, r->now);
        break;
    case C_BEAT_NOW:
        r->ret = hb_beat_now(&r->hb, r->now);
        break;
    case C_OFFLINE: {
        size_t n = 99;
        r->ret = hb_offline_message(&r->hb, r->now, r->obuf, sizeof r->obuf,
                                    &n);
        if (r->ret != HB_OK && n != 0) r->ret = 99;   /* *len must be 0 */
        break;
    }
    case C_SET_STATUS:
        r->ret = hb_set_status(&r->hb, "inner");
        break;
    case C_SET_STATUS_BAD:
        r->ret = hb_set_status(&r->hb, "");
        break;
    case C_GET_STATS: {
        hb_stats st;
        r->ret = hb_get_stats(&r->hb, &st);
        break;
    }
    case C_RUNNING:
        r->ret = hb_running(&r->hb);
        break;
    default:
        break;
    }
    if (r->fired == 0) r->running_after = hb_running(&r->hb);
    r->fired++;
    r->depth--;
}

static uint32_t rx_rand(void *user)
{
    rx *r = (rx *)user;
    hook(r, CB_RAND);
    r->rng ^= r->rng << 13; r->rng ^= r->rng >> 17; r->rng ^= r->rng << 5;
    return r->rng;
}

static int rx_clock(void *user, hb_time *t)
{
    hook((rx *)user, CB_CLOCK);
    t->sec = 1795809202;
    t->nsec = 5000;
    t->utc_offset_min = 0;
    return 0;
}

static int rx_token(void *user, const char **tok, size_t *len)
{
    hook((rx *)user, CB_TOKEN);
    *tok = "a.b.c";
    *len = 5;
    return 0;
}

static void rx_fields(void *user, hb_json *w)
{
    hook((rx *)user, CB_FIELDS);
    hb_json_key(w, "x", 1);
    hb_json_uint(w, 1);
}

static int rx_publish(void *user, const char *topic, const char *payload,
                      size_t len, int qos)
{
    rx *r = (rx *)user;
    (void)topic; (void)qos;
    hook(r, CB_PUBLISH);
    r->pubs++;
    if (len < sizeof r->last) memcpy(r->last, payload, len + 1);
    return 0;
}

static void rx_log(void *user, int level, const char *msg, int err,
                   const char *detail)
{
    rx *r = (rx *)user;
    (void)level; (void)msg; (void)err; (void)detail;
    hook(r, CB_LOG);
    r->logs++;
}

static void rx_setup(void)
{
    memset(&R, 0, sizeof R);
    R.cb = -1;
    R.rng = 0x2545F491u;
    R.now = 5000;
    R.cfg.topic = "t/reentry";
    R.cfg.interval_ms = INTERVAL;
    R.cfg.qos = 1;
    R.cfg.device_id = "dev-r";
    R.cfg.publish = rx_publish;
    R.cfg.token = rx_token;
    R.cfg.clock = rx_clock;
    R.cfg.log = rx_log;
    R.cfg.user = &R;
    R.cfg.buf = R.buf;
    R.cfg.buf_size = sizeof R.buf;
    R.cfg.flags = HB_OPT_OFFLINE_ON_STOP | HB_OPT_SEQ | HB_OPT_UPTIME;
    R.cfg.jitter_ms = JITTER;
    R.cfg.rand = rx_rand;
    R.cfg.retry_base_ms = 100;
    R.cfg.fields = rx_fields;
}

static int stats_accounted(const hb_stats *s)
{
    return s->attempts == s->sent + s->fail_clock + s->fail_token +
                          s->fail_serialize + s->fail_publish;
}

TEST reenter(int entry, int cb, int call)
{
    int runs = (entry_cbs[entry] >> cb) & 1u;
    /* hb_stop from a callback that runs before publish: the beat being
       built (or, from rand, the beat about to be built) does not go out */
    int stop_early = call == C_STOP &&
                     (cb == CB_RAND || cb == CB_CLOCK || cb == CB_TOKEN ||
                      cb == CB_FIELDS);
    int beat = entry == E_STOP || entry == E_BEAT || entry == E_BEAT_NOW;
    int rc = HB_OK, want_running;
    uint32_t answer = 0;
    size_t olen = 0;
    hb_stats st;

    rx_setup();
    ASSERT_ERR(HB_OK, hb_init(&R.hb, &R.cfg));
    if (entry != E_START) {
        ASSERT_ERR(HB_OK, hb_start(&R.hb, R.now));
        if (entry == E_BEAT) R.now += hb_poll(&R.hb, R.now);   /* the due point */
    }
    R.pubs = 0;
    R.logs = 0;
    R.cb = cb;
    R.call = call;

    switch (entry) {
    case E_START:      rc = hb_start(&R.hb, R.now); break;
    case E_OFFLINE:    rc = hb_offline_message(&R.hb, R.now, R.obuf,
                                               sizeof R.obuf, &olen); break;
    case E_SET_STATUS: rc = hb_set_status(&R.hb, ""); break;
    case E_STOP:       hb_stop(&R.hb, R.now); break;
    case E_BEAT:       answer = hb_poll(&R.hb, R.now); break;
    case E_BEAT_NOW:   rc = hb_beat_now(&R.hb, R.now); break;
    default: FAIL();
    }
    R.cb = -1;

    /* the callbacks this entry point runs, and only those */
    ASSERT_EQ_FMT(runs, R.ran[cb] > 0, "%d");
    ASSERT_EQ_FMT(runs, R.fired > 0, "%d");
    /* nothing ran inside a re-entered call: no recursion, no extra beat */
    ASSERT_EQ_FMT(0, R.nested, "%d");

    if (R.fired > 0) {
        switch (call) {
        case C_POLL:
            /* the wait, within the bound; nothing sent from inside */
            ASSERT(R.poll_ret <= INTERVAL + JITTER);
            break;
        case C_STOP:
            ASSERT_EQ(0, R.running_after);
            break;
        case C_START: case C_BEAT_NOW: case C_OFFLINE:
            ASSERT_ERR(HB_ERR_STATE, R.ret);
            break;
        case C_SET_STATUS: case C_GET_STATS:
            ASSERT_ERR(HB_OK, R.ret);
            break;
        case C_SET_STATUS_BAD:
            ASSERT_ERR(HB_ERR_ARG, R.ret);    /* refused, and not logged */
            break;
        case C_RUNNING:
            ASSERT_EQ(1, R.ret);
            break;
        default:
            break;
        }
    }

    /* the entry point's own result */
    switch (entry) {
    case E_START:
        ASSERT_ERR(R.fired && call == C_STOP ? HB_ERR_STATE : HB_OK, rc);
        break;
    case E_OFFLINE:
        ASSERT_ERR(HB_OK, rc);
        ASSERT(olen > 0);
        ASSERT(strstr(R.obuf, "\"status\":\"offline\"") != NULL);
        break;
    case E_SET_STATUS:
        ASSERT_ERR(HB_ERR_ARG, rc);
        ASSERT_EQ(1, R.logs);                   /* its one log line */
        break;
    case E_BEAT_NOW:
        ASSERT_ERR(R.fired && stop_early ? HB_ERR_STATE : HB_OK, rc);
        break;
    case E_BEAT:
        if (R.fired && call == C_STOP) ASSERT_EQ(HB_POLL_IDLE, answer);
        else ASSERT(answer > 0 && answer <= INTERVAL + JITTER);
        break;
    default:
        break;
    }

    /* the beats sent and the counters */
    ASSERT_EQ_FMT(beat && !(R.fired && stop_early) ? 1 : 0, R.pubs, "%d");
    ASSERT_ERR(HB_OK, hb_get_stats(&R.hb, &st));
    ASSERT(stats_accounted(&st));
    if (beat && R.fired && stop_early && cb != CB_RAND) {
        /* stopped while being built: a publish failure, HB_ERR_STATE */
        ASSERT_EQ(1, st.attempts);
        ASSERT_EQ(1, st.fail_publish);
        ASSERT_ERR(HB_ERR_STATE, st.last_error);
    } else if (beat && R.fired && stop_early) {
        ASSERT_EQ(0, st.attempts);              /* stopped before the beat */
    } else if (beat) {
        ASSERT_EQ(1, st.attempts);
        ASSERT_EQ(1, st.sent);
    }

    /* the state afterwards, and the guard released: the service works */
    want_running = entry != E_STOP && !(R.fired && call == C_STOP);
    ASSERT_EQ(want_running, hb_running(&R.hb));
    R.now += 7;
    if (!want_running) ASSERT_ERR(HB_OK, hb_start(&R.hb, R.now));
    R.pubs = 0;
    ASSERT_ERR(HB_OK, hb_beat_now(&R.hb, R.now));
    ASSERT_EQ(1, R.pubs);
    if (call == C_SET_STATUS && R.fired)
        ASSERT(strstr(R.last, "\"status\":\"inner\"") != NULL);
    answer = hb_poll(&R.hb, R.now);
    ASSERT(answer > 0 && answer <= INTERVAL + JITTER);
    PASS();
}

/* ---- the settled rules (manual: ROBUSTNESS) ------------------------------ */

/* Backwards tick: hb_poll's answer never exceeds interval + jitter; the
   schedule moves back with the tick, so the next beat comes within that
   bound on the new tick. */
TEST backwards_tick_bounds_the_answer(void)
{
    uint32_t back, w, t = 10000, start;
    int i;
    rx_setup();
    R.cfg.interval_ms = 3;
    R.cfg.jitter_ms = 2;
    R.cfg.retry_base_ms = 0;
    ASSERT_ERR(HB_OK, hb_init(&R.hb, &R.cfg));
    ASSERT_ERR(HB_OK, hb_start(&R.hb, t));
    for (back = 1; back < 0x7FFFFFFFu / 4u; back = back * 3u + 1u) {
        for (i = 0; i < 10; i++) {              /* forward, as usual */
            w = hb_poll(&R.hb, t);
            ASSERT(w <= 5);
            t += w;
        }
        t -= back;                              /* the tick goes back */
        start = t;
        R.pubs = 0;
        w = hb_poll(&R.hb, t);
        ASSERT(w <= 5);                         /* was up to back + 5 */
        while (R.pubs == 0) {
            t += w;
            ASSERT(t - start <= 5);             /* a beat within the bound */
            w = hb_poll(&R.hb, t);
            ASSERT(w <= 5);
        }
    }
    PASS();
}

static uint64_t uptime_of(const char *msg)
{
    const char *p = strstr(msg, "\"uptime_ms\":");
    uint64_t v = 0;
    if (p == NULL) return UINT64_MAX;
    for (p += 12; *p >= '0' && *p <= '9'; p++) v = v * 10u + (uint64_t)(*p - '0');
    return v;
}

/* uptime_ms adds the forward steps of the tick between attempts; a step
   back adds nothing (no jump by 2^32), and it never decreases. */
TEST uptime_after_backwards_tick(void)
{
    uint64_t u1, u2, u3;
    rx_setup();
    R.cfg.jitter_ms = 0;
    R.cfg.retry_base_ms = 0;
    ASSERT_ERR(HB_OK, hb_init(&R.hb, &R.cfg));
    ASSERT_ERR(HB_OK, hb_start(&R.hb, 0xFFFFFF00u));   /* wraps below */
    ASSERT_ERR(HB_OK, hb_beat_now(&R.hb, 0xFFFFFF00u + 700u));
    u1 = uptime_of(R.last);
    ASSERT_EQ(700u, u1);
    ASSERT_ERR(HB_OK, hb_beat_now(&R.hb, 0xFFFFFF00u + 400u));  /* back 300 */
    u2 = uptime_of(R.last);
    ASSERT_EQ(u1, u2);
    ASSERT_ERR(HB_OK, hb_beat_now(&R.hb, 0xFFFFFF00u + 900u));  /* +500 */
    u3 = uptime_of(R.last);
    ASSERT_EQ(u2 + 500u, u3);
    PASS();
}

/* uptime_ms in hb_offline_message: the running uptime while running; 0
   before hb_start and after hb_stop. */
TEST uptime_in_offline_message(void)
{
    size_t n;
    rx_setup();
    R.cfg.jitter_ms = 0;
    ASSERT_ERR(HB_OK, hb_init(&R.hb, &R.cfg));
    ASSERT_ERR(HB_OK, hb_offline_message(&R.hb, 1234, R.obuf, sizeof R.obuf, &n));
    ASSERT_EQ(0u, uptime_of(R.obuf));
    ASSERT_ERR(HB_OK, hb_start(&R.hb, 1000));
    ASSERT_ERR(HB_OK, hb_offline_message(&R.hb, 1250, R.obuf, sizeof R.obuf, &n));
    ASSERT_EQ(250u, uptime_of(R.obuf));
    hb_stop(&R.hb, 1300);
    ASSERT_EQ(300u, uptime_of(R.last));        /* the offline beat of hb_stop */
    ASSERT_ERR(HB_OK, hb_offline_message(&R.hb, 1400, R.obuf, sizeof R.obuf, &n));
    ASSERT_EQ(0u, uptime_of(R.obuf));
    PASS();
}

/* A failed hb_init leaves the service as it was: a running one runs on. */
TEST failed_init_leaves_service_running(void)
{
    hb_config bad;
    uint32_t w;
    rx_setup();
    ASSERT_ERR(HB_OK, hb_init(&R.hb, &R.cfg));
    ASSERT_ERR(HB_OK, hb_start(&R.hb, 0));
    bad = R.cfg;
    bad.interval_ms = 0;
    ASSERT_ERR(HB_ERR_ARG, hb_init(&R.hb, &bad));
    ASSERT_EQ(1, hb_running(&R.hb));
    R.pubs = 0;
    w = hb_poll(&R.hb, 0);
    ASSERT(w >= INTERVAL && w <= INTERVAL + JITTER);
    hb_poll(&R.hb, w);
    ASSERT_EQ(1, R.pubs);
    PASS();
}

/* buf_size 0 and a negative min_valid_sec are refused (HB_ERR_ARG, a log
   line naming the field); min_valid_sec 0 means "off". */
TEST refused_buf_size_and_min_valid_sec(void)
{
    hb_config c;
    rx_setup();
    c = R.cfg;
    c.buf_size = 0;
    R.logs = 0;
    ASSERT_ERR(HB_ERR_ARG, hb_init(&R.hb, &c));
    ASSERT_EQ(1, R.logs);
    c = R.cfg;
    c.min_valid_sec = -1;
    R.logs = 0;
    ASSERT_ERR(HB_ERR_ARG, hb_init(&R.hb, &c));
    ASSERT_EQ(1, R.logs);
    c.min_valid_sec = INT64_MIN;
    ASSERT_ERR(HB_ERR_ARG, hb_init(&R.hb, &c));
    c.min_valid_sec = 0;
    ASSERT_ERR(HB_OK, hb_init(&R.hb, &c));
    PASS();
}

static const char *null_tok_ptr;
static size_t null_tok_len;
static int null_token(void *user, const char **tok, size_t *len)
{
    (void)user;
    *tok = null_tok_ptr;
    *len = null_tok_len;
    return 0;
}

/* A token callback that returns 0 with NULL and length 0 sends an empty
   token ("jwt_token":""); NULL with a length is a token failure. */
TEST token_null_with_length_zero(void)
{
    rx_setup();
    R.cfg.token = null_token;
    R.cfg.token_user = NULL;
    R.cfg.fields = NULL;
    R.cfg.flags = 0;
    ASSERT_ERR(HB_OK, hb_init(&R.hb, &R.cfg));
    ASSERT_ERR(HB_OK, hb_start(&R.hb, 0));
    null_tok_ptr = NULL;
    null_tok_len = 0;
    ASSERT_ERR(HB_OK, hb_beat_now(&R.hb, 1));
    ASSERT(strstr(R.last, "\"jwt_token\":\"\"}") != NULL);
    null_tok_len = 3;
    ASSERT_ERR(HB_ERR_TOKEN, hb_beat_now(&R.hb, 2));
    PASS();
}

static int far_clock(void *user, hb_time *t)
{
    (void)user;
    t->sec = INT64_C(253402300800);     /* year 10000 */
    t->nsec = 0;
    t->utc_offset_min = 0;
    return 0;
}

/* Two errors at once: HB_ERR_RANGE wins over HB_ERR_NOSPACE (the time is
   checked before anything is written), HB_ERR_ARG over HB_ERR_STATE (the
   arguments are checked before the state). A writer's sticky error, the
   first one, wins over both. */
TEST which_error_wins(void)
{
    char small[8];
    hb_json w;
    hb_time t;
    hb_service never;
    hb_stats st;
    size_t n = 5;
    rx_setup();
    R.cfg.clock = far_clock;
    R.cfg.buf = small;                  /* far too small for any beat */
    R.cfg.buf_size = sizeof small;
    R.cfg.jitter_ms = 0;
    ASSERT_ERR(HB_OK, hb_init(&R.hb, &R.cfg));
    ASSERT_ERR(HB_OK, hb_start(&R.hb, 0));
    ASSERT_ERR(HB_ERR_RANGE, hb_beat_now(&R.hb, 1));
    ASSERT_ERR(HB_OK, hb_get_stats(&R.hb, &st));
    ASSERT_EQ(1, st.fail_serialize);
    ASSERT_ERR(HB_ERR_RANGE, hb_offline_message(&R.hb, 1, small, 2, &n));
    ASSERT_EQ(0, n);
    /* the writer: RANGE before NOSPACE in one call */
    t.sec = INT64_C(253402300800);
    t.nsec = 0;
    t.utc_offset_min = 0;
    hb_json_init(&w, small, 2);
    ASSERT_ERR(HB_ERR_RANGE, hb_json_time(&w, &t));
    ASSERT_ERR(HB_ERR_RANGE, hb_json_finish(&w, NULL));
    /* ... and a sticky error stays the answer */
    hb_json_init(&w, small, 1);
    ASSERT_ERR(HB_ERR_NOSPACE, hb_json_begin_array(&w));
    ASSERT_ERR(HB_ERR_NOSPACE, hb_json_time(&w, &t));
    /* ARG before STATE */
    memset(&never, 0, sizeof never);            /* not initialised */
    ASSERT_ERR(HB_ERR_STATE, hb_start(&never, 0));
    ASSERT_ERR(HB_ERR_ARG, hb_set_status(&never, ""));
    ASSERT_ERR(HB_ERR_STATE, hb_set_status(&never, "ok"));
    ASSERT_ERR(HB_ERR_ARG, hb_get_stats(&never, NULL));
    ASSERT_ERR(HB_ERR_ARG, hb_offline_message(&never, 0, NULL, 10, NULL));
    hb_json_init(&w, R.obuf, sizeof R.obuf);
    ASSERT_ERR(HB_OK, hb_json_null(&w));        /* done: more is STATE */
    ASSERT_ERR(HB_ERR_ARG, hb_json_string(&w, NULL, 3));
    hb_json_init(&w, R.obuf, sizeof R.obuf);
    ASSERT_ERR(HB_ERR_ARG, hb_json_key(&w, NULL, 3));   /* no object open */
    hb_json_init(&w, R.obuf, sizeof R.obuf);
    ASSERT_ERR(HB_ERR_ARG, hb_json_time(&w, NULL));
    PASS();
}

static int stop_then_fail_clock(void *user, hb_time *t)
{
    rx *r = (rx *)user;
    (void)t;
    hb_stop(&r->hb, r->now);
    return -1;
}

/* hb_stop from inside the clock callback, which then fails: the attempt
   counts as a publish failure with HB_ERR_STATE (a stopped beat), not as
   a clock failure. */
TEST stop_in_clock_then_clock_failure(void)
{
    hb_stats st;
    rx_setup();
    R.cfg.clock = stop_then_fail_clock;
    R.cfg.jitter_ms = 0;
    ASSERT_ERR(HB_OK, hb_init(&R.hb, &R.cfg));
    ASSERT_ERR(HB_OK, hb_start(&R.hb, 0));
    ASSERT_ERR(HB_ERR_STATE, hb_beat_now(&R.hb, 5));
    ASSERT_ERR(HB_OK, hb_get_stats(&R.hb, &st));
    ASSERT_EQ(1, st.attempts);
    ASSERT_EQ(0, st.fail_clock);
    ASSERT_EQ(1, st.fail_publish);
    ASSERT_ERR(HB_ERR_STATE, st.last_error);
    ASSERT_EQ(0, hb_running(&R.hb));
    ASSERT_EQ(0, R.pubs);
    PASS();
}

/* Every public function with NULL pointers: an error code, never a crash. */
TEST null_arguments(void)
{
    hb_json w;
    hb_time t;
    char b[64];
    size_t n = 7;
    memset(&t, 0, sizeof t);
    ASSERT_ERR(HB_ERR_ARG, hb_json_begin_object(NULL));
    ASSERT_ERR(HB_ERR_ARG, hb_json_begin_array(NULL));
    ASSERT_ERR(HB_ERR_ARG, hb_json_end_object(NULL));
    ASSERT_ERR(HB_ERR_ARG, hb_json_end_array(NULL));
    ASSERT_ERR(HB_ERR_ARG, hb_json_key(NULL, "k", 1));
    ASSERT_ERR(HB_ERR_ARG, hb_json_string(NULL, "s", 1));
    ASSERT_ERR(HB_ERR_ARG, hb_json_string(NULL, NULL, 1));
    ASSERT_ERR(HB_ERR_ARG, hb_json_int(NULL, 1));
    ASSERT_ERR(HB_ERR_ARG, hb_json_uint(NULL, 1));
    ASSERT_ERR(HB_ERR_ARG, hb_json_bool(NULL, 1));
    ASSERT_ERR(HB_ERR_ARG, hb_json_null(NULL));
    ASSERT_ERR(HB_ERR_ARG, hb_json_time(NULL, &t));
    ASSERT_ERR(HB_ERR_ARG, hb_json_finish(NULL, &n));
    ASSERT_EQ(0, n);
    hb_json_init(NULL, b, sizeof b);
    hb_json_init(&w, NULL, 5);                  /* measures */
    ASSERT_ERR(HB_OK, hb_json_begin_object(&w));
    ASSERT_ERR(HB_OK, hb_json_end_object(&w));
    ASSERT_ERR(HB_OK, hb_json_finish(&w, &n));
    ASSERT_EQ(2, n);
    ASSERT_ERR(HB_ERR_ARG, hb_format_time(NULL, 10, &t));
    ASSERT_ERR(HB_ERR_ARG, hb_format_time(b, sizeof b, NULL));
    ASSERT_ERR(HB_ERR_ARG, hb_init(NULL, NULL));
    rx_setup();
    ASSERT_ERR(HB_ERR_ARG, hb_init(NULL, &R.cfg));
    ASSERT_ERR(HB_ERR_ARG, hb_start(NULL, 0));
    hb_stop(NULL, 0);
    ASSERT_EQ(HB_POLL_IDLE, hb_poll(NULL, 0));
    ASSERT_ERR(HB_ERR_ARG, hb_beat_now(NULL, 0));
    ASSERT_ERR(HB_ERR_ARG, hb_set_status(NULL, "x"));
    ASSERT_ERR(HB_ERR_ARG, hb_get_stats(NULL, NULL));
    ASSERT_EQ(0, hb_running(NULL));
    ASSERT_ERR(HB_ERR_ARG, hb_offline_message(NULL, 0, b, sizeof b, NULL));
    ASSERT_EQ(0, hb_buf_size(NULL, 10));
    ASSERT(hb_strerror(HB_ERR_LAST_ - 1) != NULL);
    PASS();
}

/* HB_ERR_LAST_ comes from the list: the lowest code with a text. */
TEST err_last_is_the_lowest_code(void)
{
    ASSERT(strcmp(hb_strerror(HB_ERR_LAST_), "unknown error") != 0);
    ASSERT_STR_EQ("unknown error", hb_strerror(HB_ERR_LAST_ - 1));
    ASSERT(HB_ERR_LAST_ <= HB_ERR_RANGE);
    PASS();
}

SUITE(reentry)
{
    int e, cb, call;
    char name[96];
    for (e = 0; e < E_N; e++)
        for (cb = 0; cb < CB_N; cb++)
            for (call = 0; call < C_N; call++) {
                /* the name says which: entry_callback_call */
                size_t k = 0, m;
                const char *parts[3];
                int p;
                parts[0] = entry_name[e];
                parts[1] = cb_name[cb];
                parts[2] = call_name[call];
                for (p = 0; p < 3; p++) {
                    m = strlen(parts[p]);
                    if (k + m + 2 >= sizeof name) break;
                    if (p > 0) name[k++] = '/';
                    memcpy(name + k, parts[p], m);
                    k += m;
                }
                name[k] = '\0';
                greatest_set_test_suffix(name);
                RUN_TESTp(reenter, e, cb, call);
            }
    RUN_TEST(backwards_tick_bounds_the_answer);
    RUN_TEST(uptime_after_backwards_tick);
    RUN_TEST(uptime_in_offline_message);
    RUN_TEST(failed_init_leaves_service_running);
    RUN_TEST(refused_buf_size_and_min_valid_sec);
    RUN_TEST(token_null_with_length_zero);
    RUN_TEST(which_error_wins);
    RUN_TEST(stop_in_clock_then_clock_failure);
    RUN_TEST(null_arguments);
    RUN_TEST(err_last_is_the_lowest_code);
}
