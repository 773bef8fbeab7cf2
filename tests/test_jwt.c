/* tests/test_jwt.c — SUITE(jwt): the built-in JWT signer (HEARTBEAT_MBEDTLS).
   Needs -DHEARTBEAT_MBEDTLS and mbedTLS; built into build/test_jwt by
   mk/jwt.mk, with the keys that tests/jwt/keys.sh makes in $HB_JWT_KEYS
   (default build/jwt/keys). Without HEARTBEAT_MBEDTLS (the plain unit
   binary) the suite is empty. */
#include "greatest.h"
#include "heartbeat.h"

#if !defined(HEARTBEAT_MBEDTLS)
SUITE(jwt) {}
#else
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------ */

typedef struct jclock {
    int64_t sec;
    int     fail;
    int     calls;
} jclock;

static int jclock_read(void *user, hb_time *now)
{
    jclock *c = (jclock *)user;
    c->calls++;
    if (c->fail) return -1;
    now->sec = c->sec;
    now->nsec = 0;
    now->utc_offset_min = 0;
    return 0;
}

/* A deterministic "random" source: an xorshift, or failure when asked. */
typedef struct jrng {
    uint32_t s;
    int      fail;
    int      calls;
} jrng;

static int jrng_fill(void *user, unsigned char *out, size_t len)
{
    jrng *r = (jrng *)user;
    size_t i;
    r->calls++;
    if (r->fail) return -1;
    for (i = 0; i < len; i++) {
        r->s ^= r->s << 13;
        r->s ^= r->s >> 17;
        r->s ^= r->s << 5;
        out[i] = (unsigned char)r->s;
    }
    return 0;
}

#define T0 INT64_C(1800000000) /* 2027-01-15 */

static unsigned char keybuf[8192];
static size_t keylen;
static char tok[2048];
static jclock clk;
static jrng rng;

/* Reads $HB_JWT_KEYS/name into keybuf; PEM gets its NUL counted. */
static int load_key(const char *name)
{
    char path[512];
    const char *dir = getenv("HB_JWT_KEYS");
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "build/jwt/keys", name);
    f = fopen(path, "rb");
    if (f == NULL) return 0;
    keylen = fread(keybuf, 1, sizeof keybuf - 1, f);
    fclose(f);
    keybuf[keylen] = 0;
    if (strstr(name, ".pem") != NULL) keylen++;
    return 1;
}

#define LOAD(name) do { if (!load_key(name)) \
    SKIPm("test key missing: run tests/jwt/keys.sh (needs openssl)"); } while (0)

static const char *str_err(int e) { return hb_strerror(e); }

static void base_cfg(hb_jwt_config *c, int alg)
{
    memset(c, 0, sizeof *c);
    c->alg = alg;
    c->key = keybuf;
    c->key_len = keylen;
    c->aud = "test-aud";
    c->lifetime_s = 3600;
    c->clock = jclock_read;
    c->clock_user = &clk;
    c->buf = tok;
    c->buf_size = sizeof tok;
    c->rng = jrng_fill;
    c->rng_user = &rng;
}

static void reset(void)
{
    memset(&clk, 0, sizeof clk);
    clk.sec = T0;
    memset(&rng, 0, sizeof rng);
    rng.s = 2463534242u;
    memset(tok, 0x55, sizeof tok);
}

static const char hs_kat_key[] = "0123456789abcdef0123456789abcdef";

static void hs_cfg(hb_jwt_config *c)
{
    memcpy(keybuf, hs_kat_key, 32);
    keylen = 32;
    base_cfg(c, HB_JWT_HS256);
}

