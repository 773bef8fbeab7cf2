/* tests/test_sign.c — SUITE(sign): signed beats (cfg.sign_alg, profile
   "hb+jwt"). In the unit binary the signer is a mock callback (exact bytes,
   "pending" answers, failures); built into build/test_jwt with
   HEARTBEAT_MBEDTLS it also checks hb_jwt_sign_beat's ES256 and HS256
   signatures with mbedTLS's own verifier (keys from tests/jwt/keys.sh). */
#include "greatest.h"
#include "heartbeat.h"
#include "fakes.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers -------------------------------------------------------------- */

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

/* base64url (no padding) of s[0..n) decoded into out; the length, or -1. */
static long b64dec(const char *s, size_t n, unsigned char *out, size_t cap)
{
    size_t i, o = 0;
    uint32_t acc = 0;
    int bits = 0;
    if (n % 4u == 1u) return -1;
    for (i = 0; i < n; i++) {
        int v = b64val((unsigned char)s[i]);
        if (v < 0) return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap) return -1;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    return (long)o;
}

static void b64enc(char *dst, const unsigned char *src, size_t n)
{
    static const char a[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i, o = 0;
    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8 | src[i + 2];
        dst[o++] = a[v >> 18]; dst[o++] = a[(v >> 12) & 63];
        dst[o++] = a[(v >> 6) & 63]; dst[o++] = a[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)src[i] << 16;
        dst[o++] = a[v >> 18]; dst[o++] = a[(v >> 12) & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8;
        dst[o++] = a[v >> 18]; dst[o++] = a[(v >> 12) & 63]; dst[o++] = a[(v >> 6) & 63];
    }
    dst[o] = '\0';
}

/* The mock signer: a keyed FNV-1a stream over the input, so the test can
   recompute the signature; it may answer "pending" `slices` times first. */
typedef struct msign {
    int      calls, first_calls, again_calls;
    int      slices;         /* pending answers before the signature */
    int      left;
    int      wait_ms;        /* the pending answer */
    int      fail;           /* answer -1 */
    int      last_alg;
    char     input[1024];    /* the last signing input */
    size_t   input_len;
    int      input_changed;  /* an "again" call saw other bytes */
    hb_service *stop_inside; /* hb_stop from inside the signer */
} msign;

static void mock_sig(const char *in, size_t n, size_t sl, unsigned char *sig)
{
    uint32_t h = 2166136261u;
    size_t i, k;
    for (k = 0; k < sl; k++) {
        h ^= (uint32_t)k * 0x9E3779B9u;
        for (i = 0; i < n; i++) { h ^= (unsigned char)in[i]; h *= 16777619u; }
        sig[k] = (unsigned char)(h >> 24);
    }
}

static int mock_sign(void *user, int alg, const char *input, size_t len,
                     unsigned char *sig, int again)
{
    msign *m = (msign *)user;
    size_t sl = alg == HB_SIGN_ES256 ? 64u : 32u;
    m->calls++;
    m->last_alg = alg;
    if (!again) {
        m->first_calls++;
        m->left = m->slices;
        if (len < sizeof m->input) {
            memcpy(m->input, input, len);
            m->input_len = len;
        }
    } else {
        m->again_calls++;
        if (len != m->input_len || memcmp(m->input, input, len) != 0)
            m->input_changed = 1;
    }
    if (m->stop_inside != NULL) hb_stop(m->stop_inside, 0);
    if (m->fail) return -1;
    if (m->left > 0) {
        m->left--;
        return m->wait_ms > 0 ? m->wait_ms : 1;
    }
    mock_sig(input, len, sl, sig);
    return 0;
}

#define BUFSZ 1400
static char sbuf[BUFSZ];
static fake f;
static msign ms;
static hb_service hb;

/* The caller-owned signing states: one per service, so sign_config hands
   out the next of a few (tests run at most two signing services at once). */
static hb_signing sgs[4];
static unsigned sgs_next;

/* A signed config: ES256, kid "hb-key-1", carrier A, mock signer. */
static void sign_config(hb_config *c)
{
    hb_signing *g = &sgs[sgs_next++ % 4u];
    fake_config(c, &f, sbuf, sizeof sbuf);
    memset(&ms, 0, sizeof ms);
    memset(g, 0, sizeof *g);
    c->token = NULL;
    c->rand = fake_rand;
    c->signing = g;
    g->ops = hb_signed_beats;
    g->sign_alg = HB_SIGN_ES256;
    g->sign_kid = "hb-key-1";
    g->sign = mock_sign;
    g->sign_user = &ms;
}

/* Splits a compact JWS at its dots: the three parts' lengths. */
static int split3(const char *t, size_t n, size_t *a, size_t *b, size_t *c)
{
    const char *d1 = memchr(t, '.', n), *d2;
    if (d1 == NULL) return 0;
    d2 = memchr(d1 + 1, '.', n - (size_t)(d1 + 1 - t));
    if (d2 == NULL || memchr(d2 + 1, '.', n - (size_t)(d2 + 1 - t)) != NULL) return 0;
    *a = (size_t)(d1 - t);
    *b = (size_t)(d2 - d1 - 1);
    *c = n - (size_t)(d2 + 1 - t);
    return 1;
}

/* ---- carrier A: exact bytes ------------------------------------------------ */

TEST a_exact_bytes(void)
{
    hb_config c;
    unsigned char hdr[128], claims[1024], sig[64], want_sig[64];
    char want_claims[1024];
    size_t ha, pa, sa;
    long hn, pn, sn;
    const char *boot;
    sign_config(&c);
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    ASSERT_ENUM_EQ(HB_OK, hb_start(&hb, 1000), hb_strerror);
    f.now = 2000;
    ASSERT_EQ(1000u, hb_poll(&hb, 2000));
    ASSERT_EQ(1, f.pub_calls);
    ASSERT(split3(f.last, f.last_len, &ha, &pa, &sa));
    hn = b64dec(f.last, ha, hdr, sizeof hdr - 1);
    pn = b64dec(f.last + ha + 1, pa, claims, sizeof claims - 1);
    sn = b64dec(f.last + ha + 1 + pa + 1, sa, sig, sizeof sig);
    ASSERT(hn > 0 && pn > 0);
    ASSERT_EQ(64, sn);
    hdr[hn] = 0;
    claims[pn] = 0;
    ASSERT_STR_EQ("{\"alg\":\"ES256\",\"typ\":\"hb+jwt\",\"kid\":\"hb-key-1\"}",
                  (char *)hdr);
    boot = hb_boot_id(&hb);
    ASSERT(boot != NULL);
    ASSERT_EQ(16u, strlen(boot));
    ASSERT_EQ(16u, strspn(boot, "0123456789abcdef"));
    /* 1795809202 + ceil(1.5 * 1 s) = + 2 */
    snprintf(want_claims, sizeof want_claims,
             "{\"device_id\":\"dev-1\",\"timestamp\":\"2026-11-27T19:53:22.123456789Z\","
             "\"status\":\"alive\",\"seq\":0,\"boot_id\":\"%s\",\"uptime_ms\":1000,"
             "\"interval_ms\":1000,\"iat\":1795809202,\"exp\":1795809204}", boot);
    ASSERT_STR_EQ(want_claims, (char *)claims);
    /* the signer saw exactly header "." claims, and its bytes went out */
    ASSERT_EQ(ha + 1 + pa, ms.input_len);
    ASSERT_MEM_EQ(f.last, ms.input, ms.input_len);
    mock_sig(ms.input, ms.input_len, 64, want_sig);
    ASSERT_MEM_EQ(want_sig, sig, 64);
    ASSERT_EQ(HB_SIGN_ES256, ms.last_alg);
    ASSERT_EQ(NULL, strstr((char *)claims, "jwt_token"));
    ASSERT_EQ(NULL, strstr((char *)claims, "\"aud\""));
    PASS();
}

TEST hs256_header_and_length(void)
{
    hb_config c;
    unsigned char hdr[128];
    size_t ha, pa, sa;
    long hn;
    sign_config(&c);
    c.signing->sign_alg = HB_SIGN_HS256;
    c.signing->sign_kid = "k";
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    ASSERT_ENUM_EQ(HB_OK, hb_start(&hb, 0), hb_strerror);
    hb_poll(&hb, 1000);
    ASSERT_EQ(1, f.pub_calls);
    ASSERT(split3(f.last, f.last_len, &ha, &pa, &sa));
    ASSERT_EQ(43u, sa);                      /* 32 bytes */
    hn = b64dec(f.last, ha, hdr, sizeof hdr - 1);
    ASSERT(hn > 0);
    hdr[hn] = 0;
    ASSERT_STR_EQ("{\"alg\":\"HS256\",\"typ\":\"hb+jwt\",\"kid\":\"k\"}", (char *)hdr);
    ASSERT_EQ(HB_SIGN_HS256, ms.last_alg);
    PASS();
}

/* exp - iat = ceil(1.5 * interval in s) */
TEST exp_rounding(void)
{
    static const uint32_t iv[] = { 1, 999, 1000, 1333, 1334, 2000, 30000, 61001 };
    static const int64_t life[] = { 1, 2, 2, 2, 3, 3, 45, 92 };
    size_t i;
    for (i = 0; i < sizeof iv / sizeof iv[0]; i++) {
        hb_config c;
        unsigned char cl[1024];
        size_t ha, pa, sa;
        long pn;
        const char *p;
        long long iat, exp;
        sign_config(&c);
        c.interval_ms = iv[i];
        ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
        ASSERT_ENUM_EQ(HB_OK, hb_beat_now((hb_start(&hb, 0), &hb), 0), hb_strerror);
        ASSERT(split3(f.last, f.last_len, &ha, &pa, &sa));
        pn = b64dec(f.last + ha + 1, pa, cl, sizeof cl - 1);
        ASSERT(pn > 0);
        cl[pn] = 0;
        p = strstr((char *)cl, ",\"iat\":");
        ASSERT(p != NULL);
        ASSERT_EQ(2, sscanf(p, ",\"iat\":%lld,\"exp\":%lld", &iat, &exp));
        ASSERT_EQ(1795809202LL, iat);
        ASSERT_EQ(life[i], exp - iat);
    }
    PASS();
}

/* iat and exp written in place (hbi_sign_claims): before 1970 (a minus
   sign, exp crossing zero), past 2^32 s (the 64-bit digit path), and the
   claims exactly as many bytes as the digits need. */
TEST iat_exp_digits(void)
{
    static const int64_t sec[] = { -1, -2, -3, -62135596800LL, 4294967295LL,
                                   4294967296LL, 253402300799LL, 0 };
    size_t i;
    for (i = 0; i < sizeof sec / sizeof sec[0]; i++) {
        hb_config c;
        unsigned char cl[1024];
        char want[64];
        size_t ha, pa, sa;
        long pn;
        const char *p;
        sign_config(&c);
        c.interval_ms = 1000;                   /* exp = iat + 2 */
        f.t.sec = sec[i];
        f.t.nsec = 0;
        ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
        ASSERT_ENUM_EQ(HB_OK, hb_beat_now((hb_start(&hb, 0), &hb), 0), hb_strerror);
        ASSERT(split3(f.last, f.last_len, &ha, &pa, &sa));
        pn = b64dec(f.last + ha + 1, pa, cl, sizeof cl - 1);
        ASSERT(pn > 0);
        cl[pn] = 0;
        p = strstr((char *)cl, ",\"iat\":");
        ASSERT(p != NULL);
        snprintf(want, sizeof want, ",\"iat\":%lld,\"exp\":%lld}",
                 (long long)sec[i], (long long)sec[i] + 2);
        ASSERT_STR_EQ(want, p);
        hb_stop(&hb, 0);
    }
    PASS();
}

TEST unsynced_has_no_iat(void)
{
    hb_config c;
    unsigned char cl[1024];
    size_t ha, pa, sa;
    long pn;
    sign_config(&c);
    c.flags = HB_OPT_SEND_UNSYNCED;
    f.clock_fail = 1;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    ASSERT_ENUM_EQ(HB_OK, hb_beat_now(&hb, 5), hb_strerror);
    ASSERT(split3(f.last, f.last_len, &ha, &pa, &sa));
    pn = b64dec(f.last + ha + 1, pa, cl, sizeof cl - 1);
    ASSERT(pn > 0);
    cl[pn] = 0;
    ASSERT(strstr((char *)cl, "\"clock_synced\":false") != NULL);
    ASSERT_EQ(NULL, strstr((char *)cl, "\"iat\""));
    ASSERT_EQ(NULL, strstr((char *)cl, "\"exp\""));
    ASSERT(strstr((char *)cl, "\"seq\":0,\"boot_id\":\"") != NULL);
    ASSERT(strstr((char *)cl, "\"uptime_ms\":5,\"interval_ms\":1000}") != NULL);
    PASS();
}

TEST boot_id_given_and_regenerated(void)
{
    hb_config c;
    char first[17];
    unsigned char cl[1024];
    size_t ha, pa, sa;
    long pn;
    sign_config(&c);
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    strcpy(first, hb_boot_id(&hb));
    hb_stop(&hb, 10);
    hb_start(&hb, 20);
    ASSERT(strcmp(first, hb_boot_id(&hb)) != 0);   /* seq restarts: new boot */
    /* given: used as is, no rand needed */
    sign_config(&c);
    c.rand = NULL;
    c.boot_id_str = "b00t";
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    ASSERT_STR_EQ("b00t", hb_boot_id(&hb));
    hb_beat_now(&hb, 1);
    ASSERT(split3(f.last, f.last_len, &ha, &pa, &sa));
    pn = b64dec(f.last + ha + 1, pa, cl, sizeof cl - 1);
    ASSERT(pn > 0);
    cl[pn] = 0;
    ASSERT(strstr((char *)cl, "\"boot_id\":\"b00t\"") != NULL);
    /* numeric boot_id: written as before, hb_boot_id has no string */
    sign_config(&c);
    c.rand = NULL;
    c.boot_id = 77;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    ASSERT_EQ(NULL, hb_boot_id(&hb));
    PASS();
}

/* seq counts up and the signing input changes with it */
TEST seq_counts(void)
{
    hb_config c;
    unsigned char cl[1024];
    size_t ha, pa, sa;
    long pn;
    uint32_t t;
    sign_config(&c);
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    for (t = 1000; t <= 3000; t += 1000) hb_poll(&hb, t);
    ASSERT_EQ(3, f.pub_calls);
    ASSERT(split3(f.last, f.last_len, &ha, &pa, &sa));
    pn = b64dec(f.last + ha + 1, pa, cl, sizeof cl - 1);
    ASSERT(pn > 0);
    cl[pn] = 0;
    ASSERT(strstr((char *)cl, "\"seq\":2,") != NULL);
    ASSERT(strstr((char *)cl, "\"uptime_ms\":3000,") != NULL);
    PASS();
}

/* ---- carrier B -------------------------------------------------------------- */

static char jws_seen[256];
static size_t jws_len_seen;
static hb_service *jws_svc;

static int pub_b(void *user, const char *topic, const char *payload, size_t len,
                 int qos)
{
    size_t n = 0;
    const char *j = hb_beat_jws(jws_svc, &n);
    jws_len_seen = 0;
    if (j != NULL && n < sizeof jws_seen) {
        memcpy(jws_seen, j, n + 1);
        jws_len_seen = n;
    }
    return fake_publish_rec(user, topic, payload, len, qos);
}

TEST b_detached_same_signature(void)
{
    hb_config c;
    static char a_tok[1024];
    char rebuilt[1200], enc[1024];
    size_t alen, ha, pa, sa;
    const char *dots;
    hb_service hb2;
    /* carrier A at a fixed boot_id */
    sign_config(&c);
    c.boot_id_str = "0123456789abcdef";
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    hb_poll(&hb, 1000);
    ASSERT_EQ(1, f.pub_calls);
    memcpy(a_tok, f.last, f.last_len + 1);
    alen = f.last_len;
    /* carrier B, same everything */
    sign_config(&c);
    c.boot_id_str = "0123456789abcdef";
    c.signing->sign_carrier = HB_CARRIER_B;
    c.publish = pub_b;
    jws_svc = &hb2;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb2, &c), hb_strerror);
    hb_start(&hb2, 0);
    ASSERT_EQ(NULL, hb_beat_jws(&hb2, NULL));        /* outside publish */
    hb_poll(&hb2, 1000);
    ASSERT_EQ(1, f.pub_calls);
    ASSERT_EQ('{', f.last[0]);                       /* plain JSON */
    ASSERT_EQ(NULL, strstr(f.last, "jwt_token"));
    ASSERT(jws_len_seen > 0);
    ASSERT_EQ(strlen(jws_seen), jws_len_seen);
    dots = strstr(jws_seen, "..");
    ASSERT(dots != NULL);
    /* reattach: header "." b64url(payload) "." signature == carrier A */
    b64enc(enc, (const unsigned char *)f.last, f.last_len);
    snprintf(rebuilt, sizeof rebuilt, "%.*s.%s.%s", (int)(dots - jws_seen),
             jws_seen, enc, dots + 2);
    ASSERT_STR_EQ(a_tok, rebuilt);
    ASSERT_EQ(alen, strlen(rebuilt));
    ASSERT(split3(a_tok, alen, &ha, &pa, &sa));
    ASSERT_EQ(NULL, hb_beat_jws(&hb2, NULL));
    ASSERT_EQ(NULL, hb_beat_jws(&hb, NULL));         /* carrier A: none */
    PASS();
}

