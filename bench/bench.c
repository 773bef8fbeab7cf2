/* bench/bench.c - `make bench`: what one heartbeat costs, next to what a C
   user would otherwise write (snprintf, cJSON), the memcpy floor and the
   original Go service's json.Marshal (numbers read from bench/go's output).

     bench [--quick] [--reps R] [--ms M] [--go FILE] [--gateway-max N]
           [--gateway-seconds S] [--gateway-reps R] [--gateway-only]
           [--instr] [--gateway-lines N]

   Every time is process CPU time (CLOCK_PROCESS_CPUTIME_ID), so a shared,
   busy machine slows the numbers less than wall time would; the columns of
   a row run interleaved, repetition by repetition, so drift hits them alike
   and the ratios stay meaningful. Each figure is the median of R
   repetitions, with the min and max beside it.

   The library is compiled in bench/lib.c, a translation unit of its
   own, exactly as a user links it: hb_poll is a real call, never inlined
   into the loop that times it. Allocations are counted by replacing
   malloc & co. (glibc allows a program to do that).

   --instr runs each measured operation a fixed number of times between
   callgrind client requests, for bench/instr.sh (`make bench-instr`). */
#define _DEFAULT_SOURCE 1      /* madvise */
#define _POSIX_C_SOURCE 200809L
#include "heartbeat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__linux__)
#  include <sys/mman.h>
#endif

#ifndef BENCH_NO_CJSON
#  include <cjson/cJSON.h>
#endif
#ifdef BENCH_CALLGRIND
#  include <valgrind/callgrind.h>
#else
#  define CALLGRIND_ZERO_STATS ((void)0)
#  define CALLGRIND_DUMP_STATS_AT(s) ((void)(s))
#endif

