/* fuzz/fuzz_strings.c — arbitrary bytes as device id, token and a custom
   field's key and value, arbitrary wall-clock times, buffer sizes chosen by
   the fuzzer. Checks, for every input:
   - the published message is byte-identical to the one built here with the
     reference Go escaping (json_check.h), and passes the strict RFC 8259
     validator; each string decodes back to its input with invalid UTF-8
     bytes replaced by U+FFFD;
   - the timestamp parses back to exactly the clock's time (an inverse
     computed here, a different algorithm from the formatter's);
   - the buffer is a heap block of exactly buf_size bytes (ASan sees any
     write past it); a message that does not fit is not published at all
     and counts as a serialisation failure, one that fits always goes out;
   - the JSON writer alone and hb_offline_message obey the same boundary;
   - log messages are the fixed strings, details are C strings, and the
     token never reaches the log. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
#include "json_check.h"
#include "fuzz_input.h"

#define MAX_STR 300

typedef struct run {
    hb_time t;
    const char *tok;
    size_t toklen;
    int token_null;         /* the token callback gives NULL, 0 */
    const uint8_t *key, *val;
    size_t keylen, vallen;
    int fields_misuse;      /* value without a key: a state error */
    int fields_rc;
    /* what happened */
    int published;
    char *msg;
    size_t msglen;
    size_t buf_size;
} run;

static int cb_publish(void *user, const char *topic, const char *payload,
                      size_t len, int qos)
{
    run *r = (run *)user;
    FZ_CHECK(strcmp(topic, "t/hb") == 0 && qos == 1);
    FZ_CHECK(len + 1 <= r->buf_size);
    FZ_CHECK(payload[len] == '\0' && strlen(payload) == len);
    r->published++;
    r->msg = (char *)malloc(len + 1);
    FZ_CHECK(r->msg != NULL);
    memcpy(r->msg, payload, len + 1);
    r->msglen = len;
    return 0;
}

static int cb_clock(void *user, hb_time *now)
{
    *now = ((run *)user)->t;
    return 0;
}

static int cb_token(void *user, const char **token, size_t *len)
{
    run *r = (run *)user;
    *token = r->token_null ? NULL : r->tok;
    *len = r->token_null ? 0 : r->toklen;
    return 0;
}

static void cb_fields(void *user, hb_json *w)
{
    run *r = (run *)user;
    if (!r->fields_misuse)
        r->fields_rc = hb_json_key(w, (const char *)r->key, r->keylen);
    r->fields_rc = hb_json_string(w, (const char *)r->val, r->vallen);
}


static void cb_log(void *user, int level, const char *msg, int err,
                   const char *detail)
{
    run *r = (run *)user;
    FZ_CHECK(level >= HB_LOG_ERROR && level <= HB_LOG_DEBUG);
    FZ_CHECK(strcmp(msg, HB_MSG_SERIALIZE) == 0 || strcmp(msg, HB_MSG_PUBLISH) == 0 ||
             strcmp(msg, HB_MSG_OK) == 0 || strcmp(msg, HB_MSG_TOKEN) == 0 ||
             strcmp(msg, HB_MSG_CLOCK) == 0 || strcmp(msg, HB_MSG_CONFIG) == 0 ||
             strcmp(msg, HB_MSG_MISSED) == 0 || strcmp(msg, HB_MSG_RETRY) == 0);
    FZ_CHECK(err <= 0 && err >= HB_ERR_RANGE);
    if (detail != NULL) {
        (void)strlen(detail);   /* ASan: a C string */
        /* the token's memory is never handed to the log */
        FZ_CHECK(r->toklen == 0 || detail < r->tok || detail >= r->tok + r->toklen);
    }
}

/* ---- the timestamp, parsed back ---------------------------------------- */

static int dig(const char *s, int n, int *v)
{
    int i;
    *v = 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        *v = *v * 10 + (s[i] - '0');
    }
    return 1;
}

static int leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

/* days from 1970-01-01 to y-m-d, by counting leap years since year 0 */
static int64_t days_of(int64_t y, int m, int d)
{
    static const int before[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243,
                                    273, 304, 334 };
    int64_t days = 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    days += before[m - 1] + (m > 2 && leap(y)) + d - 1;
    return days - 719528;
}

