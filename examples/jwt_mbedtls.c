/* examples/jwt_mbedtls.c — the built-in JWT signer (mbedTLS) feeding the
   heartbeat service; the "transport" prints each message to stdout.

   Build:  cc -std=c99 -DHEARTBEAT_MBEDTLS -I. examples/jwt_mbedtls.c -lmbedcrypto
           (or `make build/jwt_mbedtls`)
   Run:    jwt_mbedtls [-n BEATS] [-i INTERVAL_MS] [HS256|RS256|ES256 KEYFILE]

   Without a key it signs HS256 with a demo secret. With RS256/ES256 give a
   private key, PEM or DER, e.g. one made by
       openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.pem
   The signer caches the token and re-signs a quarter of its lifetime before
   it expires, so most beats cost nothing but a clock read. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HEARTBEAT_MBEDTLS          /* set it everywhere heartbeat.h is included */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>

static uint32_t tick_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

/* One wall clock for both the beat's timestamp and the token's iat/exp. */
static int wall_clock(void *user, hb_time *now)
{
    struct timespec ts;
    (void)user;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
    now->sec = (int64_t)ts.tv_sec;
    now->nsec = (uint32_t)ts.tv_nsec;
    now->utc_offset_min = 0;
    return 0;
}

static int print_publish(void *user, const char *topic, const char *payload,
                         size_t len, int qos)
{
    (void)user;
    printf("%s (qos %d): %.*s\n", topic, qos, (int)len, payload);
    fflush(stdout);
    return 0;
}

static void print_log(void *user, int level, const char *msg, int err,
                      const char *detail)
{
    (void)user;
    (void)detail;
    fprintf(stderr, "[%d] %s%s%s\n", level, msg, err ? ": " : "",
            err ? hb_strerror(err) : "");
}

static size_t read_file(const char *path, unsigned char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    size_t n;
    if (f == NULL) return 0;
    n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = 0;
    /* PEM is text: count its terminating NUL, as mbedTLS wants */
    return strstr((const char *)buf, "-----BEGIN") != NULL ? n + 1 : n;
}

int main(int argc, char **argv)
{
    static const char demo_secret[] = "demo-only-secret-not-for-production!";
    static unsigned char key[8192];
    static char token_buf[1024];
    static char payload[1536];
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    hb_jwt jwt;
    hb_jwt_config jc;
    hb_service hb;
    hb_config cfg;
    hb_stats st;
    unsigned long beats = 3, interval = 1000;
    size_t tok_need;
    int i = 1, rc;

    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "-n")) beats = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "-i")) interval = strtoul(argv[i + 1], NULL, 10);
    }

    /* RSA blinding (RS256) needs real randomness; on a device, its TRNG. */
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
                              (const unsigned char *)"heartbeat", 9) != 0)
        return 1;

    memset(&jc, 0, sizeof jc);
    jc.alg = HB_JWT_HS256;
    jc.key = (const unsigned char *)demo_secret;
    jc.key_len = sizeof demo_secret - 1;
    if (i + 1 < argc) {
        jc.alg = !strcmp(argv[i], "RS256") ? HB_JWT_RS256
               : !strcmp(argv[i], "ES256") ? HB_JWT_ES256 : HB_JWT_HS256;
        jc.key = key;
        jc.key_len = read_file(argv[i + 1], key, sizeof key);
    }
    jc.aud = "my-iot-project";
    jc.sub = "demo-1";
    jc.lifetime_s = 3600;              /* re-signed after 45 minutes */
    jc.clock = wall_clock;
    jc.buf = token_buf;
    jc.buf_size = sizeof token_buf;
    jc.rng = mbedtls_ctr_drbg_random;
    jc.rng_user = &drbg;
    /* Size the buffers first: for RS256 this reads the key's size. */
    tok_need = hb_jwt_buf_size(&jc);
    if (tok_need == 0 || tok_need > sizeof token_buf) {
        fprintf(stderr, "bad key or config, or token buffer too small (%lu)\n",
                (unsigned long)tok_need);
        return 1;
    }
    rc = hb_jwt_init(&jwt, &jc);
    /* the caller's copy of the key is no longer needed */
    memset(key, 0, sizeof key);
    if (rc != HB_OK) {
        fprintf(stderr, "hb_jwt_init: %s\n", hb_strerror(rc));
        return 1;
    }

    memset(&cfg, 0, sizeof cfg);
    cfg.topic = "devices/demo-1/heartbeat";
    cfg.interval_ms = (uint32_t)interval;
    cfg.qos = 1;
    cfg.device_id = "demo-1";
    cfg.publish = print_publish;
    cfg.token = hb_jwt_token;          /* the signer is the token source */
    cfg.token_user = &jwt;
    cfg.clock = wall_clock;
    cfg.log = print_log;
    cfg.buf = payload;
    cfg.buf_size = hb_buf_size(&cfg, tok_need);
    if (cfg.buf_size == 0 || cfg.buf_size > sizeof payload) {
        fprintf(stderr, "payload buffer too small: need %lu\n",
                (unsigned long)cfg.buf_size);
        return 1;
    }
    if (hb_init(&hb, &cfg) != HB_OK || hb_start(&hb, tick_ms()) != HB_OK)
        return 1;
    do {
        struct timespec nap;
        uint32_t wait = hb_poll(&hb, tick_ms());
        nap.tv_sec = (time_t)(wait / 1000u);
        nap.tv_nsec = (long)(wait % 1000u) * 1000000L;
        nanosleep(&nap, NULL);
        hb_get_stats(&hb, &st);
    } while (st.attempts < beats);
    hb_stop(&hb, tick_ms());
    printf("sent %u beats, %u failures\n", (unsigned)st.sent,
           (unsigned)(st.attempts - st.sent));
    hb_jwt_free(&jwt);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    return st.sent == st.attempts ? 0 : 1;
}