/* base64url decoder (test side, independent of the encoder). */
static int b64url_dec(const char *s, size_t n, unsigned char *out, size_t *olen)
{
    static const char al[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint32_t acc = 0;
    int bits = 0;
    size_t i, o = 0;
    for (i = 0; i < n; i++) {
        const char *p = strchr(al, s[i]);
        if (p == NULL || s[i] == 0) return -1;
        acc = acc << 6 | (uint32_t)(p - al);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    if (n % 4 == 1) return -1;
    out[o] = 0;
    *olen = o;
    return 0;
}

/* Splits a token into its decoded header and claims (NUL-terminated) and
   the signature's raw length. */
static int split(const char *t, char *hdr, char *cl, size_t *sig_len)
{
    unsigned char sig[1024];
    const char *d1 = strchr(t, '.'), *d2;
    size_t n;
    if (d1 == NULL || (d2 = strchr(d1 + 1, '.')) == NULL) return -1;
    if (strchr(d2 + 1, '.') != NULL) return -1;
    if (b64url_dec(t, (size_t)(d1 - t), (unsigned char *)hdr, &n)) return -1;
    if (b64url_dec(d1 + 1, (size_t)(d2 - d1 - 1), (unsigned char *)cl, &n)) return -1;
    if (b64url_dec(d2 + 1, strlen(d2 + 1), sig, sig_len)) return -1;
    return 0;
}

/* ---- base64url ---------------------------------------------------------- */

TEST b64url_rfc4648_vectors(void)
{
    /* RFC 4648 section 10, padding dropped (section 3.2 / RFC 7515 2). */
    static const char *in[7]  = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
    static const char *out[7] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy" };
    char buf[32];
    size_t n;
    int i;
    for (i = 0; i < 7; i++) {
        memset(buf, 'x', sizeof buf);
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_b64url(buf, sizeof buf, in[i], strlen(in[i]), &n),
                       str_err);
        ASSERT_EQ(strlen(out[i]), n);
        ASSERT_STR_EQ(out[i], buf);
    }
    PASS();
}

TEST b64url_alphabet_is_url_safe(void)
{
    /* standard base64 "+/8=" and "////" become "-_8" and "____" */
    static const unsigned char a[2] = { 0xfb, 0xff };
    static const unsigned char b[3] = { 0xff, 0xff, 0xff };
    static const unsigned char z[3] = { 0, 0, 0 };
    unsigned char all[48], back[64];
    char buf[80];
    size_t n, i;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_b64url(buf, sizeof buf, a, 2, &n), str_err);
    ASSERT_STR_EQ("-_8", buf);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_b64url(buf, sizeof buf, b, 3, &n), str_err);
    ASSERT_STR_EQ("____", buf);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_b64url(buf, sizeof buf, z, 3, &n), str_err);
    ASSERT_STR_EQ("AAAA", buf);
    /* every 6-bit value once: 0..63 packed in 48 bytes, round trip */
    for (i = 0; i < 48; i += 3) {
        uint32_t v = (uint32_t)(i / 3 * 4) << 18 | (uint32_t)(i / 3 * 4 + 1) << 12
                   | (uint32_t)(i / 3 * 4 + 2) << 6 | (uint32_t)(i / 3 * 4 + 3);
        all[i] = (unsigned char)(v >> 16);
        all[i + 1] = (unsigned char)(v >> 8);
        all[i + 2] = (unsigned char)v;
    }
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_b64url(buf, sizeof buf, all, 48, &n), str_err);
    ASSERT_STR_EQ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", buf);
    ASSERT_EQ(0, b64url_dec(buf, n, back, &i));
    ASSERT_EQ(48, i);
    ASSERT_MEM_EQ(all, back, 48);
    PASS();
}

TEST b64url_sizes_and_args(void)
{
    char buf[8];
    size_t n = 99;
    /* "foo" needs 4 + NUL */
    memset(buf, 'x', sizeof buf);
    ASSERT_ENUM_EQ(HB_ERR_NOSPACE, hb_jwt_b64url(buf, 4, "foo", 3, &n), str_err);
    ASSERT_EQ(0, n);
    ASSERT_EQ('x', buf[0]); /* untouched */
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_b64url(buf, 5, "foo", 3, &n), str_err);
    ASSERT_STR_EQ("Zm9v", buf);
    ASSERT_ENUM_EQ(HB_ERR_NOSPACE, hb_jwt_b64url(buf, 0, "", 0, NULL), str_err);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_b64url(buf, 1, NULL, 0, NULL), str_err);
    ASSERT_STR_EQ("", buf);
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_b64url(NULL, 8, "a", 1, NULL), str_err);
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_b64url(buf, 8, NULL, 1, NULL), str_err);
    PASS();
}

/* ---- token shape -------------------------------------------------------- */