/* Checks ts[0..n) is Go's RFC 3339 form of t. */
static void check_time(const char *ts, size_t n, const hb_time *t)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, mo, d, h, mi, s, oh, om, off;
    uint32_t ns = 0;
    size_t i = 19, fd = 0;
    int64_t local;
    FZ_CHECK(n >= 20);
    FZ_CHECK(dig(ts, 4, &y) && ts[4] == '-' && dig(ts + 5, 2, &mo) &&
             ts[7] == '-' && dig(ts + 8, 2, &d) && ts[10] == 'T' &&
             dig(ts + 11, 2, &h) && ts[13] == ':' && dig(ts + 14, 2, &mi) &&
             ts[16] == ':' && dig(ts + 17, 2, &s));
    FZ_CHECK(mo >= 1 && mo <= 12 && d >= 1 &&
             d <= mdays[mo - 1] + (mo == 2 && leap(y)));
    FZ_CHECK(h < 24 && mi < 60 && s < 60);
    if (ts[i] == '.') {
        i++;
        while (i < n && ts[i] >= '0' && ts[i] <= '9') {
            ns = ns * 10u + (uint32_t)(ts[i] - '0');
            i++;
            fd++;
        }
        FZ_CHECK(fd >= 1 && fd <= 9 && ts[i - 1] != '0');
        while (fd++ < 9) ns *= 10u;
    }
    FZ_CHECK(ns == t->nsec);
    FZ_CHECK(i < n);
    if (ts[i] == 'Z') {
        FZ_CHECK(i + 1 == n);
        off = 0;
    } else {
        FZ_CHECK(i + 6 == n && (ts[i] == '+' || ts[i] == '-') &&
                 dig(ts + i + 1, 2, &oh) && ts[i + 3] == ':' &&
                 dig(ts + i + 4, 2, &om) && oh < 24 && om < 60);
        off = (oh * 60 + om) * (ts[i] == '-' ? -1 : 1);
        FZ_CHECK(off != 0);     /* Go writes Z for a zero offset */
    }
    FZ_CHECK(off == t->utc_offset_min);
    local = days_of(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    FZ_CHECK(local - (int64_t)off * 60 == t->sec);
}

/* What Go would say about t: 0 = formats, else the beat fails. */
static int time_fails(const hb_time *t)
{
    int64_t local;
    if (t->nsec > 999999999u) return HB_ERR_CLOCK;
    if (t->utc_offset_min <= -1440 || t->utc_offset_min >= 1440) return HB_ERR_RANGE;
    if (t->sec < -62167219200LL - 86400 || t->sec > 253402300799LL + 86400)
        return HB_ERR_RANGE;
    local = t->sec + (int64_t)t->utc_offset_min * 60;
    if (local < -62167219200LL || local > 253402300799LL) return HB_ERR_RANGE;
    return 0;
}

/* Appends s to a growing expected message. */
static void app(char *o, size_t *n, const char *s, size_t k)
{
    memcpy(o + *n, s, k);
    *n += k;
}

