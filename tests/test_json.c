/* tests/test_json.c — the JSON writer: structure, numbers, Go's escaping,
   the sticky error and the size query. */
#include <stdio.h>
#include <string.h>
#include "heartbeat.h"
#include "greatest.h"

#define ASSERT_ERR(exp, got) ASSERT_ENUM_EQ((exp), (got), hb_strerror)

/* Writes one string value and returns the output in out. */
static int one_string(const char *s, size_t n, char *out, size_t size)
{
    hb_json w;
    size_t len;
    hb_json_init(&w, out, size);
    hb_json_string(&w, s, n);
    return hb_json_finish(&w, &len);
}

TEST structure(void)
{
    char buf[256];
    hb_json w;
    size_t len = 99;
    hb_json_init(&w, buf, sizeof buf);
    ASSERT_ERR(HB_OK, hb_json_begin_object(&w));
    ASSERT_ERR(HB_OK, hb_json_key(&w, "a", 1));
    ASSERT_ERR(HB_OK, hb_json_begin_array(&w));
    ASSERT_ERR(HB_OK, hb_json_int(&w, -1));
    ASSERT_ERR(HB_OK, hb_json_bool(&w, 1));
    ASSERT_ERR(HB_OK, hb_json_bool(&w, 0));
    ASSERT_ERR(HB_OK, hb_json_null(&w));
    ASSERT_ERR(HB_OK, hb_json_begin_object(&w));
    ASSERT_ERR(HB_OK, hb_json_end_object(&w));
    ASSERT_ERR(HB_OK, hb_json_begin_array(&w));
    ASSERT_ERR(HB_OK, hb_json_end_array(&w));
    ASSERT_ERR(HB_OK, hb_json_end_array(&w));
    ASSERT_ERR(HB_OK, hb_json_key(&w, "b", 1));
    ASSERT_ERR(HB_OK, hb_json_string(&w, "x", 1));
    ASSERT_ERR(HB_OK, hb_json_end_object(&w));
    ASSERT_ERR(HB_OK, hb_json_finish(&w, &len));
    ASSERT_STR_EQ("{\"a\":[-1,true,false,null,{},[]],\"b\":\"x\"}", buf);
    ASSERT_EQ(strlen(buf), len);
    PASS();
}

TEST top_level_scalars(void)
{
    char buf[32];
    hb_json w;
    size_t len;
    hb_json_init(&w, buf, sizeof buf);
    ASSERT_ERR(HB_OK, hb_json_uint(&w, 42));
    ASSERT_ERR(HB_OK, hb_json_finish(&w, &len));
    ASSERT_STR_EQ("42", buf);
    /* a second top-level value is misuse */
    hb_json_init(&w, buf, sizeof buf);
    hb_json_null(&w);
    ASSERT_ERR(HB_ERR_STATE, hb_json_null(&w));
    ASSERT_ERR(HB_ERR_STATE, hb_json_finish(&w, &len));
    ASSERT_EQ(0u, len);
    ASSERT_STR_EQ("", buf);
    PASS();
}

TEST integers_exact(void)
{
    static const struct { int64_t v; const char *s; } si[] = {
        { 0, "0" }, { -1, "-1" }, { 9, "9" }, { 10, "10" },
        { 2147483647, "2147483647" }, { -2147483647 - 1, "-2147483648" },
        { 4294967295LL, "4294967295" }, { 4294967296LL, "4294967296" },
        { 9999999999LL, "9999999999" }, { 10000000000LL, "10000000000" },
        { 1000000000000000000LL, "1000000000000000000" },
        { INT64_MAX, "9223372036854775807" },
        { INT64_MIN, "-9223372036854775808" },
    };
    static const struct { uint64_t v; const char *s; } ui[] = {
        { 0, "0" }, { 4294967295u, "4294967295" },
        { 4294967296ULL, "4294967296" }, { 1000000000ULL, "1000000000" },
        { 10000000000000000000ULL, "10000000000000000000" },
        { 18446744073709551615ULL, "18446744073709551615" },
        { 12345678901234567890ULL, "12345678901234567890" },
        { 100000000000000001ULL, "100000000000000001" },
    };
    char buf[32], ref[32];
    size_t i;
    hb_json w;
    for (i = 0; i < sizeof si / sizeof si[0]; i++) {
        hb_json_init(&w, buf, sizeof buf);
        hb_json_int(&w, si[i].v);
        ASSERT_ERR(HB_OK, hb_json_finish(&w, NULL));
        ASSERT_STR_EQ(si[i].s, buf);
    }
    for (i = 0; i < sizeof ui / sizeof ui[0]; i++) {
        hb_json_init(&w, buf, sizeof buf);
        hb_json_uint(&w, ui[i].v);
        ASSERT_ERR(HB_OK, hb_json_finish(&w, NULL));
        ASSERT_STR_EQ(ui[i].s, buf);
    }
    /* and a sweep against the C library across the whole 64-bit range */
    {
        uint64_t x = 0x243F6A8885A308D3ULL;
        for (i = 0; i < 20000; i++) {
            uint64_t v;
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            v = x >> (i % 64u);
            hb_json_init(&w, buf, sizeof buf);
            hb_json_uint(&w, v);
            ASSERT_ERR(HB_OK, hb_json_finish(&w, NULL));
            snprintf(ref, sizeof ref, "%llu", (unsigned long long)v);
            ASSERT_STR_EQ(ref, buf);
            hb_json_init(&w, buf, sizeof buf);
            hb_json_int(&w, (int64_t)v);
            ASSERT_ERR(HB_OK, hb_json_finish(&w, NULL));
            snprintf(ref, sizeof ref, "%lld", (long long)(int64_t)v);
            ASSERT_STR_EQ(ref, buf);
        }
    }
    PASS();
}

