/* tests/sign/emit.c — signed beats from the service with the mbedTLS beat
   signer, for the independent verifiers (tests/sign/verify.py).

   emit ALG KEYFILE CARRIER COUNT [KID]
     ALG      ES256 or HS256
     KEYFILE  the private key (PEM or DER) or the HS256 secret
     CARRIER  A (compact JWS payload) or B (JSON payload + detached JWS)
     COUNT    beats to send (one a minute on the service's grid, so that
              exp = iat + 90 s leaves the verifiers time)
   One line per beat on stdout: "A<TAB>token" or "B<TAB>payload<TAB>jws".
   The wall clock is the real one (the claims carry iat/exp). Exit 1 with
   the error on stderr when a beat fails. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static hb_service hb;
static int carrier;

static int wall_clock(void *user, hb_time *now)
{
    struct timespec ts;
    (void)user;
    clock_gettime(CLOCK_REALTIME, &ts);
    now->sec = (int64_t)ts.tv_sec;
    now->nsec = (uint32_t)ts.tv_nsec;
    now->utc_offset_min = 0;
    return 0;
}

/* The boot_id's randomness: a device's TRNG, here the OS's. */
static uint32_t rand32(void *user)
{
    uint32_t x = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    (void)user;
    if (f == NULL || fread(&x, sizeof x, 1, f) != 1) abort();
    fclose(f);
    return x;
}

static int out(void *user, const char *topic, const char *payload, size_t len,
               int qos)
{
    (void)user; (void)topic; (void)qos;
    if (carrier == HB_CARRIER_A) {
        printf("A\t%.*s\n", (int)len, payload);
    } else {
        size_t jl = 0;
        const char *jws = hb_beat_jws(&hb, &jl);
        if (jws == NULL) return -1;
        printf("B\t%.*s\t%.*s\n", (int)len, payload, (int)jl, jws);
    }
    return 0;
}

static void log_err(void *user, int level, const char *msg, int err,
                    const char *detail)
{
    (void)user;
    if (level == HB_LOG_ERROR)
        fprintf(stderr, "%s: %s (%s)\n", msg, hb_strerror(err),
                detail ? detail : "-");
}

int main(int argc, char **argv)
{
    static unsigned char key[16384];
    static char buf[2048];
    hb_jwt jwt;
    hb_jwt_config jc;
    hb_config c;
    hb_stats st;
    FILE *f;
    size_t kl;
    int i, count;
    uint32_t now = 0;

    if (argc < 5) {
        fprintf(stderr, "usage: emit ES256|HS256 KEYFILE A|B COUNT [KID]\n");
        return 2;
    }
    memset(&jc, 0, sizeof jc);
    jc.alg = !strcmp(argv[1], "HS256") ? HB_JWT_HS256
           : !strcmp(argv[1], "ES256") ? HB_JWT_ES256 : 0;
    f = fopen(argv[2], "rb");
    if (f == NULL) { perror(argv[2]); return 2; }
    kl = fread(key, 1, sizeof key - 1, f);
    fclose(f);
    key[kl] = 0;
    if (strstr(argv[2], ".pem") != NULL) kl++;
    jc.key = key;
    jc.key_len = kl;
    if (hb_jwt_signer_init(&jwt, &jc) != HB_OK) {
        fprintf(stderr, "hb_jwt_signer_init failed\n");
        return 1;
    }
    carrier = argv[3][0] == 'B' ? HB_CARRIER_B : HB_CARRIER_A;
    count = atoi(argv[4]);

    memset(&c, 0, sizeof c);
    c.topic = "devices/dev-7/heartbeat";
    c.interval_ms = 60000;
    c.qos = 1;
    c.device_id = "dev-7";
    c.publish = out;
    c.clock = wall_clock;
    c.log = log_err;
    c.rand = rand32;
    c.buf = buf;
    c.buf_size = sizeof buf;
    c.flags = HB_OPT_IMMEDIATE;
    c.sign_alg = jc.alg;            /* HB_SIGN_* = HB_JWT_* */
    c.sign_kid = argc > 5 ? argv[5] : "dev-7-hb";
    c.sign = hb_jwt_sign_beat;
    c.sign_user = &jwt;
    c.sign_carrier = carrier;
    if (hb_init(&hb, &c) != HB_OK || hb_start(&hb, now) != HB_OK) return 1;
    for (i = 0; i < count; i++, now += 60000u) (void)hb_poll(&hb, now);
    hb_get_stats(&hb, &st);
    hb_jwt_free(&jwt);
    return st.sent == (uint32_t)count ? 0 : 1;
}
