/* tests/embedded/stack_probe.c - measures on the target what
   tools/stack-depth.py computes: how deep hb_poll's stack goes.
   Linked with core.o built exactly as tools/size.sh builds it (-Os), run
   under qemu. Paints the free stack below main's frame, runs thousands of
   polls with every option and every failure path, then reports
     deepest  the lowest painted word touched: hb_poll, its callees and the
              callbacks' own (small, leaf) frames
     at_cb    the deepest stack pointer seen on entry to a callback: the
              depth of hb_poll's own chain at a callback call site
   as "STACK deepest=N at_cb=M". The step compares them with the static
   figure: at_cb must not exceed it (else the analysis missed a frame).
   Built with -DPROBE_SIGNED the beats are signed (cfg.signing, a signer
   that answers "pending" now and then, carriers A and B in turn): the
   static figure is then the one through the hb_signed_beats table
   (tools/stack-depth.py --ops hb_sign_ops). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "heartbeat.h"

#define PAINT 0xA5A5A5A5u
#define PAINT_BYTES 8192u

static uint32_t lowest_cb_sp = 0xFFFFFFFFu;
static uint32_t tick;
static unsigned calls;

static uint32_t sp_now(void)
{
    uint32_t sp;
    __asm__ volatile ("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Each callback notes the stack pointer on entry; inline so the note is
   the callback's own SP, not that of a helper. */
#define NOTE_SP() do { uint32_t sp_ = sp_now(); \
    if (sp_ < lowest_cb_sp) lowest_cb_sp = sp_; } while (0)

static int p_publish(void *user, const char *topic, const char *payload,
                     size_t len, int qos)
{
    (void)user; (void)topic; (void)payload; (void)len; (void)qos;
    NOTE_SP();
    return ++calls % 5u == 0 ? -1 : 0;
}

static int p_clock(void *user, hb_time *t)
{
    (void)user;
    NOTE_SP();
    if (++calls % 17u == 0)
        return -1;
    t->sec = 253402300799 - 86400 * 2 + (int64_t)tick;  /* near year 9999 */
    t->nsec = 123456789u;
    t->utc_offset_min = (int16_t)(calls % 2u ? -(23 * 60 + 59) : 330);
    return 0;
}

static int p_token(void *user, const char **token, size_t *len)
{
    static const char tok[] = "eyJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln";
    (void)user;
    NOTE_SP();
    if (++calls % 23u == 0)
        return -1;
    *token = tok;
    *len = sizeof tok - 1;
    return 0;
}

static void p_log(void *user, int level, const char *msg, int err,
                  const char *detail)
{
    (void)user; (void)level; (void)msg; (void)err; (void)detail;
    NOTE_SP();
}

static uint32_t p_rand(void *user)
{
    (void)user;
    NOTE_SP();
    return ++calls * 2654435761u;
}

static void p_fields(void *user, hb_json *w)
{
    (void)user;
    NOTE_SP();
    (void)hb_json_key(w, "fw", 2);
    (void)hb_json_string(w, "\x01<\xe2\x80\xa8\xff>", 7);
}

#ifdef PROBE_SIGNED
static int p_sign(void *user, int alg, const char *input, size_t len,
                  unsigned char *sig, int again)
{
    size_t i;
    (void)user;
    NOTE_SP();
    if (!again && ++calls % 3u == 0)
        return 2;                          /* pending: ask again in 2 ms */
    for (i = 0; i < (alg == HB_SIGN_ES256 ? 64u : 32u); i++)
        sig[i] = (unsigned char)(input[i % len] + i);
    return ++calls % 29u == 0 ? -1 : 0;
}
#endif

int main(void)
{
    static hb_service svc;
    static char buf[600];
    static hb_config cfg;
    volatile uint32_t *p, *lo;
    uint32_t base, deepest, i;
    int k;

    cfg.topic = "probe/heartbeat";
    cfg.interval_ms = 10;
    cfg.qos = 1;
    cfg.device_id = "probe\"\\\n\xc3\xa9";
    cfg.publish = p_publish;
    cfg.token = p_token;
    cfg.clock = p_clock;
    cfg.log = p_log;
    cfg.buf = buf;
    cfg.buf_size = sizeof buf;
    cfg.flags = 0x1FFu;           /* every HB_OPT_* */
    cfg.retry_base_ms = 1;
    cfg.jitter_ms = 3;
    cfg.rand = p_rand;
    cfg.boot_id = 0xFFFFFFFFu;
    cfg.fields = p_fields;
#ifdef PROBE_SIGNED
    static hb_signing sg;
    static char sbuf[1200];
    cfg.token = NULL;                   /* no bearer token in signed beats */
    cfg.buf = sbuf;
    cfg.buf_size = sizeof sbuf;
    sg.ops = hb_signed_beats;
    sg.sign_alg = HB_SIGN_ES256;
    sg.sign_kid = "probe-hb-1";
    sg.sign = p_sign;
    cfg.signing = &sg;
#endif
    if (hb_init(&svc, &cfg) != HB_OK || hb_start(&svc, 0) != HB_OK) {
        puts("probe: hb_init/hb_start failed");
        return 2;
    }

    base = sp_now();
    lo = (volatile uint32_t *)(uintptr_t)(base - PAINT_BYTES);
    for (p = lo; p < (volatile uint32_t *)(uintptr_t)(base - 64u); p++)
        *p = PAINT;
    for (i = 0; i < 20000u; i++) {
        tick += 1u + i % 7u;
#ifdef PROBE_SIGNED
        if (i == 10000u) {              /* the second half: carrier B */
            hb_stop(&svc, tick);
            sg.sign_alg = HB_SIGN_HS256;
            sg.sign_carrier = HB_CARRIER_B;
            if (hb_init(&svc, &cfg) != HB_OK || hb_start(&svc, tick) != HB_OK) {
                puts("probe: carrier B: hb_init/hb_start failed");
                return 2;
            }
        }
#endif
        (void)hb_poll(&svc, tick);
    }
    for (p = lo; *p == PAINT; p++) { }
    deepest = base - (uint32_t)(uintptr_t)p;
    k = hb_running(&svc);
    printf("STACK deepest=%lu at_cb=%lu calls=%u running=%d\n",
           (unsigned long)deepest, (unsigned long)(base - lowest_cb_sp), calls, k);
#ifdef PROBE_SIGNED
    {
        hb_stats st;
        hb_get_stats(&svc, &st);
        printf("signed: %lu beats sent in the carrier B half\n", (unsigned long)st.sent);
        if (st.sent == 0) return 1;
    }
#endif
    if (p == lo) {
        puts("probe: the painted area was used up: raise PAINT_BYTES");
        return 1;
    }
    return 0;
}
