/* wip/hb_jwt.h - the built-in JWT signer (HEARTBEAT_MBEDTLS), to be spliced
   into heartbeat.h. Until then, include it right after heartbeat.h:

       #define HEARTBEAT_MBEDTLS            (set everywhere)
       #define HEARTBEAT_IMPLEMENTATION     (in one file only)
       #include "heartbeat.h"
       #include "wip/hb_jwt.h"

   The file has three parts, each between BEGIN/END marker lines:
     A1  includes      -> heartbeat.h, after `#include <stdint.h>`
     A2  declarations  -> heartbeat.h, inside extern "C", after the prototype
                          of hb_buf_size (the last core declaration)
     B   implementation -> heartbeat.h, inside the implementation block, just
                          before the core's closing `#undef HBI_ST_STOPPED`
   Lines marked "WIP-ONLY" stay behind: they exist only so this file works
   as a separate include. SPDX-License-Identifier: MIT */

/* WIP-ONLY: the declaration guard (heartbeat.h's HEARTBEAT_H does this). */
#ifndef HEARTBEAT_JWT_WIP_H
#define HEARTBEAT_JWT_WIP_H

/* ==== BEGIN SECTION A1: includes ========================================== */
#if defined(HEARTBEAT_MBEDTLS)
/* The signer's state holds an mbedtls_pk_context, so its type (and with it
   these headers) must be visible wherever hb_jwt is declared. */
#  include <mbedtls/version.h>
#  include <mbedtls/pk.h>
#  if !defined(MBEDTLS_VERSION_NUMBER) || MBEDTLS_VERSION_NUMBER < 0x021C0000 \
      || MBEDTLS_VERSION_NUMBER >= 0x04000000
#    error "heartbeat.h: HEARTBEAT_MBEDTLS needs mbedTLS 2.28.x or 3.x (4.x removed the pk signing API)"
#  endif
#endif
/* ==== END SECTION A1 ====================================================== */

