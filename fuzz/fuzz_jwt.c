/* fuzz/fuzz_jwt.c — the mbedTLS JWT signer (HEARTBEAT_MBEDTLS) with
   arbitrary key bytes (HS256 secrets; ES256/RS256 keys that are garbage or
   a valid test key with fuzzer-chosen bytes changed), arbitrary claims
   (aud, iss, sub: any bytes), lifetimes, margins, clocks and buffer sizes.
   Checks:
   - hb_jwt_init returns HB_OK or HB_ERR_*; hb_jwt_free is harmless after
     either;
   - hb_jwt_token gives HB_OK with a complete token, or an error with
     *token == NULL, *len == 0 and the whole buffer zeroed (never a partial
     token); the buffer is a heap block of exactly buf_size bytes (ASan);
     a buffer of hb_jwt_buf_size bytes with a synced clock always works;
   - a token is three base64url segments (no padding); the header is
     {"alg":..,"typ":"JWT"}; the claims are strict RFC 8259 JSON, exp - iat
     is the lifetime, aud/iss/sub decode to the input with invalid UTF-8
     replaced by U+FFFD; an HS256 signature verifies (mbedTLS HMAC here);
     an ES256 signature is 64 bytes;
   - a second call with the same clock hands out the same cached token;
   - hb_jwt_b64url agrees with the encoder written here. */
#define HEARTBEAT_IMPLEMENTATION
#define HEARTBEAT_MBEDTLS
#include "heartbeat.h"
#include <mbedtls/md.h>
#include "json_check.h"
#include "fuzz_input.h"

/* A P-256 key generated for this harness only (PKCS#8, PEM). */
static const char ec_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgauLqiTIqYDIzEMgK\n"
    "H/knBRsmFwFVMUyEhMbhfqTtuBChRANCAASpvUEZDEyTXG+qoLLD6To4cgTniHc2\n"
    "RiackREU7T2KIH1z9kSsyoHaoYco9fJLYNfoKjMtId7U6F4wZzok148G\n"
    "-----END PRIVATE KEY-----\n";

typedef struct run {
    int64_t sec;
    int clock_fail;
    uint32_t rng;
} run;

static int cb_clock(void *user, hb_time *t)
{
    run *r = (run *)user;
    if (r->clock_fail) return -1;
    t->sec = r->sec;
    t->nsec = 0;
    t->utc_offset_min = 0;
    return 0;
}

static int cb_rng(void *user, unsigned char *out, size_t len)
{
    run *r = (run *)user;
    size_t i;
    for (i = 0; i < len; i++) {
        uint32_t x = r->rng != 0 ? r->rng : 0x9E3779B9u;
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        r->rng = x;
        out[i] = (unsigned char)x;
    }
    return 0;
}

