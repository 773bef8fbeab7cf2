/* tests/sign/bench.c — `make bench-sign`: what a signed beat costs, with
   mbedTLS on this machine (x86-64, gcc -O2).

   bench KEYDIR
   Rows, each the median of 5 runs of N operations:
     sign      hb_jwt_sign_beat over a real signing input (header.claims of
               a typical beat, about 290 bytes)
     verify    what a receiver does per beat: SHA-256 + ECDSA verify of raw
               r||s (ES256), or HMAC-SHA-256 + constant-time compare (HS256)
     beat      one whole signed beat through the service (hb_beat_now:
               claims JSON, header, base64url, sign, publish to a no-op)
     unsigned  the Go-format beat, for comparison
   Times are wall-clock ns per operation on a shared machine: compare rows
   of one run, not runs of different days. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#include <mbedtls/ecdsa.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static size_t load(const char *dir, const char *name, unsigned char *out,
                   size_t cap)
{
    char path[512];
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL) { perror(path); exit(2); }
    n = fread(out, 1, cap - 1, f);
    fclose(f);
    out[n] = 0;
    if (strstr(name, ".pem") != NULL) n++;
    return n;
}

static int nop_pub(void *u, const char *t, const char *p, size_t l, int q)
{
    (void)u; (void)t; (void)p; (void)l; (void)q;
    return 0;
}

static int clk(void *u, hb_time *t)
{
    (void)u;
    t->sec = 1800000000;
    t->nsec = 123456789u;
    t->utc_offset_min = 0;
    return 0;
}

static uint32_t rnd(void *u)
{
    static uint32_t x = 1;
    (void)u;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return x;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef int (*op_fn)(void *ctx);

static double median_ns(op_fn op, void *ctx, int n)
{
    double r[5];
    int k, i;
    for (k = 0; k < 5; k++) {
        double t0 = now_ns();
        for (i = 0; i < n; i++)
            if (op(ctx) != 0) { fprintf(stderr, "operation failed\n"); exit(1); }
        r[k] = (now_ns() - t0) / n;
    }
    qsort(r, 5, sizeof r[0], cmp);
    return r[2];
}

/* ---- the operations -------------------------------------------------------- */

static char input[512];
static size_t input_len;
static unsigned char sig[64];

typedef struct signer { hb_jwt jwt; int alg; } signer;

static int op_sign(void *ctx)
{
    signer *s = (signer *)ctx;
    return hb_jwt_sign_beat(&s->jwt, s->alg, input, input_len, sig, 0);
}

typedef struct everify {
    mbedtls_ecp_group grp;
    mbedtls_ecp_point q;
} everify;

static int op_es_verify(void *ctx)
{
    everify *v = (everify *)ctx;
    unsigned char h[32];
    mbedtls_mpi r, s;
    int rc;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    rc = mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
                    (const unsigned char *)input, input_len, h);
    if (rc == 0) rc = mbedtls_mpi_read_binary(&r, sig, 32);
    if (rc == 0) rc = mbedtls_mpi_read_binary(&s, sig + 32, 32);
    if (rc == 0) rc = mbedtls_ecdsa_verify(&v->grp, h, 32, &v->q, &r, &s);
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    return rc;
}

static unsigned char hkey[64];
static size_t hkey_len;

static int op_hs_verify(void *ctx)
{
    unsigned char mac[32];
    unsigned diff = 0;
    int i;
    (void)ctx;
    if (mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), hkey,
                        hkey_len, (const unsigned char *)input, input_len, mac))
        return 1;
    for (i = 0; i < 32; i++) diff |= (unsigned)(mac[i] ^ sig[i]);
    return diff != 0;
}

static int op_beat(void *ctx)
{
    return hb_beat_now((hb_service *)ctx, 0);
}

/* A beat's signing input, as the service makes it: captured from a
   signer that only records. */
static int grab(void *user, int alg, const char *in, size_t len,
                unsigned char *s, int again)
{
    (void)user; (void)again;
    memcpy(input, in, len);
    input_len = len;
    memset(s, 0, alg == HB_SIGN_ES256 ? 64u : 32u);
    return 0;
}