#ifdef __cplusplus /* WIP-ONLY */
extern "C" {       /* WIP-ONLY */
#endif             /* WIP-ONLY */

/* ==== BEGIN SECTION A2: declarations ====================================== */
#if defined(HEARTBEAT_MBEDTLS)
/* ---- the built-in JWT signer (HEARTBEAT_MBEDTLS) -------------------------
   Makes the token for the "jwt_token" field and hands it to the service as
   an hb_token_fn:

       static hb_jwt jwt;
       hb_jwt_config jc = {0};
       jc.alg = HB_JWT_ES256;  jc.key = pem;  jc.key_len = strlen(pem) + 1;
       jc.aud = "my-project";  jc.clock = my_clock;
       jc.buf = tokbuf;        jc.buf_size = sizeof tokbuf;
       if (hb_jwt_init(&jwt, &jc) != HB_OK) ...;
       cfg.token = hb_jwt_token;  cfg.token_user = &jwt;

   Tokens are JWS compact serialisation (RFC 7515/7519): base64url without
   padding of {"alg":"ES256","typ":"JWT"} . {"iat":..,"exp":..,"aud":..,
   ["iss"],["sub"],["jti"]} . signature. exp = iat + lifetime_s exactly.

   Algorithms:
   - HB_JWT_HS256: HMAC-SHA-256; key = the secret bytes, at least 32 of
     them (RFC 7518 3.2). The signer keeps its own copy (a key longer than
     64 bytes is kept as its SHA-256, which HMAC treats the same way).
   - HB_JWT_RS256: RSASSA-PKCS1-v1_5 with SHA-256; an RSA private key of
     2048..4096 bits. RSA blinding needs randomness: cfg.rng is REQUIRED
     (hb_jwt_init returns HB_ERR_ARG without it). Give it your TRNG, or
     mbedtls_ctr_drbg_random with its context as rng_user.
   - HB_JWT_ES256: ECDSA on P-256 with SHA-256, deterministic (RFC 6979),
     so the signature does not depend on any RNG; the signature is the raw
     64-byte r||s that JWS requires, not DER. The scalar multiplication is
     still blinded against side channels: with cfg.rng the blinding comes
     from it, without it from an internal generator (SHA-256 of a secret
     seed derived from the key, and a counter). Pass rng when you have one.
   RS256/ES256 keys are PEM or DER: PKCS#8, PKCS#1 (RSA) or SEC1 (EC),
   unencrypted. For PEM, key_len counts the terminating NUL. The key is
   parsed once, in hb_jwt_init; the caller's key buffer is not kept.

   Caching: a token is signed on the first hb_jwt_token call and handed out
   again until now >= exp - refresh_margin_s (or the clock went back before
   iat); then a new one is signed. With a beat every minute and the default
   one-hour lifetime, that is one signature per 45 beats.

   No token is minted while the clock fails or reads below min_valid_sec
   (default 2024-01-01): a device that has not synced yet would otherwise
   send tokens from 1970 that every server refuses.

   mbedTLS allocates the parsed key's numbers on its heap (mbedtls_calloc);
   the signer itself allocates nothing. For a static pool, build mbedTLS
   with MBEDTLS_MEMORY_BUFFER_ALLOC_C. Supported: mbedTLS 2.28 and 3.x
   (tested with 3.6); with MBEDTLS_USE_PSA_CRYPTO in a 3.x build, call
   psa_crypto_init() before hb_jwt_init. Stack: about 1.1 KB of the
   signer's own while signing (gcc -O1, x86-64; the signature, up to
   RSA-4096, sits on the stack), plus what mbedTLS uses. */

enum { HB_JWT_HS256 = 1, HB_JWT_RS256 = 2, HB_JWT_ES256 = 3 };

#define HB_JWT_LIFETIME_DEFAULT  3600u    /* s, when lifetime_s is 0 */
/* 2024-01-01T00:00:00Z: below this a clock is taken as never synced. */
#define HB_JWT_MIN_VALID_DEFAULT INT64_C(1704067200)

/* Random bytes: fill out[0..len), return 0, or non-zero on failure. The
   same type as mbedTLS's f_rng, so mbedtls_ctr_drbg_random fits. */
typedef int (*hb_jwt_rng_fn)(void *user, unsigned char *out, size_t len);

typedef struct hb_jwt_config {
    int                  alg;        /* HB_JWT_HS256, HB_JWT_RS256, HB_JWT_ES256 */
    const unsigned char *key;        /* HS256: secret bytes (>= 32);
                                        RS/ES: PEM or DER private key */
    size_t               key_len;    /* for PEM, include the terminating NUL */
    const char          *aud;        /* "aud" claim, required, non-empty,
                                        NUL-terminated; must stay valid */
    uint32_t             lifetime_s; /* exp - iat; 0 = 3600 */
    hb_clock_fn          clock;      /* Unix time for iat/exp, required */
    void                *clock_user;
    char                *buf;        /* token buffer, caller-owned, valid
                                        until hb_jwt_free (which zeroes it);
                                        size it with hb_jwt_buf_size() */
    size_t               buf_size;
    /* ---- options: zero = default ---- */
    const char          *iss;        /* "iss" claim; NULL = none; must stay valid */
    const char          *sub;        /* "sub" claim; NULL = none; must stay valid */
    int                  jti;        /* non-zero: a "jti" of 16 random bytes
                                        (22 base64url chars) per token; needs rng */
    uint32_t             refresh_margin_s; /* re-sign when now >= exp - margin;
                                        0 = lifetime_s / 4 */
    uint32_t             skew_s;     /* iat = now - skew_s, for verifiers whose
                                        clock is behind; 0 = none.
                                        margin + skew must be < lifetime */
    int64_t              min_valid_sec; /* clock below this = unsynced, no
                                        token; 0 = HB_JWT_MIN_VALID_DEFAULT.
                                        Set 1 to accept any time after 1970 */
    hb_jwt_rng_fn        rng;        /* required for RS256 and jti; optional
                                        for ES256 (blinding); unused by HS256 */
    void                *rng_user;
} hb_jwt_config;

/* The signer's state: private, do not touch (a file-scope tag, as for
   hb_service, so C and C++ name it alike). */
struct hb_jwt_internal {
    hb_jwt_config      cfg;       /* hb_jwt_init's copy, defaults resolved */
    mbedtls_pk_context pk;        /* RS256/ES256 private key */
    unsigned char      hkey[64];  /* HS256 key (or SHA-256 of a long one) */
    unsigned char      seed[32];  /* internal blinding generator's secret */
    uint64_t           ctr;       /* ... and its counter */
    int64_t            iat;       /* the cached token's claims */
    int64_t            exp;
    size_t             len;       /* cached token length; 0 = none */
    size_t             hkey_len;
    uint32_t           signs;     /* tokens signed since hb_jwt_init */
    int                mbedtls_err; /* last mbedTLS error code, for debugging */
    uint32_t           magic;     /* set by hb_jwt_init, cleared by free */
};

/* The signer. All members are private; the storage is yours. */
typedef struct hb_jwt {
    struct hb_jwt_internal internal_;
} hb_jwt;

/* Validates cfg, parses the key and makes jwt ready; signs nothing yet.
   HB_ERR_ARG for a bad config: unknown or unavailable alg, NULL/empty aud,
   NULL clock or buf, buf_size 0, margin + skew >= lifetime, an HS256 key
   under 32 bytes, a key that does not parse, a key of the wrong type or
   size for alg, RS256 or jti without rng. On failure jwt is zeroed, so
   hb_jwt_free on it is harmless. */
HEARTBEAT_DEF int    hb_jwt_init(hb_jwt *jwt, const hb_jwt_config *cfg);
/* An hb_token_fn: cfg.token = hb_jwt_token, cfg.token_user = &jwt.
   Sets *token and *len to the cached token in cfg.buf (NUL-terminated), signing
   a new one first when needed. On failure *token = NULL and *len = 0:
   HB_ERR_CLOCK (clock failed or below min_valid_sec; the cached token is
   kept for when the clock is back), HB_ERR_NOSPACE (buf too small) or
   HB_ERR_CRYPTO (signing or rng failed), after which the buffer is zeroed
   and the cache empty; HB_ERR_ARG (NULL), HB_ERR_STATE (not initialised). */
HEARTBEAT_DEF int    hb_jwt_token(void *jwt, const char **token, size_t *len);
/* Frees the key, zeroises the signer and the token buffer. NULL, a failed
   init and a second call are harmless. */
HEARTBEAT_DEF void   hb_jwt_free(hb_jwt *jwt);
/* The buf_size that holds any token this config can make (NUL included),
   for the widest iat/exp; 0 for a config hb_jwt_init would reject. For
   RS256 it parses the key to learn its size, so call it while cfg->key is
   still valid (cfg->buf may be NULL). Use the answer for the service too:
   hb_buf_size(&cfg, hb_jwt_buf_size(&jc)). */
HEARTBEAT_DEF size_t hb_jwt_buf_size(const hb_jwt_config *cfg);
/* base64url without padding (RFC 4648 section 5) of src[0..n) into dst,
   NUL-terminated. *out_len (may be NULL) gets the length without the NUL.
   HB_ERR_NOSPACE (dst untouched) when size < the length + 1; HB_ERR_ARG
   for NULL pointers. dst and src must not overlap. */
HEARTBEAT_DEF int    hb_jwt_b64url(char *dst, size_t size, const void *src,
                                   size_t n, size_t *out_len);
#endif /* HEARTBEAT_MBEDTLS */
/* ==== END SECTION A2 ====================================================== */

#ifdef __cplusplus /* WIP-ONLY */
}                  /* WIP-ONLY */
#endif             /* WIP-ONLY */
#endif /* HEARTBEAT_JWT_WIP_H   WIP-ONLY */

