/* fuzz/fuzz_config.c — arbitrary hb_config field values. Checks:
   - hb_init returns HB_OK exactly when the documented rules (the manual in
     heartbeat.h and the field comments, restated here) accept the config, else HB_ERR_ARG
     with an HB_MSG_CONFIG log line when there is a log callback;
   - when it is OK, a caller that sleeps exactly what hb_poll answers (and
     is sometimes late) sees: at most one attempt per poll, each message
     strict JSON that fits buf_size with its NUL, counters that add up, a
     wait never beyond interval + jitter, HB_POLL_IDLE and no publish after
     hb_stop (one "offline" beat from hb_stop with HB_OPT_OFFLINE_ON_STOP),
     and a restart that works;
   - a buffer of hb_buf_size(cfg, token_len) bytes never fails to serialise
     (base64url tokens, the config's own status). */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
#include "json_check.h"
#include "fuzz_input.h"

typedef struct run {
    fz_in *in;
    char tok[160];
    size_t toklen;
    int clock_fail, token_fail, publish_fail;
    int64_t sec0;
    uint32_t now;
    uint32_t rng;
    size_t buf_size;
    int publishes, logs, config_logs;
    int offline_seen;
    char fkey[24], fval[24];
    size_t fkeylen, fvallen;
} run;

static int cb_publish(void *user, const char *topic, const char *payload,
                      size_t len, int qos)
{
    run *r = (run *)user;
    FZ_CHECK(topic != NULL && qos >= 0 && qos <= 2);
    FZ_CHECK(len + 1 <= r->buf_size && payload[len] == '\0');
    FZ_CHECK(jc_validate(payload, len));
    if (strstr(payload, "\"status\":\"offline\"") != NULL) r->offline_seen++;
    r->publishes++;
    return r->publish_fail;
}

static int cb_clock(void *user, hb_time *now)
{
    run *r = (run *)user;
    if (r->clock_fail) return -1;
    now->sec = r->sec0 + r->now / 1000u;
    now->nsec = (r->now % 1000u) * 1000000u;
    now->utc_offset_min = 0;
    return 0;
}

static int cb_token(void *user, const char **token, size_t *len)
{
    run *r = (run *)user;
    if (r->token_fail) return -1;
    *token = r->tok;
    *len = r->toklen;
    return 0;
}

static void cb_log(void *user, int level, const char *msg, int err,
                   const char *detail)
{
    run *r = (run *)user;
    FZ_CHECK(level >= HB_LOG_ERROR && level <= HB_LOG_DEBUG && msg != NULL);
    FZ_CHECK(err <= 0 && err >= HB_ERR_RANGE);
    if (detail != NULL) (void)strlen(detail);
    if (strcmp(msg, HB_MSG_CONFIG) == 0) r->config_logs++;
    r->logs++;
}

static uint32_t cb_rand(void *user)
{
    run *r = (run *)user;
    uint32_t x = r->rng != 0 ? r->rng : 0x9E3779B9u;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    r->rng = x;
    return x;
}

static void cb_fields(void *user, hb_json *w)
{
    run *r = (run *)user;
    hb_json_key(w, r->fkey, r->fkeylen);
    hb_json_string(w, r->fval, r->fvallen);
}

/* ---- the rules, restated from the documentation ------------------------ */

static int utf8_ok(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = jc_utf8((const unsigned char *)s + i, n - i, &cp);
        if (k == 0 || cp == 0) return 0;
        i += k;
    }
    return 1;
}