/* MQTT 5 properties: carrier A says application/jwt; carrier B puts "jws"
   first, then the config's own user properties. */
static hb_beat_props props_seen;
static hb_user_prop up_seen[4];
static int props_null;

static int pub_props(void *user, const char *topic, const char *payload,
                     size_t len, int qos)
{
    const hb_beat_props *p = hb_beat_props_get(jws_svc);
    size_t i;
    props_null = p == NULL;
    if (p != NULL) {
        props_seen = *p;
        for (i = 0; i < p->n_user_props && i < 4; i++) up_seen[i] = p->user_props[i];
    }
    return pub_b(user, topic, payload, len, qos);
}

/* The config is never written, also with signed beats: their options
   (seq, boot_id, uptime, interval) and the generated boot_id are the
   service's, the config keeps boot_id_str NULL and its own flags (with
   HEARTBEAT_CONFIG_BY_REF the config is read in place, e.g. from flash). */
TEST config_never_written_signed(void)
{
    static const hb_user_prop mine[1] = { { "site", "north", 5 } };
    hb_config c, snap;
    unsigned char cl[1024];
    char will[1400], want[64];
    size_t len;
    const char *boot;
    sign_config(&c);
    c.publish = pub_props;
    c.signing->sign_carrier = HB_CARRIER_B;
    c.user_props = mine;
    c.n_user_props = 1;
    c.flags = HB_OPT_OFFLINE_ON_STOP;
    jws_svc = &hb;
    memcpy(&snap, &c, sizeof c);
    ASSERT(hb_buf_size(&c, 0) > 0);
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    ASSERT_ENUM_EQ(HB_OK, hb_start(&hb, 0), hb_strerror);
    hb_poll(&hb, 1000);
    ASSERT_EQ(1, f.pub_calls);
    boot = hb_boot_id(&hb);
    ASSERT(boot != NULL);
    ASSERT_EQ(16u, strlen(boot));
    ASSERT_EQ(2u, props_seen.n_user_props);         /* "jws", "site" */
    /* carrier B: the payload is the claims JSON */
    ASSERT(f.last_len < sizeof cl);
    memcpy(cl, f.last, f.last_len);
    cl[f.last_len] = 0;
    snprintf(want, sizeof want, "\"seq\":0,\"boot_id\":\"%s\",", boot);
    ASSERT(strstr((char *)cl, want) != NULL);
    ASSERT(strstr((char *)cl, "\"interval_ms\":1000,") != NULL);
    ASSERT_ENUM_EQ(HB_OK, hb_offline_message(&hb, 1500, will, sizeof will, &len),
                   hb_strerror);
    hb_stop(&hb, 1600);
    ASSERT_EQ(2, f.pub_calls);                       /* the offline beat */
    ASSERT(strstr(f.last, "\"status\":\"offline\",\"seq\":1,") != NULL);
    ASSERT_MEM_EQ(&snap, &c, sizeof c);
    PASS();
}