/* An independent model of Go's escaping for one ASCII byte. */
static void go_escape_ascii(unsigned c, char *out)
{
    static const char hex[] = "0123456789abcdef";
    switch (c) {
    case '"':  strcpy(out, "\\\""); return;
    case '\\': strcpy(out, "\\\\"); return;
    case '\b': strcpy(out, "\\b"); return;
    case '\f': strcpy(out, "\\f"); return;
    case '\n': strcpy(out, "\\n"); return;
    case '\r': strcpy(out, "\\r"); return;
    case '\t': strcpy(out, "\\t"); return;
    default: break;
    }
    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
        sprintf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
        return;
    }
    out[0] = (char)c;
    out[1] = '\0';
}

TEST escaping_every_byte(void)
{
    char out[64], want[64], e[16];
    unsigned c;
    for (c = 0; c < 256; c++) {
        char in[3] = { 'a', (char)c, 'z' };
        ASSERT_ERR(HB_OK, one_string(in, 3, out, sizeof out));
        if (c < 0x80) go_escape_ascii(c, e);
        else strcpy(e, "\\ufffd"); /* a lone byte >= 0x80 is never valid */
        sprintf(want, "\"a%sz\"", e);
        ASSERTm(want, strcmp(want, out) == 0);
    }
    PASS();
}

/* Every byte at the places where the 16-byte scan splits a 40-byte string
   (first and last byte of each block, the overlapping tail), among plain
   bytes and next to ^ | ~ (which the SSE2 scan stops at and must copy). */
TEST escaping_every_byte_long(void)
{
    static const size_t at[] = { 0, 1, 15, 16, 17, 23, 24, 31, 32, 33, 38, 39 };
    static const char fill[] = "^x|y~";
    char in[40], out[400], want[400], e[16];
    unsigned c, f;
    size_t i, k, n;
    for (f = 0; f < 2; f++) {
        for (c = 0; c < 256; c++) {
            for (k = 0; k < sizeof at / sizeof at[0]; k++) {
                for (i = 0; i < sizeof in; i++)
                    in[i] = f ? fill[i % 5] : (char)('a' + i % 26);
                in[at[k]] = (char)c;
                ASSERT_ERR(HB_OK, one_string(in, sizeof in, out, sizeof out));
                n = 0;
                want[n++] = '"';
                for (i = 0; i < sizeof in; i++) {
                    unsigned b = (unsigned char)in[i];
                    if (b < 0x80) go_escape_ascii(b, e);
                    else strcpy(e, "\\ufffd");   /* a lone byte >= 0x80 */
                    strcpy(want + n, e);
                    n += strlen(e);
                }
                want[n++] = '"';
                want[n] = '\0';
                ASSERTm(want, strcmp(want, out) == 0);
            }
        }
    }
    PASS();
}