/* WIP-ONLY: the implementation guard and the memory hooks, which heartbeat.h
   provides (and #undefs at its end) around its own implementation. */
#if defined(HEARTBEAT_IMPLEMENTATION) && !defined(HEARTBEAT_JWT_WIP_IMPL)
#define HEARTBEAT_JWT_WIP_IMPL
#ifndef HB_MEMCPY
#  include <string.h>
#  define HB_MEMCPY(d, s, n) memcpy((d), (s), (n))
#  define HB_MEMSET(d, c, n) memset((d), (c), (n))
#  define HB_STRLEN(s)       strlen(s)
#  define HBI_JWT_WIP_HOOKS
#endif

/* ==== BEGIN SECTION B: implementation ===================================== */
#if defined(HEARTBEAT_MBEDTLS)
/* ---- the built-in JWT signer ------------------------------------------- */
#include <mbedtls/md.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/ecp.h>
#include <mbedtls/bignum.h>
#include <mbedtls/platform_util.h>

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#  define HBI_JWT_MBEDTLS3 1
#else
#  define HBI_JWT_MBEDTLS3 0
#endif
#if !defined(MBEDTLS_MD_C) || (!defined(MBEDTLS_SHA256_C) && !defined(MBEDTLS_MD_CAN_SHA256))
#  error "heartbeat.h: HEARTBEAT_MBEDTLS needs MBEDTLS_MD_C and SHA-256 in the mbedTLS config"
#endif
/* Each asymmetric algorithm exists when the mbedTLS build has what it needs;
   asking for a missing one is HB_ERR_ARG at init, not a build error. */
#if defined(MBEDTLS_PK_PARSE_C) && defined(MBEDTLS_RSA_C) && defined(MBEDTLS_PKCS1_V15)
#  define HBI_JWT_HAVE_RS 1
#else
#  define HBI_JWT_HAVE_RS 0
#endif
#if defined(MBEDTLS_PK_PARSE_C) && defined(MBEDTLS_ECDSA_C) \
    && defined(MBEDTLS_ECDSA_DETERMINISTIC) && defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
#  define HBI_JWT_HAVE_ES 1
#else
#  define HBI_JWT_HAVE_ES 0
#endif

/* The internal blinding generator serves ES256, and mbedTLS 3's parser. */
#if HBI_JWT_HAVE_ES || (HBI_JWT_MBEDTLS3 && HBI_JWT_HAVE_RS)
#  define HBI_JWT_NEED_BLIND 1
#else
#  define HBI_JWT_NEED_BLIND 0
#endif

#define HBI_JWT_MAGIC    0x4A575431u  /* "JWT1" */
#define HBI_JWT_SIG_MAX  512u         /* RSA-4096 */
#define HBI_JWT_RSA_MIN  2048u        /* bits, RFC 7518 3.3 */
#define HBI_JWT_RSA_MAX  4096u
#define HBI_JWT_HS_MIN   32u          /* bytes, RFC 7518 3.2 */
#define HBI_JWT_JTI_BYTES 16u
/* base64url length of n bytes, no padding. Only for n < SIZE_MAX / 4 * 3. */
#define HBI_JWT_B64LEN(n) ((n) / 3u * 4u + ((n) % 3u ? (n) % 3u + 1u : 0u))

