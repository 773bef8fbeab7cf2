/* fuzz/fuzz_schedule.c — arbitrary sequences of poll times (small steps,
   exact waits, whole intervals late, jumps up to 2^31-1 ms, across the 2^32
   wrap, repeated instants), callback failures, re-entry from inside the
   callbacks, and stop/start/beat_now in between. A model of the documented
   schedule runs alongside; after every call:
   - the service made exactly the attempts the model expects (so beats
     only on grid points, retries or hb_beat_now, at most one per poll,
     none while stopped), and every counter matches the model's;
   - attempts == sent + fail_clock + fail_token + fail_serialize +
     fail_publish;
   - the answer of hb_poll is the model's, and it is exact: a copy of the
     service polled 1 ms before that answer does nothing, and polled at it
     attempts a beat;
   - a callback that re-enters: hb_poll gets the wait with no beat,
     hb_start and hb_beat_now get HB_ERR_STATE, hb_stop stops without the
     offline beat.
   No jitter here (rand == NULL): the model is exact. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
#include "json_check.h"
#include "fuzz_input.h"

enum { RE_NONE, RE_CLOCK, RE_TOKEN, RE_PUBLISH, RE_LOG, RE_FIELDS };
enum { DO_POLL, DO_STOP, DO_START, DO_BEAT };

typedef struct model {
    int running;
    uint32_t grid;          /* next grid point (== due: no jitter) */
    int pend_now, pend_retry;
    uint32_t retry_at, backoff;
    hb_stats st;
} model;

typedef struct run {
    hb_service *hb;
    uint32_t now;
    int probe;              /* inside a probe on a copy: succeed, record nothing */
    int clock_fail, token_fail, publish_fail;
    int re_where, re_what, re_done;
    int stopped_inside;
    int stop_first;         /* ... from the "missed" log, before the beat */
    int publishes;
    hb_config cfg;
} run;

static run R;

/* Re-entry from inside a callback: the rules of heartbeat.h. */
static void reenter(int where)
{
    hb_stats a, b;
    if (R.probe || R.re_where != where || R.re_done) return;
    R.re_done = 1;      /* once per attempt: a log callback runs often */
    FZ_CHECK(hb_get_stats(R.hb, &a) == HB_OK);
    switch (R.re_what) {
    case DO_POLL:
        (void)hb_poll(R.hb, R.now);
        break;
    case DO_STOP:
        hb_stop(R.hb, R.now);
        FZ_CHECK(!hb_running(R.hb));
        R.stopped_inside = 1;
        break;
    case DO_START:
        FZ_CHECK(hb_start(R.hb, R.now) == HB_ERR_STATE);
        break;
    default:
        FZ_CHECK(hb_beat_now(R.hb, R.now) == HB_ERR_STATE);
        break;
    }
    FZ_CHECK(hb_get_stats(R.hb, &b) == HB_OK);
    /* no beat, no offline beat, nothing counted from inside */
    FZ_CHECK(memcmp(&a, &b, sizeof a) == 0);
}

static int cb_clock(void *user, hb_time *t)
{
    (void)user;
    t->sec = 1795809202 + R.now / 1000u;
    t->nsec = (R.now % 1000u) * 1000000u;
    t->utc_offset_min = 0;
    reenter(RE_CLOCK);
    return R.probe ? 0 : R.clock_fail;
}

static int cb_token(void *user, const char **tok, size_t *len)
{
    (void)user;
    *tok = "hdr.claims.sig";
    *len = 14;
    reenter(RE_TOKEN);
    return R.probe ? 0 : R.token_fail;
}

static int cb_publish(void *user, const char *topic, const char *payload,
                      size_t len, int qos)
{
    (void)user; (void)topic; (void)qos;
    FZ_CHECK(payload[len] == '\0');
    if (R.probe) return 0;
    FZ_CHECK(jc_validate(payload, len));
    reenter(RE_PUBLISH);
    R.publishes++;
    return R.publish_fail;
}

static void cb_log(void *user, int level, const char *msg, int err,
                   const char *detail)
{
    int was = R.stopped_inside;
    (void)user; (void)level; (void)err; (void)detail;
    reenter(RE_LOG);
    if (!was && R.stopped_inside && strcmp(msg, HB_MSG_MISSED) == 0)
        R.stop_first = 1;
}