TEST mqtt5_props(void)
{
    hb_config c;
    static const hb_user_prop mine[3] = {
        { "hb", "1", 1 }, { "site", "north", 5 }, { "x", "y", 1 } };
    /* carrier A */
    sign_config(&c);
    c.publish = pub_props;
    jws_svc = &hb;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    hb_poll(&hb, 1000);
    ASSERT_EQ(0, props_null);
    ASSERT_STR_EQ("application/jwt", props_seen.content_type);
    ASSERT_EQ(2u, props_seen.expiry_s);
    ASSERT_EQ(0u, props_seen.n_user_props);
    /* an explicit content type is kept */
    sign_config(&c);
    c.publish = pub_props;
    c.content_type = "application/x-mine";
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    hb_poll(&hb, 1000);
    ASSERT_STR_EQ("application/x-mine", props_seen.content_type);
    /* carrier B with two of the config's own properties */
    sign_config(&c);
    c.publish = pub_props;
    c.signing->sign_carrier = HB_CARRIER_B;
    c.user_props = mine;
    c.n_user_props = 2;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    hb_poll(&hb, 1000);
    ASSERT_STR_EQ("application/json", props_seen.content_type);
    ASSERT_EQ(3u, props_seen.n_user_props);
    ASSERT_STR_EQ("jws", up_seen[0].key);
    ASSERT_EQ(jws_len_seen, up_seen[0].value_len);
    ASSERT_MEM_EQ(jws_seen, up_seen[0].value, jws_len_seen);
    ASSERT_STR_EQ("hb", up_seen[1].key);
    ASSERT_STR_EQ("site", up_seen[2].key);
    ASSERT_EQ(5u, up_seen[2].value_len);
    /* three of them do not fit beside "jws" */
    c.n_user_props = 3;
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_init(&hb, &c), hb_strerror);
    PASS();
}

/* The Will in carrier B: its detached JWS lives in the caller's buffer and
   is readable (hb_beat_jws, the "jws" property) until the next beat. */
