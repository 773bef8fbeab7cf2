/* tests/test_golden.c - heartbeat.h against what real Go writes.
 *
 * Every expected byte comes from tests/golden/vectors.h, which
 * tests/golden/gen.go produced with Go's encoding/json and time packages
 * (`make golden` regenerates it; `make test` never needs Go). Three tables:
 *   - escaping: json.Marshal of a string, through hb_json_string and, as an
 *     object key, through hb_json_key;
 *   - times: time.Time.MarshalJSON, through hb_format_time and hb_json_time;
 *     where Go fails, heartbeat.h must say HB_ERR_RANGE;
 *   - messages: json.Marshal of the original service's Heartbeat struct,
 *     through the whole service (hb_init, hb_start, hb_poll) with a fake
 *     publisher, clock and token source; and the same with status
 *     "offline" through hb_offline_message.
 * Each vector is its own test, named with its index as suffix (run one with
 * `-t esc_value_17`); a mismatch prints the vector's name, its input, the
 * expected and the actual bytes, escaped as C string text. */
#include <stdio.h>
#include <string.h>

#include "greatest.h"
#include "heartbeat.h"
#include "golden/vectors.h"

/* Longest expected output (C99 literals stay under 4095 bytes), plus room
   for the key form "{" out ":0}" and the NUL. */
#define HBG_BUF 4200u

/* ---- showing bytes -------------------------------------------------------- */

static void hbg_show(const char *label, const char *s, size_t n)
{
    size_t i;
    printf("    %-8s (%lu bytes) \"", label, (unsigned long)n);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    printf("\"\n");
}

/* 1 when got equals exp; otherwise prints the vector and returns 0. */
static int hbg_same(const char *what, const char *name,
                    const char *in, size_t in_len,
                    const char *exp, size_t exp_len,
                    const char *got, size_t got_len)
{
    if (exp_len == got_len && memcmp(exp, got, exp_len) == 0) return 1;
    printf("\n  golden %s mismatch: vector \"%s\"\n", what, name);
    if (in != NULL) hbg_show("input", in, in_len);
    hbg_show("expected", exp, exp_len);
    hbg_show("got", got, got_len);
    return 0;
}

/* ---- escaping ------------------------------------------------------------- */

/* A lone string value: the writer's whole output is json.Marshal(in). */
TEST esc_value(const hbg_esc *v)
{
    char buf[HBG_BUF];
    hb_json w;
    size_t len = 0;
    int rc;

    hb_json_init(&w, buf, sizeof buf);
    rc = hb_json_string(&w, v->in, v->in_len);
    ASSERT_ENUM_EQm(v->name, HB_OK, rc, hb_strerror);
    rc = hb_json_finish(&w, &len);
    ASSERT_ENUM_EQm(v->name, HB_OK, rc, hb_strerror);
    hbg_same("string", v->name, v->in, v->in_len, v->out, v->out_len, buf, len);
    ASSERT_EQm(v->name, v->out_len, len);
    ASSERT_MEM_EQm(v->name, v->out, buf, v->out_len);
    ASSERT_EQm("output is NUL-terminated", '\0', buf[len]);

    /* A NULL buffer measures: the same length, nothing written. */
    hb_json_init(&w, NULL, 0);
    ASSERT_ENUM_EQm(v->name, HB_OK, hb_json_string(&w, v->in, v->in_len), hb_strerror);
    len = 0;
    ASSERT_ENUM_EQm(v->name, HB_OK, hb_json_finish(&w, &len), hb_strerror);
    ASSERT_EQm("measured length", v->out_len, len);

    /* Exactly enough (output + NUL) fits; one byte less is HB_ERR_NOSPACE. */
    hb_json_init(&w, buf, v->out_len + 1u);
    (void)hb_json_string(&w, v->in, v->in_len);
    ASSERT_ENUM_EQm("exact fit", HB_OK, hb_json_finish(&w, &len), hb_strerror);
    ASSERT_MEM_EQm("exact fit", v->out, buf, v->out_len);
    hb_json_init(&w, buf, v->out_len);
    (void)hb_json_string(&w, v->in, v->in_len);
    ASSERT_ENUM_EQm("one byte short", HB_ERR_NOSPACE, hb_json_finish(&w, &len),
                    hb_strerror);
    PASS();
}

