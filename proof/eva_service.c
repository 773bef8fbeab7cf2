/* proof/eva_service.c - Eva drivers: the service. One entry point per run,
   chosen by PV_ENTRY (proof/run.sh runs each as its own frama-c process):

     PV_ENTRY=1  hb_init (every config, accepted or refused) and hb_buf_size
     PV_ENTRY=2  hb_start on an initialised service, any tick
     PV_ENTRY=7  hb_set_status, hb_running, hb_get_stats, hb_beat_props_get,
                 hb_boot_id, hb_beat_jws,
                 and every entry point on a service that is stopped, not
                 initialised or NULL
     PV_ENTRY=3  hb_poll on a running service
     PV_ENTRY=4  hb_beat_now on a running service
     PV_ENTRY=5  hb_stop on a running service (HB_OPT_OFFLINE_ON_STOP
                 among the flags or not), then the asserts that it is
                 stopped with nothing pending, hb_beat_now answers
                 HB_ERR_STATE and hb_poll HB_POLL_IDLE
     PV_ENTRY=6  hb_offline_message on a stopped or running service, into
                 a NULL buffer or one of any size 0..PV_N, len or NULL
   Entries 3..6 (the beat path) run in the HEARTBEAT_COMPACT build,
   with run.sh's option set "beat" (svc-poll, svc-now, svc-stop,
   svc-offline), buffer size 1..PV_N (400): the message built, published
   or failed at every step. They also run in the default build
   (svc-poll-fast, svc-now-fast, svc-stop-fast, svc-offline-fast,
   option set "beatfast"), the same inputs but one: the default build's timestamp formatter
   (hbi_time_fmt_dc, the pair table and the day cache) is taken by its
   contract (proof/pv_time_spec.h, -eva-use-spec; time-fast proves the
   body against it). The buffer is the array buf (wbuf for entry
   6) of PV_N bytes whatever buf_size says: Eva flags a write outside the
   array, not one past buf_size inside it (docs/robustness.md, "The
   buffer's bound"). One by hand:
     PV_EVA=svc-now:service:beat:-DPV_ENTRY=4,-DHEARTBEAT_COMPACT PV_WP_FCT=none proof/run.sh --no-mutate

   The inputs, all abstract:
   - the config: every number any value of its type (interval, qos, flags,
     retry base and cap, jitter, boot_id, min_valid_sec, expiry, poll gap),
     status (NULL, "up", or "\xff" which is refused)/boot_id_str/content_type NULL or a string, 0..2 user
     properties, token/log/rand/fields present or NULL, buf_size 0..PV_N;
     entry 1 also each string hb_init refuses: a topic NULL, empty, not
     UTF-8 or of 65536 bytes, a NULL device_id, a status empty or of 33
     bytes, a content_type empty or not UTF-8, each kind of bad user
     property, and 256 of them;
     hb_init refuses most of them and accepts every config it accepts;
   - the callbacks fail or succeed: publish returns any int; the clock any
     answer, any sec, any nsec (also >= 10^9), any UTC offset; the token
     any answer with a token of any length, or NULL with any length; rand
     any 32-bit value; fields writes nothing, a key and a value, a key
     alone, or opens an object it does not close;
   - the tick of every call any 32-bit value (the wrap included);
   - the schedule after hb_start: instead of a sequence of calls, every
     tick of the state (grid, due, retry_at, the uptime and poll ticks,
     the counters, which also give seq and the retry delay) is set to any
     32-bit value and the
     pending bits to any combination, which covers every state a sequence
     of hb_poll / hb_beat_now calls can reach (and more); only
     stats.last_error stays one of the HB_* codes, as every attempt sets.
   The strings (topic, id, status, token) are fixed short ones with each
   kind of escape: their bytes are the escaper's, analysed on every byte in
   eva_json.c. With PV_SIGN (svc-sign-init, -start, -status: entries 1,
   2 and 7) cfg.signing is set as well (see pv_config). Not here:
   re-entry from a callback (Eva does not follow the recursion: the unit
   tests cover it) and the signed beat itself (entries 3..6 with
   PV_SIGN: docs/robustness.md says why). */