TEST offline_message_b(void)
{
    hb_config c;
    char will[900], enc[900], tok[1400];
    size_t n = 0, jl = 0;
    const char *j, *dots;
    const hb_beat_props *p;
    sign_config(&c);
    c.signing->sign_carrier = HB_CARRIER_B;
    c.boot_id_str = "0123456789abcdef";
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    ASSERT_ENUM_EQ(HB_OK, hb_offline_message(&hb, 0, will, sizeof will, &n),
                   hb_strerror);
    ASSERT_EQ(strlen(will), n);
    ASSERT(strstr(will, "\"status\":\"offline\"") != NULL);
    j = hb_beat_jws(&hb, &jl);
    ASSERT(j != NULL);
    ASSERT(j > will && j < will + sizeof will);
    p = hb_beat_props_get(&hb);
    ASSERT(p != NULL);
    ASSERT_EQ(1u, p->n_user_props);
    ASSERT_EQ(j, p->user_props[0].value);
    /* the signature is over header "." B64U(will) */
    dots = strstr(j, "..");
    ASSERT(dots != NULL);
    b64enc(enc, (const unsigned char *)will, n);
    snprintf(tok, sizeof tok, "%.*s.%s", (int)(dots - j), j, enc);
    ASSERT_STR_EQ(tok, ms.input);
    /* a signer that needs time cannot sign a Will: refused, nothing kept */
    ms.slices = 1;
    ASSERT_ENUM_EQ(HB_ERR_CRYPTO, hb_offline_message(&hb, 0, will, sizeof will, &n),
                   hb_strerror);
    ASSERT_EQ(NULL, hb_beat_jws(&hb, NULL));
    hb_start(&hb, 0);
    ms.slices = 0;
    ASSERT_EQ(1000u, hb_poll(&hb, 1000));      /* the service is unharmed */
    ASSERT_EQ(1, f.pub_calls);
    PASS();
}

/* hb_buf_size is exact for both carriers: one byte less fails whole */
TEST buf_size_exact(void)
{
    int carrier;
    for (carrier = 0; carrier < 2; carrier++) {
        hb_config c;
        size_t need;
        hb_stats st;
        sign_config(&c);
        c.signing->sign_carrier = carrier;
        c.device_id = "dev-1";
        f.t.sec = 253402214399LL - 1439LL * 60;    /* the widest timestamp */
        f.t.nsec = 999999999u;
        f.t.utc_offset_min = 1439;
        c.status = "status-of-thirty-two-bytes-wide!";
        c.flags = HB_OPT_HEALTH;
        need = hb_buf_size(&c, 0);
        ASSERT(need > 0 && need <= sizeof sbuf);
        /* the widest timestamp and status fit in what hb_buf_size says */
        c.buf_size = need;
        ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
        hb_start(&hb, 0);
        ASSERT_ENUM_EQ(HB_OK, hb_beat_now(&hb, 0), hb_strerror);
        ASSERT_EQ(1, f.pub_calls);
        /* a smaller buffer fails whole (nothing published, fail_serialize) */
        c.buf_size = need / 2;
        f.pub_calls = 0;
        ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
        hb_start(&hb, 0);
        ASSERT_ENUM_EQ(HB_ERR_NOSPACE, hb_beat_now(&hb, 0), hb_strerror);
        ASSERT_EQ(0, f.pub_calls);
        hb_get_stats(&hb, &st);
        ASSERT_EQ(1u, st.fail_serialize);
        ASSERT_EQ(1, ms.calls);                       /* no signing wasted */
    }
    PASS();
}

/* Every buffer size from 1 up: either the whole message or nothing, and
   never a byte written past buf_size (canary). */
TEST every_buf_size(void)
{
    int carrier;
    for (carrier = 0; carrier < 2; carrier++) {
        static char big[BUFSZ + 16];
        size_t sz, ok_from = 0;
        hb_config c;
        sign_config(&c);
        c.signing->sign_carrier = carrier;
        c.boot_id_str = "0123456789abcdef";
        for (sz = 1; sz < 700; sz++) {
            int rc;
            memset(big, 0x5A, sizeof big);
            c.buf = big;
            c.buf_size = sz;
            f.pub_calls = 0;
            ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
            hb_start(&hb, 0);
            rc = hb_beat_now(&hb, 0);
            ASSERT(big[sz] == 0x5A);
            if (rc == HB_OK) {
                ASSERT_EQ(1, f.pub_calls);
                if (ok_from == 0) ok_from = sz;
            } else {
                ASSERT_ENUM_EQ(HB_ERR_NOSPACE, rc, hb_strerror);
                ASSERT_EQ(0, f.pub_calls);
                ASSERT_EQ(0u, ok_from);               /* monotonic */
            }
        }
        ASSERT(ok_from > 0);
        c.buf = sbuf;
        /* the smallest size that works is what hb_buf_size says for this
           message (seq 0, uptime 0: hb_buf_size covers wider ones) */
        ASSERT(hb_buf_size(&c, 0) >= ok_from);
    }
    PASS();
}

/* ---- pending signer ---------------------------------------------------------- */

TEST pending_slices(void)
{
    hb_config c;
    hb_stats st;
    uint32_t now = 5000, w = 0;
    int polls = 0;
    sign_config(&c);
    c.interval_ms = 5000;
    ms.slices = 500;                              /* 500 x 1 ms */
    ms.wait_ms = 1;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    ASSERT_EQ(1u, hb_poll(&hb, 4999));
    /* from the grid point on: one slice per call, each answer 1 ms */
    while (f.pub_calls == 0 && polls < 10000) {
        f.now = now;
        w = hb_poll(&hb, now);
        polls++;
        if (f.pub_calls == 0) ASSERT_EQ(1u, w);
        now += w;
    }
    ASSERT_EQ(1, f.pub_calls);
    ASSERT_EQ(501, polls);
    ASSERT_EQ(1, ms.first_calls);
    ASSERT_EQ(500, ms.again_calls);
    ASSERT_EQ(0, ms.input_changed);
    ASSERT_EQ(5500u, f.beat_at[0]);
    /* the grid did not move: the next beat is due at 10000 */
    ASSERT_EQ(4500u, w);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1u, st.attempts);
    ASSERT_EQ(1u, st.sent);
    ASSERT_EQ(0u, st.missed);
    PASS();
}

TEST pending_honours_wait_and_calls_early(void)
{
    hb_config c;
    sign_config(&c);
    ms.slices = 2;
    ms.wait_ms = 40;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    ASSERT_EQ(40u, hb_poll(&hb, 1000));
    ASSERT_EQ(1, ms.calls);
    ASSERT_EQ(30u, hb_poll(&hb, 1010));        /* early: nothing asked */
    ASSERT_EQ(1, ms.calls);
    ASSERT_EQ(40u, hb_poll(&hb, 1040));
    ASSERT_EQ(2, ms.calls);
    ASSERT_ENUM_EQ(HB_ERR_STATE, hb_beat_now(&hb, 1050), hb_strerror);
    {
        char tmp[600];
        size_t n = 1;
        ASSERT_ENUM_EQ(HB_ERR_STATE, hb_offline_message(&hb, 1050, tmp, sizeof tmp, &n),
                       hb_strerror);
        ASSERT_EQ(0u, n);
    }
    ASSERT_EQ(0, f.pub_calls);
    ASSERT_EQ(920u, hb_poll(&hb, 1080));       /* done: next grid 2000 */
    ASSERT_EQ(1, f.pub_calls);
    ASSERT_EQ(3, ms.calls);
    PASS();
}

/* A signer slower than the interval: the grid point that comes meanwhile is
   skipped and counted, the beat under way still goes out, the grid stays. */
TEST pending_past_grid(void)
{
    hb_config c;
    hb_stats st;
    uint32_t now = 1000;
    sign_config(&c);
    ms.slices = 3;
    ms.wait_ms = 600;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    ASSERT_EQ(600u, hb_poll(&hb, now));        /* 1000: start */
    ASSERT_EQ(400u, hb_poll(&hb, 1600));       /* slice 2; grid at 2000 first */
    ASSERT_EQ(200u, hb_poll(&hb, 2000));       /* grid point skipped */
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1u, st.missed);
    ASSERT_EQ(0, f.pub_calls);
    ASSERT_EQ(600u, hb_poll(&hb, 2200));       /* third pending answer */
    ASSERT_EQ(0, f.pub_calls);
    f.now = 2800;
    ASSERT_EQ(200u, hb_poll(&hb, 2800));       /* published; next 3000 */
    ASSERT_EQ(1, f.pub_calls);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1u, st.attempts);
    ASSERT_EQ(1u, st.sent);
    f.now = 3000;
    ms.slices = 0;
    ASSERT_EQ(1000u, hb_poll(&hb, 3000));
    ASSERT_EQ(2, f.pub_calls);
    PASS();
}