TEST hs256_known_answer(void)
{
    /* Computed independently with Python's hmac/base64 modules. */
    static const char want[] =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJpYXQiOjE4MDAwMDAwMDAsImV4cCI6MTgwMDAwMzYwMCwiYXVkIjoia2F0IiwiaXNz"
        "IjoiZGV2LTEiLCJzdWIiOiJcdTAwM2N4XHUwMDNlIn0."
        "PaUHYEvfIssfNePnmwk08fINZYP7u1Odd8Vtio0hFFs";
    hb_jwt j;
    hb_jwt_config c;
    const char *t;
    size_t n;
    reset();
    hs_cfg(&c);
    c.aud = "kat";
    c.iss = "dev-1";
    c.sub = "<x>"; /* escaped by the core's JSON writer, as Go would */
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(tok, t);
    ASSERT_EQ(strlen(want), n);
    ASSERT_STR_EQ(want, t);
    hb_jwt_free(&j);
    PASS();
}

/* The JSON parts are encoded in place; every length mod 3 must decode. */
TEST header_and_claims_decode_for_every_length(void)
{
    static const char *hdr_want[4] = { "", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
        "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", "{\"alg\":\"ES256\",\"typ\":\"JWT\"}" };
    char aud[64], want[256], hdr[256], cl[256];
    hb_jwt j;
    hb_jwt_config c;
    const char *t;
    size_t n, sl;
    int i;
    reset();
    for (i = 1; i < 40; i++) {
        memset(aud, 'a' + i % 26, (size_t)i);
        aud[i] = 0;
        hs_cfg(&c);
        c.aud = aud;
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
        ASSERT_EQ(strlen(t), n);
        ASSERT_EQ(0, split(t, hdr, cl, &sl));
        ASSERT_STR_EQ(hdr_want[HB_JWT_HS256], hdr);
        snprintf(want, sizeof want,
                 "{\"iat\":1800000000,\"exp\":1800003600,\"aud\":\"%s\"}", aud);
        ASSERT_STR_EQ(want, cl);
        ASSERT_EQ(32, sl);
        ASSERT(strchr(t, '=') == NULL && strchr(t, '+') == NULL && strchr(t, '/') == NULL);
        hb_jwt_free(&j);
    }
    PASS();
}

TEST claims_iss_sub_jti_and_64bit_time(void)
{
    hb_jwt j;
    hb_jwt_config c;
    const char *t;
    char hdr[256], cl[512], first_jti[32];
    size_t n, sl;
    const char *p;
    reset();
    hs_cfg(&c);
    c.iss = "issuer";
    c.sub = "device \"7\"";
    c.jti = 1;
    c.lifetime_s = 86400;
    clk.sec = INT64_C(8589934592); /* 2242: past 2038 and 2106 */
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(0, split(t, hdr, cl, &sl));
    {
        static const char pre[] = "{\"iat\":8589934592,\"exp\":8590020992,\"aud\":"
            "\"test-aud\",\"iss\":\"issuer\",\"sub\":\"device \\\"7\\\"\",\"jti\":\"";
        ASSERT_EQ(0, strncmp(cl, pre, sizeof pre - 1));
    }
    p = strstr(cl, "\"jti\":\"") + 7;
    ASSERT_EQ(22, strcspn(p, "\""));
    ASSERT_STR_EQ("\"}", p + 22);
    memcpy(first_jti, p, 22);
    first_jti[22] = 0;
    /* a re-signed token has a fresh jti */
    clk.sec += 86400;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(0, split(t, hdr, cl, &sl));
    p = strstr(cl, "\"jti\":\"") + 7;
    ASSERT(strncmp(p, first_jti, 22) != 0);
    hb_jwt_free(&j);
    PASS();
}

/* ---- caching and refresh ------------------------------------------------ */

TEST refresh_exactly_at_margin(void)
{
    hb_jwt j;
    hb_jwt_config c;
    const char *t;
    char first[512];
    size_t n;
    reset();
    hs_cfg(&c);
    c.lifetime_s = 100;
    c.refresh_margin_s = 25;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    ASSERT_EQ(0, j.internal_.signs);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(1, j.internal_.signs);
    strcpy(first, t);
    /* exp = T0 + 100; refresh when now >= exp - 25 = T0 + 75 */
    for (clk.sec = T0; clk.sec < T0 + 75; clk.sec++) {
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
        ASSERT_STR_EQ(first, t);
    }
    ASSERT_EQ(1, j.internal_.signs);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err); /* T0 + 75 */
    ASSERT_EQ(2, j.internal_.signs);
    ASSERT(strcmp(first, t) != 0);
    ASSERT_EQ(T0 + 75, j.internal_.iat);
    ASSERT_EQ(T0 + 175, j.internal_.exp);
    clk.sec = T0 + 149;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(2, j.internal_.signs);
    clk.sec = T0 + 150;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(3, j.internal_.signs);
    hb_jwt_free(&j);
    PASS();
}

