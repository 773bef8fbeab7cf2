/* tests/fault_fakes.h — callbacks that fail on purpose, for the `faults`
   suite. A `fault_fake` starts with a `fake` (tests/fakes.h), so the fake_*
   callbacks and helpers work on it too; pass the `fault_fake` as cfg.user. */
#ifndef HB_TEST_FAULT_FAKES_H
#define HB_TEST_FAULT_FAKES_H

#include "fakes.h"

#define FAULT_MAX_BURSTS 4
#define FAULT_MAX_SCRIPT 16

/* What a callback does to the service from inside. */
enum { RE_NOTHING, RE_POLL, RE_STOP, RE_START, RE_BEAT_NOW };

typedef struct fault_fake {
    fake f;                     /* first: a fault_fake is also a fake */
    hb_service *hb;             /* the service the callbacks re-enter */
    /* publish: calls [from, to) fail (0-based call numbers) */
    int burst_from[FAULT_MAX_BURSTS], burst_to[FAULT_MAX_BURSTS];
    int bursts;
    uint32_t slow_ms;           /* each publish advances f.now by this */
    int pub_reenter;            /* RE_*: what publish does from inside */
    /* token: the first token_fail_first calls fail */
    int token_fail_first;
    int token_reenter;          /* RE_*: what the token source does inside */
    /* clock: call k answers script[k] (the last entry repeats) */
    hb_time script[FAULT_MAX_SCRIPT];
    int script_len;
    int clock_reenter;          /* RE_*: what the clock does from inside */
    /* log: re-enter on this message only (NULL: on every message) */
    const char *log_reenter_on;
    int log_reenter;            /* RE_* */
    int log_reenter_max;        /* 0 = no limit */
    /* what re-entry saw */
    int reentries;
    int reenter_rc[8];          /* hb_start / hb_beat_now answers */
    uint32_t reenter_wait[8];   /* hb_poll answers */
    uint32_t attempts_seen[8];  /* attempts before and after: equal */
    uint32_t attempts_after[8];
} fault_fake;

static inline uint32_t fault_attempts(const hb_service *hb)
{
    hb_stats st;
    memset(&st, 0, sizeof st);
    (void)hb_get_stats(hb, &st);
    return st.attempts;
}

/* One re-entry into x->hb, recorded. */
static inline void fault_reenter(fault_fake *x, int what)
{
    int k = x->reentries < 8 ? x->reentries : 7;
    x->attempts_seen[k] = fault_attempts(x->hb);
    x->reenter_rc[k] = 0;
    x->reenter_wait[k] = 0;
    switch (what) {
    case RE_POLL:     x->reenter_wait[k] = hb_poll(x->hb, x->f.now); break;
    case RE_STOP:     hb_stop(x->hb, x->f.now); break;
    case RE_START:    x->reenter_rc[k] = hb_start(x->hb, x->f.now); break;
    case RE_BEAT_NOW: x->reenter_rc[k] = hb_beat_now(x->hb, x->f.now); break;
    default: return;
    }
    x->attempts_after[k] = fault_attempts(x->hb);
    x->reentries++;
}

static inline int fault_publish(void *user, const char *topic,
                                const char *payload, size_t len, int qos)
{
    fault_fake *x = (fault_fake *)user;
    int i, n = x->f.pub_calls;
    if (x->pub_reenter != RE_NOTHING) fault_reenter(x, x->pub_reenter);
    x->f.now += x->slow_ms;     /* the broker took its time */
    for (i = 0; i < x->bursts; i++) {
        if (n >= x->burst_from[i] && n < x->burst_to[i]) {
            x->f.pub_calls++;
            return -1;
        }
    }
    return fake_publish_rec(user, topic, payload, len, qos);
}

static inline int fault_token(void *user, const char **token, size_t *len)
{
    fault_fake *x = (fault_fake *)user;
    if (x->token_reenter != RE_NOTHING) fault_reenter(x, x->token_reenter);
    if (x->f.token_calls < x->token_fail_first) {
        x->f.token_calls++;
        return -1;
    }
    return fake_token(user, token, len);
}

static inline int fault_clock(void *user, hb_time *now)
{
    fault_fake *x = (fault_fake *)user;
    int k = x->f.clock_calls;
    if (x->clock_reenter != RE_NOTHING) fault_reenter(x, x->clock_reenter);
    if (x->script_len == 0) return fake_clock(user, now);
    if (k >= x->script_len) k = x->script_len - 1;
    x->f.clock_calls++;
    *now = x->script[k];
    return 0;
}

static inline void fault_log(void *user, int level, const char *msg, int err,
                             const char *detail)
{
    fault_fake *x = (fault_fake *)user;
    fake_log(user, level, msg, err, detail);
    if (x->log_reenter == RE_NOTHING) return;
    if (x->log_reenter_on != NULL && strcmp(msg, x->log_reenter_on) != 0) return;
    if (x->log_reenter_max != 0 && x->reentries >= x->log_reenter_max) return;
    fault_reenter(x, x->log_reenter);
}

/* fake_config, with the fault callbacks and x as the user. */
static inline void fault_config(hb_config *c, fault_fake *x, hb_service *hb,
                                char *buf, size_t size)
{
    memset(x, 0, sizeof *x);
    fake_config(c, &x->f, buf, size);
    x->hb = hb;
    c->publish = fault_publish;
    c->token = fault_token;
    c->clock = fault_clock;
    c->log = fault_log;
    c->user = x;
}

#endif