static void check_string_member(const char *msg, size_t len, const char *key,
                                const uint8_t *in, size_t inlen)
{
    const char *v;
    size_t vl, dl, rl;
    unsigned char dec[6 * MAX_STR + 8], rep[3 * MAX_STR + 8];
    FZ_CHECK(jc_member(msg, len, key, &v, &vl));
    FZ_CHECK(vl >= 2 && v[0] == '"');
    dl = jc_decode(v, vl, dec);
    rl = jc_replace(in, inlen, rep);
    FZ_CHECK(dl == rl && memcmp(dec, rep, rl) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in;
    run r;
    hb_config cfg;
    hb_service hb;
    hb_stats st;
    uint8_t mode;
    const uint8_t *id;
    size_t idlen, buf_size, n, e;
    char *idz, *buf, *exp;
    int use_token, use_fields, expect_fail, rc;
    static char esc[6 * MAX_STR + 8];

    in.p = data;
    in.n = size;
    memset(&r, 0, sizeof r);
    buf_size = 1u + fz_u16(&in) % 2048u;
    mode = fz_u8(&in);
    use_token = mode & 1;
    use_fields = (mode >> 1) & 1;
    r.fields_misuse = use_fields && ((mode >> 2) & 1) && ((mode >> 3) & 1);
    r.token_null = use_token && ((mode >> 4) & 1) && ((mode >> 5) & 1);
    /* a valid time most of the time; (mode >> 6) picks how wild */
    r.t.sec = 1795809202;
    r.t.nsec = 123456789u;
    if (mode & 0x40u) {
        uint64_t raw = fz_u64(&in);
        uint8_t shift = fz_u8(&in);
        r.t.sec = (int64_t)raw >> (shift % 64u);
        r.t.nsec = fz_u32(&in);
        if (!(mode & 0x80u)) r.t.nsec %= 1000000000u;
        r.t.utc_offset_min = (int16_t)fz_u16(&in);
        if (!(mode & 0x80u)) r.t.utc_offset_min = (int16_t)(r.t.utc_offset_min % 1440);
    }
    id = fz_chunk(&in, MAX_STR, &idlen);
    r.tok = (const char *)fz_chunk(&in, MAX_STR, &r.toklen);
    r.key = fz_chunk(&in, MAX_STR, &r.keylen);
    r.val = fz_chunk(&in, MAX_STR, &r.vallen);
    if (!use_token || r.token_null) r.toklen = 0;

    /* device_id is a C string: it ends at its first NUL */
    idz = (char *)malloc(idlen + 1);
    FZ_CHECK(idz != NULL);
    memcpy(idz, id, idlen);
    idz[idlen] = '\0';
    idlen = strlen(idz);

    buf = (char *)malloc(buf_size);
    FZ_CHECK(buf != NULL);
    r.buf_size = buf_size;
    memset(&cfg, 0, sizeof cfg);
    cfg.topic = "t/hb";
    cfg.interval_ms = 1000;
    cfg.qos = 1;
    cfg.device_id = idz;
    cfg.publish = cb_publish;
    cfg.token = use_token ? cb_token : NULL;
    cfg.clock = cb_clock;
    cfg.log = cb_log;
    cfg.fields = use_fields ? cb_fields : NULL;
    cfg.user = &r;
    cfg.buf = buf;
    cfg.buf_size = buf_size;
    FZ_CHECK(hb_init(&hb, &cfg) == HB_OK);
    FZ_CHECK(hb_start(&hb, 0) == HB_OK);
    rc = hb_beat_now(&hb, 0);

    /* the message as Go would write it, with the timestamp left out */
    exp = (char *)malloc(64 + 12 * MAX_STR * 2 + 128);
    FZ_CHECK(exp != NULL);
    n = 0;
    app(exp, &n, "{\"device_id\":\"", 14);
    app(exp, &n, esc, jc_go_escape((const uint8_t *)idz, idlen, esc));
    app(exp, &n, "\",\"timestamp\":\"", 15);
    e = n;      /* the timestamp goes here */
    app(exp, &n, "\",\"status\":\"alive\",\"jwt_token\":\"", 32);
    app(exp, &n, esc, jc_go_escape((const uint8_t *)r.tok, r.toklen, esc));
    app(exp, &n, "\"", 1);
    if (use_fields && !r.fields_misuse) {
        app(exp, &n, ",\"", 2);
        app(exp, &n, esc, jc_go_escape(r.key, r.keylen, esc));
        app(exp, &n, "\":\"", 3);
        app(exp, &n, esc, jc_go_escape(r.val, r.vallen, esc));
        app(exp, &n, "\"", 1);
    }
    app(exp, &n, "}", 1);

    expect_fail = time_fails(&r.t);
    FZ_CHECK(hb_get_stats(&hb, &st) == HB_OK);
    FZ_CHECK(st.attempts == 1);
    FZ_CHECK(st.attempts == st.sent + st.fail_clock + st.fail_token +
                            st.fail_serialize + st.fail_publish);
    if (expect_fail == HB_ERR_CLOCK) {
        FZ_CHECK(rc == HB_ERR_CLOCK && st.fail_clock == 1 && r.published == 0);
    } else if (expect_fail != 0) {
        /* the time is checked before anything is written: HB_ERR_RANGE
           (or HB_ERR_ARG's clock case above) wins over HB_ERR_NOSPACE,
           whatever the buffer size */
        (void)e;
        FZ_CHECK(rc == HB_ERR_RANGE);
        FZ_CHECK(st.fail_serialize == 1 && r.published == 0);
    } else if (r.fields_misuse) {
        /* the sticky error is whichever came first: an overflow before the
           fields callback (all but the closing brace written) or the
           callback's value without a key */
        size_t before = n - 1 + (size_t)hb_format_time(esc, sizeof esc, &r.t);
        FZ_CHECK(rc == (before + 1 <= buf_size ? HB_ERR_STATE : HB_ERR_NOSPACE));
        FZ_CHECK(st.fail_serialize == 1 && r.published == 0);
    } else {
        char ts[HB_TIME_MAX + 1];
        int tl = hb_format_time(ts, sizeof ts, &r.t);
        FZ_CHECK(tl > 0);
        check_time(ts, (size_t)tl, &r.t);
        if (n + (size_t)tl + 1 <= buf_size) {
            FZ_CHECK(rc == HB_OK && st.sent == 1 && r.published == 1);
            FZ_CHECK(r.msglen == n + (size_t)tl);
            FZ_CHECK(memcmp(r.msg, exp, e) == 0);
            FZ_CHECK(memcmp(r.msg + e, ts, (size_t)tl) == 0);
            FZ_CHECK(memcmp(r.msg + e + tl, exp + e, n - e) == 0);
            FZ_CHECK(jc_validate(r.msg, r.msglen));
            check_string_member(r.msg, r.msglen, "device_id",
                                (const uint8_t *)idz, idlen);
            check_string_member(r.msg, r.msglen, "jwt_token",
                                (const uint8_t *)r.tok, r.toklen);
        } else {
            FZ_CHECK(rc == HB_ERR_NOSPACE && st.fail_serialize == 1 &&
                     r.published == 0);
        }
    }
    hb_stop(&hb, 0);
    FZ_CHECK(hb_poll(&hb, 5000) == HB_POLL_IDLE);
    FZ_CHECK(hb_beat_now(&hb, 5000) == HB_ERR_STATE);

    /* The writer alone: a string value in a buffer of exactly buf_size
       bytes succeeds iff it fits with its NUL; measuring agrees. */
    {
        hb_json w;
        size_t got = 0, meas = 0, need;
        char *wb = (char *)malloc(buf_size);
        FZ_CHECK(wb != NULL);
        need = 2 + jc_go_escape(r.val, r.vallen, esc);
        hb_json_init(&w, NULL, 0);
        hb_json_string(&w, (const char *)r.val, r.vallen);
        FZ_CHECK(hb_json_finish(&w, &meas) == HB_OK && meas == need);
        hb_json_init(&w, wb, buf_size);
        hb_json_string(&w, (const char *)r.val, r.vallen);
        rc = hb_json_finish(&w, &got);
        if (need + 1 <= buf_size) {
            FZ_CHECK(rc == HB_OK && got == need && wb[need] == '\0');
            FZ_CHECK(wb[0] == '"' && memcmp(wb + 1, esc, need - 2) == 0);
            FZ_CHECK(jc_validate(wb, got));
        } else {
            FZ_CHECK(rc == HB_ERR_NOSPACE && got == 0 && wb[0] == '\0');
        }
        /* a key with arbitrary bytes, in an object */
        hb_json_init(&w, wb, buf_size);
        hb_json_begin_object(&w);
        hb_json_key(&w, (const char *)r.key, r.keylen);
        hb_json_null(&w);
        hb_json_end_object(&w);
        rc = hb_json_finish(&w, &got);
        need = 1 + 2 + jc_go_escape(r.key, r.keylen, esc) + 1 + 4 + 1;
        if (need + 1 <= buf_size) {
            FZ_CHECK(rc == HB_OK && got == need && jc_validate(wb, got));
        } else {
            FZ_CHECK(rc == HB_ERR_NOSPACE);
        }
        free(wb);
    }

    /* hb_offline_message into an exact-size block of its own */
    if (expect_fail == 0 && !r.fields_misuse) {
        size_t olen = 99;
        size_t need = n + (size_t)hb_format_time(esc, sizeof esc, &r.t)
                    + (sizeof "offline" - sizeof "alive");
        char *ob = (char *)malloc(buf_size);
        FZ_CHECK(ob != NULL);
        rc = hb_offline_message(&hb, 0, ob, buf_size, &olen);
        if (need + 1 <= buf_size) {
            FZ_CHECK(rc == HB_OK && olen == need && jc_validate(ob, olen));
            FZ_CHECK(strstr(ob, "\"status\":\"offline\"") != NULL);
        } else {
            FZ_CHECK(rc == HB_ERR_NOSPACE && olen == 0);
        }
        free(ob);
    }

    free(r.msg);
    free(exp);
    free(buf);
    free(idz);
    return 0;
}
