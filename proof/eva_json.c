/* Eva driver: the JSON writer, hb_format_time and hb_json_time. */
#include "__fc_builtin.h"
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#ifndef PV_N
#define PV_N 24            /* output buffer: every size 0..PV_N */
#endif
#ifndef PV_M
#define PV_M 10            /* input strings: every length 0..PV_M, any bytes */
#endif

static char out[PV_N];
static char in[PV_M];
size_t pv_size;          /* Eva keeps one state per buffer size */

static size_t pv_str(const char **s)
{
    size_t n = Frama_C_size_t_interval(0, PV_M);
    Frama_C_make_unknown(in, PV_M);
    *s = Frama_C_nondet(0, 1) ? in : NULL;
    return n;
}

static void pv_time(hb_time *t)
{
    t->sec = Frama_C_int64_interval(INT64_MIN, INT64_MAX);
    t->nsec = Frama_C_unsigned_int_interval(0, UINT32_MAX);
    t->utc_offset_min = (int16_t)Frama_C_interval(INT16_MIN, INT16_MAX);
}

void pv_strings(void)
{
    hb_json w;
    const char *s;
    size_t n, len;
    pv_size = Frama_C_size_t_interval(0, PV_N);
    hb_json_init(&w, Frama_C_nondet(0, 1) ? out : NULL, pv_size);
    hb_json_begin_object(&w);
    n = pv_str(&s);
    hb_json_key(&w, s, n);
    n = pv_str(&s);
    hb_json_string(&w, s, n);
    hb_json_end_object(&w);
    hb_json_finish(&w, Frama_C_nondet(0, 1) ? &len : NULL);
}

int main(void)
{
    pv_strings();
    return 0;
}