/* ---- allocation counter --------------------------------------------------- */
#if defined(__GLIBC__)
#  define BENCH_COUNTS_ALLOCS 1
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t a, size_t n);
extern void  __libc_free(void *p);
static volatile unsigned long g_allocs;
void *malloc(size_t n) { g_allocs++; return __libc_malloc(n); }
void *calloc(size_t n, size_t m) { g_allocs++; return __libc_calloc(n, m); }
void *realloc(void *p, size_t n) { g_allocs++; return __libc_realloc(p, n); }
void  free(void *p) { __libc_free(p); }
void *memalign(size_t a, size_t n) { g_allocs++; return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { g_allocs++; return __libc_memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n)
{
    g_allocs++;
    *out = __libc_memalign(a, n);
    return *out != NULL ? 0 : 12;
}
#else
#  define BENCH_COUNTS_ALLOCS 0
static volatile unsigned long g_allocs;
#endif

/* ---- inputs ------------------------------------------------------------------ */

/* a 36-byte UUID and a 188-byte HS256 JWT (base64url, two dots) */
static const char ID_ASCII[] = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
static const char TOKEN[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJhdWQiOiJoZWFydGJlYXQtZmxlZXQiLCJpYXQiOjE3NjQyNzIwMDIsImV4cCI6MTc2NDI3"
    "NTYwMiwic3ViIjoiM2YyNTA0ZTAtNGY4In0."
    "He5c6JUyp0vCJendHxfSFg3Iwmxu2n3djD5m3CyhJfA";
/* quotes, backslash, HTML characters, control bytes, 2-, 3- and 4-byte
   UTF-8, U+2028, then invalid UTF-8: a stray 0xFF, an overlong, a
   surrogate and a truncated sequence. bench/go/main.go holds the same. */
static const char ID_HOSTILE[] =
    "dev\"ice\\<b>&" "\x01\x1f\t\n" "\xc3\xa9" "\xe4\xb8\x96"
    "\xf0\x9f\x98\x80" "\xe2\x80\xa8" "\xff" "\xc0\xaf" "\xed\xa0\x80"
    "\xe2\x82" "-end";
/* the original Go agent's StatusAlive */
static const char STATUS[] = "1";
#define SEC0 1764272002LL   /* 2025-11-27T19:33:22Z; then one second a beat */

/* ---- callbacks, shared by every column ------------------------------------- */

typedef struct bctx {
    uint64_t tick;          /* the clock's sequence number */
    unsigned long beats;    /* publish calls */
    unsigned long logs;
    size_t   sink;
    char    *copy_to;       /* when set, publish keeps the payload here */
    size_t   copy_len;
} bctx;

/* Time number i: SEC0 + i seconds, and a nanosecond part that keeps
   changing (so the trimmed fraction has different lengths). */
static void clock_at(uint64_t i, hb_time *t)
{
    t->sec = SEC0 + (int64_t)i;
    t->nsec = (uint32_t)((123456789u + i * 1000003u) % 1000000000u);
    t->utc_offset_min = 0;
}

static int cb_clock(void *user, hb_time *t)
{
    bctx *c = (bctx *)user;
    clock_at(c->tick++, t);
    return 0;
}

static int cb_token(void *user, const char **tok, size_t *len)
{
    (void)user;
    *tok = TOKEN;
    *len = sizeof TOKEN - 1;
    return 0;
}

static int cb_publish(void *user, const char *topic, const char *payload,
                      size_t len, int qos)
{
    bctx *c = (bctx *)user;
    (void)topic; (void)qos;
    c->beats++;
    c->sink += len + (unsigned char)payload[0];
    if (c->copy_to != NULL) {
        memcpy(c->copy_to, payload, len);
        c->copy_len = len;
    }
    return 0;
}

static void cb_log(void *user, int level, const char *msg, int err,
                   const char *detail)
{
    bctx *c = (bctx *)user;
    (void)level; (void)msg; (void)err; (void)detail;
    c->logs++;
}

/* The hand-written columns call the same callbacks, through pointers the
   compiler cannot see through, as heartbeat.h does through its config. */
static hb_clock_fn   volatile p_clock = cb_clock;
static hb_token_fn   volatile p_token = cb_token;
static hb_publish_fn volatile p_publish = cb_publish;

static void barrier(void *p)
{
#if defined(__GNUC__) || defined(__clang__)
    __asm__ __volatile__("" : : "r"(p) : "memory");
#else
    (void)p;
#endif
}

/* ---- column: heartbeat.h (the real service path) -------------------------- */

typedef struct hbcol {
    hb_service svc;
    bctx       c;
    uint32_t   now;
    char       buf[1024];
} hbcol;

static int hbcol_init(hbcol *h, const char *id, int with_log)
{
    hb_config cfg;
    memset(h, 0, sizeof *h);
    memset(&cfg, 0, sizeof cfg);
    cfg.topic = "devices/heartbeat";
    cfg.interval_ms = 1000;
    cfg.qos = 1;
    cfg.device_id = id;
    cfg.status = STATUS;
    cfg.publish = cb_publish;
    cfg.token = cb_token;
    cfg.clock = cb_clock;
    cfg.log = with_log ? cb_log : NULL;
    cfg.user = &h->c;
    cfg.buf = h->buf;
    cfg.buf_size = sizeof h->buf;
    if (hb_init(&h->svc, &cfg) != HB_OK) return -1;
    h->now = 0;
    if (hb_start(&h->svc, h->now) != HB_OK) return -1;
    return 0;
}

/* n due polls: each comes exactly on the next grid point */
static void op_hb(void *arg, uint32_t n)
{
    hbcol *h = (hbcol *)arg;
    uint32_t now = h->now;
    while (n-- > 0) {
        now += 1000u;
        h->c.sink += hb_poll(&h->svc, now);
    }
    h->now = now;
}

/* ---- column: snprintf (what a C user writes by hand; no escaping) -------- */

/* RFC 3339 with Go's trimmed nanoseconds, via gmtime_r + snprintf. */
static void libc_timestamp(char *ts, size_t size, const hb_time *t)
{
    struct tm tm;
    time_t tt = (time_t)t->sec;
    int n;
    gmtime_r(&tt, &tm);
    n = snprintf(ts, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09lu",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec, (unsigned long)t->nsec);
    while (ts[n - 1] == '0') n--;
    if (ts[n - 1] == '.') n--;
    ts[n++] = 'Z';
    ts[n] = '\0';
}

typedef struct sncol {
    bctx        c;
    const char *id;
    char        buf[1024];
} sncol;

static void op_snprintf(void *arg, uint32_t n)
{
    sncol *s = (sncol *)arg;
    while (n-- > 0) {
        hb_time t;
        char ts[48];
        const char *tok;
        size_t toklen;
        int len;
        p_clock(&s->c, &t);
        p_token(&s->c, &tok, &toklen);
        libc_timestamp(ts, sizeof ts, &t);
        len = snprintf(s->buf, sizeof s->buf,
                       "{\"device_id\":\"%s\",\"timestamp\":\"%s\","
                       "\"status\":\"%s\",\"jwt_token\":\"%.*s\"}",
                       s->id, ts, STATUS, (int)toklen, tok);
        p_publish(&s->c, "devices/heartbeat", s->buf, (size_t)len, 1);
    }
}

/* ---- column: cJSON (the JSON library a C user would pick) ----------------- */

#ifndef BENCH_NO_CJSON
typedef struct cjcol {
    bctx        c;
    const char *id;
} cjcol;

static void op_cjson(void *arg, uint32_t n)
{
    cjcol *s = (cjcol *)arg;
    while (n-- > 0) {
        hb_time t;
        char ts[48];
        const char *tok;
        size_t toklen;
        cJSON *o;
        char *out;
        p_clock(&s->c, &t);
        p_token(&s->c, &tok, &toklen);
        libc_timestamp(ts, sizeof ts, &t);
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "device_id", s->id);
        cJSON_AddStringToObject(o, "timestamp", ts);
        cJSON_AddStringToObject(o, "status", STATUS);
        cJSON_AddStringToObject(o, "jwt_token", tok); /* NUL-terminated */
        out = cJSON_PrintUnformatted(o);
        if (out != NULL) {
            p_publish(&s->c, "devices/heartbeat", out, strlen(out), 1);
            cJSON_free(out);
        }
        cJSON_Delete(o);
    }
}
#endif

/* ---- column: memcpy of the finished message (the floor) ------------------- */

typedef struct mccol {
    const char *msg;
    size_t      len;
    char        buf[1024];
} mccol;

static void op_memcpy(void *arg, uint32_t n)
{
    mccol *m = (mccol *)arg;
    while (n-- > 0) {
        memcpy(m->buf, m->msg, m->len);
        barrier(m->buf);
    }
}

/* ---- row 2: the idle poll -------------------------------------------------- */

/* n polls with nothing due: now stays inside the first interval */
static void op_idle(void *arg, uint32_t n)
{
    hbcol *h = (hbcol *)arg;
    uint32_t i, acc = 0;
    for (i = 0; i < n; i++) acc += hb_poll(&h->svc, h->now + (i & 511u));
    h->c.sink += acc;
}

/* the same loop around an empty call, to show what the loop costs */
static uint32_t empty_poll(hb_service *hb, uint32_t now)
{
    (void)hb;
    return now;
}
static uint32_t (*volatile p_empty)(hb_service *, uint32_t) = empty_poll;

static void op_empty(void *arg, uint32_t n)
{
    hbcol *h = (hbcol *)arg;
    uint32_t (*f)(hb_service *, uint32_t) = p_empty;
    uint32_t i, acc = 0;
    for (i = 0; i < n; i++) acc += f(&h->svc, h->now + (i & 511u));
    h->c.sink += acc;
}

/* ---- timing ---------------------------------------------------------------- */

typedef void (*op_fn)(void *arg, uint32_t n);

static double cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* iterations that take about ms milliseconds */
static uint32_t calibrate(op_fn op, void *arg, double ms)
{
    uint32_t n = 1;
    for (;;) {
        double t0 = cpu_ns(), dt;
        op(arg, n);
        dt = cpu_ns() - t0;
        if (dt >= ms * 1e6 / 8 || n >= (1u << 30)) {
            double want = (double)n * ms * 1e6 / (dt > 1 ? dt : 1);
            if (want < 1) want = 1;
            if (want > 4e9) want = 4e9;
            return (uint32_t)want;
        }
        n *= 2;
    }
}

static double per_op(op_fn op, void *arg, uint32_t n)
{
    double t0 = cpu_ns();
    op(arg, n);
    return (cpu_ns() - t0) / n;
}

static double allocs_per_op(op_fn op, void *arg, uint32_t n)
{
    unsigned long a0 = g_allocs;
    op(arg, n);
    return (double)(g_allocs - a0) / n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#define MAX_REPS 64
#define MAX_COLS 6

typedef struct col {
    const char *name;
    op_fn       op;
    void       *arg;
    uint32_t    n;
    double      t[MAX_REPS];
    double      med, min, max, allocs;
    int         have;       /* 0: not measured (note says why) */
    const char *note;
} col;

static int g_reps = 9;
static double g_ms = 20;
static int g_quick;

static void measure(col *cols, int ncols)
{
    int i, r;
    for (i = 0; i < ncols; i++)
        if (cols[i].have) {
            cols[i].op(cols[i].arg, 64);    /* warm caches and branches */
            cols[i].n = calibrate(cols[i].op, cols[i].arg, g_ms);
        }
    for (r = 0; r < g_reps; r++)
        for (i = 0; i < ncols; i++)
            if (cols[i].have)
                cols[i].t[r] = per_op(cols[i].op, cols[i].arg, cols[i].n);
    for (i = 0; i < ncols; i++) {
        if (!cols[i].have) continue;
        qsort(cols[i].t, (size_t)g_reps, sizeof(double), cmp_double);
        cols[i].min = cols[i].t[0];
        cols[i].max = cols[i].t[g_reps - 1];
        cols[i].med = cols[i].t[g_reps / 2];
        cols[i].allocs = allocs_per_op(cols[i].op, cols[i].arg,
                                       cols[i].n < 1000 ? cols[i].n : 1000);
    }
}

static void print_cols(const char *label, const col *cols, int ncols,
                       double base)
{
    int i;
    for (i = 0; i < ncols; i++) {
        const col *c = &cols[i];
        printf("  %-9s %-17s", i == 0 ? label : "", c->name);
        if (!c->have) {
            printf(" %s\n", c->note);
            continue;
        }
        printf(" %9.1f %9.1f %9.1f", c->med, c->min, c->max);
        if (base > 0) printf(" %8.2fx", c->med / base);
        else printf(" %9s", "");
        if (c->allocs >= 0) printf(" %7.1f", c->allocs);
        if (c->note != NULL) printf("  %s", c->note);
        printf("\n");
    }
}

/* ---- the Go column, measured by bench/go and handed over in a file ------- */

typedef struct gores {
    int    have;
    char   version[64];
    char   why[160];
    double med[2], min[2], max[2], allocs[2];
    int    got[2];
    char   sample[2][1024];
    size_t sample_len[2];
} gores;

static int unhex(const char *h, char *out, size_t max, size_t *len)
{
    size_t n = 0;
    unsigned v;
    while (h[0] != '\0' && h[0] != '\n' && h[1] != '\0') {
        if (sscanf(h, "%2x", &v) != 1 || n >= max) return -1;
        out[n++] = (char)v;
        h += 2;
    }
    *len = n;
    return 0;
}

static void read_go(const char *path, gores *g)
{
    FILE *f;
    char line[4096];
    memset(g, 0, sizeof *g);
    strcpy(g->why, "not installed (Debian: golang-go, or golang-1.23-go "
                   "from bookworm-backports)");
    if (path == NULL || (f = fopen(path, "r")) == NULL) return;
    while (fgets(line, sizeof line, f) != NULL) {
        char name[32];
        int k;
        double a, b, c, d;
        if (strncmp(line, "missing ", 8) == 0) {
            size_t k2 = strcspn(line + 8, "\n");
            if (k2 >= sizeof g->why) k2 = sizeof g->why - 1;
            memcpy(g->why, line + 8, k2);
            g->why[k2] = '\0';
        } else if (sscanf(line, "go_version %63s", g->version) == 1) {
            g->have = 1;
        } else if (sscanf(line, "row %31s %lf %lf %lf %lf", name, &a, &b, &c,
                          &d) == 5) {
            k = strcmp(name, "hostile") == 0;
            g->med[k] = a; g->min[k] = b; g->max[k] = c; g->allocs[k] = d;
            g->got[k] = 1;
        } else if (sscanf(line, "sample %31s", name) == 1) {
            k = strcmp(name, "hostile") == 0;
            if (unhex(line + 8 + strlen(name), g->sample[k],
                      sizeof g->sample[k], &g->sample_len[k]) != 0)
                g->sample_len[k] = 0;
        }
    }
    fclose(f);
}

/* ---- row 1 ------------------------------------------------------------------ */

static int same(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && memcmp(a, b, alen) == 0;
}

static int row_beat(const gores *g, int hostile, int *bad)
{
    static hbcol hb;
    static sncol sn;
    static mccol mc;
#ifndef BENCH_NO_CJSON
    static cjcol cj;
    char cjmsg[1024];
    size_t cjlen = 0;
#endif
    char ref[1024], snmsg[1024];
    size_t reflen, snlen = 0;
    const char *id = hostile ? ID_HOSTILE : ID_ASCII;
    col cols[MAX_COLS];
    int nc = 0;
    static char gonote[200];
#ifndef BENCH_NO_CJSON
    static char cjnote[200];
#endif

    /* the first message of each column, built from clock tick 0 */
    if (hbcol_init(&hb, id, 0) != 0) return -1;
    hb.c.copy_to = ref;
    op_hb(&hb, 1);
    hb.c.copy_to = NULL;
    reflen = hb.c.copy_len;
    if (hb.c.beats != 1) return -1;

    memset(&sn, 0, sizeof sn);
    sn.id = id;
    sn.c.copy_to = snmsg;
    op_snprintf(&sn, 1);
    sn.c.copy_to = NULL;
    snlen = sn.c.copy_len;
#ifndef BENCH_NO_CJSON
    memset(&cj, 0, sizeof cj);
    cj.id = id;
    cj.c.copy_to = cjmsg;
    op_cjson(&cj, 1);
    cj.c.copy_to = NULL;
    cjlen = cj.c.copy_len;
#endif
    memset(&mc, 0, sizeof mc);
    mc.msg = ref;
    mc.len = reflen;

    memset(cols, 0, sizeof cols);
    cols[nc].name = "heartbeat.h"; cols[nc].op = op_hb; cols[nc].arg = &hb;
    cols[nc].have = 1; nc++;
    cols[nc].name = "snprintf"; cols[nc].op = op_snprintf; cols[nc].arg = &sn;
    if (hostile) {
        cols[nc].note = "n/a: snprintf does no JSON escaping (ASCII input only)";
    } else {
        cols[nc].have = 1;
        if (!same(ref, reflen, snmsg, snlen)) {
            cols[nc].note = "DIFFERENT bytes from heartbeat.h";
            *bad = 1;
        }
    }
    nc++;
    cols[nc].name = "cJSON";
#ifndef BENCH_NO_CJSON
    cols[nc].op = op_cjson; cols[nc].arg = &cj; cols[nc].have = 1;
    if (!same(ref, reflen, cjmsg, cjlen)) {
        snprintf(cjnote, sizeof cjnote, "%s",
                 hostile ? "not Go's bytes: cJSON leaves < > & U+2028 and "
                           "invalid UTF-8 unescaped"
                         : "DIFFERENT bytes from heartbeat.h");
        cols[nc].note = cjnote;
        if (!hostile) *bad = 1;
    }
#else
    cols[nc].note = "not built (Debian: libcjson-dev)";
#endif
    nc++;
    cols[nc].name = "memcpy floor"; cols[nc].op = op_memcpy; cols[nc].arg = &mc;
    cols[nc].have = 1; nc++;

    measure(cols, nc);

    print_cols(hostile ? "hostile" : "ascii", cols, nc, cols[0].med);
    /* the Go column */
    printf("  %-9s %-17s", "", "Go json.Marshal");
    if (!g->have) {
        printf(" %s\n", g->why);
    } else if (!g->got[hostile]) {
        printf(" no result in the Go output\n");
    } else {
        printf(" %9.1f %9.1f %9.1f %8.2fx %7.1f", g->med[hostile],
               g->min[hostile], g->max[hostile], g->med[hostile] / cols[0].med,
               g->allocs[hostile]);
        if (g->sample_len[hostile] == 0)
            snprintf(gonote, sizeof gonote, "  (%s; no sample)", g->version);
        else if (same(ref, reflen, g->sample[hostile], g->sample_len[hostile]))
            snprintf(gonote, sizeof gonote, "  (%s, same bytes)", g->version);
        else {
            snprintf(gonote, sizeof gonote, "  (%s) DIFFERENT bytes", g->version);
            *bad = 1;
        }
        printf("%s\n", gonote);
    }
    printf("  %-9s message: %lu bytes%s\n", "", (unsigned long)reflen,
           hostile ? "" : ", the same from every column (checked)");
    return 0;
}

/* ---- row 2 ------------------------------------------------------------------ */

static int row_poll(void)
{
    static hbcol idle, due;
    col cols[3];
    if (hbcol_init(&idle, ID_ASCII, 1) != 0) return -1;
    if (hbcol_init(&due, ID_ASCII, 1) != 0) return -1;
    memset(cols, 0, sizeof cols);
    cols[0].name = "idle hb_poll"; cols[0].op = op_idle; cols[0].arg = &idle;
    cols[0].have = 1;
    cols[1].name = "  loop+call only"; cols[1].op = op_empty;
    cols[1].arg = &idle; cols[1].have = 1;
    cols[1].note = "(the same loop calling an empty function)";
    cols[2].name = "due hb_poll"; cols[2].op = op_hb; cols[2].arg = &due;
    cols[2].have = 1;
    cols[2].note = "(no-op publish and log)";
    measure(cols, 3);
    if (idle.c.beats != 0 || due.c.logs != due.c.beats) return -1;
    print_cols("poll", cols, 3, 0);
    return 0;
}

/* ---- row 3: a gateway ------------------------------------------------------- */

/* A timer wheel of 1 ms slots. Every answer of hb_poll is at most one
   interval (1000 ms), so 1024 slots never wrap onto a slot still pending.
   Each slot is a chain of blocks of instance numbers (a pool allocated
   once, no allocation while it runs), so the instance GW_AHEAD places
   ahead is read from an array, not found by chasing one random link per
   beat (an intrusive list did that: one DRAM round trip per beat that the
   prefetching could not hide). */
#define WHEEL 1024u
#define NONE  0xFFFFFFFFu
#define GW_BLK 62u      /* numbers per block: a block is 256 bytes */

typedef struct gw_blk {
    uint32_t next;      /* the slot's next block, NONE at the end */
    uint32_t n;
    uint32_t item[GW_BLK];
} gw_blk;

typedef uint32_t (*gw_poll_fn)(void *base, uint32_t i, uint32_t now);

static uint32_t gw_real(void *base, uint32_t i, uint32_t now)
{
    return hb_poll((hb_service *)base + i, now);
}

/* the harness alone: the same schedule, no service behind it */
static uint32_t gw_stub(void *base, uint32_t i, uint32_t now)
{
    (void)base; (void)i; (void)now;
    return 1000u;
}

/* Each id (36 characters and the NUL) in a 64-byte slot of its own: one
   cache line per beat, where 40-byte slots straddled two lines in five
   cases of eight. */
#define GW_ID 64u

typedef struct gw {
    uint32_t    n;
    hb_service *svc;
    char       *ids;        /* n ids, GW_ID bytes apart */
    gw_blk     *pool;
    uint32_t    nblk;
    uint32_t    free_blk;   /* the unused blocks, chained by next */
    uint32_t   *first;      /* each instance's first answer */
    uint32_t    head[WHEEL];
    uint32_t    tail[WHEEL];
    bctx        c;
    char        buf[1024];
} gw;

static void gw_free(gw *g)
{
    free(g->svc); free(g->ids); free(g->pool); free(g->first);
}

/* Big arrays on 2 MiB boundaries, with transparent huge pages asked for
   where Linux has them: 10^6 services are 240 MB, and with 4 KiB pages
   nearly every beat would also miss the TLB. A gateway would do the same. */
static void *gw_alloc(size_t size)
{
    size_t align = (size_t)2 << 20;
    void *p;
    size = (size + align - 1) / align * align;
    p = aligned_alloc(align, size);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (p != NULL) madvise(p, size, MADV_HUGEPAGE);
#endif
    return p;
}

static int gw_setup(gw *g, uint32_t n)
{
    hb_config cfg;
    uint32_t i;
    memset(g, 0, sizeof *g);
    g->n = n;
    g->svc = (hb_service *)gw_alloc((size_t)n * sizeof(hb_service));
    g->ids = (char *)gw_alloc((size_t)n * GW_ID);
    /* every slot's blocks full but its last, and the one being served */
    g->nblk = n / GW_BLK + 2u * WHEEL + 2u;
    g->pool = (gw_blk *)gw_alloc((size_t)g->nblk * sizeof(gw_blk));
    g->first = (uint32_t *)malloc((size_t)n * sizeof(uint32_t));
    if (!g->svc || !g->ids || !g->pool || !g->first) return -1;
    memset(&cfg, 0, sizeof cfg);
    cfg.topic = "devices/heartbeat";
    cfg.interval_ms = 1000;
    cfg.qos = 1;
    cfg.status = STATUS;
    cfg.publish = cb_publish;
    cfg.token = cb_token;
    cfg.clock = cb_clock;
    cfg.user = &g->c;
    cfg.buf = g->buf;           /* one buffer: one thread polls them all */
    cfg.buf_size = sizeof g->buf;
    /* a fleet switched on together: HB_OPT_DESYNC spreads the grid */
    cfg.flags = HB_OPT_DESYNC;
    for (i = 0; i < n; i++) {
        char *id = g->ids + (size_t)i * GW_ID;
        snprintf(id, GW_ID, "3f2504e0-4f89-41d3-9a0c-%012lx", (unsigned long)i);
        cfg.device_id = id;
        if (hb_init(&g->svc[i], &cfg) != HB_OK) return -1;
        if (hb_start(&g->svc[i], 0) != HB_OK) return -1;
        g->first[i] = hb_poll(&g->svc[i], 0);
        if (g->first[i] == 0 || g->first[i] > 1000u) return -1;
    }
    return 0;
}

/* Fetches the state an instance's beat reads (its hb_service and its
   device_id) ahead of time. A macro, not a function: written as a static
   function, gcc 12 -O2 emitted no prefetch instruction at all here
   (objdump shows it). */
#if defined(__GNUC__) || defined(__clang__)
#  define GW_PREFETCH(g, i)                                                \
    do {                                                                   \
        const char *p_ = (const char *)((g)->svc + (i));                   \
        const char *d_ = (g)->ids + (size_t)(i) * GW_ID;                   \
        size_t o_;                                                         \
        /* every cache line of the instance, whatever sizeof(hb_service)  \
           (a constant: the loop unrolls) */                               \
        for (o_ = 0; o_ < sizeof(hb_service); o_ += 64)                    \
            __builtin_prefetch(p_ + o_);                                   \
        __builtin_prefetch(p_ + sizeof(hb_service) - 1);                   \
        __builtin_prefetch(d_);                                            \
    } while (0)
#else
#  define GW_PREFETCH(g, i) ((void)0)
#endif

#ifndef GW_AHEAD
#  define GW_AHEAD 16u  /* instances prefetched ahead of the one served */
#endif

/* Appends instance i to slot s. */
static void gw_put(gw *g, uint32_t s, uint32_t i)
{
    uint32_t b = g->tail[s];
    if (b == NONE || g->pool[b].n == GW_BLK) {
        uint32_t nb = g->free_blk;
        g->free_blk = g->pool[nb].next;
        g->pool[nb].next = NONE;
        g->pool[nb].n = 0;
        if (b == NONE) g->head[s] = nb;
        else g->pool[b].next = nb;
        g->tail[s] = b = nb;
    }
    g->pool[b].item[g->pool[b].n++] = i;
}

/* Runs `seconds` simulated seconds; returns the CPU ns it took. While it
   serves an instance it fetches the state of the one GW_AHEAD places
   further in the slot (in this block or the next): 10^6 services are
   320 MB, far past any cache, and one cold hb_service costs several DRAM
   round trips. */
static double gw_run(gw *g, gw_poll_fn poll, uint32_t seconds, int prefetch)
{
    uint32_t i, now, end = seconds * 1000u;
    double t0;
    for (i = 0; i < WHEEL; i++) g->head[i] = g->tail[i] = NONE;
    for (i = 0; i < g->nblk; i++) g->pool[i].next = i + 1u < g->nblk ? i + 1u : NONE;
    g->free_blk = 0;
    for (i = 0; i < g->n; i++) gw_put(g, g->first[i] & (WHEEL - 1u), i);
    t0 = cpu_ns();
    for (now = 1; now <= end; now++) {
        uint32_t slot = now & (WHEEL - 1u), b = g->head[slot], k;
        g->head[slot] = g->tail[slot] = NONE;
        if (prefetch && b != NONE)
            for (k = 0; k < GW_AHEAD && k < g->pool[b].n; k++)
                GW_PREFETCH(g, g->pool[b].item[k]);
        while (b != NONE) {
            const gw_blk *blk = &g->pool[b];
            uint32_t nb = blk->next;
#if defined(__GNUC__) || defined(__clang__)
            if (prefetch && nb != NONE) {   /* the next block's 4 lines */
                const char *q_ = (const char *)&g->pool[nb];
                __builtin_prefetch(q_);       __builtin_prefetch(q_ + 64);
                __builtin_prefetch(q_ + 128); __builtin_prefetch(q_ + 192);
            }
#endif
            for (k = 0; k < blk->n; k++) {
                uint32_t it = blk->item[k], w, a = k + GW_AHEAD;
                if (prefetch) {
                    if (a < blk->n)
                        GW_PREFETCH(g, blk->item[a]);
                    else if (nb != NONE && a - blk->n < g->pool[nb].n)
                        GW_PREFETCH(g, g->pool[nb].item[a - blk->n]);
                }
                w = poll(g->svc, it, now);
                if (w == 0) w = 1;      /* never happens without retries */
                gw_put(g, (now + w) & (WHEEL - 1u), it);
            }
            /* the block is done: back to the pool (w >= 1, so nothing
               was appended to this slot meanwhile) */
            g->pool[b].next = g->free_blk;
            g->free_blk = b;
            b = nb;
        }
    }
    return cpu_ns() - t0;
}

#define GW_MIN_BEATS 6000000u

/* Each N is set up and run `reps` times (fresh services each time: the
   runs start at tick 0); the figures are the fastest run's, which on a
   shared machine is the one the other jobs disturbed least, and "max" the
   slowest run's ns/beat, to show the spread. */
static int row_gateway(uint32_t max_n, uint32_t seconds, uint32_t reps)
{
    uint32_t n, r;
    printf("  %-9s %9s %9s %9s %12s %11s %12s %11s %7s\n", "instances",
           "beats", "ns/beat", "max", "harness/beat", "hb.h/beat",
           "ns/inst-s", "ms CPU", "allocs");
    for (n = 1000; n <= max_n; n *= 10) {
        static gw g;
        unsigned long a0 = 0, beats = 0;
        double real = 0, stub = 0, worst = 0;
        /* at least GW_MIN_BEATS beats per row: 10^3 instances for 60 s
           are 5 to 10 ms of CPU, whose time moved by a factor of two from
           one run to the next on a shared machine */
        uint32_t secs = seconds;
        if ((uint64_t)n * secs < GW_MIN_BEATS && !g_quick)
            secs = (uint32_t)(GW_MIN_BEATS / n);
        for (r = 0; r < reps; r++) {
            unsigned long b0, a1, bt;
            double rl, st;
            if (gw_setup(&g, n) != 0) {
                printf("  %-9lu setup failed (memory?)\n", (unsigned long)n);
                gw_free(&g);
                return -1;
            }
            st = gw_run(&g, gw_stub, secs, 0);
            b0 = g.c.beats;
            a1 = g_allocs;
            rl = gw_run(&g, gw_real, secs, 1);
            a0 += g_allocs - a1;
            bt = g.c.beats - b0;
            gw_free(&g);
            if (bt == 0) return -1;
            if (r == 0 || rl < real) { real = rl; beats = bt; }
            if (r == 0 || st < stub) stub = st;
            if (rl / (double)bt > worst) worst = rl / (double)bt;
        }
        printf("  %-9lu %9lu %9.1f %9.1f %12.1f %11.1f %12.1f %11.1f %7lu\n",
               (unsigned long)n, beats, real / (double)beats, worst,
               stub / (double)beats, (real - stub) / (double)beats,
               real / ((double)n * secs), real / 1e6, a0);
    }
    return 0;
}

/* ---- --gateway-lines N: cache lines per beat, for callgrind --cache-sim ----- */

/* The gateway row's loop for N instances alone, between callgrind client
   requests, for bench/lines.sh: run under callgrind's cache simulation, the
   dumps count the data cache misses of `seconds` simulated seconds (the
   stub harness, then the real services), so misses per beat say how many
   cache lines one beat brings from memory, with no noise. valgrind does no
   prefetching and ignores prefetch instructions, so these are the lines the
   gateway's prefetch has to hide. As in the gateway row, the stub runs
   first and the services start from their state after gw_setup. */
static int run_gateway_lines(uint32_t n, uint32_t seconds)
{
    static gw g;
    unsigned long b0;
    if (gw_setup(&g, n) != 0) {
        gw_free(&g);
        return -1;
    }
    CALLGRIND_ZERO_STATS;
    (void)gw_run(&g, gw_stub, seconds, 0);
    CALLGRIND_DUMP_STATS_AT("gateway-harness");
    b0 = g.c.beats;
    (void)gw_run(&g, gw_real, seconds, 0);
    CALLGRIND_DUMP_STATS_AT("gateway-total");
    printf("instances %lu\nbeats %lu\nsizeof(hb_service) %lu\n",
           (unsigned long)n, g.c.beats - b0, (unsigned long)sizeof(hb_service));
    gw_free(&g);
    return 0;
}

/* ---- --instr: fixed counts for callgrind ----------------------------------- */

static void instr_one(const char *name, op_fn op, void *arg, uint32_t n)
{
    op(arg, 16);                /* warm up: lazy binding, first touches */
    CALLGRIND_ZERO_STATS;
    op(arg, n);
    CALLGRIND_DUMP_STATS_AT(name);
}

static int run_instr(uint32_t n)
{
    static hbcol hb_a, hb_h, idle, due;
    static sncol sn;
    static mccol mc;
    static char ref[1024];
#ifndef BENCH_NO_CJSON
    static cjcol cj_a, cj_h;
#endif
    if (hbcol_init(&hb_a, ID_ASCII, 0) || hbcol_init(&hb_h, ID_HOSTILE, 0) ||
        hbcol_init(&idle, ID_ASCII, 1) || hbcol_init(&due, ID_ASCII, 1))
        return -1;
    hb_a.c.copy_to = ref;
    op_hb(&hb_a, 1);
    hb_a.c.copy_to = NULL;
    mc.msg = ref;
    mc.len = hb_a.c.copy_len;
    sn.id = ID_ASCII;
    printf("iterations %lu\n", (unsigned long)n);
    instr_one("beat-ascii-heartbeat.h", op_hb, &hb_a, n);
    instr_one("beat-ascii-snprintf", op_snprintf, &sn, n);
#ifndef BENCH_NO_CJSON
    cj_a.id = ID_ASCII;
    cj_h.id = ID_HOSTILE;
    instr_one("beat-ascii-cJSON", op_cjson, &cj_a, n);
#endif
    instr_one("beat-ascii-memcpy", op_memcpy, &mc, n);
    instr_one("beat-hostile-heartbeat.h", op_hb, &hb_h, n);
#ifndef BENCH_NO_CJSON
    instr_one("beat-hostile-cJSON", op_cjson, &cj_h, n);
#endif
    instr_one("poll-idle", op_idle, &idle, n);
    instr_one("poll-due", op_hb, &due, n);
    return 0;
}

/* ---- main ---------------------------------------------------------------- */

static void cpu_model(char *out, size_t size)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    snprintf(out, size, "unknown CPU");
    if (f == NULL) return;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "model name", 10) == 0) {
            char *p = strchr(line, ':');
            if (p != NULL) {
                p += 2;
                p[strcspn(p, "\n")] = '\0';
                snprintf(out, size, "%s", p);
            }
            break;
        }
    fclose(f);
}