/* Keys are escaped the same way: Go writes map keys as strings, and gen.go
   checks that json.Marshal(map[string]int{in: 0}) is "{" out ":0}". */
TEST esc_key(const hbg_esc *v)
{
    char buf[HBG_BUF], exp[HBG_BUF];
    hb_json w;
    size_t len = 0, exp_len;

    exp[0] = '{';
    memcpy(exp + 1, v->out, v->out_len);
    memcpy(exp + 1 + v->out_len, ":0}", 3);
    exp_len = v->out_len + 4u;

    hb_json_init(&w, buf, sizeof buf);
    ASSERT_ENUM_EQm(v->name, HB_OK, hb_json_begin_object(&w), hb_strerror);
    ASSERT_ENUM_EQm(v->name, HB_OK, hb_json_key(&w, v->in, v->in_len), hb_strerror);
    ASSERT_ENUM_EQm(v->name, HB_OK, hb_json_int(&w, 0), hb_strerror);
    ASSERT_ENUM_EQm(v->name, HB_OK, hb_json_end_object(&w), hb_strerror);
    ASSERT_ENUM_EQm(v->name, HB_OK, hb_json_finish(&w, &len), hb_strerror);
    hbg_same("key", v->name, v->in, v->in_len, exp, exp_len, buf, len);
    ASSERT_EQm(v->name, exp_len, len);
    ASSERT_MEM_EQm(v->name, exp, buf, exp_len);
    PASS();
}

/* ---- times ---------------------------------------------------------------- */

TEST tm_format(const hbg_tm *v)
{
    hb_time t;
    char buf[HB_TIME_MAX + 1], jbuf[HB_TIME_MAX + 3], exp[HB_TIME_MAX + 3];
    hb_json w;
    size_t exp_len, len = 0;
    int n;

    t.sec = v->sec;
    t.nsec = v->nsec;
    t.utc_offset_min = v->off;
    memset(buf, 'x', sizeof buf);
    n = hb_format_time(buf, sizeof buf, &t);
    hb_json_init(&w, jbuf, sizeof jbuf);

    if (!v->ok) {
        if (n != HB_ERR_RANGE)
            printf("\n  golden time: vector \"%s\": Go fails (%s), "
                   "hb_format_time gave %d (%s)\n", v->why, v->out, n,
                   n >= 0 ? "a length" : hb_strerror(n));
        ASSERT_ENUM_EQm(v->why, HB_ERR_RANGE, n, hb_strerror);
        ASSERT_ENUM_EQm(v->why, HB_ERR_RANGE, hb_json_time(&w, &t), hb_strerror);
        /* nothing half-written may pass as a document */
        ASSERT_FALSEm("finish after a range error", hb_json_finish(&w, &len) == HB_OK);
        PASS();
    }

    exp_len = strlen(v->out);
    if (n < 0) {
        printf("\n  golden time: vector \"%s\": expected \"%s\", "
               "hb_format_time failed: %s\n", v->why, v->out, hb_strerror(n));
        FAILm(v->why);
    }
    hbg_same("time", v->why, NULL, 0, v->out, exp_len, buf, (size_t)n);
    ASSERT_EQm(v->why, exp_len, (size_t)n);
    ASSERT_MEM_EQm(v->why, v->out, buf, exp_len);
    ASSERT_EQm("NUL-terminated", '\0', buf[n]);

    /* The same text, quoted, as a JSON value. */
    exp[0] = '"';
    memcpy(exp + 1, v->out, exp_len);
    exp[exp_len + 1] = '"';
    ASSERT_ENUM_EQm(v->why, HB_OK, hb_json_time(&w, &t), hb_strerror);
    ASSERT_ENUM_EQm(v->why, HB_OK, hb_json_finish(&w, &len), hb_strerror);
    hbg_same("json time", v->why, NULL, 0, exp, exp_len + 2u, jbuf, len);
    ASSERT_MEM_EQm(v->why, exp, jbuf, exp_len + 2u);

    /* Exactly enough fits; one byte less is HB_ERR_NOSPACE. */
    ASSERT_EQm("exact fit", n, hb_format_time(buf, exp_len + 1u, &t));
    ASSERT_ENUM_EQm("one byte short", HB_ERR_NOSPACE,
                    hb_format_time(buf, exp_len, &t), hb_strerror);
    PASS();
}

