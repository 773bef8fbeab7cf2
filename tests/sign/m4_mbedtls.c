/* tests/sign/m4_mbedtls.c — signed beats with mbedTLS on Cortex-M4 (qemu
   mps2-an386), built and run by tests/sign/m4-mbedtls.sh: heartbeat.h with
   HEARTBEAT_MBEDTLS over Debian's mbedTLS 2.28 source cross-compiled with
   tests/sign/m4_mbedtls_config.h.

   The arguments come from qemu's semihosting command line
   (-semihosting-config arg=...), the key files are read on the host through
   semihosting.

   m4 bench KEYDIR
     Instruction counts of one signed beat's work, HS256 and ES256: the
     signer's set-up (hb_jwt_signer_init: key parse), sign
     (hb_jwt_sign_beat, inside a real beat of the service), verify on the
     M4 (hb_jwt_verify_beat: what a monitor calls; for ES256 it parses the
     public key, which is counted apart as well), the whole signed beat
     (hb_beat_now), and an unsigned beat. Under -icount shift=ICOUNT_SHIFT
     each instruction takes 2^shift ns of virtual time and the 25 MHz timer
     ticks every 40 ns; with shift >= 7 one instruction is more than two
     ticks, so rounding ticks * 40 / 2^shift gives the exact count. A
     calibration loop of known length checks that (exact to the
     instruction). Checks, on the M4: every signature verifies, a flipped
     bit and the wrong key do not, ES256 is deterministic (the same input
     signs to the same bytes). Prints "beat ALG TOKEN" per beat for the host
     (tests/sign/m4-check.py), the counts as "count NAME ALG N" lines, and
     "RESULT: P passed, F failed".

   m4 emit ALG KEYFILE CARRIER COUNT KID SEED
     What build/sign_emit prints (tests/sign/emit.c), for
     tests/sign/verify.py: COUNT beats, one a minute, the wall clock the
     host's (semihosting SYS_TIME), boot_id from SEED. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#include <mbedtls/memory_buffer_alloc.h>
#include <mbedtls/pk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef ICOUNT_SHIFT
#define ICOUNT_SHIFT 7             /* what tests/sign/m4-mbedtls.sh passes */
#endif
#define BEATS 5

/* ---- the board: semihosting, the CMSDK timer --------------------------- */