int main(int argc, char **argv)
{
    const char *gofile = NULL;
    uint32_t gmax = 1000000u, seconds = 60, greps = 1;
    int i, instr = 0, bad = 0, gw_only = 0;
    uint32_t lines_n = 0;
    char cpu[128];
    gores g;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            g_quick = 1; g_reps = 3; g_ms = 2; gmax = 1000; seconds = 5;
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            g_reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--ms") == 0 && i + 1 < argc) {
            g_ms = atof(argv[++i]);
        } else if (strcmp(argv[i], "--go") == 0 && i + 1 < argc) {
            gofile = argv[++i];
        } else if (strcmp(argv[i], "--gateway-max") == 0 && i + 1 < argc) {
            gmax = (uint32_t)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--gateway-seconds") == 0 && i + 1 < argc) {
            seconds = (uint32_t)strtoul(argv[++i], NULL, 10);
            if (seconds == 0 || seconds > 3600) seconds = 60;
        } else if (strcmp(argv[i], "--gateway-reps") == 0 && i + 1 < argc) {
            greps = (uint32_t)strtoul(argv[++i], NULL, 10);
            if (greps == 0 || greps > 100) greps = 1;
        } else if (strcmp(argv[i], "--gateway-only") == 0) {
            gw_only = 1;        /* row 3 alone, e.g. to repeat it */
        } else if (strcmp(argv[i], "--instr") == 0) {
            instr = 1;
        } else if (strcmp(argv[i], "--gateway-lines") == 0 && i + 1 < argc) {
            lines_n = (uint32_t)strtoul(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: %s [--quick] [--reps R] [--ms M] "
                    "[--go FILE] [--gateway-max N] [--gateway-seconds S] "
                    "[--gateway-reps R] [--gateway-only] [--instr] "
                    "[--gateway-lines N]\n", argv[0]);
            return 2;
        }
    }
    if (g_reps < 1) g_reps = 1;
    if (g_reps > MAX_REPS) g_reps = MAX_REPS;
    if (instr) return run_instr(g_quick ? 1000 : 10000) == 0 ? 0 : 1;
    if (lines_n != 0)
        return lines_n <= 10000000u && run_gateway_lines(lines_n, seconds) == 0 ? 0 : 1;

    read_go(gofile, &g);
    cpu_model(cpu, sizeof cpu);
    printf("heartbeat.h %s bench: %s, %s\n", HEARTBEAT_VERSION_STRING, cpu,
#if defined(__clang__)
           "clang " __clang_version__
#elif defined(__GNUC__)
           "gcc " __VERSION__
#else
           "unknown compiler"
#endif
    );