typedef struct hb_jwt_internal hbi_jwt_state;

static const char hbi_jwt_b64_alphabet[65] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url of src[0..n) into dst, no padding, no NUL; returns the length.
   Each group of 3 input bytes is read before its 4 output bytes are written,
   so it also works in place when the input sits at the *end* of the output
   area: src == dst + HBI_JWT_B64LEN(n) - n. (Group k writes up to
   dst + 4k + 3 while the next unread byte is at dst + (E - n) + 3k + 3, and
   E - n >= number of whole groups.) The token builder relies on this. */
static size_t hbi_b64url(char *dst, const unsigned char *src, size_t n)
{
    size_t i = 0, o = 0;
    uint32_t v;
    for (; n - i >= 3u; i += 3u) {
        v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1u] << 8 | src[i + 2u];
        dst[o++] = hbi_jwt_b64_alphabet[v >> 18];
        dst[o++] = hbi_jwt_b64_alphabet[(v >> 12) & 63u];
        dst[o++] = hbi_jwt_b64_alphabet[(v >> 6) & 63u];
        dst[o++] = hbi_jwt_b64_alphabet[v & 63u];
    }
    if (n - i == 1u) {
        v = (uint32_t)src[i] << 16;
        dst[o++] = hbi_jwt_b64_alphabet[v >> 18];
        dst[o++] = hbi_jwt_b64_alphabet[(v >> 12) & 63u];
    } else if (n - i == 2u) {
        v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1u] << 8;
        dst[o++] = hbi_jwt_b64_alphabet[v >> 18];
        dst[o++] = hbi_jwt_b64_alphabet[(v >> 12) & 63u];
        dst[o++] = hbi_jwt_b64_alphabet[(v >> 6) & 63u];
    }
    return o;
}

HEARTBEAT_DEF int hb_jwt_b64url(char *dst, size_t size, const void *src,
                                size_t n, size_t *out_len)
{
    size_t e;
    if (out_len != NULL) *out_len = 0;
    if (dst == NULL || (src == NULL && n != 0)) return HB_ERR_ARG;
    if (n >= SIZE_MAX / 4u * 3u) return HB_ERR_NOSPACE;
    e = HBI_JWT_B64LEN(n);
    if (size <= e) return HB_ERR_NOSPACE;
    hbi_b64url(dst, (const unsigned char *)src, n);
    dst[e] = '\0';
    if (out_len != NULL) *out_len = e;
    return HB_OK;
}

static const mbedtls_md_info_t *hbi_jwt_sha256(void)
{
    return mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
}

#if HBI_JWT_NEED_BLIND
/* The internal blinding generator for ES256 without cfg.rng: block k is
   SHA-256(seed || counter), the counter never repeats for one signer, and
   the seed is a hash of the private key, unknown to whoever lacks the key.
   It only blinds the curve arithmetic; the ECDSA nonce is RFC 6979's. */
static int hbi_jwt_blind(void *user, unsigned char *out, size_t len)
{
    hbi_jwt_state *in = (hbi_jwt_state *)user;
    unsigned char blk[40], h[32];
    size_t n;
    int i, rc = 0;
    HB_MEMCPY(blk, in->seed, 32);
    while (len > 0 && rc == 0) {
        for (i = 0; i < 8; i++)
            blk[32 + i] = (unsigned char)(in->ctr >> (56 - 8 * i));
        in->ctr++;
        rc = mbedtls_md(hbi_jwt_sha256(), blk, sizeof blk, h);
        n = len < sizeof h ? len : sizeof h;
        HB_MEMCPY(out, h, n);
        out += n;
        len -= n;
    }
    mbedtls_platform_zeroize(blk, sizeof blk);
    mbedtls_platform_zeroize(h, sizeof h);
    return rc;
}

/* The rng for blinding: the caller's, else the internal one. */
static hb_jwt_rng_fn hbi_jwt_rng(hbi_jwt_state *in, void **user)
{
    if (in->cfg.rng != NULL) {
        *user = in->cfg.rng_user;
        return in->cfg.rng;
    }
    *user = in;
    return hbi_jwt_blind;
}
#endif

#if HBI_JWT_HAVE_RS || HBI_JWT_HAVE_ES
static int hbi_jwt_parse_key(hbi_jwt_state *in,
                             const unsigned char *key, size_t key_len)
{
#if HBI_JWT_MBEDTLS3
    void *ru;
    hb_jwt_rng_fn rf = hbi_jwt_rng(in, &ru);
    return mbedtls_pk_parse_key(&in->pk, key, key_len, NULL, 0, rf, ru);
#else
    return mbedtls_pk_parse_key(&in->pk, key, key_len, NULL, 0);
#endif
}
#endif