TEST default_margin_is_a_quarter_of_lifetime(void)
{
    hb_jwt j;
    hb_jwt_config c;
    const char *t;
    size_t n;
    reset();
    hs_cfg(&c);
    c.lifetime_s = 0; /* default 3600 -> margin 900 */
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    ASSERT_EQ(3600, j.internal_.cfg.lifetime_s);
    ASSERT_EQ(900, j.internal_.cfg.refresh_margin_s);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(T0 + 3600, j.internal_.exp);
    clk.sec = T0 + 2699;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(1, j.internal_.signs);
    clk.sec = T0 + 2700;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(2, j.internal_.signs);
    hb_jwt_free(&j);
    PASS();
}

TEST skew_backdates_iat(void)
{
    hb_jwt j;
    hb_jwt_config c;
    const char *t;
    char hdr[256], cl[256];
    size_t n, sl;
    reset();
    hs_cfg(&c);
    c.lifetime_s = 600;
    c.skew_s = 60;
    c.refresh_margin_s = 100;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(0, split(t, hdr, cl, &sl));
    ASSERT_STR_EQ("{\"iat\":1799999940,\"exp\":1800000540,\"aud\":\"test-aud\"}", cl);
    /* refresh at exp - margin = T0 + 440 */
    clk.sec = T0 + 439;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(1, j.internal_.signs);
    clk.sec = T0 + 440;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(2, j.internal_.signs);
    ASSERT_EQ(T0 + 380, j.internal_.iat);
    /* the clock stepping back within the skew keeps the token ... */
    clk.sec = T0 + 380;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(2, j.internal_.signs);
    /* ... before iat it re-signs (no token "issued in the future") */
    clk.sec = T0 + 379;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(3, j.internal_.signs);
    ASSERT_EQ(T0 + 319, j.internal_.iat);
    hb_jwt_free(&j);
    PASS();
}

/* ---- error paths --------------------------------------------------------- */

