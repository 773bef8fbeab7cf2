/* tests/fakes.h — a recording publisher and logger, a scripted clock and
   token source. One `fake` per test; pass it as cfg.user. */
#ifndef HB_TEST_FAKES_H
#define HB_TEST_FAKES_H

#include <string.h>
#include "heartbeat.h"

#define FAKE_MAX_BEATS 64
#define FAKE_MAX_LOGS  64

typedef struct fake {
    /* the tick the test is polling at, recorded with each publish */
    uint32_t now;
    /* publish */
    int      pub_calls;
    int      pub_fail;          /* non-zero: every publish fails */
    int      pub_fail_every;    /* n > 0: every n-th call fails */
    char     last[2048];
    size_t   last_len;
    const char *last_topic;
    int      last_qos;
    uint32_t beat_at[FAKE_MAX_BEATS];   /* fake.now of the first beats */
    char     status_of[FAKE_MAX_BEATS][16];
    /* clock */
    hb_time  t;
    int      clock_fail;
    int      clock_calls;
    int      clock_follows_now; /* t.sec/nsec derived from now (+ t) */
    /* token */
    const char *token;
    size_t   token_len;
    int      token_fail;
    int      token_calls;
    /* log */
    int      logs;
    int      log_level[FAKE_MAX_LOGS];
    const char *log_msg[FAKE_MAX_LOGS];
    int      log_err[FAKE_MAX_LOGS];
    char     log_text[16384];   /* every msg and detail, concatenated */
    size_t   log_text_len;
    /* re-entry from the log callback */
    hb_service *reenter;
    int      reenter_poll;
    int      reenter_stop;
    /* random source */
    uint32_t rng;
} fake;

static inline int fake_publish(void *user, const char *topic,
                               const char *payload, size_t len, int qos)
{
    fake *f = (fake *)user;
    int n = f->pub_calls++;
    if (f->pub_fail) return -1;
    if (f->pub_fail_every > 0 && (n + 1) % f->pub_fail_every == 0) return -1;
    if (len < sizeof f->last) {
        memcpy(f->last, payload, len);
        f->last[len] = '\0';
    }
    f->last_len = len;
    f->last_topic = topic;
    f->last_qos = qos;
    return 0;
}

/* Like fake_publish, but also records when each beat was accepted. */
static inline int fake_publish_rec(void *user, const char *topic,
                                   const char *payload, size_t len, int qos)
{
    fake *f = (fake *)user;
    int before = f->pub_calls;
    int ok = fake_publish(user, topic, payload, len, qos);
    const char *st;
    if (ok == 0 && before < FAKE_MAX_BEATS) {
        f->beat_at[before] = f->now;
        st = strstr(f->last, "\"status\":\"");
        if (st != NULL) {
            size_t k = 0;
            st += 10;
            while (st[k] != '"' && k < 15) { f->status_of[before][k] = st[k]; k++; }
            f->status_of[before][k] = '\0';
        }
    }
    return ok;
}

static inline int fake_clock(void *user, hb_time *now)
{
    fake *f = (fake *)user;
    f->clock_calls++;
    if (f->clock_fail) return -1;
    *now = f->t;
    if (f->clock_follows_now) {
        now->sec += f->now / 1000u;
        now->nsec = (f->now % 1000u) * 1000000u;
    }
    return 0;
}

static inline int fake_token(void *user, const char **token, size_t *len)
{
    fake *f = (fake *)user;
    f->token_calls++;
    if (f->token_fail) return -1;
    *token = f->token;
    *len = f->token_len;
    return 0;
}

static inline void fake_log(void *user, int level, const char *msg, int err,
                            const char *detail)
{
    fake *f = (fake *)user;
    size_t n;
    if (f->logs < FAKE_MAX_LOGS) {
        f->log_level[f->logs] = level;
        f->log_msg[f->logs] = msg;
        f->log_err[f->logs] = err;
    }
    f->logs++;
    n = strlen(msg);
    if (f->log_text_len + n + 1 < sizeof f->log_text) {
        memcpy(f->log_text + f->log_text_len, msg, n);
        f->log_text_len += n;
        f->log_text[f->log_text_len++] = '\n';
    }
    if (detail != NULL) {
        n = strlen(detail);
        if (f->log_text_len + n + 1 < sizeof f->log_text) {
            memcpy(f->log_text + f->log_text_len, detail, n);
            f->log_text_len += n;
            f->log_text[f->log_text_len++] = '\n';
        }
    }
    f->log_text[f->log_text_len] = '\0';
    if (f->reenter != NULL) {
        if (f->reenter_poll) (void)hb_poll(f->reenter, f->now);
        if (f->reenter_stop) hb_stop(f->reenter, f->now);
    }
}

static inline uint32_t fake_rand(void *user)
{
    fake *f = (fake *)user;
    /* xorshift32: deterministic, never 0 after a non-zero seed */
    uint32_t x = f->rng != 0 ? f->rng : 0x9E3779B9u;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    f->rng = x;
    return x;
}

/* Index of the last log entry with this message, or -1. */
static inline int fake_find_log(const fake *f, const char *msg)
{
    int i, n = f->logs < FAKE_MAX_LOGS ? f->logs : FAKE_MAX_LOGS;
    for (i = n - 1; i >= 0; i--)
        if (strcmp(f->log_msg[i], msg) == 0) return i;
    return -1;
}

/* A config wired to f: topic "devices/hb", 1000 ms, QoS 1, id "dev-1",
   the clock at 2026-11-27T19:53:22.123456789Z. */
static inline void fake_config(hb_config *c, fake *f, char *buf, size_t size)
{
    memset(f, 0, sizeof *f);
    memset(c, 0, sizeof *c);
    f->t.sec = 1795809202;
    f->t.nsec = 123456789u;
    f->token = "tok.en.sig";
    f->token_len = 10;
    c->topic = "devices/hb";
    c->interval_ms = 1000;
    c->qos = 1;
    c->device_id = "dev-1";
    c->publish = fake_publish_rec;
    c->token = fake_token;
    c->clock = fake_clock;
    c->log = fake_log;
    c->user = f;
    c->buf = buf;
    c->buf_size = size;
}

#endif
