/* The knobs: own memory hooks (no <string.h>), HB_ASSERT, HEARTBEAT_DEF.
   Built once per combination by mk/compile.mk with -D flags. */
#ifdef USE_HOOKS
static void *my_memcpy(void *d, const void *s, unsigned long n)
{
    unsigned char *dd = (unsigned char *)d;
    const unsigned char *ss = (const unsigned char *)s;
    while (n--) *dd++ = *ss++;
    return d;
}
static void *my_memset(void *d, int c, unsigned long n)
{
    unsigned char *dd = (unsigned char *)d;
    while (n--) *dd++ = (unsigned char)c;
    return d;
}
static unsigned long my_strlen(const char *s)
{
    unsigned long n = 0;
    while (s[n]) n++;
    return n;
}
#define HB_MEMCPY(d, s, n) my_memcpy((d), (s), (n))
#define HB_MEMSET(d, c, n) my_memset((d), (c), (n))
#define HB_STRLEN(s)       my_strlen(s)
#endif
#ifdef USE_ASSERT
static int asserts_seen;
#define HB_ASSERT(c) ((void)((c) ? 0 : ++asserts_seen))
#endif
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#ifdef USE_HOOKS
/* the header must not have pulled in <string.h>: this would clash */
typedef int memcpy;
#endif

static int pub(void *u, const char *t, const char *p, size_t n, int q)
{
    (void)u; (void)t; (void)q;
    return (n > 10 && p[0] == '{') ? 0 : 1;
}

static int clk(void *u, hb_time *t)
{
    (void)u;
    t->sec = 0;
    t->nsec = 0;
    t->utc_offset_min = 0;
    return 0;
}

int main(void)
{
    static char buf[256];
    hb_service hb;
    hb_config c;
    hb_stats st;
    unsigned i;
    unsigned char *p = (unsigned char *)&c;
    for (i = 0; i < sizeof c; i++) p[i] = 0;
    c.topic = "t";
    c.interval_ms = 10;
    c.device_id = "d";
    c.publish = pub;
    c.clock = clk;
    c.buf = buf;
    c.buf_size = sizeof buf;
    if (hb_init(&hb, &c) != HB_OK || hb_start(&hb, 0) != HB_OK) return 1;
    hb_poll(&hb, 10);
    hb_get_stats(&hb, &st);
#ifdef USE_ASSERT
    if (asserts_seen != 0) return 2;
#endif
    return st.sent == 1 ? 0 : 1;
}