#if HBI_JWT_HAVE_ES
static int hbi_jwt_is_p256(hbi_jwt_state *in)
{
#  if HBI_JWT_MBEDTLS3
    /* 3.x keeps the keypair's members private; export is public API. */
    mbedtls_ecp_group grp;
    int ok;
    mbedtls_ecp_group_init(&grp);
    ok = mbedtls_ecp_export(mbedtls_pk_ec(in->pk), &grp, NULL, NULL) == 0
         && grp.id == MBEDTLS_ECP_DP_SECP256R1;
    mbedtls_ecp_group_free(&grp);
    return ok;
#  else
    return mbedtls_pk_ec(in->pk)->grp.id == MBEDTLS_ECP_DP_SECP256R1;
#  endif
}
#endif

/* Parses and checks the key for cfg->alg into in->pk / in->hkey. */
static int hbi_jwt_load_key(hbi_jwt_state *in)
{
    const hb_jwt_config *c = &in->cfg;

    if (c->alg == HB_JWT_HS256) {
        if (c->key_len > sizeof in->hkey) {
            /* HMAC hashes a key longer than its block first (RFC 2104). */
            if (mbedtls_md(hbi_jwt_sha256(), c->key, c->key_len, in->hkey) != 0)
                return HB_ERR_CRYPTO;
            in->hkey_len = 32;
        } else {
            HB_MEMCPY(in->hkey, c->key, c->key_len);
            in->hkey_len = c->key_len;
        }
        return HB_OK;
    }
#if !HBI_JWT_HAVE_RS && !HBI_JWT_HAVE_ES
    return HB_ERR_ARG; /* unreachable: hbi_jwt_check refused the alg */
#else
    size_t bits;
    int rc;
    /* Seed the internal blinding generator from the key itself (also used
       by mbedTLS 3's parser to blind computing an EC public key). */
    if (mbedtls_md(hbi_jwt_sha256(), c->key, c->key_len, in->seed) != 0)
        return HB_ERR_CRYPTO;
    rc = hbi_jwt_parse_key(in, c->key, c->key_len);
    if (rc != 0) {
        in->mbedtls_err = rc;
        return HB_ERR_ARG;
    }
    bits = mbedtls_pk_get_bitlen(&in->pk);
#if HBI_JWT_HAVE_RS
    if (c->alg == HB_JWT_RS256)
        return mbedtls_pk_get_type(&in->pk) == MBEDTLS_PK_RSA
               && bits >= HBI_JWT_RSA_MIN && bits <= HBI_JWT_RSA_MAX
               ? HB_OK : HB_ERR_ARG;
#endif
#if HBI_JWT_HAVE_ES
    if (c->alg == HB_JWT_ES256)
        return mbedtls_pk_can_do(&in->pk, MBEDTLS_PK_ECDSA) && hbi_jwt_is_p256(in)
               ? HB_OK : HB_ERR_ARG;
#endif
    (void)bits;
    return HB_ERR_ARG;
#endif
}

/* Checks the config and resolves its defaults into in->cfg. */
static int hbi_jwt_check(hb_jwt_config *c)
{
    if (c->alg == HB_JWT_HS256) {
        if (c->key_len < HBI_JWT_HS_MIN) return HB_ERR_ARG;
    } else if (c->alg == HB_JWT_RS256) {
        if (!HBI_JWT_HAVE_RS || c->rng == NULL) return HB_ERR_ARG;
    } else if (c->alg == HB_JWT_ES256) {
        if (!HBI_JWT_HAVE_ES) return HB_ERR_ARG;
    } else {
        return HB_ERR_ARG;
    }
    if (c->key == NULL || c->key_len == 0 || c->aud == NULL || c->aud[0] == '\0'
        || c->clock == NULL || c->buf == NULL || c->buf_size == 0
        || (c->jti && c->rng == NULL))
        return HB_ERR_ARG;
    if (c->lifetime_s == 0) c->lifetime_s = HB_JWT_LIFETIME_DEFAULT;
    if (c->refresh_margin_s == 0) c->refresh_margin_s = c->lifetime_s / 4u;
    if (c->min_valid_sec == 0) c->min_valid_sec = HB_JWT_MIN_VALID_DEFAULT;
    /* A token must stay usable for a while, or every call would re-sign. */
    if ((uint64_t)c->refresh_margin_s + c->skew_s >= c->lifetime_s)
        return HB_ERR_ARG;
    return HB_OK;
}