static void service(hb_service *hb, char *buf, size_t size, int alg,
                    hb_sign_fn fn, void *user)
{
    hb_config c;
    memset(&c, 0, sizeof c);
    c.topic = "devices/dev-7/heartbeat";
    c.interval_ms = 60000;
    c.device_id = "dev-7";
    c.publish = nop_pub;
    c.clock = clk;
    c.rand = rnd;
    c.buf = buf;
    c.buf_size = size;
    c.sign_alg = alg;
    c.sign_kid = alg ? "dev-7-hb" : NULL;
    c.sign = fn;
    c.sign_user = user;
    if (hb_init(hb, &c) != HB_OK || hb_start(hb, 0) != HB_OK) exit(1);
}

int main(int argc, char **argv)
{
    static unsigned char key[8192];
    static char buf[1024];
    static signer es, hs;
    static everify ev;
    static hb_service hb;
    mbedtls_pk_context pub;
    hb_jwt_config jc;
    const char *dir = argc > 1 ? argv[1] : "build/jwt/keys";
    double es_sign, es_ver, hs_sign, hs_ver, es_beat, hs_beat, plain;

    service(&hb, buf, sizeof buf, HB_SIGN_ES256, grab, NULL);
    if (hb_beat_now(&hb, 0) != HB_OK) return 1;

    memset(&jc, 0, sizeof jc);
    jc.alg = HB_JWT_ES256;
    jc.key = key;
    jc.key_len = load(dir, "ec.p8.pem", key, sizeof key);
    if (hb_jwt_signer_init(&es.jwt, &jc) != HB_OK) return 1;
    es.alg = HB_SIGN_ES256;
    jc.alg = HB_JWT_HS256;
    jc.key_len = load(dir, "hs.key", key, sizeof key);
    memcpy(hkey, key, jc.key_len);
    hkey_len = jc.key_len;
    if (hb_jwt_signer_init(&hs.jwt, &jc) != HB_OK) return 1;
    hs.alg = HB_SIGN_HS256;

    mbedtls_pk_init(&pub);
    if (mbedtls_pk_parse_public_key(&pub, key,
                                    load(dir, "ec.pub.pem", key, sizeof key)))
        return 1;
    mbedtls_ecp_group_init(&ev.grp);
    mbedtls_ecp_point_init(&ev.q);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    if (mbedtls_ecp_export(mbedtls_pk_ec(pub), &ev.grp, NULL, &ev.q)) return 1;
#else
    if (mbedtls_ecp_group_copy(&ev.grp, &mbedtls_pk_ec(pub)->grp) ||
        mbedtls_ecp_copy(&ev.q, &mbedtls_pk_ec(pub)->Q))
        return 1;
#endif

    es_sign = median_ns(op_sign, &es, 200);
    op_sign(&es);
    es_ver = median_ns(op_es_verify, &ev, 100);
    hs_sign = median_ns(op_sign, &hs, 20000);
    op_sign(&hs);
    hs_ver = median_ns(op_hs_verify, NULL, 20000);
    service(&hb, buf, sizeof buf, HB_SIGN_ES256, hb_jwt_sign_beat, &es.jwt);
    es_beat = median_ns(op_beat, &hb, 200);
    service(&hb, buf, sizeof buf, HB_SIGN_HS256, hb_jwt_sign_beat, &hs.jwt);
    hs_beat = median_ns(op_beat, &hb, 20000);
    service(&hb, buf, sizeof buf, 0, NULL, NULL);
    plain = median_ns(op_beat, &hb, 200000);

    printf("signed beats, mbedTLS %s, x86-64 gcc -O2 (median of 5 runs; ns per operation)\n",
           MBEDTLS_VERSION_STRING);
    printf("signing input: %u bytes (header.claims of a typical beat)\n",
           (unsigned)input_len);
    printf("| operation | ES256 | HS256 |\n|---|---:|---:|\n");
    printf("| sign (hb_jwt_sign_beat) | %.0f | %.0f |\n", es_sign, hs_sign);
    printf("| verify (receiver, per beat) | %.0f | %.0f |\n", es_ver, hs_ver);
    printf("| whole signed beat (hb_beat_now) | %.0f | %.0f |\n", es_beat, hs_beat);
    printf("| unsigned Go-format beat | %.0f | %.0f |\n", plain, plain);
    hb_jwt_free(&es.jwt);
    hb_jwt_free(&hs.jwt);
    mbedtls_ecp_group_free(&ev.grp);
    mbedtls_ecp_point_free(&ev.q);
    mbedtls_pk_free(&pub);
    return 0;
}