static void cb_fields(void *user, hb_json *w)
{
    (void)user;
    hb_json_key(w, "x", 1);
    hb_json_bool(w, 1);
    reenter(RE_FIELDS);
}

/* ---- the model: the documented schedule -------------------------------- */

static uint32_t model_wait(const model *m, uint32_t now)
{
    int32_t d;
    if (!m->running) return HB_POLL_IDLE;
    if (m->pend_now) return 0;
    d = (int32_t)(m->grid - now);
    if (m->pend_retry && (int32_t)(m->retry_at - now) < d)
        d = (int32_t)(m->retry_at - now);
    return d > 0 ? (uint32_t)d : 0u;
}

/* One attempt: the failures as set, the retry rule from hb_config's
   comments (first retry retry_base_ms after the failure, doubling, capped
   at retry_max_ms, never at or past the next due point). */
static int model_attempt(model *m, uint32_t now, int offline)
{
    int rc = R.clock_fail ? HB_ERR_CLOCK : R.token_fail ? HB_ERR_TOKEN
           : R.publish_fail ? HB_ERR_PUBLISH : HB_OK;
    /* hb_stop from a callback that runs while the message is built
       (clock, token, fields): nothing goes out after hb_stop; the beat
       counts as a publish failure with HB_ERR_STATE, whatever else failed
       after the stop (e.g. the clock callback stopped, then failed) */
    if (R.stopped_inside &&
        (R.re_where == RE_CLOCK || R.re_where == RE_TOKEN ||
         R.re_where == RE_FIELDS))
        rc = HB_ERR_STATE;
    m->st.attempts++;
    m->st.last_error = rc;
    switch (rc) {
    case HB_OK:  /* a success (e.g. hb_beat_now) also cancels a pending retry */
        m->st.sent++; m->st.consecutive_failures = 0; m->pend_retry = 0; return rc;
    case HB_ERR_CLOCK: m->st.fail_clock++; break;
    case HB_ERR_TOKEN: m->st.fail_token++; break;
    default: m->st.fail_publish++; break;
    }
    m->st.consecutive_failures++;
    if (R.cfg.retry_base_ms != 0 && !offline && !R.stopped_inside) {
        uint32_t cap = R.cfg.retry_max_ms;
        uint32_t b;
        if (cap == 0) {
            cap = R.cfg.interval_ms / 2u;
            if (cap < R.cfg.retry_base_ms) cap = R.cfg.retry_base_ms;
        }
        if (m->st.consecutive_failures == 1 || m->backoff == 0)
            b = R.cfg.retry_base_ms;
        else
            b = (uint64_t)m->backoff * 2u > cap ? cap : m->backoff * 2u;
        m->backoff = b;
        if ((int32_t)(m->grid - (now + b)) > 0) {
            m->retry_at = now + b;
            m->pend_retry = 1;
        }
    }
    return rc;
}

/* What hb_poll does at now, per the schedule. Returns 1 if it attempts.
   stop_first: a callback that ran before the beat (the "missed" log)
   stopped the service, so no beat goes out. */
static int model_poll(model *m, uint32_t now, int stop_first)
{
    if (!m->running) return 0;
    if ((int32_t)(now - m->grid) >= 0) {
        uint32_t k = (now - m->grid) / R.cfg.interval_ms;
        m->st.missed += k;
        m->grid += (k + 1u) * R.cfg.interval_ms;
        m->pend_now = m->pend_retry = 0;
        if (stop_first) return 0;
        model_attempt(m, now, 0);
        return 1;
    }
    if (m->pend_now) {
        m->pend_now = 0;
        model_attempt(m, now, 0);
        return 1;
    }
    if (m->pend_retry && (int32_t)(now - m->retry_at) >= 0) {
        m->pend_retry = 0;
        m->st.retries++;
        model_attempt(m, now, 0);
        return 1;
    }
    return 0;
}

/* hb_poll on a copy of the service with every callback succeeding; the
   original and the run are untouched. Returns the copy's attempts delta
   and its answer in *wait. */
