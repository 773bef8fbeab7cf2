/* tests/test_time.c — timestamps as Go's time.Time.MarshalJSON writes them. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "heartbeat.h"
#include "greatest.h"
#include "fakes.h"

#define ASSERT_ERR(exp, got) ASSERT_ENUM_EQ((exp), (got), hb_strerror)

static int fmt(char *out, int64_t sec, uint32_t nsec, int off)
{
    hb_time t;
    t.sec = sec;
    t.nsec = nsec;
    t.utc_offset_min = (int16_t)off;
    return hb_format_time(out, HB_TIME_MAX + 1, &t);
}

TEST known_dates(void)
{
    static const struct {
        int64_t sec; uint32_t nsec; int off; const char *want;
    } v[] = {
        { 0, 0, 0, "1970-01-01T00:00:00Z" },
        { 0, 1, 0, "1970-01-01T00:00:00.000000001Z" },
        { 0, 100000000, 0, "1970-01-01T00:00:00.1Z" },
        { 0, 120000000, 0, "1970-01-01T00:00:00.12Z" },
        { 0, 999999999, 0, "1970-01-01T00:00:00.999999999Z" },
        { -1, 0, 0, "1969-12-31T23:59:59Z" },
        { 951782400, 0, 0, "2000-02-29T00:00:00Z" },
        { 951868799, 500, 0, "2000-02-29T23:59:59.0000005Z" },
        { 2147483647, 0, 0, "2038-01-19T03:14:07Z" },
        { 2147483648LL, 0, 0, "2038-01-19T03:14:08Z" },
        { 4107542400LL, 0, 0, "2100-03-01T00:00:00Z" },
        { 253402300799LL, 999999999, 0, "9999-12-31T23:59:59.999999999Z" },
        { -62167219200LL, 0, 0, "0000-01-01T00:00:00Z" },
        { 1795809202, 123456789, 0, "2026-11-27T19:53:22.123456789Z" },
        { 1795809202, 0, 330, "2026-11-28T01:23:22+05:30" },
        { 1795809202, 0, -480, "2026-11-27T11:53:22-08:00" },
        { 1795809202, 0, -30, "2026-11-27T19:23:22-00:30" },
        { 1795809202, 0, 1, "2026-11-27T19:54:22+00:01" },
        { 1795809202, 0, 1439, "2026-11-28T19:52:22+23:59" },
        { 1795809202, 0, -1439, "2026-11-26T19:54:22-23:59" },
        { 253402300799LL - 1439 * 60, 1, 1439, "9999-12-31T23:59:59.000000001+23:59" },
    };
    char out[HB_TIME_MAX + 1];
    size_t i;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        int n = fmt(out, v[i].sec, v[i].nsec, v[i].off);
        ASSERT_STR_EQ(v[i].want, out);
        ASSERT_EQ((int)strlen(v[i].want), n);
    }
    PASS();
}

TEST go_errors(void)
{
    char out[HB_TIME_MAX + 1];
    ASSERT_ERR(HB_ERR_RANGE, fmt(out, 253402300800LL, 0, 0));        /* 10000 */
    ASSERT_ERR(HB_ERR_RANGE, fmt(out, 253402300799LL, 0, 1));        /* local 10000 */
    ASSERT_ERR(HB_ERR_RANGE, fmt(out, -62167219201LL, 0, 0));        /* year -1 */
    ASSERT_ERR(HB_ERR_RANGE, fmt(out, -62167219200LL, 0, -1));       /* local year -1 */
    ASSERT_ERR(HB_ERR_RANGE, fmt(out, 0, 0, 1440));                  /* +24:00 */
    ASSERT_ERR(HB_ERR_RANGE, fmt(out, 0, 0, -1440));
    ASSERT_ERR(HB_ERR_RANGE, fmt(out, 0, 0, 32767));
    ASSERT_ERR(HB_ERR_RANGE, fmt(out, 0, 0, -32768));
    ASSERT_ERR(HB_ERR_RANGE, fmt(out, INT64_MAX, 0, 0));
    ASSERT_ERR(HB_ERR_RANGE, fmt(out, INT64_MIN, 0, 1439));
    ASSERT_ERR(HB_ERR_ARG, fmt(out, 0, 1000000000u, 0));
    ASSERT_ERR(HB_ERR_ARG, fmt(out, 0, 0xFFFFFFFFu, 0));
    ASSERT_ERR(HB_ERR_ARG, hb_format_time(NULL, 40, NULL));
    {   /* too small a buffer: the full text needs 21 bytes */
        hb_time t = { 0, 0, 0 };
        ASSERT_ERR(HB_ERR_NOSPACE, hb_format_time(out, 20, &t));
        ASSERT_EQ(20, hb_format_time(out, 21, &t));
    }
    PASS();
}