TEST escaping_utf8(void)
{
    static const struct { const char *in; size_t n; const char *want; } v[] = {
        { "\xc3\xa9", 2, "\"\xc3\xa9\"" },                 /* é verbatim */
        { "\xe2\x82\xac", 3, "\"\xe2\x82\xac\"" },         /* € */
        { "\xf0\x9f\x92\x93", 4, "\"\xf0\x9f\x92\x93\"" }, /* 💓 */
        { "\xef\xbf\xbd", 3, "\"\xef\xbf\xbd\"" },         /* U+FFFD itself */
        { "\xe2\x80\xa8", 3, "\"\\u2028\"" },
        { "\xe2\x80\xa9", 3, "\"\\u2029\"" },
        { "\xe2\x80\xaa", 3, "\"\xe2\x80\xaa\"" },
        { "\xc0\x80", 2, "\"\\ufffd\\ufffd\"" },            /* overlong NUL */
        { "\xc1\xbf", 2, "\"\\ufffd\\ufffd\"" },
        { "\xe0\x80\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" }, /* overlong */
        { "\xe0\x9f\xbf", 3, "\"\\ufffd\\ufffd\\ufffd\"" },
        { "\xe0\xa0\x80", 3, "\"\xe0\xa0\x80\"" },         /* smallest 3-byte */
        { "\xf0\x80\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
        { "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" }, /* surrogate */
        { "\xed\xbf\xbf", 3, "\"\\ufffd\\ufffd\\ufffd\"" },
        { "\xed\x9f\xbf", 3, "\"\xed\x9f\xbf\"" },         /* U+D7FF */
        { "\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"" }, /* U+10FFFF */
        { "\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
        { "\xe2\x82", 2, "\"\\ufffd\\ufffd\"" },            /* truncated at end */
        { "\xe2\x82" "A", 3, "\"\\ufffd\\ufffdA\"" },       /* truncated mid */
        { "\x80\xbf", 2, "\"\\ufffd\\ufffd\"" },            /* lone continuations */
        { "\xf5\xff", 2, "\"\\ufffd\\ufffd\"" },
        { "a\0b", 3, "\"a\\u0000b\"" },                     /* NUL inside */
        { "<a href=\"x\">&</a>", 17,
          "\"\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e\"" },
        { "\xc3", 1, "\"\\ufffd\"" },
    };
    char out[128];
    size_t i;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        ASSERT_ERR(HB_OK, one_string(v[i].in, v[i].n, out, sizeof out));
        ASSERT_STR_EQ(v[i].want, out);
    }
    PASS();
}

/* Every buffer size from 0 up: either the whole document or HB_ERR_NOSPACE
   with an empty string, never a byte written past the size. */
TEST overflow_every_size(void)
{
    static const char id[] = "d\"<\xe2\x80\xa8\xff-\x01";
    char ref[256], buf[300];
    size_t full, len, size, i;
    hb_json w;
    hb_json_init(&w, ref, sizeof ref);
    hb_json_begin_object(&w);
    hb_json_key(&w, "k", 1);
    hb_json_string(&w, id, sizeof id - 1);
    hb_json_key(&w, "n", 1);
    hb_json_int(&w, -1234567890123LL);
    hb_json_end_object(&w);
    ASSERT_ERR(HB_OK, hb_json_finish(&w, &full));
    for (size = 0; size <= full + 2; size++) {
        memset(buf, 0x5A, sizeof buf);
        hb_json_init(&w, buf, size);
        hb_json_begin_object(&w);
        hb_json_key(&w, "k", 1);
        hb_json_string(&w, id, sizeof id - 1);
        hb_json_key(&w, "n", 1);
        hb_json_int(&w, -1234567890123LL);
        hb_json_end_object(&w);
        if (size > full) {
            ASSERT_ERR(HB_OK, hb_json_finish(&w, &len));
            ASSERT_EQ(full, len);
            ASSERT_MEM_EQ(ref, buf, full + 1);
        } else {
            ASSERT_ERR(HB_ERR_NOSPACE, hb_json_finish(&w, &len));
            ASSERT_EQ(0u, len);
            if (size > 0) ASSERT_EQ('\0', buf[0]);
            /* later appends do nothing and keep the first error */
            ASSERT_ERR(HB_ERR_NOSPACE, hb_json_null(&w));
        }
        for (i = size; i < sizeof buf; i++)
            ASSERT_EQ_FMT(0x5A, (int)(unsigned char)buf[i], "%d");
    }
    PASS();
}

TEST size_query(void)
{
    char buf[128];
    hb_json w;
    size_t n1, n2;
    hb_json_init(&w, NULL, 0);
    hb_json_begin_array(&w);
    hb_json_string(&w, "\x01<\xff", 3);
    hb_json_uint(&w, 18446744073709551615ULL);
    hb_json_end_array(&w);
    ASSERT_ERR(HB_OK, hb_json_finish(&w, &n1));
    hb_json_init(&w, buf, n1 + 1);       /* exactly enough */
    hb_json_begin_array(&w);
    hb_json_string(&w, "\x01<\xff", 3);
    hb_json_uint(&w, 18446744073709551615ULL);
    hb_json_end_array(&w);
    ASSERT_ERR(HB_OK, hb_json_finish(&w, &n2));
    ASSERT_EQ(n1, n2);
    ASSERT_STR_EQ("[\"\\u0001\\u003c\\ufffd\",18446744073709551615]", buf);
    PASS();
}

TEST misuse(void)
{
    char buf[64];
    hb_json w;
    int depth;
    /* a value where a key is due */
    hb_json_init(&w, buf, sizeof buf);
    hb_json_begin_object(&w);
    ASSERT_ERR(HB_ERR_STATE, hb_json_string(&w, "v", 1));
    ASSERT_ERR(HB_ERR_STATE, hb_json_finish(&w, NULL));
    /* a key in an array, a key after a key */
    hb_json_init(&w, buf, sizeof buf);
    hb_json_begin_array(&w);
    ASSERT_ERR(HB_ERR_STATE, hb_json_key(&w, "k", 1));
    hb_json_init(&w, buf, sizeof buf);
    hb_json_begin_object(&w);
    hb_json_key(&w, "k", 1);
    ASSERT_ERR(HB_ERR_STATE, hb_json_key(&w, "k", 1));
    /* end with a key pending; mismatched ends; end at depth 0 */
    hb_json_init(&w, buf, sizeof buf);
    hb_json_begin_object(&w);
    hb_json_key(&w, "k", 1);
    ASSERT_ERR(HB_ERR_STATE, hb_json_end_object(&w));
    hb_json_init(&w, buf, sizeof buf);
    hb_json_begin_object(&w);
    ASSERT_ERR(HB_ERR_STATE, hb_json_end_array(&w));
    hb_json_init(&w, buf, sizeof buf);
    ASSERT_ERR(HB_ERR_STATE, hb_json_end_object(&w));
    /* unbalanced at finish; empty document */
    hb_json_init(&w, buf, sizeof buf);
    hb_json_begin_array(&w);
    ASSERT_ERR(HB_ERR_STATE, hb_json_finish(&w, NULL));
    hb_json_init(&w, buf, sizeof buf);
    ASSERT_ERR(HB_ERR_STATE, hb_json_finish(&w, NULL));
    /* NULL writer and NULL string with a length */
    ASSERT_ERR(HB_ERR_ARG, hb_json_null(NULL));
    ASSERT_ERR(HB_ERR_ARG, hb_json_finish(NULL, NULL));
    hb_json_init(&w, buf, sizeof buf);
    ASSERT_ERR(HB_ERR_ARG, hb_json_string(&w, NULL, 3));
    /* nesting deeper than 32 */
    hb_json_init(&w, buf, sizeof buf);
    for (depth = 0; depth < 32; depth++) ASSERT_ERR(HB_OK, hb_json_begin_array(&w));
    ASSERT_ERR(HB_ERR_STATE, hb_json_begin_array(&w));
    PASS();
}

TEST strerror_table(void)
{
    int e;
    ASSERT_STR_EQ("ok", hb_strerror(HB_OK));
    ASSERT_STR_EQ("unknown error", hb_strerror(1));
    ASSERT_STR_EQ("unknown error", hb_strerror(-1000));
    for (e = HB_OK; e >= HB_ERR_LAST_; e--) {
        ASSERT(hb_strerror(e) != NULL);
        ASSERT(strcmp(hb_strerror(e), "unknown error") != 0);
    }
    ASSERT_EQ(-1, HB_ERR_ARG);
    ASSERT_EQ(-3, HB_ERR_NOSPACE);
    ASSERT_EQ(-7, HB_ERR_CRYPTO);
    PASS();
}

SUITE(json)
{
    RUN_TEST(structure);
    RUN_TEST(top_level_scalars);
    RUN_TEST(integers_exact);
    RUN_TEST(escaping_every_byte);
    RUN_TEST(escaping_every_byte_long);
    RUN_TEST(escaping_utf8);
    RUN_TEST(overflow_every_size);
    RUN_TEST(size_query);
    RUN_TEST(misuse);
    RUN_TEST(strerror_table);
}