HEARTBEAT_DEF int hb_jwt_init(hb_jwt *jwt, const hb_jwt_config *cfg)
{
    hbi_jwt_state *in;
    int rc;
    if (jwt == NULL) return HB_ERR_ARG;
    in = &jwt->internal_;
    HB_MEMSET(jwt, 0, sizeof *jwt);
    if (cfg == NULL) return HB_ERR_ARG;
    in->cfg = *cfg;
    rc = hbi_jwt_check(&in->cfg);
    if (rc != HB_OK) {
        HB_MEMSET(jwt, 0, sizeof *jwt);
        return rc;
    }
    mbedtls_pk_init(&in->pk);
    rc = hbi_jwt_load_key(in);
    /* The key lives on in pk / hkey; drop the pointer to the caller's copy. */
    in->cfg.key = NULL;
    if (rc != HB_OK) {
        mbedtls_pk_free(&in->pk);
        mbedtls_platform_zeroize(jwt, sizeof *jwt);
        return rc;
    }
    in->cfg.buf[0] = '\0';
    in->magic = HBI_JWT_MAGIC;
    return HB_OK;
}

HEARTBEAT_DEF void hb_jwt_free(hb_jwt *jwt)
{
    hbi_jwt_state *in;
    if (jwt == NULL) return;
    in = &jwt->internal_;
    if (in->magic == HBI_JWT_MAGIC) {
        mbedtls_pk_free(&in->pk);
        /* The token is a bearer credential until it expires. */
        mbedtls_platform_zeroize(in->cfg.buf, in->cfg.buf_size);
    }
    mbedtls_platform_zeroize(jwt, sizeof *jwt);
}

/* Writes the header (claims == 0) or the claims object. */
static void hbi_jwt_json(const hbi_jwt_state *in, hb_json *w,
                         int claims, int64_t iat, int64_t exp, const char *jti)
{
    const hb_jwt_config *c = &in->cfg;
    static const char *const algs[4] = { "", "HS256", "RS256", "ES256" };
    hb_json_begin_object(w);
    if (!claims) {
        hb_json_key(w, "alg", 3);
        hb_json_string(w, algs[c->alg], 5);
        hb_json_key(w, "typ", 3);
        hb_json_string(w, "JWT", 3);
    } else {
        hb_json_key(w, "iat", 3);
        hb_json_int(w, iat);
        hb_json_key(w, "exp", 3);
        hb_json_int(w, exp);
        hb_json_key(w, "aud", 3);
        hb_json_string(w, c->aud, HB_STRLEN(c->aud));
        if (c->iss != NULL) {
            hb_json_key(w, "iss", 3);
            hb_json_string(w, c->iss, HB_STRLEN(c->iss));
        }
        if (c->sub != NULL) {
            hb_json_key(w, "sub", 3);
            hb_json_string(w, c->sub, HB_STRLEN(c->sub));
        }
        if (jti != NULL) {
            hb_json_key(w, "jti", 3);
            hb_json_string(w, jti, HBI_JWT_B64LEN(HBI_JWT_JTI_BYTES));
        }
    }
    hb_json_end_object(w);
}

/* Appends base64url(JSON) at buf[*pos]: the JSON is measured, written at
   the end of the area its encoding will take, then encoded in place. */
static int hbi_jwt_put_json(hbi_jwt_state *in, size_t *pos, int claims,
                            int64_t iat, int64_t exp, const char *jti)
{
    hb_json w;
    size_t l, l2, e;
    int rc;
    char *at;
    hb_json_init(&w, NULL, 0);
    hbi_jwt_json(in, &w, claims, iat, exp, jti);
    rc = hb_json_finish(&w, &l);
    if (rc != HB_OK) return rc;
    e = HBI_JWT_B64LEN(l);
    /* + 1: the writer's NUL lands one past the encoded area. */
    if (in->cfg.buf_size - *pos < e + 1u) return HB_ERR_NOSPACE;
    at = in->cfg.buf + *pos + (e - l);
    hb_json_init(&w, at, l + 1u);
    hbi_jwt_json(in, &w, claims, iat, exp, jti);
    rc = hb_json_finish(&w, &l2);
    if (rc != HB_OK || l2 != l) return rc != HB_OK ? rc : HB_ERR_STATE;
    *pos += hbi_b64url(in->cfg.buf + *pos, (const unsigned char *)at, l);
    return HB_OK;
}