/* Not from Go (Go's time.Unix overflows there, so it has no answer): the
   API's own promise for inputs beyond every vector. */
TEST tm_beyond_go(void)
{
    static const int64_t secs[] = {
        INT64_MAX, INT64_MIN, INT64_MAX - 86400, INT64_MIN + 86400,
        (int64_t)1 << 40, -((int64_t)1 << 40), (int64_t)1 << 62
    };
    char buf[HB_TIME_MAX + 1];
    hb_time t;
    size_t i;

    for (i = 0; i < sizeof secs / sizeof secs[0]; i++) {
        t.sec = secs[i];
        t.nsec = 0;
        t.utc_offset_min = 0;
        ASSERT_ENUM_EQm("far sec", HB_ERR_RANGE, hb_format_time(buf, sizeof buf, &t),
                        hb_strerror);
        t.utc_offset_min = -1439;
        ASSERT_ENUM_EQm("far sec, offset", HB_ERR_RANGE,
                        hb_format_time(buf, sizeof buf, &t), hb_strerror);
        t.utc_offset_min = INT16_MIN;
        ASSERT_ENUM_EQm("far sec, offset min", HB_ERR_RANGE,
                        hb_format_time(buf, sizeof buf, &t), hb_strerror);
    }
    t.sec = 0;
    t.utc_offset_min = 0;
    t.nsec = 1000000000u;
    ASSERT_ENUM_EQm("nsec 1e9", HB_ERR_ARG, hb_format_time(buf, sizeof buf, &t),
                    hb_strerror);
    t.nsec = UINT32_MAX;
    ASSERT_ENUM_EQm("nsec max", HB_ERR_ARG, hb_format_time(buf, sizeof buf, &t),
                    hb_strerror);
    PASS();
}

/* ---- whole messages through the service ----------------------------------- */

#define HBG_TOPIC    "devices/golden/heartbeat"
#define HBG_INTERVAL 1000u

typedef struct hbg_ctx {
    const hbg_msg *v;
    unsigned       publishes;
    char           payload[HBG_BUF];
    size_t         len;
    int            nul_ok;     /* payload[len] == '\0' during the call */
    int            topic_ok;
    int            qos;
    unsigned       logs_error;
    const char    *last_msg;
    int            last_err;
} hbg_ctx;

static int hbg_publish(void *user, const char *topic, const char *payload,
                       size_t len, int qos)
{
    hbg_ctx *c = (hbg_ctx *)user;
    c->publishes++;
    c->topic_ok = topic != NULL && strcmp(topic, HBG_TOPIC) == 0;
    c->qos = qos;
    c->len = len;
    c->nul_ok = payload[len] == '\0';
    memcpy(c->payload, payload, len < sizeof c->payload ? len : sizeof c->payload);
    return 0;
}

static int hbg_clock(void *user, hb_time *now)
{
    const hbg_ctx *c = (const hbg_ctx *)user;
    now->sec = c->v->sec;
    now->nsec = c->v->nsec;
    now->utc_offset_min = c->v->off;
    return 0;
}

static int hbg_token(void *user, const char **token, size_t *len)
{
    const hbg_ctx *c = (const hbg_ctx *)user;
    *token = c->v->token;
    *len = c->v->token_len;
    return 0;
}

static void hbg_log(void *user, int level, const char *msg, int err,
                    const char *detail)
{
    hbg_ctx *c = (hbg_ctx *)user;
    (void)detail;
    if (level == HB_LOG_ERROR) {
        c->logs_error++;
        c->last_msg = msg;
        c->last_err = err;
    }
}