TEST pending_stop_and_restart(void)
{
    hb_config c;
    hb_stats st;
    sign_config(&c);
    ms.slices = 5;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    ASSERT_EQ(1u, hb_poll(&hb, 1000));
    hb_stop(&hb, 1001);
    ASSERT_EQ(HB_POLL_IDLE, hb_poll(&hb, 1002));
    ASSERT_EQ(0, f.pub_calls);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(0u, st.attempts);                /* never finished: no attempt */
    ms.slices = 0;
    ASSERT_ENUM_EQ(HB_OK, hb_start(&hb, 2000), hb_strerror);
    ASSERT_EQ(1000u, hb_poll(&hb, 3000));      /* a fresh job: again == 0 */
    ASSERT_EQ(1, f.pub_calls);
    ASSERT_EQ(2, ms.first_calls);
    PASS();
}

TEST offline_on_stop_must_sign_at_once(void)
{
    hb_config c;
    hb_stats st;
    sign_config(&c);
    c.flags = HB_OPT_OFFLINE_ON_STOP;
    ms.slices = 1;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    hb_stop(&hb, 10);
    ASSERT_EQ(0, f.pub_calls);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1u, st.attempts);
    ASSERT_EQ(1u, st.fail_token);
    ASSERT(fake_find_log(&f, HB_MSG_SIGN) >= 0);
    /* a signer that answers at once: the offline beat is signed and sent */
    ms.slices = 0;
    hb_start(&hb, 100);
    hb_stop(&hb, 110);
    ASSERT_EQ(1, f.pub_calls);
    PASS();
}

TEST signer_failure_counted(void)
{
    hb_config c;
    hb_stats st;
    int i;
    sign_config(&c);
    ms.fail = 1;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    ASSERT_ENUM_EQ(HB_ERR_CRYPTO, hb_beat_now(&hb, 1), hb_strerror);
    ASSERT_EQ(0, f.pub_calls);
    hb_get_stats(&hb, &st);
    ASSERT_EQ(1u, st.fail_token);
    ASSERT_EQ(st.attempts, st.sent + st.fail_clock + st.fail_token +
                           st.fail_serialize + st.fail_publish);
    i = fake_find_log(&f, HB_MSG_SIGN);
    ASSERT(i >= 0);
    ASSERT_EQ(HB_LOG_ERROR, f.log_level[i]);
    ASSERT_ENUM_EQ(HB_ERR_CRYPTO, f.log_err[i], hb_strerror);
    PASS();
}

TEST stop_inside_signer(void)
{
    hb_config c;
    hb_stats st;
    int slices;
    for (slices = 0; slices < 2; slices++) {
        sign_config(&c);
        ms.slices = slices;
        ms.stop_inside = &hb;
        ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
        hb_start(&hb, 0);
        ASSERT_EQ(HB_POLL_IDLE, hb_poll(&hb, 1000));
        ASSERT_EQ(0, f.pub_calls);
        hb_get_stats(&hb, &st);
        ASSERT_EQ(1u, st.attempts);
        ASSERT_EQ(1u, st.fail_publish);
        ASSERT_EQ(0, hb_running(&hb));
    }
    PASS();
}

TEST config_checks(void)
{
    hb_config c;
    static char kid65[66];
    memset(kid65, 'k', 65);
    kid65[65] = 0;
#define BAD(stmt) do { sign_config(&c); stmt; \
        ASSERT_ENUM_EQ(HB_ERR_ARG, hb_init(&hb, &c), hb_strerror); } while (0)
    BAD(c.signing->sign_alg = 2);                       /* RS256: not per beat */
    BAD(c.signing->sign_alg = 4);
    BAD(c.signing->sign = NULL);
    BAD(c.signing->sign_kid = NULL);
    BAD(c.signing->sign_kid = "");
    BAD(c.signing->sign_kid = kid65);
    BAD(c.signing->sign_kid = "a b");
    BAD(c.signing->sign_kid = "a\"b");
    BAD(c.signing->sign_kid = "a\\b");
    BAD(c.signing->sign_kid = "caf\xc3\xa9");
    BAD(c.signing->sign_carrier = 2);
    BAD(c.token = fake_token);                 /* no bearer token */
    BAD(c.rand = NULL);                        /* boot_id needs randomness */
    BAD((c.signing->sign_alg = 0));            /* signing without an alg */
    BAD((c.signing->ops = NULL));              /* no hb_signed_beats */
    BAD((c.signing->sign_alg = 0, c.signing->sign = NULL, c.signing->sign_user = NULL, c.signing->sign_kid = NULL,
         c.signing->sign_carrier = HB_CARRIER_B));
#undef BAD
    sign_config(&c);
    kid65[64] = 0;
    c.signing->sign_kid = kid65;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    /* the unsigned default is untouched: jwt_token still there */
    fake_config(&c, &f, sbuf, sizeof sbuf);
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    hb_poll(&hb, 1000);
    ASSERT(strstr(f.last, "\"jwt_token\":\"tok.en.sig\"") != NULL);
    ASSERT_EQ(NULL, hb_boot_id(&hb));
    PASS();
}

static void *user_seen;
static int user_sign(void *user, int alg, const char *input, size_t len,
                     unsigned char *sig, int again)
{
    (void)again;
    user_seen = user;
    mock_sig(input, len, alg == HB_SIGN_ES256 ? 64u : 32u, sig);
    return 0;
}

TEST sign_user_defaults_to_user(void)
{
    hb_config c;
    sign_config(&c);
    c.signing->sign = user_sign;
    c.signing->sign_user = NULL;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    ASSERT_ENUM_EQ(HB_OK, hb_beat_now(&hb, 0), hb_strerror);
    ASSERT_EQ((void *)&f, user_seen);
    c.signing->sign_user = &ms;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    ASSERT_ENUM_EQ(HB_OK, hb_beat_now(&hb, 0), hb_strerror);
    ASSERT_EQ((void *)&ms, user_seen);
    PASS();
}

/* ---- the monitor: signed beats verified, replays refused --------------------- */

#define NBEATS 8
static char beats_a[NBEATS][700];
static char beats_b[NBEATS][400], jws_b[NBEATS][200];
static int nbeats;

static int pub_keep(void *user, const char *topic, const char *payload,
                    size_t len, int qos)
{
    size_t jl = 0;
    const char *j = hb_beat_jws(jws_svc, &jl);
    if (nbeats < NBEATS && len < sizeof beats_a[0]) {
        if (j != NULL) {
            memcpy(beats_b[nbeats], payload, len);
            beats_b[nbeats][len] = 0;
            memcpy(jws_b[nbeats], j, jl);
            jws_b[nbeats][jl] = 0;
        } else {
            memcpy(beats_a[nbeats], payload, len);
            beats_a[nbeats][len] = 0;
        }
        nbeats++;
    }
    return fake_publish(user, topic, payload, len, qos);
}

static int verify_calls;
static int mock_verify(void *user, const hb_mon_jws *j)
{
    unsigned char want[64];
    (void)user;
    verify_calls++;
    if (j->kid_len != 8 || memcmp(j->kid, "hb-key-1", 8) != 0) return 1;
    if (j->id_len != 5 || memcmp(j->id, "dev-1", 5) != 0) return 1;
    mock_sig(j->input, j->input_len, j->sig_len, want);
    return memcmp(want, j->sig, j->sig_len) != 0;
}