/* Signs buf[0..n) into sig; *sig_len gets the length. */
static int hbi_jwt_sign(hbi_jwt_state *in, size_t n,
                        unsigned char *sig, size_t *sig_len)
{
    const unsigned char *msg = (const unsigned char *)in->cfg.buf;
    unsigned char hash[32];
    int rc;
    if (in->cfg.alg == HB_JWT_HS256) {
        *sig_len = 32;
        return mbedtls_md_hmac(hbi_jwt_sha256(), in->hkey, in->hkey_len,
                               msg, n, sig);
    }
    rc = mbedtls_md(hbi_jwt_sha256(), msg, n, hash);
#if HBI_JWT_HAVE_RS
    if (rc == 0 && in->cfg.alg == HB_JWT_RS256) {
#  if HBI_JWT_MBEDTLS3
        rc = mbedtls_pk_sign(&in->pk, MBEDTLS_MD_SHA256, hash, sizeof hash,
                             sig, HBI_JWT_SIG_MAX, sig_len,
                             in->cfg.rng, in->cfg.rng_user);
#  else
        rc = mbedtls_pk_sign(&in->pk, MBEDTLS_MD_SHA256, hash, sizeof hash,
                             sig, sig_len, in->cfg.rng, in->cfg.rng_user);
#  endif
    }
#endif
#if HBI_JWT_HAVE_ES
    if (rc == 0 && in->cfg.alg == HB_JWT_ES256) {
        /* Not mbedtls_pk_sign: that returns DER; JWS wants raw r||s, each
           32 bytes big-endian, left-padded with zeros. */
        mbedtls_mpi r, s;
        void *ru;
        hb_jwt_rng_fn rf = hbi_jwt_rng(in, &ru);
        mbedtls_ecp_keypair *ec = mbedtls_pk_ec(in->pk);
#  if HBI_JWT_MBEDTLS3
        /* 3.x keeps the keypair's members private: work on a copy. */
        mbedtls_ecp_group grp;
        mbedtls_mpi d;
        mbedtls_ecp_point q;
        mbedtls_ecp_group_init(&grp);
        mbedtls_mpi_init(&d);
        mbedtls_ecp_point_init(&q);
        rc = mbedtls_ecp_export(ec, &grp, &d, &q);
#  else
        mbedtls_ecp_group *gp = &ec->grp;
        const mbedtls_mpi *dp = &ec->d;
#  endif
        mbedtls_mpi_init(&r);
        mbedtls_mpi_init(&s);
#  if HBI_JWT_MBEDTLS3
        if (rc == 0)
            rc = mbedtls_ecdsa_sign_det_ext(&grp, &r, &s, &d, hash, sizeof hash,
                                            MBEDTLS_MD_SHA256, rf, ru);
#  else
        rc = mbedtls_ecdsa_sign_det_ext(gp, &r, &s, dp, hash, sizeof hash,
                                        MBEDTLS_MD_SHA256, rf, ru);
#  endif
        if (rc == 0) rc = mbedtls_mpi_write_binary(&r, sig, 32);
        if (rc == 0) rc = mbedtls_mpi_write_binary(&s, sig + 32, 32);
        *sig_len = 64;
        mbedtls_mpi_free(&r); /* mbedtls_mpi_free zeroises */
        mbedtls_mpi_free(&s);
#  if HBI_JWT_MBEDTLS3
        mbedtls_ecp_group_free(&grp);
        mbedtls_mpi_free(&d);
        mbedtls_ecp_point_free(&q);
#  endif
    }
#endif
    mbedtls_platform_zeroize(hash, sizeof hash);
    return rc;
}

/* Makes a new token for time now into cfg.buf; in->len set on success. */
static int hbi_jwt_mint(hbi_jwt_state *in, int64_t now)
{
    const hb_jwt_config *c = &in->cfg;
    unsigned char sig[HBI_JWT_SIG_MAX];
    unsigned char rnd[HBI_JWT_JTI_BYTES];
    char jti[HBI_JWT_B64LEN(HBI_JWT_JTI_BYTES) + 1u];
    size_t pos = 0, sig_len = 0, want;
    int64_t iat, exp;
    int rc;

    if (now < INT64_MIN + (int64_t)c->skew_s) return HB_ERR_CLOCK;
    iat = now - (int64_t)c->skew_s;
    if (iat > INT64_MAX - (int64_t)c->lifetime_s) return HB_ERR_CLOCK;
    exp = iat + (int64_t)c->lifetime_s;
    if (c->jti) {
        if (c->rng(c->rng_user, rnd, sizeof rnd) != 0) return HB_ERR_CRYPTO;
        jti[hbi_b64url(jti, rnd, sizeof rnd)] = '\0';
    }
    rc = hbi_jwt_put_json(in, &pos, 0, iat, exp, NULL);
    if (rc != HB_OK) return rc;
    if (c->buf_size - pos < 2u) return HB_ERR_NOSPACE;
    c->buf[pos++] = '.';
    rc = hbi_jwt_put_json(in, &pos, 1, iat, exp, c->jti ? jti : NULL);
    if (rc != HB_OK) return rc;
    /* Room for ".signature\0", checked before spending time on signing. */
    want = c->alg == HB_JWT_HS256 ? 32u
         : c->alg == HB_JWT_ES256 ? 64u : mbedtls_pk_get_len(&in->pk);
    if (c->buf_size - pos < HBI_JWT_B64LEN(want) + 2u) return HB_ERR_NOSPACE;
    rc = hbi_jwt_sign(in, pos, sig, &sig_len);
    if (rc != 0 || sig_len != want) {
        in->mbedtls_err = rc;
        mbedtls_platform_zeroize(sig, sizeof sig);
        return HB_ERR_CRYPTO;
    }
    c->buf[pos++] = '.';
    pos += hbi_b64url(c->buf + pos, sig, sig_len);
    c->buf[pos] = '\0';
    mbedtls_platform_zeroize(sig, sizeof sig);
    in->iat = iat;
    in->exp = exp;
    in->len = pos;
    in->signs++;
    return HB_OK;
}