#include "__fc_builtin.h"
#include "pv_builtins.h"
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#include "pv_time_spec.h"    /* the default build's formatter, by contract */

#ifndef PV_N
#define PV_N 400
#endif
#ifndef PV_ALL
#define PV_ALL 1    /* the later entries' hb_init: every config (1) or not (0) */
#endif
#ifndef PV_ENTRY
#define PV_ENTRY 3
#endif
static char buf[PV_N];
static char wbuf[PV_N];
size_t pv_size;

static uint32_t pv_u32(void) { return Frama_C_unsigned_int_interval(0, UINT32_MAX); }

static hb_service hb;

static int pv_publish(void *user, const char *topic, const char *payload,
                      size_t len, int qos)
{
    const hb_beat_props *props = hb_beat_props_get(&hb);
    (void)user; (void)topic; (void)qos;
    /* the payload and its NUL lie inside cfg.buf (that the NUL is there:
       WP's contract of hb_json_finish, proof/contracts.h) */
    /*@ assert \valid_read(payload + (0 .. len)); */
    /* the beat's MQTT 5 properties are readable while it is published */
    /*@ assert props != \null; */
    return Frama_C_int_interval(INT32_MIN, INT32_MAX);
}

/* the token callback's answer (0..2; 3: not called), one Eva state per
   value in svc-poll-fast: its empty token is never joined with a prefix
   of pv_tok */
int pv_tokc = 3;
static const char pv_tok[] = "eyJhbGciOiJIUzI1NiJ9.e30.c2ln";

