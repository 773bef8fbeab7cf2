/* tests/jwt/emit.c — prints one token from the built-in signer, for the
   independent verifier (tests/jwt/verify.py).

   emit ALG KEYFILE AUD LIFETIME [-o OFFSET_S] [-i ISS] [-s SUB] [-j] [-n]
     ALG      HS256, RS256 or ES256
     KEYFILE  the secret (HS256) or the private key, PEM or DER
     -o       add OFFSET_S seconds to the wall clock (negative: the past)
     -j       add a random "jti";  -n  no rng (RS256/ES256 use the internal one)
   The rng is mbedTLS's CTR_DRBG seeded from its entropy collector, the way
   a program on a full OS would do it. Exit 0 and the token on stdout, or
   exit 1 with the HB_ERR_* text on stderr. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long offset_s;

static int wall_clock(void *user, hb_time *now)
{
    (void)user;
    now->sec = (int64_t)time(NULL) + offset_s;
    now->nsec = 0;
    now->utc_offset_min = 0;
    return 0;
}

int main(int argc, char **argv)
{
    static unsigned char key[16384];
    static char tok[4096];
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    hb_jwt jwt;
    hb_jwt_config c;
    const char *t;
    size_t n, kl;
    FILE *f;
    int i, rc, use_rng = 1;

    if (argc < 5) {
        fprintf(stderr, "usage: emit ALG KEYFILE AUD LIFETIME [-o S] [-i ISS] [-s SUB] [-j] [-n]\n");
        return 2;
    }
    memset(&c, 0, sizeof c);
    c.alg = !strcmp(argv[1], "HS256") ? HB_JWT_HS256
          : !strcmp(argv[1], "RS256") ? HB_JWT_RS256
          : !strcmp(argv[1], "ES256") ? HB_JWT_ES256 : 0;
    f = fopen(argv[2], "rb");
    if (f == NULL) {
        perror(argv[2]);
        return 2;
    }
    kl = fread(key, 1, sizeof key - 1, f);
    fclose(f);
    key[kl] = 0;
    if (strstr(argv[2], ".pem") != NULL) kl++; /* PEM: count the NUL */
    c.key = key;
    c.key_len = kl;
    c.aud = argv[3];
    c.lifetime_s = (uint32_t)strtoul(argv[4], NULL, 10);
    c.clock = wall_clock;
    c.buf = tok;
    c.buf_size = sizeof tok;
    c.min_valid_sec = 1;
    for (i = 5; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) offset_s = strtoll(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-i") && i + 1 < argc) c.iss = argv[++i];
        else if (!strcmp(argv[i], "-s") && i + 1 < argc) c.sub = argv[++i];
        else if (!strcmp(argv[i], "-j")) c.jti = 1;
        else if (!strcmp(argv[i], "-n")) use_rng = 0;
        else {
            fprintf(stderr, "emit: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent,
                              (const unsigned char *)"hb-emit", 7) != 0) {
        fprintf(stderr, "emit: cannot seed the DRBG\n");
        return 1;
    }
    if (use_rng) {
        c.rng = mbedtls_ctr_drbg_random;
        c.rng_user = &drbg;
    }
    rc = hb_jwt_init(&jwt, &c);
    if (rc == HB_OK) rc = hb_jwt_token(&jwt, &t, &n);
    if (rc == HB_OK) {
        fwrite(t, 1, n, stdout);
        putchar('\n');
    } else {
        fprintf(stderr, "emit: %s\n", hb_strerror(rc));
    }
    hb_jwt_free(&jwt);
    mbedtls_platform_zeroize(key, sizeof key);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
    return rc == HB_OK ? 0 : 1;
}
