/* tests/sign/slice_m4.c — signed beats with a slow signer on Cortex-M4
   (qemu mps2-an386, run with -icount so that time is instructions).

   The mock signer stands for a secure element or a software ECDSA cut into
   slices: it needs SLICES slices of 1 ms of CPU each (busy work measured on
   the board's 25 MHz CMSDK timer) and answers "pending, 1 ms" until the
   last one. The program is a superloop: now = the timer in ms; hb_poll;
   busy-wait until now + the answer. It measures every hb_poll call and
   checks:
     - the longest single hb_poll call is at most 2 ms;
     - every beat starts signing on its grid point (start + k * interval,
       within 1 ms: the poll comes when hb_poll said) and is published;
     - no grid point is missed, attempts == sent == BEATS.
   It also measures the library's own share of one signed beat (the beat
   JSON, header, base64url, the signer excluded) in timer ticks. Under
   -icount shift=ICOUNT_SHIFT each instruction takes 2^shift ns of virtual
   time (shift 6: 64 ns, 15.6 MIPS, slower than a 25 MHz Cortex-M4), so
   ticks of 40 ns convert to instructions.
   Prints the figures and "RESULT: P passed, F failed"; exit 1 on failure. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
#include <stdio.h>
#include <string.h>

#ifndef SLICES
#define SLICES 500
#endif
#ifndef BEATS
#define BEATS 6
#endif
#define INTERVAL_MS 2000u
#define TICKS_PER_MS 25000u            /* the CMSDK timer runs at 25 MHz */
#ifndef ICOUNT_SHIFT
#define ICOUNT_SHIFT 6                 /* what tests/sign/qemu-slice.sh passes */
#endif

/* CMSDK APB timer 0 of the MPS2 boards: a 32-bit down counter. */
#define T0_CTRL   (*(volatile uint32_t *)0x40000000u)
#define T0_VALUE  (*(volatile uint32_t *)0x40000004u)
#define T0_RELOAD (*(volatile uint32_t *)0x40000008u)

static uint32_t ticks(void) { return 0xFFFFFFFFu - T0_VALUE; }
static uint32_t now_ms(void) { return ticks() / TICKS_PER_MS; }

typedef struct slow {
    int      left;
    int      calls;
    int      starts;
    uint32_t start_ms[BEATS + 2];
} slow;

static int slow_sign(void *user, int alg, const char *input, size_t len,
                     unsigned char *sig, int again)
{
    slow *s = (slow *)user;
    uint32_t t0 = ticks();
    size_t i, sl = alg == HB_SIGN_ES256 ? 64u : 32u;
    s->calls++;
    if (!again) {
        if (s->starts < BEATS + 2) s->start_ms[s->starts] = now_ms();
        s->starts++;
        s->left = SLICES;
    }
    while (ticks() - t0 < TICKS_PER_MS) { }      /* one slice: 1 ms of work */
    if (--s->left > 0) return 1;
    for (i = 0; i < sl; i++) sig[i] = (unsigned char)(input[i % len] + i);
    return 0;
}

/* The fast signer for the cost figure: no work at all. */
static int null_sign(void *user, int alg, const char *input, size_t len,
                     unsigned char *sig, int again)
{
    (void)user; (void)input; (void)len; (void)again;
    memset(sig, 0x5A, alg == HB_SIGN_ES256 ? 64u : 32u);
    return 0;
}

static uint32_t published_ms[BEATS + 2];
static int published;

static int pub(void *user, const char *topic, const char *payload, size_t len,
               int qos)
{
    (void)user; (void)topic; (void)payload; (void)len; (void)qos;
    if (published < BEATS + 2) published_ms[published] = now_ms();
    published++;
    return 0;
}

static int wall(void *user, hb_time *t)
{
    (void)user;
    t->sec = 1800000000 + (int64_t)(now_ms() / 1000u);
    t->nsec = (now_ms() % 1000u) * 1000000u;
    t->utc_offset_min = 0;
    return 0;
}