/* Against the C library's gmtime across the years, where it can say. */
TEST matches_gmtime(void)
{
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    char out[HB_TIME_MAX + 1], want[64];
    int i, checked = 0;
    if (sizeof(time_t) < 8) SKIPm("32-bit time_t");
    for (i = 0; i < 20000; i++) {
        int64_t sec;
        time_t tt;
        struct tm *tm;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        sec = (int64_t)(x % 315537897600ULL) - 62167219200LL; /* 0000..9999 */
        if (i % 4 == 0) sec = (int64_t)(x % 4102444800ULL);   /* 1970..2100 */
        tt = (time_t)sec;
        tm = gmtime(&tt);
        if (tm == NULL) continue;
        snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                 tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday,
                 tm->tm_hour, tm->tm_min, tm->tm_sec);
        fmt(out, sec, 0, 0);
        ASSERT_STR_EQ(want, out);
        checked++;
    }
    ASSERT(checked > 10000);
    PASS();
}

TEST json_time_value(void)
{
    char buf[64];
    hb_json w;
    hb_time t = { 951782400, 5, 330 };
    hb_json_init(&w, buf, sizeof buf);
    ASSERT_ERR(HB_OK, hb_json_time(&w, &t));
    ASSERT_ERR(HB_OK, hb_json_finish(&w, NULL));
    ASSERT_STR_EQ("\"2000-02-29T05:30:00.000000005+05:30\"", buf);
    t.utc_offset_min = 1440;
    hb_json_init(&w, buf, sizeof buf);
    ASSERT_ERR(HB_ERR_RANGE, hb_json_time(&w, &t));
    ASSERT_ERR(HB_ERR_RANGE, hb_json_finish(&w, NULL));
    PASS();
}

/* The beat's timestamp (from the service's day cache in the fast code)
   against hb_format_time (no cache) for the clock at f->t. */
static int beat_time_ok(hb_service *hb, fake *f, uint32_t now)
{
    char want[HB_TIME_MAX + 1], got[HB_TIME_MAX + 1];
    const char *p;
    size_t k = 0;
    int calls = f->pub_calls;
    if (hb_format_time(want, sizeof want, &f->t) < 0) return 0;
    if (hb_beat_now(hb, now) != HB_OK || f->pub_calls != calls + 1) return 0;
    p = strstr(f->last, "\"timestamp\":\"");
    if (p == NULL) return 0;
    p += 13;
    while (p[k] != '"' && k < HB_TIME_MAX) { got[k] = p[k]; k++; }
    got[k] = '\0';
    if (strcmp(want, got) != 0) {
        fprintf(stderr, "beat %s, hb_format_time %s\n", got, want);
        return 0;
    }
    return 1;
}

/* Beats across midnight, a leap day, year ends, a clock stepping back and
   forth by days and years, offsets that move the local date, and hb_start
   after a jump: every timestamp as the uncached formatter writes it. */