HEARTBEAT_DEF int hb_jwt_token(void *jwt, const char **token, size_t *len)
{
    hbi_jwt_state *in;
    hb_time t;
    int rc;
    if (token != NULL) *token = NULL;
    if (len != NULL) *len = 0;
    if (jwt == NULL || token == NULL || len == NULL) return HB_ERR_ARG;
    in = &((hb_jwt *)jwt)->internal_;
    if (in->magic != HBI_JWT_MAGIC) return HB_ERR_STATE;
    HB_MEMSET(&t, 0, sizeof t);
    if (in->cfg.clock(in->cfg.clock_user, &t) != 0
        || t.sec < in->cfg.min_valid_sec)
        return HB_ERR_CLOCK; /* the cache stays for when the clock is back */
    /* Re-sign near expiry, and when the clock went back before iat (a token
       "issued in the future" is refused by verifiers). */
    if (in->len == 0 || t.sec >= in->exp - (int64_t)in->cfg.refresh_margin_s
        || t.sec < in->iat) {
        in->len = 0;
        rc = hbi_jwt_mint(in, t.sec);
        if (rc != HB_OK) {
            in->len = 0;
            mbedtls_platform_zeroize(in->cfg.buf, in->cfg.buf_size);
            return rc;
        }
    }
    *token = in->cfg.buf;
    *len = in->len;
    return HB_OK;
}

HEARTBEAT_DEF size_t hb_jwt_buf_size(const hb_jwt_config *cfg)
{
    hb_jwt tmp;
    hbi_jwt_state *in = &tmp.internal_;
    hb_json w;
    char jti[HBI_JWT_B64LEN(HBI_JWT_JTI_BYTES) + 1u];
    size_t h, cl, sig, total = 0;
    char one = 0;
    if (cfg == NULL) return 0;
    HB_MEMSET(&tmp, 0, sizeof tmp);
    in->cfg = *cfg;
    /* Only the size matters: pass the check even without a buffer. */
    if (in->cfg.buf == NULL || in->cfg.buf_size == 0) {
        in->cfg.buf = &one;
        in->cfg.buf_size = 1;
    }
    if (hbi_jwt_check(&in->cfg) != HB_OK) return 0;
    if (cfg->alg == HB_JWT_RS256) {
        mbedtls_pk_init(&in->pk);
        if (hbi_jwt_load_key(in) != HB_OK) sig = 0;
        else sig = mbedtls_pk_get_len(&in->pk);
        mbedtls_pk_free(&in->pk);
        mbedtls_platform_zeroize(in->seed, sizeof in->seed);
        if (sig == 0) return 0;
    } else {
        sig = cfg->alg == HB_JWT_HS256 ? 32u : 64u;
    }
    HB_MEMSET(jti, 'A', sizeof jti - 1u);
    jti[sizeof jti - 1u] = '\0';
    hb_json_init(&w, NULL, 0);
    hbi_jwt_json(in, &w, 0, 0, 0, NULL);
    if (hb_json_finish(&w, &h) == HB_OK) {
        hb_json_init(&w, NULL, 0);
        /* the widest numbers: 20 characters each */
        hbi_jwt_json(in, &w, 1, INT64_MIN, INT64_MIN, cfg->jti ? jti : NULL);
        /* The claims' JSON and its NUL briefly sit inside the token area,
           which is longer, so they need nothing extra. */
        if (hb_json_finish(&w, &cl) == HB_OK)
            total = HBI_JWT_B64LEN(h) + 1u + HBI_JWT_B64LEN(cl) + 1u
                    + HBI_JWT_B64LEN(sig) + 1u;
    }
    mbedtls_platform_zeroize(&tmp, sizeof tmp);
    return total;
}

#undef HBI_JWT_MBEDTLS3
#undef HBI_JWT_HAVE_RS
#undef HBI_JWT_HAVE_ES
#undef HBI_JWT_NEED_BLIND
#undef HBI_JWT_MAGIC
#undef HBI_JWT_SIG_MAX
#undef HBI_JWT_RSA_MIN
#undef HBI_JWT_RSA_MAX
#undef HBI_JWT_HS_MIN
#undef HBI_JWT_JTI_BYTES
#undef HBI_JWT_B64LEN
#endif /* HEARTBEAT_MBEDTLS */
/* ==== END SECTION B ======================================================= */

#ifdef HBI_JWT_WIP_HOOKS /* WIP-ONLY */
#  undef HB_MEMCPY
#  undef HB_MEMSET
#  undef HB_STRLEN
#  undef HBI_JWT_WIP_HOOKS
#endif
#endif /* HEARTBEAT_IMPLEMENTATION    WIP-ONLY */