static int config_ok(const hb_config *c)
{
    size_t n;
    if (c->topic == NULL) return 0;
    n = strlen(c->topic);
    if (n == 0 || n > 65535 || memchr(c->topic, '+', n) || memchr(c->topic, '#', n) ||
        !utf8_ok(c->topic, n))
        return 0;
    if (c->qos < 0 || c->qos > 2) return 0;
    if (c->interval_ms == 0 || c->interval_ms >= 0x80000000u) return 0;
    if (c->publish == NULL || c->clock == NULL || c->device_id == NULL ||
        c->buf == NULL || c->buf_size == 0)
        return 0;
    if (c->status != NULL) {
        n = strlen(c->status);
        if (n == 0 || n > 32 || !utf8_ok(c->status, n)) return 0;
    }
    if (c->flags & ~(uint32_t)(HB_OPT_IMMEDIATE | HB_OPT_DESYNC | HB_OPT_SEQ |
                               HB_OPT_BOOT_ID | HB_OPT_UPTIME | HB_OPT_INTERVAL |
                               HB_OPT_HEALTH | HB_OPT_OFFLINE_ON_STOP |
                               HB_OPT_SEND_UNSYNCED))
        return 0;
    if (c->retry_base_ms != 0 && c->retry_base_ms >= c->interval_ms) return 0;
    if (c->retry_max_ms != 0 && (c->retry_max_ms < c->retry_base_ms ||
                                 c->retry_max_ms >= c->interval_ms))
        return 0;
    if (c->jitter_ms != 0 && (c->jitter_ms >= c->interval_ms || c->rand == NULL ||
                              c->jitter_ms > 0x7FFFFFFFu - c->interval_ms))
        return 0;
    if (c->min_valid_sec < 0) return 0;
    return 1;
}

/* A C string from a chunk (ends at the first NUL); NULL when the chunk's
   first byte says so. */