static int pv_token(void *user, const char **token, size_t *len)
{
    (void)user;
#ifdef HEARTBEAT_COMPACT
    /* the compact drivers: pv_tokc untouched (distinct values would keep
       more states apart and leave fewer for hbi_build's range check) */
    switch (Frama_C_interval(0, 2)) {
#else
    pv_tokc = Frama_C_interval(0, 2);
    switch (pv_tokc) {
#endif
    case 0: *token = pv_tok; *len = Frama_C_size_t_interval(0, sizeof pv_tok - 1); return 0;
    case 1: *token = NULL; *len = Frama_C_size_t_interval(0, SIZE_MAX); return 0;
    default: return Frama_C_int_interval(INT32_MIN, INT32_MAX);
    }
}

static int pv_clock(void *user, hb_time *now)
{
    (void)user;
    now->sec = Frama_C_long_long_interval(INT64_MIN, INT64_MAX);
    now->nsec = pv_u32();
    now->utc_offset_min = Frama_C_short_interval(INT16_MIN, INT16_MAX);
    return Frama_C_int_interval(INT32_MIN, INT32_MAX);
}

static uint32_t pv_rand(void *user) { (void)user; return pv_u32(); }

#ifdef PV_SIGN
/* Signed beats (PV_SIGN): the signer answers anything - done (it writes
   the signature's 64 or 32 bytes, any bytes), pending for any number of
   ms, or failed - on the first call of a beat and on every call after a
   pending answer. It checks that the signing input it is given lies in
   the buffer and that its signature fits there too. Only a beat calls
   it (entries 3..6 with PV_SIGN, not among run.sh's drivers: see the
   header); svc-sign-* need it as a signer hb_init accepts. */
static int pv_sign(void *user, int alg, const char *input, size_t len,
                   unsigned char *sig, int again)
{
    int r = Frama_C_int_interval(INT32_MIN, INT32_MAX);
    size_t sl = alg == HB_SIGN_ES256 ? 64u : 32u;
    (void)user; (void)again;
    /*@ assert \valid_read(input + (0 .. len - 1)); */
    /*@ assert \valid(sig + (0 .. sl - 1)); */
    if (r == 0) Frama_C_make_unknown((char *)sig, sl);
    return r;
}

hb_signing pv_sg;
#endif

static void pv_log(void *user, int level, const char *msg, int err,
                   const char *detail)
{
    (void)user; (void)level; (void)msg; (void)err; (void)detail;
}

static void pv_fields(void *user, hb_json *w)
{
    (void)user;
    switch (Frama_C_interval(0, 3)) {
    case 0: break;
    case 1: hb_json_key(w, "fw", 2);
            hb_json_uint(w, Frama_C_unsigned_long_long_interval(0, UINT64_MAX)); break;
    case 2: hb_json_key(w, "k", 1); break;                   /* no value */
    default: hb_json_key(w, "o", 1); hb_json_begin_object(w); break; /* open */
    }
}

static hb_user_prop pv_props[2] = {
    { "region", "eu\xc3\xa9", 4 },
    { "k", NULL, 0 },
};
/* entry 1: user properties hb_init refuses, one per entry (it stops at
   the first): a NULL key, a NULL value with a length, an empty key, a key
   that is not UTF-8, a value that is not UTF-8, a value holding a NUL */
static hb_user_prop pv_badprops[6] = {
    { NULL, "v", 1 },
    { "k", NULL, 1 },
    { "", "v", 1 },
    { "k\xff", "v", 1 },
    { "k", "\xc3", 1 },
    { "k", "a\0b", 3 },
};
/* PV_SIGN: three valid user properties, one more than carrier B allows */
static hb_user_prop pv_props3[3] = {
    { "a", "1", 1 }, { "b", "2", 1 }, { "c", "3", 1 },
};
/* entry 1: a topic of 65536 bytes, one over MQTT's limit (filled by
   pv_long_topic) */
static char pv_long[65537];

static const char *pv_long_topic(void)
{
    memset(pv_long, 'a', sizeof pv_long - 1);
    pv_long[sizeof pv_long - 1] = '\0';
    return pv_long;
}

/* The status' choice: run.sh keeps one Eva state per value
   (-eva-partition-value), so that strnlen sees one string at a time. */
int pv_status, pv_topic;
/* hb_init's answer, partitioned too: the states of an accepted config are
   never joined with those of a refused one (whose hb stays zeroed) */
int pv_ok;
int pv_svc;     /* entry 7: which service (partitioned) */
int pv_boot;    /* PV_SIGN: the boot_id's kind (partitioned) */
int pv_sgbad;   /* PV_SIGN: a refused signing setting, or 0 (partitioned) */

/* An abstract config. all = 1: every value of every field (entry 1, where
   hb_init refuses most); all = 0: the same without the values hb_init
   refuses field by field (a NULL publish, clock or buf, a zero buf_size
   or interval, an interval over 2^31 - 1, a topic with a wildcard),
   which leaves every config hb_init accepts among them: the later
   entries then start from hb_init's answer HB_OK. */
static void pv_config(hb_config *cfg, int all)
{
    memset(cfg, 0, sizeof *cfg);
    pv_status = Frama_C_interval(0, all ? 4 : 1);
    /* pv_topic (partitioned): 0, or one string setting hb_init refuses,
       each kept apart: 1..5 the topic (a wildcard, NULL, empty, not
       UTF-8, 65536 bytes), 6 a NULL device_id, 7 and 8 the content_type
       (empty, not UTF-8), 9 a bad user property, 10 256 of them */
    pv_topic = all ? Frama_C_interval(0, 10) : 0;
    cfg->topic = pv_topic == 1 ? "a/+" : pv_topic == 2 ? NULL : pv_topic == 3 ? ""
               : pv_topic == 4 ? "a\xff" : pv_topic == 5 ? pv_long_topic()
               : "devices/dev-7/heartbeat";
    cfg->interval_ms = all ? pv_u32() : Frama_C_unsigned_int_interval(1, 0x7FFFFFFFu);
    cfg->qos = Frama_C_int_interval(INT32_MIN, INT32_MAX);
    /* a clean run, a quote, U+2028 and an invalid byte: each kind of escape */
    cfg->device_id = pv_topic == 6 ? NULL : "dev-7\"\xe2\x80\xa8\xff";
    cfg->status = pv_status == 0 ? NULL : pv_status == 1 ? "up" : pv_status == 2 ? "\xff"
                : pv_status == 3 ? "" : "123456789012345678901234567890123";
    cfg->publish = !all || Frama_C_nondet(0, 1) ? pv_publish : NULL;
    cfg->token = Frama_C_nondet(0, 1) ? pv_token : NULL;
    cfg->token_user = NULL;
    cfg->clock = !all || Frama_C_nondet(0, 1) ? pv_clock : NULL;
    cfg->log = Frama_C_nondet(0, 1) ? pv_log : NULL;
    cfg->user = NULL;
    cfg->buf = !all || Frama_C_nondet(0, 1) ? buf : NULL;
#ifdef PV_SIZE
    cfg->buf_size = all ? Frama_C_size_t_interval(0, PV_N) : PV_SIZE;
#elif defined PV_SIZE_MIN
    cfg->buf_size = Frama_C_size_t_interval(all ? 0 : PV_SIZE_MIN, PV_N);
#else
    cfg->buf_size = Frama_C_size_t_interval(all ? 0 : 1, PV_N);
#endif
    cfg->flags = pv_u32();
    cfg->retry_base_ms = pv_u32();
    cfg->retry_max_ms = pv_u32();
    cfg->jitter_ms = pv_u32();
    cfg->rand = Frama_C_nondet(0, 1) ? pv_rand : NULL;
#ifdef PV_SIGN
    /* signed beats generate a boot_id when there is none (boot_id_str
       NULL, boot_id 0): one state per case (pv_boot, partitioned), so
       the generated one's 16 bytes are never joined with "b\\1" */
    /* pv_sgbad (partitioned): 0 a setting hb_init accepts, 1..12 one that
       it refuses (entry 1 only: the other entries need hb_init to accept),
       each kept apart from the accepted ones; a refused one with one kind
       of boot_id only (hb_init refuses it before it looks at the boot_id) */
    pv_sgbad = PV_ENTRY == 1 ? Frama_C_interval(0, 12) : 0;
    pv_boot = pv_sgbad == 0 ? Frama_C_interval(0, 2) : 0;
    cfg->boot_id = pv_boot == 1 ? 0u : Frama_C_unsigned_int_interval(pv_boot == 2, UINT32_MAX);
    cfg->boot_id_str = pv_boot == 0 ? "b\\1" : NULL;
#else
    cfg->boot_id = pv_u32();
    cfg->boot_id_str = Frama_C_nondet(0, 1) ? NULL : "b\\1";
#endif
    cfg->fields = Frama_C_nondet(0, 1) ? pv_fields : NULL;
    cfg->min_valid_sec = Frama_C_long_long_interval(INT64_MIN, INT64_MAX);
    cfg->expiry_s = pv_u32();
    cfg->poll_gap_ms = pv_u32();
    cfg->content_type = pv_topic == 7 ? "" : pv_topic == 8 ? "t\xff"
                      : Frama_C_nondet(0, 1) ? NULL : "text/plain";
    if (pv_topic == 9) {
        cfg->user_props = pv_badprops + Frama_C_interval(0, 5);
        cfg->n_user_props = 1;
    } else if (pv_topic == 10) {
        cfg->user_props = pv_props;
        cfg->n_user_props = 256;
    } else {
        cfg->user_props = Frama_C_nondet(0, 1) ? NULL : pv_props;
        cfg->n_user_props = Frama_C_size_t_interval(0, 2);
    }
#ifdef PV_SIGN
    /* every signing setting: both algorithms, either carrier, the
       signer's own user pointer or none; and (entry 1) each refused
       setting: ops NULL, any other algorithm, kid NULL, a kid with a
       quote, signer NULL, any other carrier, an empty kid, a kid of 65
       bytes, carrier B with 3 user properties */
    memset(&pv_sg, 0, sizeof pv_sg);
    /* (pv_sgbad: drawn above.) The fields that are not the signing's
       take only values hb_init accepts field by field (all = 0):
       svc-init refuses the others, signed or not. */
    pv_sg.ops = pv_sgbad == 1 ? NULL : hb_signed_beats;
    pv_sg.sign_alg = pv_sgbad == 2 ? Frama_C_int_interval(INT32_MIN, HB_SIGN_HS256 - 1)
                   : pv_sgbad == 7 ? HB_SIGN_HS256 + 1
                   : pv_sgbad == 8 ? Frama_C_int_interval(HB_SIGN_ES256 + 1, INT32_MAX)
                   : Frama_C_nondet(HB_SIGN_ES256, HB_SIGN_HS256);
    pv_sg.sign_kid = pv_sgbad == 3 ? NULL : pv_sgbad == 4 ? "k\"1" : pv_sgbad == 10 ? ""
                   : pv_sgbad == 11 ? "k1234567890123456789012345678901234567890123456789012345678901234"
                   : "key-2026";
    pv_sg.sign = pv_sgbad == 5 ? NULL : pv_sign;
    pv_sg.sign_user = Frama_C_nondet(0, 1) ? NULL : (void *)&pv_sg;
    pv_sg.sign_carrier = pv_sgbad == 6 ? Frama_C_int_interval(INT32_MIN, HB_CARRIER_A - 1)
                       : pv_sgbad == 9 ? Frama_C_int_interval(HB_CARRIER_B + 1, INT32_MAX)
                       : pv_sgbad == 12 ? HB_CARRIER_B
                       : Frama_C_nondet(HB_CARRIER_A, HB_CARRIER_B);
    if (pv_sgbad == 12) {       /* carrier B takes one user property */
        cfg->user_props = pv_props3;
        cfg->n_user_props = 3;
    }
    cfg->signing = &pv_sg;
#else
    cfg->signing = NULL;
#endif
}

/* Any state a running service can be in between two calls (see above). */
static void pv_any_schedule(hb_service *hb)
{
    struct hb_service_internal *s = &hb->internal_;
    s->grid = pv_u32();
    s->due = pv_u32();
    s->retry_at = pv_u32();
    s->tick = pv_u32();
    s->up_lo = pv_u32();
    s->up_hi = pv_u32();
    s->last_poll = pv_u32();
    s->pending = (uint8_t)Frama_C_interval(0, 3)   /* HBI_PEND_NOW | HBI_PEND_RETRY */;
    s->stats.attempts = pv_u32();
    s->stats.sent = pv_u32();
    s->stats.fail_clock = pv_u32();
    s->stats.fail_token = pv_u32();
    s->stats.fail_serialize = pv_u32();
    s->stats.fail_publish = pv_u32();
    s->stats.missed = pv_u32();
    s->stats.retries = pv_u32();
    s->stats.consecutive_failures = pv_u32();
    s->stats.last_error = Frama_C_int_interval(HB_ERR_LAST_, HB_OK);
    s->stats.poll_gaps = pv_u32();
    s->stats.max_poll_gap_ms = pv_u32();
    /* one Eva state per buffer size (run.sh: -eva-partition-value pv_size):
       the writer's bound checks compare the length with the size, and Eva's
       intervals follow that only for one size at a time */
    pv_size = s->cfg.buf_size;
    s->cfg.buf_size = pv_size;
}

/* hb initialised from an abstract config; 0 when hb_init refused it */
static int pv_init(void)
{
    hb_config cfg;
    pv_config(&cfg, PV_ALL);
    pv_ok = hb_init(&hb, &cfg);
    return pv_ok == HB_OK;
}

/* hb running from any tick, with any schedule */
static int pv_running(void)
{
    if (!pv_init()) return 0;
    if (hb_start(&hb, pv_u32()) != HB_OK) return 0;
    pv_any_schedule(&hb);
    return 1;
}

int main(void)
{
    size_t len;
    int r = 0;
#if PV_ENTRY == 5
    uint32_t wait;
    int running;
#endif
#if PV_ENTRY == 1
    hb_config cfg;
#ifndef PV_SIGN
    pv_config(&cfg, 1);
    r = hb_init(Frama_C_nondet(0, 1) ? &hb : NULL, Frama_C_nondet(0, 1) ? &cfg : NULL);
#else
    pv_config(&cfg, 0);
    /* the answer partitioned (pv_ok): a refused config's state is not
       joined with an accepted one's */
    r = pv_ok = hb_init(Frama_C_nondet(0, 1) ? &hb : NULL, Frama_C_nondet(0, 1) ? &cfg : NULL);
    /* none of the refused signing settings is accepted, and an accepted
       one has its table */
    if (r == HB_OK) {
        /*@ assert pv_sgbad == 0; */
        /*@ assert pv_sg.internal_.t != \null; */
    }
#endif
    len = hb_buf_size(Frama_C_nondet(0, 1) ? &cfg : NULL, Frama_C_size_t_interval(0, SIZE_MAX));
    r += (int)(len & 1u);
#elif PV_ENTRY == 2
#ifndef PV_SIGN
    if (pv_init()) r = hb_start(&hb, pv_u32());
#else
    /* a boot_id generated by hb_start: 16 lowercase hex digits */
    if (pv_init() && (r = hb_start(&hb, pv_u32())) == HB_OK && pv_boot == 1) {
        int i;
        for (i = 0; i < 16; i++) {
            /*@ assert ('0' <= pv_sg.internal_.boot_hex[i] <= '9') ||
                       ('a' <= pv_sg.internal_.boot_hex[i] <= 'f'); */
        }
        /*@ assert pv_sg.internal_.boot_hex[16] == 0; */
    }
#endif
#elif PV_ENTRY == 3
    if (pv_running()) r = (int)hb_poll(&hb, pv_u32());
#elif PV_ENTRY == 4
    if (pv_running()) r = hb_beat_now(&hb, pv_u32());
#elif PV_ENTRY == 5
    if (pv_running()) {
        hb_stop(&hb, pv_u32());
        /* none while stopped (invariant 5), whatever the offline beat did */
        running = hb_running(&hb);
        /*@ assert running == 0 && hb.internal_.pending == 0; */
        r = hb_beat_now(&hb, pv_u32());
        /*@ assert r == HB_ERR_STATE; */
        wait = hb_poll(&hb, pv_u32());
        /*@ assert wait == HB_POLL_IDLE; */
    }
#elif PV_ENTRY == 6
    if (pv_init()) {
        if (Frama_C_nondet(0, 1) && hb_start(&hb, pv_u32()) == HB_OK)
            pv_any_schedule(&hb);
        r = hb_offline_message(&hb, pv_u32(), Frama_C_nondet(0, 1) ? wbuf : NULL,
                               Frama_C_size_t_interval(0, PV_N),
                               Frama_C_nondet(0, 1) ? &len : NULL);
    }
#elif PV_ENTRY == 7
    /* on a service that is NULL, never initialised (zeroed storage),
       initialised and stopped, or running (pv_svc, partitioned) */
    hb_service *h = &hb;
    hb_stats st;
    pv_svc = Frama_C_interval(0, 3);
    if (pv_svc == 0) h = NULL;
    else if (pv_svc == 2 && !pv_init()) return 0;
    else if (pv_svc == 3 && !pv_running()) return 0;
    r = hb_set_status(h, Frama_C_nondet(0, 1) ? NULL
                         : Frama_C_nondet(0, 1) ? "busy" : "\xc3");
    r += hb_running(h);
    r += hb_get_stats(h, Frama_C_nondet(0, 1) ? &st : NULL);
    r += hb_beat_props_get(h) != NULL;
    r += hb_boot_id(h) != NULL;
    r += hb_beat_jws(h, Frama_C_nondet(0, 1) ? &len : NULL) != NULL;
    if (pv_svc < 3) {
        /* the entry points on a service that is not running */
        r += (int)hb_poll(h, pv_u32());
        r += hb_beat_now(h, pv_u32());
        if (pv_svc < 2) r += hb_offline_message(h, pv_u32(), wbuf, sizeof wbuf, &len);
        hb_stop(h, pv_u32());
        if (pv_svc < 2) r += hb_start(h, pv_u32());
    }
#endif
    return r;
}