static uint32_t semihost(uint32_t op, void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
    __asm__ volatile ("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

#define T0_CTRL   (*(volatile uint32_t *)0x40000000u)
#define T0_VALUE  (*(volatile uint32_t *)0x40000004u)
#define T0_RELOAD (*(volatile uint32_t *)0x40000008u)

/* Not inlined, so that every measurement has the same overhead. */
__attribute__((noinline)) static uint32_t ticks(void)
{
    return 0xFFFFFFFFu - T0_VALUE;
}

static uint32_t overhead;       /* instructions of an empty measurement */

static uint32_t insns(uint32_t t0, uint32_t t1)
{
    uint64_t ns = (uint64_t)(uint32_t)(t1 - t0) * 40u;
    return (uint32_t)((ns + (1u << (ICOUNT_SHIFT - 1))) >> ICOUNT_SHIFT);
}

/* n iterations of two instructions (subs, bne). */
__attribute__((noinline)) static void spin(uint32_t n)
{
    __asm__ volatile ("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

/* ---- checks and figures ------------------------------------------------- */

static int passed, failed;
static void check(const char *what, int ok)
{
    if (ok) passed++; else failed++;
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
}

static size_t load(const char *path, unsigned char *out, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n;
    if (f == NULL) { printf("cannot open %s\n", path); exit(2); }
    n = fread(out, 1, cap - 1, f);
    fclose(f);
    out[n] = 0;
    if (strstr(path, ".pem") != NULL) n++;        /* mbedTLS wants the NUL */
    return n;
}

static uint32_t median(uint32_t *v, int n)
{
    int i, j;
    for (i = 1; i < n; i++)
        for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint32_t t = v[j]; v[j] = v[j - 1]; v[j - 1] = t;
        }
    return v[n / 2];
}

/* ---- the service around the signer ------------------------------------- */

static char buf[1024];
static hb_service hb;
static hb_signing sg;
static int carrier;

typedef struct rec {
    hb_jwt   jwt;
    int      n;                         /* beats signed */
    uint32_t sign[BEATS];               /* instructions per hb_jwt_sign_beat */
    char     input[BEATS][512];
    size_t   input_len[BEATS];
    unsigned char sig[BEATS][64];
} rec;
static rec r;

/* hb_jwt_sign_beat, counted, its input and output kept. */
static int rec_sign(void *user, int alg, const char *in, size_t len,
                    unsigned char *sig, int again)
{
    rec *q = (rec *)user;
    uint32_t t0, t1;
    int rc;
    t0 = ticks();
    rc = hb_jwt_sign_beat(&q->jwt, alg, in, len, sig, again);
    t1 = ticks();
    if (q->n < BEATS && len < sizeof q->input[0]) {
        q->sign[q->n] = insns(t0, t1) - overhead;
        memcpy(q->input[q->n], in, len);
        q->input_len[q->n] = len;
        memcpy(q->sig[q->n], sig, alg == HB_SIGN_ES256 ? 64u : 32u);
    }
    q->n++;
    return rc;
}

static int print_pub(void *user, const char *topic, const char *payload,
                     size_t len, int qos)
{
    (void)topic; (void)qos;
    if (user != NULL) {                       /* bench: "beat ALG TOKEN" */
        printf("beat %s %.*s\n", (const char *)user, (int)len, payload);
    } else if (carrier == HB_CARRIER_A) {     /* emit: as tests/sign/emit.c */
        printf("A\t%.*s\n", (int)len, payload);
    } else {
        size_t jl = 0;
        const char *jws = hb_beat_jws(&hb, &jl);
        if (jws == NULL) return -1;
        printf("B\t%.*s\t%.*s\n", (int)len, payload, (int)jl, jws);
    }
    return 0;
}

static int nop_pub(void *user, const char *topic, const char *payload,
                   size_t len, int qos)
{
    (void)user; (void)topic; (void)payload; (void)len; (void)qos;
    return 0;
}

static int fixed_clock(void *user, hb_time *t)
{
    (void)user;
    t->sec = 1800000000;
    t->nsec = 123456789u;
    t->utc_offset_min = 0;
    return 0;
}

static int host_clock(void *user, hb_time *t)
{
    (void)user;
    t->sec = (int64_t)time(NULL);             /* semihosting SYS_TIME */
    t->nsec = 0;
    t->utc_offset_min = 0;
    return 0;
}

static uint32_t seed = 0x2545F491u;
static uint32_t rnd(void *user)
{
    (void)user;
    seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5;
    return seed;
}

static void log_err(void *user, int level, const char *msg, int err,
                    const char *detail)
{
    (void)user;
    if (level == HB_LOG_ERROR)
        printf("log: %s: %s (%s)\n", msg, hb_strerror(err), detail ? detail : "-");
}

static int service(int alg, const char *kid, hb_publish_fn pub, void *pub_user,
                   hb_clock_fn clk, uint32_t interval_ms)
{
    hb_config c;
    memset(&c, 0, sizeof c);
    memset(&sg, 0, sizeof sg);
    c.topic = "devices/dev-7/heartbeat";
    c.interval_ms = interval_ms;
    c.qos = 1;
    c.device_id = "dev-7";
    c.publish = pub;
    c.user = pub_user;
    c.clock = clk;
    c.log = log_err;
    c.rand = rnd;
    c.buf = buf;
    c.buf_size = sizeof buf;
    c.flags = HB_OPT_IMMEDIATE;
    if (alg) {
        sg.ops = hb_signed_beats;
        sg.sign_alg = alg;
        sg.sign_kid = kid;
        sg.sign = rec_sign;
        sg.sign_user = &r;
        sg.sign_carrier = carrier;
        c.signing = &sg;
    }
    if (hb_init(&hb, &c) != HB_OK) return -1;
    return hb_start(&hb, 0) == HB_OK ? 0 : -1;
}

/* ---- m4 bench KEYDIR ---------------------------------------------------- */

static unsigned char key[4096], pub[1024], wrong[1024];

static int verify(int alg, const char *in, size_t len, const unsigned char *s,
                  const unsigned char *k, size_t kl)
{
    hb_mon_jws j;
    memset(&j, 0, sizeof j);
    j.alg = alg;
    j.input = in;
    j.input_len = len;
    j.sig = s;
    j.sig_len = alg == HB_SIGN_ES256 ? 64u : 32u;
    return hb_jwt_verify_beat(&j, k, kl);
}

static void bench_alg(const char *dir, int alg)
{
    const char *name = alg == HB_SIGN_ES256 ? "ES256" : "HS256";
    char path[256], what[96];
    hb_jwt_config jc;
    size_t kl, pl, wl;
    uint32_t t0, t1, init, beat[BEATS], ver[BEATS], parse = 0;
    unsigned char again[64], bad[64];
    int i, ok_all = 1, rej_all = 1, sl = alg == HB_SIGN_ES256 ? 64 : 32;

    snprintf(path, sizeof path, "%s/%s", dir, alg == HB_SIGN_ES256 ? "ec.p8.pem" : "hs.key");
    kl = load(path, key, sizeof key);
    snprintf(path, sizeof path, "%s/%s", dir, alg == HB_SIGN_ES256 ? "ec.pub.pem" : "hs.key");
    pl = load(path, pub, sizeof pub);
    snprintf(path, sizeof path, "%s/%s", dir, alg == HB_SIGN_ES256 ? "ec2.pub.pem" : "hs2.key");
    wl = load(path, wrong, sizeof wrong);

    memset(&r, 0, sizeof r);
    memset(&jc, 0, sizeof jc);
    jc.alg = alg;                               /* HB_SIGN_* = HB_JWT_* */
    jc.key = key;
    jc.key_len = kl;
    t0 = ticks();
    i = hb_jwt_signer_init(&r.jwt, &jc);
    t1 = ticks();
    init = insns(t0, t1) - overhead;
    snprintf(what, sizeof what, "%s: hb_jwt_signer_init", name);
    check(what, i == HB_OK);
    if (i != HB_OK) return;

    if (service(alg, "dev-7-hb", print_pub, (void *)(uintptr_t)name, fixed_clock, 60000u) != 0) {
        check("service init", 0);
        return;
    }
    for (i = 0; i < BEATS; i++) {
        t0 = ticks();
        (void)hb_beat_now(&hb, (uint32_t)i * 60000u);
        t1 = ticks();
        beat[i] = insns(t0, t1) - overhead;
    }
    snprintf(what, sizeof what, "%s: %d beats signed and published", name, BEATS);
    check(what, r.n == BEATS);
    if (r.n != BEATS) return;

    for (i = 0; i < BEATS; i++) {
        int rc;
        t0 = ticks();
        rc = verify(alg, r.input[i], r.input_len[i], r.sig[i], pub, pl);
        t1 = ticks();
        ver[i] = insns(t0, t1) - overhead;
        if (rc != 0) ok_all = 0;
        memcpy(bad, r.sig[i], (size_t)sl);
        bad[i % sl] ^= 0x10u;
        if (verify(alg, r.input[i], r.input_len[i], bad, pub, pl) == 0) rej_all = 0;
        if (verify(alg, r.input[i], r.input_len[i], r.sig[i], wrong, wl) == 0) rej_all = 0;
    }
    snprintf(what, sizeof what, "%s: every signature verifies on the M4", name);
    check(what, ok_all);
    snprintf(what, sizeof what, "%s: a flipped bit and the wrong key are rejected", name);
    check(what, rej_all);
    i = hb_jwt_sign_beat(&r.jwt, alg, r.input[1], r.input_len[1], again, 0);
    snprintf(what, sizeof what, "%s: signing the same input again gives the same bytes", name);
    check(what, i == 0 && memcmp(again, r.sig[1], (size_t)sl) == 0);

    if (alg == HB_SIGN_ES256) {
        mbedtls_pk_context pk;
        mbedtls_pk_init(&pk);
        t0 = ticks();
        i = mbedtls_pk_parse_public_key(&pk, pub, pl);
        t1 = ticks();
        parse = insns(t0, t1) - overhead;
        mbedtls_pk_free(&pk);
        check("ES256: the public key parses", i == 0);
    }

    printf("signing input: %u bytes\n", (unsigned)r.input_len[0]);
    printf("count signer_init %s %lu\n", name, (unsigned long)init);
    printf("count sign_first %s %lu\n", name, (unsigned long)r.sign[0]);
    printf("count sign %s %lu\n", name, (unsigned long)median(r.sign + 1, BEATS - 1));
    printf("count verify %s %lu\n", name, (unsigned long)median(ver, BEATS));
    if (alg == HB_SIGN_ES256)
        printf("count pubkey_parse %s %lu\n", name, (unsigned long)parse);
    printf("count beat_first %s %lu\n", name, (unsigned long)beat[0]);
    printf("count beat %s %lu\n", name, (unsigned long)median(beat + 1, BEATS - 1));
    hb_stop(&hb, 0);
    hb_jwt_free(&r.jwt);
}

static int bench(const char *dir)
{
    uint32_t t0, t1, a, b, plain[BEATS];
    int i;

    /* the counting itself: an empty measurement, then a loop of known
       length must come out exact */
    t0 = ticks(); t1 = ticks();
    overhead = insns(t0, t1);
    t0 = ticks(); spin(1000u); t1 = ticks();
    a = insns(t0, t1);
    t0 = ticks(); spin(101000u); t1 = ticks();
    b = insns(t0, t1);
    printf("calibration: empty %lu, spin(1000) %lu, spin(101000) %lu instructions\n",
           (unsigned long)overhead, (unsigned long)a, (unsigned long)b);
    check("the instruction count is exact (100000 more loop turns = 200000 instructions)",
          b - a == 200000u);

    bench_alg(dir, HB_SIGN_HS256);
    bench_alg(dir, HB_SIGN_ES256);

    if (service(0, NULL, nop_pub, NULL, fixed_clock, 60000u) != 0) return 1;
    for (i = 0; i < BEATS; i++) {
        t0 = ticks();
        (void)hb_beat_now(&hb, (uint32_t)i * 60000u);
        t1 = ticks();
        plain[i] = insns(t0, t1) - overhead;
    }
    printf("count beat unsigned %lu\n", (unsigned long)median(plain, BEATS));
    printf("mbedTLS %s, Cortex-M4 -Os, tests/sign/m4_mbedtls_config.h\n",
           MBEDTLS_VERSION_STRING);
    return 0;
}

/* ---- m4 emit ALG KEYFILE CARRIER COUNT KID SEED ------------------------- */

static int emit(char **argv)
{
    hb_jwt_config jc;
    hb_stats st;
    int i, count, alg;
    uint32_t now = 0;

    alg = !strcmp(argv[0], "HS256") ? HB_SIGN_HS256
        : !strcmp(argv[0], "ES256") ? HB_SIGN_ES256 : 0;
    memset(&r, 0, sizeof r);
    memset(&jc, 0, sizeof jc);
    jc.alg = alg;
    jc.key = key;
    jc.key_len = load(argv[1], key, sizeof key);
    if (hb_jwt_signer_init(&r.jwt, &jc) != HB_OK) {
        printf("hb_jwt_signer_init failed\n");
        return 1;
    }
    carrier = argv[2][0] == 'B' ? HB_CARRIER_B : HB_CARRIER_A;
    count = atoi(argv[3]);
    seed = (uint32_t)strtoul(argv[5], NULL, 16);
    if (seed == 0) seed = 1;
    if (service(alg, argv[4], print_pub, NULL, host_clock, 60000u) != 0) return 1;
    for (i = 0; i < count; i++, now += 60000u) (void)hb_poll(&hb, now);
    hb_get_stats(&hb, &st);
    hb_jwt_free(&r.jwt);
    return st.sent == (uint32_t)count ? 0 : 1;
}

/* ---- main: the semihosting command line --------------------------------- */

static unsigned char heap[32768];      /* mbedTLS's heap (bignums, keys) */

int main(void)
{
    static char line[1024];
    char *argv[12];
    uint32_t blk[2];
    int argc = 0, rc;
    char *p;

    T0_RELOAD = 0xFFFFFFFFu;
    T0_VALUE = 0xFFFFFFFFu;
    T0_CTRL = 1u;                               /* enable, no interrupt */
    mbedtls_memory_buffer_alloc_init(heap, sizeof heap);

    blk[0] = (uint32_t)(uintptr_t)line;
    blk[1] = sizeof line - 1u;
    if (semihost(0x15u, blk) != 0) { puts("no command line"); return 2; }
    line[blk[1] < sizeof line ? blk[1] : sizeof line - 1u] = 0;
    for (p = strtok(line, " "); p != NULL && argc < 12; p = strtok(NULL, " "))
        argv[argc++] = p;

    if (argc == 3 && !strcmp(argv[1], "bench")) {
        rc = bench(argv[2]);
        printf("RESULT: %d passed, %d failed\n", passed, failed);
        return rc != 0 || failed != 0;
    }
    if (argc == 8 && !strcmp(argv[1], "emit"))
        return emit(argv + 2);
    puts("usage: m4 bench KEYDIR | m4 emit ALG KEYFILE A|B COUNT KID SEED");
    return 2;
}
