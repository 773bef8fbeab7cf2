/* proof/eva_service.c - Eva driver: the service. NOT YET RUN BY make prove:
   its analysis did not finish within the step's time budget when it was
   written; run it alone with
     PV_EVA=service:-DHEARTBEAT_COMPACT PV_WP_FCT=none proof/run.sh --no-mutate
   The service: hb_init with a config
   whose numbers are all abstract (interval, qos, flags, retry, jitter,
   boot_id, min_valid_sec, expiry, poll gap; any value, so every config
   hb_init accepts and many it refuses), buffer sizes 0..PV_N, callbacks
   that fail or succeed (publish, token, clock with any sec and any nsec
   including >= 10^9, rand with any value); then hb_start, PV_K calls of
   hb_poll / hb_beat_now / hb_set_status / hb_offline_message at any tick
   (the wrap included), hb_stop, hb_buf_size. The strings (topic, id,
   status, token) are fixed short ones: their bytes are the escaper's,
   analysed in eva_json.c. */
#include "__fc_builtin.h"
#include "pv_builtins.h"
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#ifndef PV_N
#define PV_N 200
#endif
#ifndef PV_K
#define PV_K 3
#endif
static char buf[PV_N];
static char wbuf[PV_N];
size_t pv_size;     /* unused here: the sizes stay one interval */
int pv_mode;

static uint32_t pv_u32(void) { return Frama_C_unsigned_int_interval(0, UINT32_MAX); }

static int pv_publish(void *user, const char *topic, const char *payload,
                      size_t len, int qos)
{
    (void)user; (void)topic; (void)qos; (void)payload; (void)len;
    return Frama_C_nondet(0, 1);
}

static int pv_token(void *user, const char **token, size_t *len)
{
    static const char tok[] = "eyJhbGciOiJIUzI1NiJ9.e30.c2ln";
    (void)user;
    switch (Frama_C_interval(0, 2)) {
    case 0: *token = tok; *len = Frama_C_size_t_interval(0, sizeof tok - 1); return 0;
    case 1: *token = NULL; *len = Frama_C_size_t_interval(0, SIZE_MAX); return 0;
    default: return Frama_C_interval(INT32_MIN, -1);
    }
}

static int pv_clock(void *user, hb_time *now)
{
    (void)user;
    now->sec = Frama_C_long_long_interval(INT64_MIN, INT64_MAX);
    now->nsec = pv_u32();
    now->utc_offset_min = Frama_C_short_interval(INT16_MIN, INT16_MAX);
    return Frama_C_nondet(0, 1);
}

static uint32_t pv_rand(void *user) { (void)user; return pv_u32(); }

static void pv_log(void *user, int level, const char *msg, int err,
                   const char *detail)
{
    (void)user; (void)level; (void)msg; (void)err; (void)detail;
}

int main(void)
{
    static hb_service hb;
    hb_config cfg;
    size_t len;
    int i;
    size_t size = Frama_C_size_t_interval(0, PV_N);
    Frama_C_make_unknown((char *)&cfg, sizeof cfg);
    cfg.topic = Frama_C_nondet(0, 1) ? "devices/dev-7/heartbeat" : "a/+";
    cfg.device_id = Frama_C_nondet(0, 1) ? "dev-7" : "d\"\xe2\x80\xa8\xff";
    cfg.status = Frama_C_nondet(0, 1) ? NULL : "up";
    cfg.boot_id_str = Frama_C_nondet(0, 1) ? NULL : "b-1";
    cfg.content_type = NULL;
    cfg.user_props = NULL;
    cfg.publish = pv_publish;
    cfg.token = Frama_C_nondet(0, 1) ? pv_token : NULL;
    cfg.token_user = NULL;
    cfg.clock = pv_clock;
    cfg.log = Frama_C_nondet(0, 1) ? pv_log : NULL;
    cfg.user = NULL;
    cfg.buf = buf;
    cfg.buf_size = size;
    cfg.rand = Frama_C_nondet(0, 1) ? pv_rand : NULL;
    cfg.fields = NULL;
    cfg.sign_kid = NULL;    /* the signer's section is not analysed */
    cfg.sign = NULL;
    cfg.sign_user = NULL;
    hb_buf_size(&cfg, Frama_C_size_t_interval(0, 4096));
    if (hb_init(&hb, &cfg) != HB_OK) return 1;
    hb_start(&hb, pv_u32());
    for (i = 0; i < PV_K; i++) {
        switch (Frama_C_interval(0, 4)) {
        case 0: hb_beat_now(&hb, pv_u32()); break;
        case 1: hb_set_status(&hb, Frama_C_nondet(0, 1) ? NULL : "busy"); break;
        case 2: hb_offline_message(&hb, pv_u32(), wbuf,
                                   Frama_C_size_t_interval(0, PV_N), &len); break;
        default: hb_poll(&hb, pv_u32()); break;
        }
    }
    hb_stop(&hb, pv_u32());
    return 0;
}