TEST clock_failure_and_unsynced(void)
{
    hb_jwt j;
    hb_jwt_config c;
    const char *t = "x";
    size_t n = 7;
    reset();
    hs_cfg(&c);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    clk.fail = 1;
    ASSERT_ENUM_EQ(HB_ERR_CLOCK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(NULL, t);
    ASSERT_EQ(0, n);
    ASSERT_EQ(0, j.internal_.signs);
    ASSERT_EQ('\0', tok[0]);
    /* below the default sanity epoch (2024-01-01) */
    clk.fail = 0;
    clk.sec = HB_JWT_MIN_VALID_DEFAULT - 1;
    ASSERT_ENUM_EQ(HB_ERR_CLOCK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(0, j.internal_.signs);
    clk.sec = 0;
    ASSERT_ENUM_EQ(HB_ERR_CLOCK, hb_jwt_token(&j, &t, &n), str_err);
    clk.sec = HB_JWT_MIN_VALID_DEFAULT;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(1, j.internal_.signs);
    /* a clock failure later keeps the cache: no re-sign when it is back */
    clk.fail = 1;
    ASSERT_ENUM_EQ(HB_ERR_CLOCK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(NULL, t);
    clk.fail = 0;
    clk.sec++;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(1, j.internal_.signs);
    hb_jwt_free(&j);
    /* a custom epoch */
    hs_cfg(&c);
    c.min_valid_sec = T0 + 10;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    clk.sec = T0 + 9;
    ASSERT_ENUM_EQ(HB_ERR_CLOCK, hb_jwt_token(&j, &t, &n), str_err);
    clk.sec = T0 + 10;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    hb_jwt_free(&j);
    /* min_valid_sec 1: any time after 1970 */
    hs_cfg(&c);
    c.min_valid_sec = 1;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    clk.sec = 1;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(0, strncmp(t, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 37));
    /* a time so late that exp would overflow int64 */
    clk.sec = INT64_MAX - 100;
    ASSERT_ENUM_EQ(HB_ERR_CLOCK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT_EQ(NULL, t);
    hb_jwt_free(&j);
    PASS();
}

static int all_zero(const char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != 0) return 0;
    return 1;
}

/* For one algorithm: the exact size works, one byte less fails cleanly at
   every cut, and hb_jwt_buf_size is enough. */
static enum greatest_test_res buffer_sizes_for(int alg, const char *key)
{
    static char small[2048];
    hb_jwt j;
    hb_jwt_config c;
    const char *t;
    size_t n, need, cut, bs;
    reset();
    if (key != NULL) {
        LOAD(key);
        base_cfg(&c, alg);
    } else {
        hs_cfg(&c);
    }
    c.iss = "iss";
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    need = n + 1;
    hb_jwt_free(&j);
    bs = hb_jwt_buf_size(&c);
    ASSERT(bs >= need);
    ASSERT(bs <= need + 40); /* only the 20-digit iat/exp on top */
    for (cut = 1; cut <= need; cut++) {
        c.buf = small;
        c.buf_size = cut;
        memset(small, 0x55, sizeof small);
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
        t = "x";
        if (cut < need) {
            ASSERT_ENUM_EQ(HB_ERR_NOSPACE, hb_jwt_token(&j, &t, &n), str_err);
            ASSERT_EQ(NULL, t);
            ASSERT_EQ(0, n);
            ASSERT(all_zero(small, cut)); /* no partial token left behind */
            ASSERT_EQ(0x55, small[cut]);  /* nothing written past the end */
            ASSERT_EQ(0, j.internal_.signs);
        } else {
            ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
            ASSERT_EQ(need - 1, n);
            ASSERT_EQ(0x55, small[cut]);
        }
        hb_jwt_free(&j);
        if (alg == HB_JWT_RS256 && cut + 400 < need) cut += 37; /* keep it quick */
    }
    /* the hb_jwt_buf_size answer works */
    c.buf_size = bs;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    hb_jwt_free(&j);
    PASS();
}

TEST buffer_too_small_hs256(void) { return buffer_sizes_for(HB_JWT_HS256, NULL); }
TEST buffer_too_small_es256(void) { return buffer_sizes_for(HB_JWT_ES256, "ec.p8.pem"); }
TEST buffer_too_small_rs256(void) { return buffer_sizes_for(HB_JWT_RS256, "rsa.p8.pem"); }

TEST bad_config(void)
{
    hb_jwt j;
    hb_jwt_config c;
    reset();
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_init(NULL, &c), str_err);
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_init(&j, NULL), str_err);
#define BAD(stmt) do { hs_cfg(&c); stmt; memset(&j, 0x77, sizeof j); \
        ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_init(&j, &c), str_err); \
        ASSERT_EQ(0, j.internal_.magic); hb_jwt_free(&j); \
        ASSERT_EQ(0, hb_jwt_buf_size(&c)); } while (0)
    BAD(c.alg = 0);
    BAD(c.alg = 4);
    BAD(c.alg = -1);
    BAD(c.key = NULL);
    BAD(c.key_len = 0);
    BAD(c.key_len = 31);           /* HS256 under 256 bits */
    BAD(c.aud = NULL);
    BAD(c.aud = "");
    BAD(c.clock = NULL);
    BAD(c.refresh_margin_s = 3600);
    BAD((c.refresh_margin_s = 3000, c.skew_s = 600));
    BAD((c.lifetime_s = 10, c.skew_s = 10));
    BAD((c.jti = 1, c.rng = NULL));
    BAD((c.alg = HB_JWT_RS256, c.rng = NULL, c.jti = 1));
#undef BAD
    /* buf is checked by init (hb_jwt_buf_size works without one) */
    hs_cfg(&c);
    c.buf = NULL;
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_init(&j, &c), str_err);
    ASSERT(hb_jwt_buf_size(&c) > 0);
    hs_cfg(&c);
    c.buf_size = 0;
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_init(&j, &c), str_err);
    /* the smallest valid margin/skew split */
    hs_cfg(&c);
    c.lifetime_s = 10;
    c.refresh_margin_s = 5;
    c.skew_s = 4;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    hb_jwt_free(&j);
    hb_jwt_free(&j); /* twice is harmless */
    hb_jwt_free(NULL);
    PASS();
}