static const char b64u[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static size_t enc(const unsigned char *s, size_t n, char *o)
{
    size_t i, k = 0;
    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        o[k++] = b64u[v >> 18]; o[k++] = b64u[v >> 12 & 63];
        o[k++] = b64u[v >> 6 & 63]; o[k++] = b64u[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        o[k++] = b64u[v >> 18]; o[k++] = b64u[v >> 12 & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
        o[k++] = b64u[v >> 18]; o[k++] = b64u[v >> 12 & 63];
        o[k++] = b64u[v >> 6 & 63];
    }
    return k;
}

static int val(char c)
{
    const char *p = c != '\0' ? strchr(b64u, c) : NULL;
    return p != NULL ? (int)(p - b64u) : -1;
}

/* Decodes base64url without padding; returns the length or -1. */
static long dec(const char *s, size_t n, unsigned char *o)
{
    size_t i;
    long k = 0;
    uint32_t acc = 0;
    int bits = 0;
    if (n % 4 == 1) return -1;
    for (i = 0; i < n; i++) {
        int v = val(s[i]);
        if (v < 0) return -1;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[k++] = (unsigned char)(acc >> bits);
        }
    }
    /* the unused low bits must be zero (canonical) */
    if (bits > 0 && (acc & ((1u << bits) - 1u)) != 0) return -1;
    return k;
}

static int64_t num_member(const char *js, size_t n, const char *key)
{
    const char *v;
    size_t vl, i;
    int64_t x = 0;
    FZ_CHECK(jc_member(js, n, key, &v, &vl));
    for (i = 0; i < vl; i++) {
        FZ_CHECK(v[i] >= '0' && v[i] <= '9');
        x = x * 10 + (v[i] - '0');
    }
    return x;
}

static void str_member(const char *js, size_t n, const char *key,
                       const char *in)
{
    const char *v;
    size_t vl, dl, rl;
    static unsigned char d[4096], rep[4096];
    if (in == NULL) {
        FZ_CHECK(!jc_member(js, n, key, &v, &vl));
        return;
    }
    FZ_CHECK(jc_member(js, n, key, &v, &vl));
    FZ_CHECK(vl >= 2 && v[0] == '"' && vl < sizeof d);
    dl = jc_decode(v, vl, d);
    rl = jc_replace((const unsigned char *)in, strlen(in), rep);
    FZ_CHECK(dl == rl && memcmp(d, rep, rl) == 0);
}

static char *cstr(fz_in *in, size_t max, int nullable)
{
    size_t n;
    const uint8_t *p = fz_chunk(in, max, &n);
    char *s;
    if (nullable && n == 0) return NULL;
    s = (char *)malloc(n + 1);
    FZ_CHECK(s != NULL);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static void check_token(const hb_jwt_config *c, const char *tok, size_t len,
                        const unsigned char *hkey, size_t hkey_len)
{
    static const char *alg_name[4] = { "", "HS256", "RS256", "ES256" };
    static unsigned char hd[8192];
    static char want[64];
    const char *d1, *d2;
    long n;
    int64_t iat, exp;
    FZ_CHECK(strlen(tok) == len);
    d1 = memchr(tok, '.', len);
    FZ_CHECK(d1 != NULL);
    d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - tok));
    FZ_CHECK(d2 != NULL && memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - tok)) == NULL);
    /* header */
    n = dec(tok, (size_t)(d1 - tok), hd);
    FZ_CHECK(n > 0);
    snprintf(want, sizeof want, "{\"alg\":\"%s\",\"typ\":\"JWT\"}", alg_name[c->alg]);
    FZ_CHECK((size_t)n == strlen(want) && memcmp(hd, want, (size_t)n) == 0);
    /* claims */
    n = dec(d1 + 1, (size_t)(d2 - d1 - 1), hd);
    FZ_CHECK(n > 0 && jc_validate((const char *)hd, (size_t)n));
    iat = num_member((const char *)hd, (size_t)n, "iat");
    exp = num_member((const char *)hd, (size_t)n, "exp");
    FZ_CHECK(exp - iat == (int64_t)(c->lifetime_s != 0 ? c->lifetime_s
                                                       : HB_JWT_LIFETIME_DEFAULT));
    str_member((const char *)hd, (size_t)n, "aud", c->aud);
    str_member((const char *)hd, (size_t)n, "iss", c->iss);
    str_member((const char *)hd, (size_t)n, "sub", c->sub);
    /* signature */
    n = dec(d2 + 1, len - (size_t)(d2 + 1 - tok), hd);
    if (c->alg == HB_JWT_HS256) {
        unsigned char mac[32];
        FZ_CHECK(n == 32);
        FZ_CHECK(mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
                                 hkey, hkey_len, (const unsigned char *)tok,
                                 (size_t)(d2 - tok), mac) == 0);
        FZ_CHECK(memcmp(mac, hd, 32) == 0);
    } else if (c->alg == HB_JWT_ES256) {
        FZ_CHECK(n == 64);
    } else {
        FZ_CHECK(n >= 256);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in;
    run r;
    hb_jwt jwt;
    hb_jwt_config c;
    uint8_t how;
    const uint8_t *kp;
    size_t kl, need, i, len = 99;
    unsigned char *key = NULL;
    char *aud, *iss, *sub, *buf;
    const char *tok = (const char *)1;
    int rc;

    in.p = data;
    in.n = size;
    memset(&r, 0, sizeof r);
    memset(&c, 0, sizeof c);
    how = fz_u8(&in);
    c.alg = how & 3;
    if (c.alg == HB_JWT_RS256 && !(how & 4u)) c.alg = HB_JWT_ES256; /* RSA is slow */
    kp = fz_chunk(&in, 200, &kl);
    if (c.alg != HB_JWT_HS256 && (how & 8u)) {
        /* the valid key, a few bytes changed where the fuzzer says */
        key = (unsigned char *)malloc(sizeof ec_pem);
        FZ_CHECK(key != NULL);
        memcpy(key, ec_pem, sizeof ec_pem);
        for (i = 0; i + 1 < kl && (how & 16u); i += 2)
            key[kp[i] % (sizeof ec_pem - 1)] = kp[i + 1];
        kl = sizeof ec_pem;
    } else {
        key = (unsigned char *)malloc(kl + 1);
        FZ_CHECK(key != NULL);
        memcpy(key, kp, kl);
    }
    c.key = key;
    c.key_len = kl;
    aud = cstr(&in, 100, (how & 32u) != 0);
    iss = cstr(&in, 60, 1);
    sub = cstr(&in, 60, 1);
    c.aud = aud;
    c.iss = iss;
    c.sub = sub;
    c.lifetime_s = (how & 64u) ? fz_u32(&in) : fz_u16(&in);
    c.refresh_margin_s = fz_u16(&in) & 0x3FFu;
    c.skew_s = fz_u8(&in);
    c.min_valid_sec = (int64_t)(fz_u32(&in) & 0x7FFFFFFFu);
    c.jti = (fz_u8(&in) & 1u);
    c.rng = (how & 128u) ? NULL : cb_rng;
    c.rng_user = &r;
    c.clock = cb_clock;
    c.clock_user = &r;
    r.sec = (int64_t)(fz_u64(&in) % 400000000000ULL) - 100000000000LL;
    r.clock_fail = (fz_u8(&in) & 7u) == 0;
    r.rng = fz_u32(&in);
    need = hb_jwt_buf_size(&c);
    c.buf_size = 1u + fz_u16(&in) % 1024u;
    if (need > 4 && (fz_u8(&in) & 1u)) c.buf_size = need - 2u + fz_u8(&in) % 4u;
    buf = (char *)malloc(c.buf_size);
    FZ_CHECK(buf != NULL);
    c.buf = buf;

    memset(&jwt, 0xA5, sizeof jwt);
    rc = hb_jwt_init(&jwt, &c);
    FZ_CHECK(rc == HB_OK || (rc < 0 && rc >= HB_ERR_RANGE));
    if (rc == HB_OK) {
        FZ_CHECK(need > 0);
        rc = hb_jwt_token(&jwt, &tok, &len);
        if (rc == HB_OK) {
            const char *tok2 = NULL;
            size_t len2 = 0;
            FZ_CHECK(tok >= buf && tok + len < buf + c.buf_size && tok[len] == '\0');
            check_token(&c, tok, len, key, kl);
            /* the same clock: the cached token, unchanged */
            FZ_CHECK(hb_jwt_token(&jwt, &tok2, &len2) == HB_OK);
            FZ_CHECK(tok2 == tok && len2 == len);
        } else {
            FZ_CHECK(tok == NULL && len == 0);
            FZ_CHECK(rc == HB_ERR_CLOCK || rc == HB_ERR_NOSPACE || rc == HB_ERR_CRYPTO);
            if (rc != HB_ERR_CLOCK)
                for (i = 0; i < c.buf_size; i++) FZ_CHECK(buf[i] == 0);
            /* a synced clock and a buffer of hb_jwt_buf_size: no excuse */
            if (c.buf_size >= need)
                FZ_CHECK(rc == HB_ERR_CLOCK);
            if (rc == HB_ERR_CLOCK)
                FZ_CHECK(r.clock_fail || r.sec < (c.min_valid_sec != 0 ? c.min_valid_sec
                                                  : HB_JWT_MIN_VALID_DEFAULT));
        }
    }
    hb_jwt_free(&jwt);
    hb_jwt_free(&jwt);

    /* base64url of the key bytes into an exact-size block */
    {
        size_t bl = 0, want = (kl * 4 + 2) / 3, sz = 1u + (kl != 0 ? key[0] : 0u) % 300u;
        char *b = (char *)malloc(sz);
        static char ref[400];
        FZ_CHECK(b != NULL);
        rc = hb_jwt_b64url(b, sz, key, kl, &bl);
        if (want + 1 <= sz) {
            FZ_CHECK(rc == HB_OK && bl == want && b[bl] == '\0');
            FZ_CHECK(enc(key, kl, ref) == want && memcmp(b, ref, want) == 0);
        } else {
            FZ_CHECK(rc == HB_ERR_NOSPACE);
        }
        free(b);
    }
    free(buf);
    free(key);
    free(aud);
    free(iss);
    free(sub);
    return 0;
}