#if defined(__OPTIMIZE_SIZE__)
    printf("built with -Os (__OPTIMIZE_SIZE__): the header's compact path\n");
#endif
    printf("CPU time per operation in ns: median, min, max of %d repetitions "
           "(~%.0f ms each);\nratio = median / heartbeat.h's median; allocs "
           "per operation%s.\n\n", g_reps, g_ms,
           BENCH_COUNTS_ALLOCS ? "" : " (not counted: needs glibc)");
    if (!gw_only) {
        printf("1. build one beat (clock, token, JSON with escaping, RFC 3339, "
               "no-op publish)\n");
        printf("  %-9s %-17s %9s %9s %9s %9s %7s\n", "input", "column",
               "median", "min", "max", "ratio", "allocs");
        if (row_beat(&g, 0, &bad) != 0 || row_beat(&g, 1, &bad) != 0) {
            fprintf(stderr, "bench: row 1 failed to set up\n");
            return 1;
        }
        printf("\n2. hb_poll\n");
        printf("  %-9s %-17s %9s %9s %9s %9s %7s\n", "", "", "median", "min",
               "max", "", "allocs");
        if (row_poll() != 0) {
            fprintf(stderr, "bench: row 2 failed\n");
            return 1;
        }
    }
    printf("\n3. gateway: N instances, 1 s interval, HB_OPT_DESYNC, polled "
           "from a timer wheel when\n   their own hb_poll answer says; %lu "
           "simulated seconds (more where N is small: at least\n   %lu beats "
           "per row); CPU ns per beat: total; harness = the\n   "
           "same wheel with a stub for hb_poll (and no prefetch); hb.h = "
           "total - harness;\n   per instance-second = total / (N x "
           "seconds); the fastest of %lu run(s), max = the slowest\n",
           (unsigned long)seconds, g_quick ? 0ul : (unsigned long)GW_MIN_BEATS,
           (unsigned long)greps);
    if (row_gateway(gmax, seconds, greps) != 0) {
        fprintf(stderr, "bench: row 3 failed\n");
        return 1;
    }
    if (bad) {
        fprintf(stderr, "bench: columns disagree on the bytes (see above)\n");
        return 1;
    }
    return 0;
}
