/* tests/embedded/alloc_count.c - the host half of check-noheap: counts
   every malloc/calloc/realloc/free (and aligned variants) of the whole
   process while heartbeat.h runs many beats with every option, failures on
   each path, stop/start, beat_now, offline messages and the JSON writer.
   The count must stay 0. It replaces glibc's allocator entry points by
   defining them here (glibc supports that) and forwards to __libc_*; a
   positive control first proves the counter sees a malloc. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(__GLIBC__)
int main(void)
{
    puts("alloc_count: needs glibc to replace malloc; skipped");
    return 77;
}
#else

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t a, size_t n);
extern void  __libc_free(void *p);

static volatile int counting;
static volatile unsigned long calls;

static void count(void)
{
    if (counting)
        calls++;
}

void *malloc(size_t n) { count(); return __libc_malloc(n); }
void *calloc(size_t n, size_t m) { count(); return __libc_calloc(n, m); }
void *realloc(void *p, size_t n) { count(); return __libc_realloc(p, n); }
void  free(void *p) { if (p != NULL) count(); __libc_free(p); }
void *memalign(size_t a, size_t n) { count(); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { count(); return __libc_memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n)
{
    count();
    *out = __libc_memalign(a, n);
    return *out != NULL ? 0 : 12;
}

typedef struct world {
    uint32_t now;
    unsigned pubs, clocks, tokens, logs, rands, fields;
} world;

static int w_publish(void *user, const char *topic, const char *payload,
                     size_t len, int qos)
{
    world *w = (world *)user;
    (void)topic; (void)payload; (void)len; (void)qos;
    return ++w->pubs % 7u == 0 ? -1 : 0;
}

static int w_clock(void *user, hb_time *t)
{
    world *w = (world *)user;
    if (++w->clocks % 13u == 0)
        return -1;
    t->sec = 1800000000 + (int64_t)(w->now / 1000u);
    t->nsec = (w->now % 1000u) * 1000000u;
    t->utc_offset_min = (int16_t)((w->clocks % 3u) * 330u);
    return 0;
}

static int w_token(void *user, const char **token, size_t *len)
{
    world *w = (world *)user;
    static const char tok[] = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln";
    if (++w->tokens % 11u == 0)
        return -1;
    *token = tok;
    *len = sizeof tok - 1;
    return 0;
}

static void w_log(void *user, int level, const char *msg, int err,
                  const char *detail)
{
    (void)level; (void)msg; (void)err; (void)detail;
    ((world *)user)->logs++;
}

static uint32_t w_rand(void *user)
{
    world *w = (world *)user;
    return ++w->rands * 2654435761u;
}

static void w_fields(void *user, hb_json *j)
{
    world *w = (world *)user;
    (void)hb_json_key(j, "fw", 2);
    (void)hb_json_string(j, "1.2.3\n<&>", 9);
    (void)hb_json_key(j, "n", 1);
    (void)hb_json_uint(j, ++w->fields);
}

static void *(*volatile alloc_fn)(size_t) = malloc;
static int results_pass, results_fail;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
    if (ok) results_pass++; else results_fail++;
}

int main(void)
{
    static world w;
    static hb_service svc[4];
    static char buf[4][768];
    static char out[768];
    static const char *ids[4] = { "dev-0", "d\"1\xff", "gw/2", "\xe2\x80\xa8" };
    hb_config cfg;
    hb_stats st;
    hb_json j;
    size_t len;
    unsigned long i, sent = 0, attempts = 0;
    int k, ok = 1;
    void *p;

    memset(&st, 0, sizeof st);
    /* Positive control: the counter sees an allocation. */
    counting = 1;
    p = alloc_fn(16);   /* through a volatile pointer: not elided */
    counting = 0;
    free(p);
    check(calls == 1, "the counter sees malloc");
    calls = 0;

    counting = 1;
    for (k = 0; k < 4; k++) {
        memset(&cfg, 0, sizeof cfg);
        cfg.topic = "fleet/heartbeat";
        cfg.interval_ms = 10u + (uint32_t)k;
        cfg.qos = k % 3;
        cfg.device_id = ids[k];
        cfg.status = k == 1 ? "1" : NULL;
        cfg.publish = w_publish;
        cfg.token = k == 3 ? NULL : w_token;
        cfg.clock = w_clock;
        cfg.log = w_log;
        cfg.user = &w;
        cfg.buf = buf[k];
        cfg.buf_size = sizeof buf[k];
        cfg.flags = k == 0 ? 0u : 0x1FFu;   /* every HB_OPT_* */
        cfg.retry_base_ms = k >= 2 ? 2u : 0u;
        cfg.jitter_ms = k >= 2 ? 3u : 0u;
        cfg.rand = w_rand;
        cfg.boot_id = 0xB007u;
        cfg.boot_id_str = k == 3 ? "boot-3" : NULL;
        cfg.fields = k >= 1 ? w_fields : NULL;
        cfg.min_valid_sec = k == 2 ? 1700000000 : 0;
        ok &= hb_init(&svc[k], &cfg) == HB_OK;
        ok &= hb_start(&svc[k], w.now) == HB_OK;
    }
    for (i = 0; i < 1000000ul; i++) {
        w.now += 1u + (uint32_t)(i % 5u);
        for (k = 0; k < 4; k++)
            (void)hb_poll(&svc[k], w.now);
        if (i % 10007u == 0) {
            (void)hb_beat_now(&svc[1], w.now);
            (void)hb_set_status(&svc[2], i % 2u ? "degraded" : NULL);
            (void)hb_offline_message(&svc[3], w.now, out, sizeof out, &len);
        }
        if (i % 100003u == 0) {
            for (k = 0; k < 4; k++) {
                (void)hb_get_stats(&svc[k], &st);
                sent += st.sent;
                attempts += st.attempts;
                hb_stop(&svc[k], w.now);
                ok &= hb_start(&svc[k], w.now) == HB_OK;
            }
        }
    }
    for (k = 0; k < 4; k++) {
        (void)hb_get_stats(&svc[k], &st);
        sent += st.sent;
        attempts += st.attempts;
        hb_stop(&svc[k], w.now);
    }
    hb_json_init(&j, NULL, 0);
    (void)hb_json_begin_object(&j);
    (void)hb_json_key(&j, "k", 1);
    (void)hb_json_int(&j, INT64_MIN);
    (void)hb_json_end_object(&j);
    (void)hb_json_finish(&j, &len);
    (void)hb_strerror(HB_ERR_RANGE);
    counting = 0;

    printf("alloc_count: %lu beats attempted, %lu sent, %u publishes, "
           "%u clock reads, %u logs; %lu allocator calls\n",
           attempts, sent, w.pubs, w.clocks, w.logs, (unsigned long)calls);
    check(ok, "every hb_init/hb_start succeeded");
    check(sent > 100000ul && attempts > sent, "beats sent and failures taken");
    check(calls == 0, "zero allocator calls while running");
    printf("RESULT: %d passed, %d failed\n", results_pass, results_fail);
    return results_fail != 0;
}
#endif