/* The token is base64url (what hb_buf_size sizes for). */
static int hbg_b64url(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.'))
            return 0;
    }
    return 1;
}

static char hbg_buf[HBG_BUF];
static hbg_ctx hbg_c;

static void hbg_config(hb_config *cfg, const hbg_msg *v)
{
    memset(&hbg_c, 0, sizeof hbg_c);
    hbg_c.v = v;
    memset(cfg, 0, sizeof *cfg);
    cfg->topic = HBG_TOPIC;
    cfg->interval_ms = HBG_INTERVAL;
    cfg->qos = 1;
    cfg->device_id = v->id;
    cfg->status = v->status;
    cfg->publish = hbg_publish;
    cfg->token = v->token_cb ? hbg_token : NULL;
    cfg->clock = hbg_clock;
    cfg->log = hbg_log;
    cfg->user = &hbg_c;
    cfg->buf = hbg_buf;
    cfg->buf_size = sizeof hbg_buf;
}

/* One beat: started at tick 0, polled one interval later. */
static enum greatest_test_res hbg_beat(const hbg_msg *v, const hb_config *cfg)
{
    hb_service hb;
    hb_stats st;

    ASSERT_ENUM_EQm(v->name, HB_OK, hb_init(&hb, cfg), hb_strerror);
    ASSERT_ENUM_EQm(v->name, HB_OK, hb_start(&hb, 0), hb_strerror);
    (void)hb_poll(&hb, HBG_INTERVAL);
    ASSERT_ENUM_EQm(v->name, HB_OK, hb_get_stats(&hb, &st), hb_strerror);
    ASSERT_EQm("one attempt", 1u, st.attempts);

    if (!v->ok) {
        if (hbg_c.publishes != 0) {
            printf("\n  golden message: vector \"%s\": Go fails (%s), yet "
                   "this was published:\n", v->name, v->out);
            hbg_show("got", hbg_c.payload, hbg_c.len);
        }
        if (st.fail_serialize != 1u)
            printf("\n  golden message: vector \"%s\": Go fails (%s), want a "
                   "serialisation failure; stats: clock %u token %u serialize "
                   "%u publish %u, last error %s\n", v->name, v->out,
                   (unsigned)st.fail_clock, (unsigned)st.fail_token,
                   (unsigned)st.fail_serialize, (unsigned)st.fail_publish,
                   hb_strerror(st.last_error));
        ASSERT_EQm("nothing published", 0u, hbg_c.publishes);
        ASSERT_EQm("counted as serialisation failure", 1u, st.fail_serialize);
        ASSERT_ENUM_EQm("last_error", HB_ERR_RANGE, st.last_error, hb_strerror);
        ASSERT_EQm("one error logged", 1u, hbg_c.logs_error);
        ASSERT_STR_EQm("log message", HB_MSG_SERIALIZE, hbg_c.last_msg);
        ASSERT_ENUM_EQm("logged error", HB_ERR_RANGE, hbg_c.last_err, hb_strerror);
        hb_stop(&hb, HBG_INTERVAL);
        PASS();
    }

    if (hbg_c.publishes != 1) {
        printf("\n  golden message: vector \"%s\": %u publishes, want 1 "
               "(stats: clock %u token %u serialize %u publish %u, "
               "last error %s)\n", v->name, hbg_c.publishes,
               (unsigned)st.fail_clock, (unsigned)st.fail_token,
               (unsigned)st.fail_serialize, (unsigned)st.fail_publish,
               hb_strerror(st.last_error));
        hbg_show("expected", v->out, v->out_len);
    }
    ASSERT_EQm("one publish", 1u, hbg_c.publishes);
    hbg_same("message", v->name, NULL, 0, v->out, v->out_len, hbg_c.payload,
             hbg_c.len);
    ASSERT_EQm(v->name, v->out_len, hbg_c.len);
    ASSERT_MEM_EQm(v->name, v->out, hbg_c.payload, v->out_len);
    ASSERT_EQm("payload[len] is NUL", 1, hbg_c.nul_ok);
    ASSERT_EQm("topic", 1, hbg_c.topic_ok);
    ASSERT_EQm("qos", 1, hbg_c.qos);
    ASSERT_EQm("sent", 1u, st.sent);
    ASSERT_EQm("no error logged", 0u, hbg_c.logs_error);
    hb_stop(&hb, HBG_INTERVAL);
    PASS();
}