TEST misuse_of_token(void)
{
    hb_jwt j;
    hb_jwt_config c;
    const char *t = "x";
    size_t n = 3;
    reset();
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_token(NULL, &t, &n), str_err);
    ASSERT_EQ(NULL, t);
    ASSERT_EQ(0, n);
    memset(&j, 0, sizeof j);
    ASSERT_ENUM_EQ(HB_ERR_STATE, hb_jwt_token(&j, &t, &n), str_err);
    hs_cfg(&c);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_token(&j, NULL, &n), str_err);
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_token(&j, &t, NULL), str_err);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    hb_jwt_free(&j);
    /* after free: zeroised, refused */
    ASSERT(all_zero((const char *)&j, sizeof j));
    ASSERT(all_zero(tok, sizeof tok));
    ASSERT_ENUM_EQ(HB_ERR_STATE, hb_jwt_token(&j, &t, &n), str_err);
    PASS();
}

TEST bad_keys(void)
{
    static const char *bad[] = { "garbage.der", "nohdr.txt", "rsa.pub.pem", "ec.pub.pem" };
    hb_jwt j;
    hb_jwt_config c;
    size_t i;
    int alg;
    reset();
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        for (alg = HB_JWT_RS256; alg <= HB_JWT_ES256; alg++) {
            LOAD(bad[i]);
            base_cfg(&c, alg);
            ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_init(&j, &c), str_err);
            hb_jwt_free(&j);
        }
    }
    /* PEM whose length leaves out the NUL, and a truncated DER */
    LOAD("ec.p8.pem");
    base_cfg(&c, HB_JWT_ES256);
    c.key_len--;
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_init(&j, &c), str_err);
    LOAD("rsa.p8.der");
    base_cfg(&c, HB_JWT_RS256);
    c.key_len -= 10;
    ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_init(&j, &c), str_err);
    PASS();
}

TEST wrong_key_type(void)
{
    hb_jwt j;
    hb_jwt_config c;
    reset();
#define WRONG(file, alg) do { LOAD(file); base_cfg(&c, alg); \
        ASSERT_ENUM_EQ(HB_ERR_ARG, hb_jwt_init(&j, &c), str_err); \
        ASSERT_EQ(0, j.internal_.magic); } while (0)
    WRONG("ec.p8.pem", HB_JWT_RS256);
    WRONG("ec.sec1.der", HB_JWT_RS256);
    WRONG("rsa.p8.pem", HB_JWT_ES256);
    WRONG("rsa.p1.der", HB_JWT_ES256);
    WRONG("ec384.p8.pem", HB_JWT_ES256);   /* P-384 is ES384's */
    WRONG("ec384.sec1.der", HB_JWT_ES256);
    WRONG("rsa1024.p8.pem", HB_JWT_RS256); /* under 2048 bits */
#undef WRONG
    /* 4096 bits is the top: accepted, and signs */
    LOAD("rsa4096.p1.pem");
    base_cfg(&c, HB_JWT_RS256);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    hb_jwt_free(&j);
    PASS();
}

TEST every_key_format_loads(void)
{
    static const struct { const char *file; int alg; } ok[] = {
        { "rsa.p8.pem", HB_JWT_RS256 }, { "rsa.p8.der", HB_JWT_RS256 },
        { "rsa.p1.pem", HB_JWT_RS256 }, { "rsa.p1.der", HB_JWT_RS256 },
        { "ec.p8.pem", HB_JWT_ES256 },  { "ec.p8.der", HB_JWT_ES256 },
        { "ec.sec1.pem", HB_JWT_ES256 }, { "ec.sec1.der", HB_JWT_ES256 },
    };
    char hdr[256], cl[256];
    hb_jwt j;
    hb_jwt_config c;
    const char *t;
    size_t i, n, sl;
    reset();
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        LOAD(ok[i].file);
        base_cfg(&c, ok[i].alg);
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
        ASSERT_EQ(0, split(t, hdr, cl, &sl));
        ASSERT_EQ(ok[i].alg == HB_JWT_RS256 ? 256u : 64u, sl);
        hb_jwt_free(&j);
    }
    PASS();
}