static uint32_t rnd(void *user)
{
    static uint32_t x = 0x12345678u;
    (void)user;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return x;
}

static int passed, failed;
static void check(const char *what, int ok)
{
    if (ok) passed++; else failed++;
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
}

static char buf[768];
static hb_service hb;
static slow sl;

int main(void)
{
    hb_config c;
    hb_stats st;
    uint32_t start, longest = 0, polls = 0, k, lib_ticks = 0;
    int i, on_grid = 1;

    T0_RELOAD = 0xFFFFFFFFu;
    T0_VALUE = 0xFFFFFFFFu;
    T0_CTRL = 1u;                               /* enable, no interrupt */

    memset(&c, 0, sizeof c);
    c.topic = "devices/m4/heartbeat";
    c.interval_ms = INTERVAL_MS;
    c.device_id = "m4-1";
    c.publish = pub;
    c.clock = wall;
    c.rand = rnd;
    c.buf = buf;
    c.buf_size = sizeof buf;
    c.sign_alg = HB_SIGN_ES256;
    c.sign_kid = "m4-hb-1";
    c.sign = slow_sign;
    c.sign_user = &sl;
    if (hb_init(&hb, &c) != HB_OK) { puts("hb_init failed"); return 1; }

    start = now_ms();
    hb_start(&hb, start);
    while (published < BEATS) {
        uint32_t t0 = ticks(), w, d, until;
        uint32_t now = t0 / TICKS_PER_MS;
        w = hb_poll(&hb, now);
        d = ticks() - t0;
        polls++;
        if (d > longest) longest = d;
        until = now + w;
        while ((int32_t)(now_ms() - until) < 0) { }   /* "sleep" */
    }
    hb_get_stats(&hb, &st);
    for (i = 0; i < BEATS; i++) {
        k = sl.start_ms[i] - (start + (uint32_t)(i + 1) * INTERVAL_MS);
        if (k > 1u) on_grid = 0;
        printf("beat %d: grid %lu ms, signing from +%lu ms, published at +%lu ms\n",
               i, (unsigned long)((i + 1) * INTERVAL_MS), (unsigned long)k,
               (unsigned long)(published_ms[i] - (start + (uint32_t)(i + 1) * INTERVAL_MS)));
    }
    printf("signer: %d slices of 1 ms per beat; %lu hb_poll calls\n",
           SLICES, (unsigned long)polls);
    printf("longest hb_poll call: %lu.%03lu ms (%lu timer ticks of 40 ns)\n",
           (unsigned long)(longest / TICKS_PER_MS),
           (unsigned long)(longest % TICKS_PER_MS / 25u), (unsigned long)longest);
    check("longest hb_poll call <= 2 ms", longest <= 2u * TICKS_PER_MS);
    check("every beat starts signing on its grid point (within 1 ms)", on_grid);
    check("no grid point missed", st.missed == 0);
    check("attempts == sent == beats", st.attempts == BEATS && st.sent == BEATS);
    check("the signer was asked one slice per call",
          sl.calls == BEATS * SLICES && sl.starts == BEATS);

    /* the library's own cost of one signed beat (the signer does nothing) */
    hb_stop(&hb, now_ms());
    c.sign = null_sign;
    c.flags = HB_OPT_IMMEDIATE;
    if (hb_init(&hb, &c) != HB_OK) return 1;
    for (i = 0; i < 16; i++) {
        uint32_t t0;
        hb_start(&hb, 0);
        t0 = ticks();
        (void)hb_poll(&hb, 0);
        lib_ticks += ticks() - t0;
        hb_stop(&hb, 0);
    }
    printf("library share of one signed beat (ES256 layout, signer excluded): "
           "%lu ticks = about %lu instructions (40 ns ticks, %u ns per instruction)\n",
           (unsigned long)(lib_ticks / 16u),
           (unsigned long)(lib_ticks / 16u * 40u >> ICOUNT_SHIFT), 1u << ICOUNT_SHIFT);
    printf("RESULT: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