TEST msg_service(const hbg_msg *v)
{
    hb_config cfg;
    hbg_config(&cfg, v);
    CHECK_CALL(hbg_beat(v, &cfg));
    PASS();
}

/* The same beat in a buffer of exactly hb_buf_size() bytes: the size it
   promises is enough for the widest message Go would send. (Only for
   base64url tokens: that is what hb_buf_size sizes for.) */
TEST msg_sized(const hbg_msg *v)
{
    hb_config cfg;
    size_t need;

    hbg_config(&cfg, v);
    need = hb_buf_size(&cfg, v->token_len);
    if (v->ok && need < v->out_len + 1u)
        printf("\n  golden message: vector \"%s\": hb_buf_size gives %lu, "
               "the message needs %lu\n", v->name, (unsigned long)need,
               (unsigned long)(v->out_len + 1u));
    ASSERT(!v->ok || need >= v->out_len + 1u);
    ASSERT(need <= sizeof hbg_buf);
    cfg.buf_size = need;
    CHECK_CALL(hbg_beat(v, &cfg));
    PASS();
}

/* hb_offline_message (for the MQTT will) is the same message with status
   "offline": Go's bytes for Heartbeat{..., Status: "offline"}. */
TEST msg_offline(const hbg_msg *v)
{
    hb_config cfg;
    hb_service hb;
    char buf[HBG_BUF];
    size_t len = 1234;
    int rc;

    hbg_config(&cfg, v);
    ASSERT_ENUM_EQm(v->name, HB_OK, hb_init(&hb, &cfg), hb_strerror);
    rc = hb_offline_message(&hb, 0, buf, sizeof buf, &len);
    ASSERT_EQm("publishes nothing", 0u, hbg_c.publishes);
    if (!v->ok) {
        ASSERT_ENUM_EQm(v->name, HB_ERR_RANGE, rc, hb_strerror);
        PASS();
    }
    ASSERT_ENUM_EQm(v->name, HB_OK, rc, hb_strerror);
    hbg_same("offline message", v->name, NULL, 0, v->offline, v->offline_len,
             buf, len);
    ASSERT_EQm(v->name, v->offline_len, len);
    ASSERT_MEM_EQm(v->name, v->offline, buf, v->offline_len);
    ASSERT_EQm("NUL-terminated", '\0', buf[len]);
    PASS();
}

/* ---- the suite --------------------------------------------------------------- */

SUITE(golden)
{
    static char sfx[24];
    size_t i;

    for (i = 0; i < HBG_ESC_COUNT; i++) {
        sprintf(sfx, "%lu", (unsigned long)i);
        greatest_set_test_suffix(sfx);
        RUN_TEST1(esc_value, &hbg_esc_vectors[i]);
        greatest_set_test_suffix(sfx);
        RUN_TEST1(esc_key, &hbg_esc_vectors[i]);
    }
    for (i = 0; i < HBG_TM_COUNT; i++) {
        sprintf(sfx, "%lu", (unsigned long)i);
        greatest_set_test_suffix(sfx);
        RUN_TEST1(tm_format, &hbg_tm_vectors[i]);
    }
    RUN_TEST(tm_beyond_go);
    for (i = 0; i < HBG_MSG_COUNT; i++) {
        sprintf(sfx, "%lu", (unsigned long)i);
        greatest_set_test_suffix(sfx);
        RUN_TEST1(msg_service, &hbg_msg_vectors[i]);
        greatest_set_test_suffix(sfx);
        RUN_TEST1(msg_offline, &hbg_msg_vectors[i]);
        if (hbg_b64url(hbg_msg_vectors[i].token, hbg_msg_vectors[i].token_len)) {
            greatest_set_test_suffix(sfx);
            RUN_TEST1(msg_sized, &hbg_msg_vectors[i]);
        }
    }
}