static hb_mon_slot mslots[64];
static hb_mon_counters mcount[64];
static hb_mon mon;
static char scratch[1400];

static void mon_setup(void)
{
    hb_mon_config mc;
    memset(&mc, 0, sizeof mc);
    mc.slots = mslots;
    mc.capacity = 64;
    mc.counters = mcount;
    mc.default_interval_ms = 1000;
    memset(mslots, 0, sizeof mslots);
    if (hb_mon_init(&mon, &mc) != HB_OK) abort();
}

#define ASSERT_OR_ABORT(c) do { if (!(c)) abort(); } while (0)

/* Runs a signed service for n beats (1 s apart from t0), keeping them. */
static void make_beats(int carrier, uint32_t t0, int n, int restart)
{
    static hb_config c;         /* restart reuses it (HEARTBEAT_CONFIG_BY_REF) */
    int i;
    if (!restart) {
        sign_config(&c);
        c.signing->sign_carrier = carrier;
        c.publish = pub_keep;
        c.interval_ms = 1000;
        jws_svc = &hb;
        ASSERT_OR_ABORT(hb_init(&hb, &c) == HB_OK);
    }
    nbeats = 0;
    hb_start(&hb, t0);
    for (i = 1; i <= n; i++) hb_poll(&hb, t0 + (uint32_t)i * 1000u);
    hb_stop(&hb, t0 + (uint32_t)n * 1000u + 1u);
}

static int feed(int carrier, int i, uint32_t now, const hb_mon_sign *sg)
{
    if (carrier == HB_CARRIER_A)
        return hb_mon_beat_signed(&mon, beats_a[i], strlen(beats_a[i]), NULL, 0, sg, now);
    return hb_mon_beat_signed(&mon, beats_b[i], strlen(beats_b[i]), jws_b[i],
                              strlen(jws_b[i]), sg, now);
}

TEST monitor_replays(void)
{
    int carrier;
    for (carrier = 0; carrier < 2; carrier++) {
        hb_mon_sign sg;
        hb_mon_stats st;
        hb_mon_device d;
        char old[4][700], oldj[4][200];
        uint32_t last;
        int i;
        memset(&sg, 0, sizeof sg);
        sg.verify = mock_verify;
        sg.scratch = scratch;
        sg.scratch_size = sizeof scratch;
        mon_setup();
        make_beats(carrier, 0, 4, 0);
        ASSERT_EQ(4, nbeats);
        for (i = 0; i < 4; i++)
            ASSERT_ENUM_EQ(HB_OK, feed(carrier, i, 1000u * (uint32_t)(i + 1) + 5u, &sg),
                           hb_strerror);
        ASSERT_ENUM_EQ(HB_OK, hb_mon_get(&mon, "dev-1", 5, &d), hb_strerror);
        last = d.last_ms;
        /* a duplicate and an older beat of the same boot: replays */
        ASSERT_ENUM_EQ(HB_ERR_STATE, feed(carrier, 3, 4100, &sg), hb_strerror);
        ASSERT_ENUM_EQ(HB_ERR_STATE, feed(carrier, 1, 4200, &sg), hb_strerror);
        /* the first beat, much later: the generic detector would take it for
           a new session; signed, it is a replay */
        ASSERT_ENUM_EQ(HB_ERR_STATE, feed(carrier, 0, 60000, &sg), hb_strerror);
        hb_mon_get_stats(&mon, &st);
        ASSERT_EQ(3u, st.replays);
        ASSERT_EQ(0u, st.bad_sig);
        ASSERT_ENUM_EQ(HB_OK, hb_mon_get(&mon, "dev-1", 5, &d), hb_strerror);
        ASSERT_EQ(last, d.last_ms);                    /* no liveness credit */
        /* tampered claims / payload: bad signature, ignored */
        if (carrier == HB_CARRIER_A) {
            /* the claims decoded, "alive" -> "Alive", encoded again: still
               valid JSON, so only the signature can tell */
            char *d1 = strchr(beats_a[2], '.'), *d2 = strrchr(beats_a[2], '.');
            unsigned char cl[600];
            char enc[800], rest[200], *al;
            long cn = b64dec(d1 + 1, (size_t)(d2 - d1 - 1), cl, sizeof cl - 1);
            ASSERT(cn > 0);
            cl[cn] = 0;
            al = strstr((char *)cl, "alive");
            ASSERT(al != NULL);
            al[0] = 'A';
            b64enc(enc, cl, (size_t)cn);
            strcpy(rest, d2);
            snprintf(d1 + 1, sizeof beats_a[2] - (size_t)(d1 + 1 - beats_a[2]), "%s%s", enc, rest);
        } else {
            char *st2 = strstr(beats_b[2], "alive");
            st2[0] = 'A';
        }
        ASSERT_ENUM_EQ(HB_ERR_CRYPTO, feed(carrier, 2, 4300, &sg), hb_strerror);
        hb_mon_get_stats(&mon, &st);
        ASSERT_EQ(1u, st.bad_sig);
        /* keep the first boot's beats, then reboot (a new boot_id) */
        for (i = 0; i < 4; i++) {
            strcpy(old[i], beats_a[i]);
            strcpy(oldj[i], jws_b[i]);
            if (carrier == HB_CARRIER_B) strcpy(old[i], beats_b[i]);
        }
        make_beats(carrier, 70000, 2, 1);
        ASSERT_ENUM_EQ(HB_OK, feed(carrier, 0, 71005, &sg), hb_strerror);
        ASSERT_ENUM_EQ(HB_OK, feed(carrier, 1, 72005, &sg), hb_strerror);
        /* a beat of the previous boot, replayed: refused */
        if (carrier == HB_CARRIER_A)
            ASSERT_ENUM_EQ(HB_ERR_STATE,
                           hb_mon_beat_signed(&mon, old[3], strlen(old[3]), NULL, 0,
                                              &sg, 72100), hb_strerror);
        else
            ASSERT_ENUM_EQ(HB_ERR_STATE,
                           hb_mon_beat_signed(&mon, old[3], strlen(old[3]), oldj[3],
                                              strlen(oldj[3]), &sg, 72100), hb_strerror);
        hb_mon_get_stats(&mon, &st);
        ASSERT_EQ(4u, st.replays);
        /* with the receiver's wall clock, an expired beat is a replay too:
           the fake clock says 1795809202 at every beat, exp = +2 s */
        hb_mon_set_wall(&mon, (1795809202LL + 10) * 1000, 72200);
        make_beats(carrier, 80000, 1, 1);
        ASSERT_ENUM_EQ(HB_ERR_STATE, feed(carrier, 0, 72200, &sg), hb_strerror);
        sg.leeway_s = 60;                              /* within leeway: fine */
        ASSERT_ENUM_EQ(HB_OK, feed(carrier, 0, 72200, &sg), hb_strerror);
        hb_mon_get_stats(&mon, &st);
        ASSERT_EQ(5u, st.replays);
    }
    PASS();
}

/* exp may be any int64 (the reader takes up to 2^63 - 1): the expiry test
   never overflows, whatever the leeway (UBSan would flag exp + leeway) */
static int exp_beat(char *tok, size_t size, const char *exp)
{
    const char *d1 = strchr(beats_a[0], '.'), *d2 = strrchr(beats_a[0], '.');
    unsigned char cl[600], sig[64];
    char enc[900], out[700], *e, *end;
    long cn = b64dec(d1 + 1, (size_t)(d2 - d1 - 1), cl, sizeof cl - 1);
    size_t n;
    if (cn <= 0) return -1;
    cl[cn] = 0;
    e = strstr((char *)cl, "\"exp\":");
    if (e == NULL) return -1;
    e += 6;
    end = e + strspn(e, "-0123456789");
    snprintf(out, sizeof out, "%.*s%s%s", (int)(e - (char *)cl), (char *)cl, exp, end);
    b64enc(enc, (const unsigned char *)out, strlen(out));
    n = (size_t)snprintf(tok, size, "%.*s.%s", (int)(d1 - beats_a[0]), beats_a[0], enc);
    mock_sig(tok, n, 64, sig);
    tok[n] = '.';
    b64enc(tok + n + 1, sig, 64);
    return 0;
}