static char *fz_cstr(fz_in *in, size_t max, int nullable)
{
    size_t n;
    const uint8_t *p = fz_chunk(in, max, &n);
    char *s;
    if (nullable && n > 0 && p[0] == 0xFFu) return NULL;
    s = (char *)malloc(n + 1);
    FZ_CHECK(s != NULL);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static uint32_t pick32(fz_in *in, uint8_t how)
{
    uint32_t v = fz_u32(in);
    switch (how & 3u) {
    case 0: return 0;
    case 1: return v & 0xFFu;
    case 2: return v & 0xFFFFu;
    default: return v;
    }
}

/* hb_poll on a copy of the service, with the run's state saved and put
   back (the copy's callbacks share it): how many attempts the copy makes. */
static uint32_t probe(const hb_service *hb, run *r, uint32_t now)
{
    hb_service copy;
    run saved = *r;
    hb_stats a, b;
    memcpy(&copy, hb, sizeof copy);
    r->now = now;
    r->clock_fail = r->token_fail = r->publish_fail = 0;
    FZ_CHECK(hb_get_stats(&copy, &a) == HB_OK);
    (void)hb_poll(&copy, now);
    FZ_CHECK(hb_get_stats(&copy, &b) == HB_OK);
    *r = saved;
    return b.attempts - a.attempts;
}

static void check_stats(hb_service *hb)
{
    hb_stats st;
    FZ_CHECK(hb_get_stats(hb, &st) == HB_OK);
    FZ_CHECK(st.attempts == st.sent + st.fail_clock + st.fail_token +
                            st.fail_serialize + st.fail_publish);
    FZ_CHECK(st.retries <= st.attempts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    fz_in in;
    run r;
    hb_config cfg;
    hb_service hb;
    uint8_t nulls, how, how2;
    char *topic, *device, *status, *boot;
    char *buf = NULL;
    size_t i, fit;
    int ok, rc, steps;
    uint32_t w;
    const uint8_t *p;

    in.p = data;
    in.n = size;
    memset(&r, 0, sizeof r);
    memset(&cfg, 0, sizeof cfg);
    r.in = &in;
    nulls = fz_u8(&in);     /* which pointers are NULL */
    how = fz_u8(&in);       /* how wide the numbers are */
    how2 = fz_u8(&in);
    topic = fz_cstr(&in, 80, 1);
    device = fz_cstr(&in, 80, 1);
    status = fz_cstr(&in, 40, 1);
    boot = fz_cstr(&in, 40, 1);
    cfg.topic = topic;
    cfg.device_id = device;
    cfg.status = status;
    cfg.boot_id_str = boot;
    cfg.interval_ms = (how & 1u) ? fz_u32(&in) : 1u + fz_u16(&in);
    cfg.qos = (int8_t)fz_u8(&in);
    if (!(how & 2u)) cfg.qos &= 3;
    cfg.flags = (how & 4u) ? fz_u32(&in) : fz_u16(&in) & 0x1FFu;
    cfg.retry_base_ms = pick32(&in, (uint8_t)(how >> 3));
    cfg.retry_max_ms = pick32(&in, (uint8_t)(how >> 5));
    cfg.jitter_ms = pick32(&in, how2);
    cfg.boot_id = fz_u32(&in);
    cfg.min_valid_sec = (how2 & 4u) ? (int64_t)fz_u64(&in) : (int64_t)fz_u32(&in);
    cfg.buf_size = fz_u16(&in) % 1024u;
    cfg.publish = (nulls & 1u) ? NULL : cb_publish;
    cfg.clock = (nulls & 2u) ? NULL : cb_clock;
    cfg.token = (nulls & 4u) ? NULL : cb_token;
    cfg.log = (nulls & 8u) ? NULL : cb_log;
    cfg.rand = (nulls & 16u) ? NULL : cb_rand;
    cfg.fields = (nulls & 32u) ? NULL : cb_fields;
    cfg.user = &r;
    if (!(nulls & 64u) && cfg.buf_size > 0) {
        buf = (char *)malloc(cfg.buf_size);
        FZ_CHECK(buf != NULL);
    } else if (!(nulls & 64u)) {
        buf = (char *)malloc(1);    /* a real pointer, size 0 */
        FZ_CHECK(buf != NULL);
    }
    cfg.buf = buf;
    r.buf_size = cfg.buf_size;
    r.rng = fz_u32(&in);
    r.sec0 = (how2 & 8u) ? (int64_t)(fz_u32(&in) & 0x7FFFFFFFu) : 1795809202;
    p = fz_chunk(&in, sizeof r.tok, &r.toklen);
    for (i = 0; i < r.toklen; i++) r.tok[i] = b64[p[i] & 63u];
    p = fz_chunk(&in, sizeof r.fkey, &r.fkeylen);
    memcpy(r.fkey, p, r.fkeylen);
    p = fz_chunk(&in, sizeof r.fval, &r.fvallen);
    memcpy(r.fval, p, r.fvallen);

    /* often the buffer is sized around hb_buf_size's answer, where an
       underestimate shows */
    if ((how2 & 16u) && cfg.device_id != NULL) {
        size_t f0 = hb_buf_size(&cfg, r.toklen);
        size_t d = fz_u8(&in) % 8u;
        if (f0 > 4) {
            free(buf);
            cfg.buf_size = f0 + d - 4u;
            buf = (char *)malloc(cfg.buf_size);
            FZ_CHECK(buf != NULL);
            cfg.buf = buf;
            r.buf_size = cfg.buf_size;
        }
    }

    ok = config_ok(&cfg);
    memset(&hb, 0xA5, sizeof hb);
    rc = hb_init(&hb, &cfg);
    FZ_CHECK(rc == (ok ? HB_OK : HB_ERR_ARG));
    if (!ok) {
        FZ_CHECK(cfg.log == NULL || r.config_logs == 1);
        FZ_CHECK(hb_start(&hb, 0) == HB_ERR_STATE);
        FZ_CHECK(hb_poll(&hb, 0) == HB_POLL_IDLE);
        FZ_CHECK(hb_running(&hb) == 0);
        goto out;
    }
    FZ_CHECK(r.logs == 0);

    /* does the buffer hold the widest message this config makes? */
    fit = hb_buf_size(&cfg, r.toklen);
    FZ_CHECK(fit > 0);

    r.now = fz_u32(&in);
    FZ_CHECK(hb_poll(&hb, r.now) == HB_POLL_IDLE);
    FZ_CHECK(hb_start(&hb, r.now) == HB_OK);
    FZ_CHECK(hb_start(&hb, r.now) == HB_ERR_STATE);
    for (steps = 0; steps < 12; steps++) {
        uint8_t op = fz_u8(&in);
        hb_stats before, after;
        int pubs = r.publishes;
        r.clock_fail = (op & 1u) != 0;
        r.token_fail = (op & 2u) != 0;
        r.publish_fail = (op & 4u) != 0;
        FZ_CHECK(hb_get_stats(&hb, &before) == HB_OK);
        w = hb_poll(&hb, r.now);
        FZ_CHECK(hb_get_stats(&hb, &after) == HB_OK);
        FZ_CHECK(after.attempts - before.attempts <= 1);
        FZ_CHECK(r.publishes - pubs <= 1);
        check_stats(&hb);
        FZ_CHECK(w != HB_POLL_IDLE);
        FZ_CHECK(w <= cfg.interval_ms + cfg.jitter_ms);
        /* the answer is exact, jitter and retries included: nothing 1 ms
           before it, a beat at it */
        if (w > 0) FZ_CHECK(probe(&hb, &r, r.now + w - 1u) == 0);
        FZ_CHECK(probe(&hb, &r, r.now + w) == 1);
        if (cfg.buf_size >= fit && !r.clock_fail && !r.token_fail)
            FZ_CHECK(after.fail_serialize == before.fail_serialize);
        if ((op >> 3) == 31) {
            /* a beat off the grid */
            rc = hb_beat_now(&hb, r.now);
            FZ_CHECK(rc <= 0 && rc >= HB_ERR_RANGE);
            check_stats(&hb);
        }
        /* sleep as told, sometimes longer */
        r.now += w + ((op & 0x80u) ? (uint32_t)fz_u16(&in) * 64u : 0u);
    }
    r.clock_fail = r.token_fail = r.publish_fail = 0;
    {
        int pubs = r.publishes, offline = (cfg.flags & HB_OPT_OFFLINE_ON_STOP) != 0;
        hb_stats before, after;
        FZ_CHECK(hb_get_stats(&hb, &before) == HB_OK);
        hb_stop(&hb, r.now);
        FZ_CHECK(hb_get_stats(&hb, &after) == HB_OK);
        /* the offline beat is one attempt; it goes out when it fits */
        FZ_CHECK(after.attempts - before.attempts == (offline ? 1u : 0u));
        FZ_CHECK(r.publishes - pubs == (int)(after.sent - before.sent));
        if (offline && cfg.buf_size >= fit && !(r.sec0 < cfg.min_valid_sec &&
                                                !(cfg.flags & HB_OPT_SEND_UNSYNCED)))
            FZ_CHECK(r.publishes - pubs == 1 && r.offline_seen >= 1);
        check_stats(&hb);
        pubs = r.publishes;
        hb_stop(&hb, r.now);    /* idempotent */
        FZ_CHECK(hb_poll(&hb, r.now + cfg.interval_ms) == HB_POLL_IDLE);
        FZ_CHECK(hb_poll(&hb, r.now + 2u * cfg.interval_ms + cfg.jitter_ms) == HB_POLL_IDLE);
        FZ_CHECK(hb_beat_now(&hb, r.now) == HB_ERR_STATE);
        FZ_CHECK(r.publishes == pubs);
        FZ_CHECK(hb_get_stats(&hb, &before) == HB_OK);
        FZ_CHECK(before.attempts == after.attempts);
        FZ_CHECK(hb_running(&hb) == 0);
    }
    FZ_CHECK(hb_start(&hb, r.now) == HB_OK);
    w = hb_poll(&hb, r.now);
    FZ_CHECK(w <= cfg.interval_ms + cfg.jitter_ms);
    r.now += w;
    (void)hb_poll(&hb, r.now);
    check_stats(&hb);
    hb_stop(&hb, r.now);
    FZ_CHECK(hb_poll(&hb, r.now) == HB_POLL_IDLE);
out:
    free(buf);
    free(topic);
    free(device);
    free(status);
    free(boot);
    return 0;
}
