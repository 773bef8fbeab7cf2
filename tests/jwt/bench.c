/* tests/jwt/bench.c — what the built-in signer costs (`make bench-jwt`).

   bench_jwt KEYDIR [SECONDS_PER_ROW]
   For each algorithm: the cost of one signature (the simulated clock jumps
   past the refresh point before every call), the cost of a cached call,
   and the amortised cost per beat for a beat every 60 s with the default
   one-hour lifetime (re-signed every 45 min = every 45 beats). Host CPU
   time, so only the ratios travel to a microcontroller. */
#define _POSIX_C_SOURCE 200809L
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t sim_sec;

static int sim_clock(void *user, hb_time *now)
{
    (void)user;
    now->sec = sim_sec;
    now->nsec = 0;
    now->utc_offset_min = 0;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t load(const char *dir, const char *name, unsigned char *buf, size_t size)
{
    char path[512];
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL) return 0;
    n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = 0;
    return strstr(name, ".pem") != NULL ? n + 1 : n;
}

int main(int argc, char **argv)
{
    static const struct { const char *name; int alg; const char *key; int rng; } rows[] = {
        { "HS256", HB_JWT_HS256, "hs.key", 0 },
        { "RS256 (RSA-2048)", HB_JWT_RS256, "rsa.p8.pem", 1 },
        { "RS256 (RSA-4096)", HB_JWT_RS256, "rsa4096.p8.pem", 1 },
        { "ES256 (P-256)", HB_JWT_ES256, "ec.p8.pem", 1 },
        { "ES256, internal blinding", HB_JWT_ES256, "ec.p8.pem", 0 },
    };
    static unsigned char key[16384];
    static char tok[2048];
    const char *dir = argc > 1 ? argv[1] : "build/jwt/keys";
    double budget = argc > 2 ? atof(argv[2]) : 0.5;
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    size_t r;

    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent,
                              (const unsigned char *)"bench", 5) != 0)
        return 1;
    printf("JWT signer cost (mbedTLS %s, host CPU; beat every 60 s, lifetime 3600 s)\n",
           MBEDTLS_VERSION_STRING);
    printf("%-26s %12s %12s %14s %8s\n", "algorithm", "sign (us)", "cached (ns)",
           "per beat (ns)", "signs");
    for (r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        hb_jwt j;
        hb_jwt_config c;
        const char *t;
        size_t n;
        long i, iters = 0, beats;
        double t0, sign_us, cached_ns, beat_ns;
        unsigned signs0;
        memset(&c, 0, sizeof c);
        c.alg = rows[r].alg;
        c.key = key;
        c.key_len = load(dir, rows[r].key, key, sizeof key);
        c.aud = "bench-audience";
        c.sub = "device-0001";
        c.clock = sim_clock;
        c.buf = tok;
        c.buf_size = sizeof tok;
        if (rows[r].rng) {
            c.rng = mbedtls_ctr_drbg_random;
            c.rng_user = &drbg;
        }
        sim_sec = INT64_C(1800000000);
        if (c.key_len == 0 || hb_jwt_init(&j, &c) != HB_OK) {
            printf("%-26s (key %s/%s missing or rejected)\n", rows[r].name, dir, rows[r].key);
            continue;
        }
        /* signatures: every call lands past the refresh point */
        t0 = now_s();
        do {
            sim_sec += 3600;
            if (hb_jwt_token(&j, &t, &n) != HB_OK) return 1;
            iters++;
        } while (now_s() - t0 < budget);
        sign_us = (now_s() - t0) / (double)iters * 1e6;
        /* cached: same second, no signing */
        signs0 = j.internal_.signs;
        t0 = now_s();
        for (i = 0; i < 1000000; i++)
            if (hb_jwt_token(&j, &t, &n) != HB_OK) return 1;
        cached_ns = (now_s() - t0) / 1e6 * 1e9;
        if (j.internal_.signs != signs0) return 1;
        /* a day of beats, one a minute, repeated to fill the budget */
        hb_jwt_free(&j);
        if (hb_jwt_init(&j, &c) != HB_OK) return 1;
        beats = 0;
        t0 = now_s();
        do {
            for (i = 0; i < 1440; i++, beats++) {
                sim_sec += 60;
                if (hb_jwt_token(&j, &t, &n) != HB_OK) return 1;
            }
        } while (now_s() - t0 < budget);
        beat_ns = (now_s() - t0) / (double)beats * 1e9;
        printf("%-26s %12.1f %12.1f %14.1f %8.1f\n", rows[r].name, sign_us, cached_ns,
               beat_ns, (double)j.internal_.signs / ((double)beats / 1440.0));
        hb_jwt_free(&j);
    }
    printf("(signs = signatures per simulated day of 1440 beats)\n");
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
    return 0;
}