TEST day_cache(void)
{
    static const struct { int64_t sec; uint32_t nsec; int off; } v[] = {
        { 1795823999, 999999999, 0 },   /* 2026-11-27T23:59:59.999999999 */
        { 1795824000, 0, 0 },           /* midnight: 2026-11-28 */
        { 1795823999, 5, 0 },           /* back a second: the 27th again */
        { 1795737600, 0, 0 },           /* back a day: the 26th */
        { 1795824000, 0, -1 },          /* the 28th in UTC, the 27th at -00:01 */
        { 1795824000, 0, 1 },           /* ... and the 28th at +00:01 */
        { 1709164799, 1, 0 },           /* 2024-02-28T23:59:59 */
        { 1709164800, 0, 0 },           /* 2024-02-29, a leap day */
        { 1709251199, 0, 0 },           /* its last second */
        { 1709251200, 0, 0 },           /* 2024-03-01 */
        { 951868799, 0, 0 },            /* 2000-02-29 (a 400-year leap) */
        { 4107542399LL, 0, 0 },         /* 2100-02-28 (no leap day) */
        { 4107542400LL, 0, 0 },         /* 2100-03-01 */
        { 1798761599, 0, 0 },           /* 2026-12-31T23:59:59 */
        { 1798761600, 0, 0 },           /* 2027-01-01 */
        { 1798761600, 0, -60 },         /* 2026-12-31T23:00:00-01:00 */
        { 1798761600 - 86400 * 365, 0, 0 }, /* the same day a year back */
        { 253402300799LL, 0, 0 },       /* 9999-12-31 */
        { -62167219200LL, 0, 0 },       /* 0000-01-01 */
        { 0, 0, 0 },                    /* 1970-01-01 */
        { 0, 0, 1439 },                 /* 1970-01-01T23:59+23:59 */
        { 86399, 0, 1 },                /* 1970-01-02T00:00:59+00:01 */
    };
    hb_service hb;
    hb_config c;
    fake f;
    char buf[512];
    uint64_t x = 0x2545F4914F6CDD1DULL;
    uint32_t now = 0;
    size_t i;
    fake_config(&c, &f, buf, sizeof buf);
    ASSERT_EQ(HB_OK, hb_init(&hb, &c));
    ASSERT_EQ(HB_OK, hb_start(&hb, now));
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        f.t.sec = v[i].sec;
        f.t.nsec = v[i].nsec;
        f.t.utc_offset_min = (int16_t)v[i].off;
        ASSERT(beat_time_ok(&hb, &f, now += 10));
    }
    /* hb_start after the clock jumped: the first beat has the new date */
    hb_stop(&hb, now);
    f.t.sec = 1795809202;
    f.t.utc_offset_min = 0;
    ASSERT_EQ(HB_OK, hb_start(&hb, now));
    ASSERT(beat_time_ok(&hb, &f, now += 10));
    hb_stop(&hb, now);
    f.t.sec = 1795809202 - 86400 * 3;
    ASSERT_EQ(HB_OK, hb_start(&hb, now));
    ASSERT(beat_time_ok(&hb, &f, now += 10));
    /* hb_init again (same storage, the cache filled): a new date */
    hb_stop(&hb, now);
    ASSERT_EQ(HB_OK, hb_init(&hb, &c));
    ASSERT_EQ(HB_OK, hb_start(&hb, now));
    f.t.sec = 1795809202 + 86400;
    ASSERT(beat_time_ok(&hb, &f, now += 10));
    /* a random walk: steps of seconds to years either way, any offset */
    for (i = 0; i < 3000; i++) {
        int64_t step;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        switch (x % 4u) {
        case 0: step = (int64_t)(x >> 8 & 0xFFFF) - 32768; break;
        case 1: step = ((int64_t)(x >> 8 & 7) - 3) * 86400; break;
        case 2: step = (int64_t)(x >> 8 & 0xFFFFFFF) - 0x8000000; break;
        default: step = ((int64_t)(x >> 8 & 0x1FF) - 256) * 86400 * 30; break;
        }
        f.t.sec += step;
        if (f.t.sec < -62167219200LL + 86400 || f.t.sec > 253402300799LL - 86400)
            f.t.sec = 1795809202;
        f.t.nsec = (uint32_t)(x >> 20) % 1000000000u;
        f.t.utc_offset_min = (int16_t)((int)(x >> 40 & 0xFFF) % 2879 - 1439);
        ASSERT(beat_time_ok(&hb, &f, now += 10));
    }
    hb_stop(&hb, now);
    PASS();
}

SUITE(time_format)
{
    RUN_TEST(known_dates);
    RUN_TEST(go_errors);
    RUN_TEST(matches_gmtime);
    RUN_TEST(json_time_value);
    RUN_TEST(day_cache);
}