TEST signing_failure_via_failing_rng(void)
{
    hb_jwt j;
    hb_jwt_config c;
    const char *t = "x";
    size_t n = 5;
    int alg;
    for (alg = HB_JWT_RS256; alg <= HB_JWT_ES256; alg++) {
        reset();
        LOAD(alg == HB_JWT_RS256 ? "rsa.p8.pem" : "ec.p8.pem");
        base_cfg(&c, alg);
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
        rng.fail = 1;
        clk.sec += 3600; /* expired: must re-sign, and cannot */
        ASSERT_ENUM_EQ(HB_ERR_CRYPTO, hb_jwt_token(&j, &t, &n), str_err);
        ASSERT_EQ(NULL, t);
        ASSERT_EQ(0, n);
        ASSERT(all_zero(tok, sizeof tok)); /* the old token is gone too */
        ASSERT(j.internal_.mbedtls_err != 0);
        /* and it recovers with the rng */
        rng.fail = 0;
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
        ASSERT_EQ(2, j.internal_.signs);
        hb_jwt_free(&j);
    }
    /* jti's random bytes failing */
    reset();
    hs_cfg(&c);
    c.jti = 1;
    rng.fail = 1;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    ASSERT_ENUM_EQ(HB_ERR_CRYPTO, hb_jwt_token(&j, &t, &n), str_err);
    hb_jwt_free(&j);
    PASS();
}

TEST es256_is_deterministic_and_raw(void)
{
    char first[512], hdr[256], cl[256];
    hb_jwt j;
    hb_jwt_config c;
    const char *t;
    size_t n, sl;
    int pass;
    reset();
    LOAD("ec.sec1.der");
    /* RFC 6979: same key and message, same signature, whatever the
       blinding rng (the caller's with two seeds, then the internal one) */
    for (pass = 0; pass < 3; pass++) {
        base_cfg(&c, HB_JWT_ES256);
        rng.s = 1000u + (uint32_t)pass;
        if (pass == 2) c.rng = NULL;
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
        ASSERT_EQ(0, split(t, hdr, cl, &sl));
        ASSERT_EQ(64, sl);                      /* raw r||s, not DER */
        ASSERT_EQ(86, strlen(strrchr(t, '.') + 1));
        if (pass == 0) strcpy(first, t);
        else ASSERT_STR_EQ(first, t);
        hb_jwt_free(&j);
    }
    PASS();
}

TEST rs256_without_rng_uses_internal_blinding(void)
{
    /* PKCS#1 v1.5 is deterministic: the caller's rng and the internal
       blinding generator give the same token, and alg + key is enough */
    char first[1024], hdr[256], cl[256];
    hb_jwt j;
    hb_jwt_config c;
    const char *t;
    size_t n, sl;
    int pass;
    int calls;
    reset();
    LOAD("rsa.p8.pem");
    for (pass = 0; pass < 3; pass++) {
        base_cfg(&c, HB_JWT_RS256);
        rng.s = 7000u + (uint32_t)pass;
        if (pass == 2) c.rng = NULL;
        calls = rng.calls;
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
        ASSERT(hb_jwt_buf_size(&c) > 0);
        ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
        ASSERT_EQ(0, split(t, hdr, cl, &sl));
        ASSERT_EQ(256, sl);                     /* RSA-2048 */
        if (pass == 2) ASSERT_EQ(calls, rng.calls);   /* not the caller's */
        else ASSERT(rng.calls > calls);                /* the caller's */
        if (pass == 0) strcpy(first, t);
        else ASSERT_STR_EQ(first, t);
        hb_jwt_free(&j);
    }
    PASS();
}

TEST hs256_long_key_is_hashed(void)
{
    /* HMAC: a key longer than the 64-byte block acts as its SHA-256. */
    unsigned char longkey[100];
    char a[512];
    hb_jwt j;
    hb_jwt_config c;
    const char *t;
    size_t n, i;
    reset();
    for (i = 0; i < sizeof longkey; i++) longkey[i] = (unsigned char)(i * 7 + 1);
    hs_cfg(&c);
    c.key = longkey;
    c.key_len = sizeof longkey;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    ASSERT_EQ(32, j.internal_.hkey_len);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    strcpy(a, t);
    /* 64 bytes: kept as is, and a different signature */
    hb_jwt_free(&j);
    c.key_len = 64;
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &c), str_err);
    ASSERT_EQ(64, j.internal_.hkey_len);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    ASSERT(strcmp(a, t) != 0);
    hb_jwt_free(&j);
    PASS();
}