static uint32_t probe(const hb_service *hb, uint32_t now, uint32_t *wait)
{
    hb_service copy = *hb;
    hb_stats a, b;
    uint32_t saved = R.now;
    R.probe = 1;
    R.now = now;
    FZ_CHECK(hb_get_stats(&copy, &a) == HB_OK);
    *wait = hb_poll(&copy, now);
    FZ_CHECK(hb_get_stats(&copy, &b) == HB_OK);
    R.probe = 0;
    R.now = saved;
    return b.attempts - a.attempts;
}

static void check(const hb_service *hb, const model *m)
{
    hb_stats st;
    FZ_CHECK(hb_get_stats(hb, &st) == HB_OK);
    FZ_CHECK(st.attempts == st.sent + st.fail_clock + st.fail_token +
                            st.fail_serialize + st.fail_publish);
    FZ_CHECK(st.attempts == m->st.attempts && st.sent == m->st.sent);
    FZ_CHECK(st.fail_clock == m->st.fail_clock && st.fail_token == m->st.fail_token);
    FZ_CHECK(st.fail_publish == m->st.fail_publish && st.fail_serialize == 0);
    FZ_CHECK(st.missed == m->st.missed && st.retries == m->st.retries);
    FZ_CHECK(st.consecutive_failures == m->st.consecutive_failures);
    if (st.attempts != 0) FZ_CHECK(st.last_error == m->st.last_error);
    FZ_CHECK(hb_running(hb) == m->running);
}

/* The answer w of a poll at now is exact: nothing happens before now + w,
   a beat is attempted at now + w. */
static void check_wait_exact(const hb_service *hb, uint32_t now, uint32_t w)
{
    uint32_t w2;
    if (w == HB_POLL_IDLE) return;
    if (w > 0) FZ_CHECK(probe(hb, now + w - 1u, &w2) == 0 && w2 == 1u);
    FZ_CHECK(probe(hb, now + w, &w2) == 1);
}

static void do_start(hb_service *hb, model *m)
{
    uint32_t first, w2;
    R.re_where = RE_NONE;
    FZ_CHECK(hb_start(hb, R.now) == HB_OK);
    memset(&m->st, 0, sizeof m->st);
    m->running = 1;
    m->pend_now = (R.cfg.flags & HB_OPT_IMMEDIATE) != 0;
    m->pend_retry = 0;
    /* the first grid point: one interval, or with HB_OPT_DESYNC a point in
       (0, interval] that only the id decides */
    w2 = probe(hb, R.now, &first);
    FZ_CHECK(w2 == ((R.cfg.flags & HB_OPT_IMMEDIATE) ? 1u : 0u));
    FZ_CHECK(first >= 1 && first <= R.cfg.interval_ms);
    if (!(R.cfg.flags & HB_OPT_DESYNC)) FZ_CHECK(first == R.cfg.interval_ms);
    m->grid = R.now + first;
    check(hb, m);
}