TEST monitor_exp_any_int64(void)
{
    hb_mon_sign sg;
    hb_mon_stats st;
    char tok[1200];
    memset(&sg, 0, sizeof sg);
    sg.verify = mock_verify;
    sg.scratch = scratch;
    sg.scratch_size = sizeof scratch;
    sg.leeway_s = UINT32_MAX;
    mon_setup();
    make_beats(HB_CARRIER_A, 0, 1, 0);
    ASSERT_EQ(1, nbeats);
    ASSERT_ENUM_EQ(HB_OK, hb_mon_set_wall(&mon, (1795809202LL + 10) * 1000, 1000),
                   hb_strerror);
    ASSERT_EQ(0, exp_beat(tok, sizeof tok, "9223372036854775807"));
    ASSERT_ENUM_EQ(HB_OK, hb_mon_beat_signed(&mon, tok, strlen(tok), NULL, 0, &sg, 1005),
                   hb_strerror);
    /* long expired, even with the widest leeway: a replay */
    ASSERT_EQ(0, exp_beat(tok, sizeof tok, "-9223372036854775807"));
    ASSERT_ENUM_EQ(HB_ERR_STATE, hb_mon_beat_signed(&mon, tok, strlen(tok), NULL, 0,
                                                    &sg, 1006), hb_strerror);
    hb_mon_get_stats(&mon, &st);
    ASSERT_EQ(1u, st.replays);
    ASSERT_EQ(0u, st.bad_sig);
    PASS();
}

/* A wrong key (kid), another typ, an unsigned beat: refused and counted. */
TEST monitor_rejects(void)
{
    hb_mon_sign sg;
    hb_mon_stats st;
    hb_config c;
    char tok[900], enc[300];
    unsigned char sig[64];
    const char *hdr = "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"hb-key-1\"}";
    const char *dot;
    size_t n;
    memset(&sg, 0, sizeof sg);
    sg.verify = mock_verify;
    sg.scratch = scratch;
    sg.scratch_size = sizeof scratch;
    mon_setup();
    /* kid the verifier does not know */
    sign_config(&c);
    c.signing->sign_kid = "other";
    c.publish = pub_keep;
    jws_svc = &hb;
    nbeats = 0;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    hb_poll(&hb, 1000);
    ASSERT_ENUM_EQ(HB_ERR_CRYPTO, feed(HB_CARRIER_A, 0, 1000, &sg), hb_strerror);
    /* typ "JWT": a correct mock signature, refused before verify */
    b64enc(enc, (const unsigned char *)hdr, strlen(hdr));
    dot = strchr(beats_a[0], '.');
    n = (size_t)snprintf(tok, sizeof tok, "%s%.*s", enc,
                         (int)(strrchr(beats_a[0], '.') - dot), dot);
    mock_sig(tok, n, 64, sig);
    tok[n] = '.';
    b64enc(tok + n + 1, sig, 64);
    verify_calls = 0;
    ASSERT_ENUM_EQ(HB_ERR_CRYPTO, hb_mon_beat_signed(&mon, tok, strlen(tok), NULL, 0,
                                                     &sg, 1100), hb_strerror);
    ASSERT_EQ(0, verify_calls);
    hb_mon_get_stats(&mon, &st);
    ASSERT_EQ(2u, st.bad_sig);
    ASSERT_EQ(0u, st.devices);
    /* an unsigned Go-format beat is not a signed beat */
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_mon_beat_signed(&mon, "{\"device_id\":\"x\"}", 17,
                                                  NULL, 0, &sg, 1200), hb_strerror);
    /* scratch too small */
    sg.scratch_size = 16;
    dot = beats_a[0];
    ASSERT_ENUM_EQ(HB_ERR_NOSPACE, hb_mon_beat_signed(&mon, dot, strlen(dot), NULL, 0,
                                                      &sg, 1300), hb_strerror);
    hb_mon_get_stats(&mon, &st);
    ASSERT_EQ(2u, st.bad);
    ASSERT_EQ(0u, st.devices);
    PASS();
}

#if defined(HEARTBEAT_MBEDTLS)
/* ---- the mbedTLS beat signer, checked by mbedTLS's verifier ---------------- */
#include <stdlib.h>
#include <mbedtls/md.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/pk.h>

static unsigned char skey[8192];
static size_t skeylen;

static int sload(const char *name)
{
    char path[512];
    const char *dir = getenv("HB_JWT_KEYS");
    FILE *fp;
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "build/jwt/keys", name);
    fp = fopen(path, "rb");
    if (fp == NULL) return 0;
    skeylen = fread(skey, 1, sizeof skey - 1, fp);
    fclose(fp);
    skey[skeylen] = 0;
    if (strstr(name, ".pem") != NULL) skeylen++;
    return 1;
}

/* 0 when sig (raw r||s) verifies over msg with the public key file. */
static int es_verify(const char *pubname, const char *msg, size_t n,
                     const unsigned char *sig)
{
    mbedtls_pk_context pk;
    mbedtls_ecdsa_context ec;
    mbedtls_mpi r, s;
    unsigned char h[32];
    int rc;
    if (!sload(pubname)) return -1;
    mbedtls_pk_init(&pk);
    mbedtls_ecdsa_init(&ec);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    rc = mbedtls_pk_parse_public_key(&pk, skey, skeylen);
    if (rc == 0) rc = mbedtls_ecdsa_from_keypair(&ec, mbedtls_pk_ec(pk));
    if (rc == 0) rc = mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
                                 (const unsigned char *)msg, n, h);
    if (rc == 0) rc = mbedtls_mpi_read_binary(&r, sig, 32);
    if (rc == 0) rc = mbedtls_mpi_read_binary(&s, sig + 32, 32);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    if (rc == 0) {
        mbedtls_ecp_group grp;
        mbedtls_ecp_point q;
        mbedtls_ecp_group_init(&grp);
        mbedtls_ecp_point_init(&q);
        rc = mbedtls_ecp_export(&ec, &grp, NULL, &q);
        if (rc == 0) rc = mbedtls_ecdsa_verify(&grp, h, 32, &q, &r, &s);
        mbedtls_ecp_group_free(&grp);
        mbedtls_ecp_point_free(&q);
    }
#else
    if (rc == 0) rc = mbedtls_ecdsa_verify(&ec.grp, h, 32, &ec.Q, &r, &s);
#endif
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    mbedtls_ecdsa_free(&ec);
    mbedtls_pk_free(&pk);
    return rc;
}

static hb_jwt sjwt;