/* ---- with the service ---------------------------------------------------- */

typedef struct svc_rec {
    char last[2048];
    int  n;
} svc_rec;

static int svc_publish(void *user, const char *topic, const char *payload,
                       size_t len, int qos)
{
    svc_rec *r = (svc_rec *)user;
    (void)topic;
    (void)qos;
    if (len >= sizeof r->last) return -1;
    memcpy(r->last, payload, len + 1);
    r->n++;
    return 0;
}

static int svc_clock(void *user, hb_time *now)
{
    (void)user;
    return jclock_read(&clk, now);
}

TEST feeds_the_service(void)
{
    static char payload[2048];
    static svc_rec rec;
    hb_jwt j;
    hb_jwt_config jc;
    hb_config c;
    hb_service s;
    const char *t;
    size_t n;
    uint32_t now = 5;
    char want[1024];
    reset();
    memset(&rec, 0, sizeof rec);
    LOAD("ec.p8.pem");
    base_cfg(&jc, HB_JWT_ES256);
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_init(&j, &jc), str_err);
    memset(&c, 0, sizeof c);
    c.topic = "devices/d1/heartbeat";
    c.interval_ms = 60000;
    c.device_id = "d1";
    c.publish = svc_publish;
    c.clock = svc_clock;
    c.user = &rec;
    c.token = hb_jwt_token;
    c.token_user = &j;
    c.buf = payload;
    c.buf_size = hb_buf_size(&c, hb_jwt_buf_size(&jc));
    ASSERT(c.buf_size > 0 && c.buf_size <= sizeof payload);
    ASSERT_ENUM_EQ(HB_OK, hb_init(&s, &c), str_err);
    ASSERT_ENUM_EQ(HB_OK, hb_start(&s, now), str_err);
    /* a beat a minute for two hours: lifetime 3600, margin 900 */
    for (n = 0; n < 120; n++) {
        now += 60000;
        clk.sec += 60;
        hb_poll(&s, now);
    }
    ASSERT_EQ(120, rec.n);
    ASSERT_EQ(3, j.internal_.signs); /* T0+60, T0+2760, T0+5460 */
    ASSERT_ENUM_EQ(HB_OK, hb_jwt_token(&j, &t, &n), str_err);
    snprintf(want, sizeof want, "\"jwt_token\":\"%s\"}", t);
    ASSERT(strstr(rec.last, want) != NULL);
    hb_stop(&s, now);
    hb_jwt_free(&j);
    PASS();
}

SUITE(jwt)
{
    RUN_TEST(b64url_rfc4648_vectors);
    RUN_TEST(b64url_alphabet_is_url_safe);
    RUN_TEST(b64url_sizes_and_args);
    RUN_TEST(hs256_known_answer);
    RUN_TEST(header_and_claims_decode_for_every_length);
    RUN_TEST(claims_iss_sub_jti_and_64bit_time);
    RUN_TEST(refresh_exactly_at_margin);
    RUN_TEST(default_margin_is_a_quarter_of_lifetime);
    RUN_TEST(skew_backdates_iat);
    RUN_TEST(clock_failure_and_unsynced);
    RUN_TEST(buffer_too_small_hs256);
    RUN_TEST(buffer_too_small_es256);
    RUN_TEST(buffer_too_small_rs256);
    RUN_TEST(bad_config);
    RUN_TEST(misuse_of_token);
    RUN_TEST(bad_keys);
    RUN_TEST(wrong_key_type);
    RUN_TEST(every_key_format_loads);
    RUN_TEST(signing_failure_via_failing_rng);
    RUN_TEST(es256_is_deterministic_and_raw);
    RUN_TEST(rs256_without_rng_uses_internal_blinding);
    RUN_TEST(hs256_long_key_is_hashed);
    RUN_TEST(feeds_the_service);
}
#endif /* HEARTBEAT_MBEDTLS */