static void apply_stop(model *m)
{
    if (R.stopped_inside) {
        m->running = 0;
        m->pend_now = m->pend_retry = 0;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char buf[512];
    fz_in in;
    hb_service hb;
    model m;
    uint8_t how;
    uint32_t last_poll, w;
    int ops, rc;

    in.p = data;
    in.n = size;
    memset(&R, 0, sizeof R);
    memset(&m, 0, sizeof m);
    R.hb = &hb;
    how = fz_u8(&in);
    R.cfg.topic = "t/hb";
    R.cfg.device_id = "dev-0042";
    R.cfg.interval_ms = (how & 1u) ? (fz_u32(&in) & 0x7FFFFFFFu) : fz_u16(&in);
    if (R.cfg.interval_ms == 0) R.cfg.interval_ms = 1;
    R.cfg.flags = fz_u8(&in) & (HB_OPT_IMMEDIATE | HB_OPT_DESYNC | HB_OPT_SEQ |
                                HB_OPT_UPTIME | HB_OPT_HEALTH | HB_OPT_OFFLINE_ON_STOP);
    if (how & 2u) {
        R.cfg.retry_base_ms = fz_u32(&in) % R.cfg.interval_ms;
        if (how & 4u) {
            R.cfg.retry_max_ms = fz_u32(&in);
            if (R.cfg.retry_max_ms < R.cfg.retry_base_ms ||
                R.cfg.retry_max_ms >= R.cfg.interval_ms)   /* hb_init refuses */
                R.cfg.retry_max_ms = 0;
        }
    }
    R.cfg.publish = cb_publish;
    R.cfg.clock = cb_clock;
    R.cfg.token = cb_token;
    R.cfg.log = cb_log;
    R.cfg.fields = (how & 8u) ? cb_fields : NULL;
    R.cfg.buf = buf;
    R.cfg.buf_size = sizeof buf;
    FZ_CHECK(hb_init(&hb, &R.cfg) == HB_OK);
    FZ_CHECK(hb_poll(&hb, 0) == HB_POLL_IDLE);

    /* the start tick: anywhere, often just before the 2^32 wrap */
    R.now = (how & 16u) ? 0xFFFFFFFFu - fz_u16(&in) : fz_u32(&in);
    do_start(&hb, &m);
    last_poll = R.now;

    for (ops = 0; ops < 200 && in.n > 0; ops++) {
        uint8_t op = fz_u8(&in);
        uint32_t delta, room, mw = model_wait(&m, R.now);
        hb_stats before, after;
        int expect;
        switch ((op >> 3) & 7u) {
        case 0: delta = 0; break;                           /* same instant */
        case 1: delta = fz_u8(&in); break;                  /* small step */
        case 2: delta = mw; break;                          /* exactly on time */
        case 3: delta = mw + 1u; break;
        case 4: delta = (uint32_t)fz_u8(&in) * R.cfg.interval_ms; break;
        case 5: delta = fz_u32(&in) & 0x7FFFFFFFu; break;   /* huge jump */
        case 6: delta = fz_u16(&in); break;
        default: delta = mw - 1u; break;                    /* 1 ms early */
        }
        /* the contract: polls come less than 2^31 ms apart */
        room = 0x7FFFFFFFu - (R.now - last_poll);
        if (delta > room) delta = room;
        R.now += delta;
        R.clock_fail = (op & 0x40u) && (fz_u8(&in) & 1u);
        R.token_fail = (op & 0x40u) && (fz_u8(&in) & 2u);
        R.publish_fail = (op & 0x80u) != 0;
        R.re_where = R.re_what = R.re_done = R.stopped_inside = 0;
        R.stop_first = 0;
        if ((op & 0xC0u) == 0xC0u) {
            uint8_t re = fz_u8(&in);
            R.re_where = re % 6u;
            R.re_what = (re / 6u) % 4u;
        }
        FZ_CHECK(hb_get_stats(&hb, &before) == HB_OK);
        switch (op & 7u) {
        default:        /* poll (most ops) */
            w = hb_poll(&hb, R.now);
            last_poll = R.now;
            expect = model_poll(&m, R.now, R.stop_first);
            apply_stop(&m);
            FZ_CHECK(hb_get_stats(&hb, &after) == HB_OK);
            FZ_CHECK(after.attempts - before.attempts == (uint32_t)expect);
            check(&hb, &m);
            FZ_CHECK(w == model_wait(&m, R.now));
            check_wait_exact(&hb, R.now, w);
            break;
        case 5:         /* stop */
            R.re_where = RE_NONE;   /* re-entry is tested in the beats */
            if (m.running && (R.cfg.flags & HB_OPT_OFFLINE_ON_STOP))
                model_attempt(&m, R.now, 1);
            hb_stop(&hb, R.now);
            m.running = 0;
            m.pend_now = m.pend_retry = 0;
            check(&hb, &m);
            FZ_CHECK(hb_poll(&hb, R.now) == HB_POLL_IDLE);
            FZ_CHECK(hb_poll(&hb, R.now + R.cfg.interval_ms) == HB_POLL_IDLE);
            check(&hb, &m);
            break;
        case 6:         /* start */
            if (m.running) {
                FZ_CHECK(hb_start(&hb, R.now) == HB_ERR_STATE);
                check(&hb, &m);
            } else {
                do_start(&hb, &m);
                last_poll = R.now;
            }
            break;
        case 7:         /* a beat off the grid: the grid does not move */
            if (!m.running) {
                FZ_CHECK(hb_beat_now(&hb, R.now) == HB_ERR_STATE);
                check(&hb, &m);
                break;
            }
            rc = hb_beat_now(&hb, R.now);
            FZ_CHECK(rc == model_attempt(&m, R.now, 0));
            apply_stop(&m);
            check(&hb, &m);
            check_wait_exact(&hb, R.now, model_wait(&m, R.now));
            break;
        }
    }
    return 0;
}