TEST mbedtls_es256_verifies(void)
{
    hb_jwt_config jc;
    hb_config c;
    unsigned char sig[64], sig2[64];
    size_t ha, pa, sa;
    const char *in = "eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ";
    if (!sload("ec.p8.pem")) SKIPm("no test keys (tests/jwt/keys.sh)");
    memset(&jc, 0, sizeof jc);
    jc.alg = HB_JWT_ES256;
    jc.key = skey;
    jc.key_len = skeylen;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_signer_init(&sjwt, &jc), hb_strerror);
    ASSERT_EQ(0, hb_jwt_sign_beat(&sjwt, HB_SIGN_ES256, in, strlen(in), sig, 0));
    ASSERT_EQ(0, es_verify("ec.pub.pem", in, strlen(in), sig));
    ASSERT(es_verify("ec2.pub.pem", in, strlen(in), sig) != 0);  /* wrong key */
    sig[5] ^= 1;
    ASSERT(es_verify("ec.pub.pem", in, strlen(in), sig) != 0);
    /* deterministic (RFC 6979): the same input, the same signature */
    ASSERT_EQ(0, hb_jwt_sign_beat(&sjwt, HB_SIGN_ES256, in, strlen(in), sig, 0));
    ASSERT_EQ(0, hb_jwt_sign_beat(&sjwt, HB_SIGN_ES256, in, strlen(in), sig2, 0));
    ASSERT_MEM_EQ(sig, sig2, 64);
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_sign_beat(&sjwt, HB_SIGN_HS256, in, 3, sig, 0),
                   hb_strerror);
    {
        const char *tok = NULL;
        size_t tl = 0;
        ASSERT_ENUM_EQ(HB_ERR_STATE, hb_jwt_token(&sjwt, &tok, &tl), hb_strerror);
    }
    /* through the service: the published token verifies */
    sign_config(&c);
    c.signing->sign = hb_jwt_sign_beat;
    c.signing->sign_user = &sjwt;
    ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
    hb_start(&hb, 0);
    hb_poll(&hb, 1000);
    ASSERT_EQ(1, f.pub_calls);
    ASSERT(split3(f.last, f.last_len, &ha, &pa, &sa));
    ASSERT_EQ(64, b64dec(f.last + ha + 1 + pa + 1, sa, sig, sizeof sig));
    ASSERT_EQ(0, es_verify("ec.pub.pem", f.last, ha + 1 + pa, sig));
    hb_jwt_free(&sjwt);
    hb_jwt_free(&sjwt);
    ASSERT_ENUM_EQ(HB_ERR_STATE, hb_jwt_sign_beat(&sjwt, HB_SIGN_ES256, in, 3, sig, 0),
                   hb_strerror);
    PASS();
}

TEST mbedtls_hs256_matches_hmac(void)
{
    hb_jwt_config jc;
    unsigned char sig[32], want[32];
    const char *in = "abc.def";
    if (!sload("hs.key")) SKIPm("no test keys (tests/jwt/keys.sh)");
    memset(&jc, 0, sizeof jc);
    jc.alg = HB_JWT_HS256;
    jc.key = skey;
    jc.key_len = skeylen;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_signer_init(&sjwt, &jc), hb_strerror);
    ASSERT_EQ(0, hb_jwt_sign_beat(&sjwt, HB_SIGN_HS256, in, strlen(in), sig, 0));
    ASSERT_EQ(0, mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
                                 skey, skeylen, (const unsigned char *)in,
                                 strlen(in), want));
    ASSERT_MEM_EQ(want, sig, 32);
    hb_jwt_free(&sjwt);
    /* short key, RS256, wrong key type: refused */
    jc.key_len = 31;
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_signer_init(&sjwt, &jc), hb_strerror);
    jc.alg = HB_JWT_RS256;
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_signer_init(&sjwt, &jc), hb_strerror);
    if (sload("rsa.p8.pem")) {
        jc.alg = HB_JWT_ES256;
        jc.key = skey;
        jc.key_len = skeylen;
        ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_signer_init(&sjwt, &jc), hb_strerror);
    }
    hb_jwt_free(&sjwt);
    PASS();
}
/* The monitor with real keys: a verify callback that finds the device's
   public key (here: one file) and calls hb_jwt_verify_beat. */
static unsigned char vkey[4096];
static size_t vkey_len;

static int key_verify(void *user, const hb_mon_jws *j)
{
    (void)user;
    return hb_jwt_verify_beat(j, vkey, vkey_len);
}

TEST mbedtls_monitor(void)
{
    static const char *const algs[2][4] = {
        { "ec.p8.pem", "ec.pub.pem", "ec2.pub.pem", "E" },
        { "hs.key", "hs.key", "hs2.key", "H" } };
    int a;
    for (a = 0; a < 2; a++) {
        hb_jwt_config jc;
        hb_config c;
        hb_mon_sign sg;
        hb_mon_stats st;
        if (!sload(algs[a][0])) SKIPm("no test keys (tests/jwt/keys.sh)");
        memset(&jc, 0, sizeof jc);
        jc.alg = a == 0 ? HB_JWT_ES256 : HB_JWT_HS256;
        jc.key = skey;
        jc.key_len = skeylen;
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_signer_init(&sjwt, &jc), hb_strerror);
        sign_config(&c);
        c.signing->sign_alg = jc.alg;
        c.signing->sign = hb_jwt_sign_beat;
        c.signing->sign_user = &sjwt;
        c.publish = pub_keep;
        jws_svc = &hb;
        nbeats = 0;
        ASSERT_ENUM_EQ(HB_OK, hb_init(&hb, &c), hb_strerror);
        hb_start(&hb, 0);
        hb_poll(&hb, 1000);
        hb_poll(&hb, 2000);
        ASSERT_EQ(2, nbeats);
        mon_setup();
        memset(&sg, 0, sizeof sg);
        sg.verify = key_verify;
        sg.scratch = scratch;
        sg.scratch_size = sizeof scratch;
        ASSERT(sload(algs[a][2]));                     /* the wrong key */
        memcpy(vkey, skey, skeylen);
        vkey_len = skeylen;
        ASSERT_ENUM_EQ(HB_ERR_CRYPTO, feed(HB_CARRIER_A, 0, 1000, &sg), hb_strerror);
        ASSERT(sload(algs[a][1]));                     /* the right one */
        memcpy(vkey, skey, skeylen);
        vkey_len = skeylen;
        ASSERT_ENUM_EQ(HB_OK, feed(HB_CARRIER_A, 0, 1000, &sg), hb_strerror);
        ASSERT_ENUM_EQ(HB_OK, feed(HB_CARRIER_A, 1, 2000, &sg), hb_strerror);
        ASSERT_ENUM_EQ(HB_ERR_STATE, feed(HB_CARRIER_A, 0, 2100, &sg), hb_strerror);
        hb_mon_get_stats(&mon, &st);
        ASSERT_EQ(1u, st.bad_sig);
        ASSERT_EQ(1u, st.replays);
        ASSERT_EQ(1u, st.devices);
        hb_jwt_free(&sjwt);
    }
    PASS();
}
#endif

SUITE(sign)
{
    RUN_TEST(a_exact_bytes);
    RUN_TEST(hs256_header_and_length);
    RUN_TEST(exp_rounding);
    RUN_TEST(iat_exp_digits);
    RUN_TEST(unsynced_has_no_iat);
    RUN_TEST(boot_id_given_and_regenerated);
    RUN_TEST(seq_counts);
    RUN_TEST(b_detached_same_signature);
    RUN_TEST(mqtt5_props);
    RUN_TEST(config_never_written_signed);
    RUN_TEST(offline_message_b);
    RUN_TEST(buf_size_exact);
    RUN_TEST(every_buf_size);
    RUN_TEST(pending_slices);
    RUN_TEST(pending_honours_wait_and_calls_early);
    RUN_TEST(pending_past_grid);
    RUN_TEST(pending_stop_and_restart);
    RUN_TEST(offline_on_stop_must_sign_at_once);
    RUN_TEST(signer_failure_counted);
    RUN_TEST(stop_inside_signer);
    RUN_TEST(config_checks);
    RUN_TEST(sign_user_defaults_to_user);
    RUN_TEST(monitor_replays);
    RUN_TEST(monitor_exp_any_int64);
    RUN_TEST(monitor_rejects);
#if defined(HEARTBEAT_MBEDTLS)
    RUN_TEST(mbedtls_es256_verifies);
    RUN_TEST(mbedtls_hs256_matches_hmac);
    RUN_TEST(mbedtls_monitor);
#endif
}
