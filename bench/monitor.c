/* bench/monitor.c — `make bench-monitor`: the fleet monitor (hb_mon_*)
   next to three classic detectors on one deterministic simulated trace,
   then its speed and memory at 10^6 devices.

   The trace (seeded PRNG, the same every run):
   - N devices (default 100000) for H simulated hours (default 2); each
     beats every 10, 30 or 60 s from a random phase, with a send delay of
     up to 10 % of the interval after each grid point (jitter), a network
     delay of 5..100 ms, a clock rate off by up to +-200 ppm and 1 % of
     beats lost, each independently;
   - 60 % of devices send seq, boot_id, uptime_ms and interval_ms, 30 %
     seq and boot_id (as examples/mosquitto does), 10 % the bare Go beat;
   - 0.1 % of beats come after a reconnect: the broker first redelivers
     the 20 beats before it (QoS 1 duplicates), then the new one;
   - 10 % of devices reboot once (silent 2..8 s, new boot_id, seq and
     uptime from 0, a birth beat at once);
   - one broker restart at H/2: 30 s of nothing delivered; the monitor's
     own link is down for that time plus 0.5 s (hb_mon_link), devices
     reconnect 0..10 s after the broker is back, each with a birth beat;
   - 5 % of devices have a wall clock hours off (timestamps only);
   - 1 % of devices die at a random time; for 30 % of those, a bridge
     flushes 20 of their old beats two intervals after the death
     (scylladb#8488).
   Detectors, all fed every delivered message at its arrival time:
   - naive: dead when nothing arrived for 2 x the device's interval;
   - Akka: phi accrual, normal model, 1000-sample window, threshold 8,
     acceptable pause 3 intervals and min deviation 0.1 interval (Akka's
     3 s and 100 ms for 1 s beats, scaled to the device's interval);
   - Cassandra: exponential phi = silence / mean interval, convict at
     phi / ln 10 > 8, 1000-sample window, intervals above 2 x the
     interval not recorded;
   - hb_mon with its defaults (resolution_ms 1000 for this fleet size),
     told about its own link.
   A false DEAD is a DEAD verdict for a device that had not died.
   Detection latency of a death: from the death to the first DEAD after
   it (one per death: a DEAD, an ALIVE from a flushed queue and a second
   DEAD count once, at the first), in the device's intervals (p50, p99,
   max; "missed" = never by the end of the trace); also from the first
   beat the dead device did not send. Columns: all deaths, devices that
   send seq, deaths away from the broker restart, both.

   After the table, the oracle: the same trace seen by the best detector
   that has only the arrivals (see oracle_* below).

   Usage: bench-monitor [--devices N] [--hours H] [--big N] [--dead-phi N]
                        [--quick] [--instr] [--no-counters]
   (--dead-phi: hb_mon's dead_phi in 1/100 instead of the default;
   --no-counters: the speed part without the per-device counters array,
   so each beat touches its slot's line only)
   --instr skips the trace and runs the speed part on --big devices
   (default 20000, the same 67 % load) with callgrind collecting only
   the timed calls: one dump per operation, each of exactly --big calls,
   for bench/instr.sh (`make bench-monitor-instr`). */
#define _GNU_SOURCE
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#ifdef BENCH_CALLGRIND
#  include <valgrind/callgrind.h>
#else
#  define CALLGRIND_TOGGLE_COLLECT ((void)0)
#  define CALLGRIND_DUMP_STATS_AT(s) ((void)(s))
#endif

static int g_instr;   /* --instr: callgrind collects the timed calls only */
static int g_no_ctr;  /* --no-counters: the speed part without counters */
/* Around one timed block: collect it when `name` is set (--instr). */
#define INSTR_ON(name) do { if (g_instr && (name) != NULL) CALLGRIND_TOGGLE_COLLECT; } while (0)
#define INSTR_OFF(name) do { if (g_instr && (name) != NULL) CALLGRIND_TOGGLE_COLLECT; } while (0)

/* The caller owns the table: give it huge pages where the kernel has them
   (one TLB entry per 2 MiB instead of per 4 KiB). */
static void *table_alloc(size_t n)
{
    size_t sz = (n + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
    void *p = aligned_alloc(2u << 20, sz);
#ifdef MADV_HUGEPAGE
    if (p != NULL) madvise(p, sz, MADV_HUGEPAGE);
#endif
    return p;
}

static uint64_t rng_s = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
    uint64_t z = (rng_s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static double urand(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }
static uint32_t urange(uint32_t lo, uint32_t hi) { return lo + (uint32_t)(rnd() % (hi - lo + 1u)); }

/* CPU time of this thread: the machine may be shared, and time spent
   descheduled is not the monitor's cost */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the simulated devices --------------------------------------------- */

enum { KIND_FULL, KIND_SEQ, KIND_BARE };

typedef struct sim {
    uint64_t next;        /* arrival time of the pending message (ms) */
    uint64_t grid;        /* next grid point (send time before jitter) */
    uint64_t boot_at;     /* real time of this boot */
    uint64_t death;       /* UINT64_MAX: never */
    uint64_t reboot_at;   /* UINT64_MAX: none */
    uint64_t reconnect_at;
    uint64_t burst_at, defer_at;
    uint64_t pend_up, top_up, defer_up, last_up;
    uint64_t miss_at;     /* the first beat a dead device did not send */
    uint32_t interval, seq, boot;
    uint32_t pend_seq, top_seq, defer_seq;
    int32_t  drift_ppm;
    uint8_t  kind, dead, flushed, broker_wait, burst, defer;
    uint64_t last_arr;    /* when the monitor last got anything from it */
    /* the oracle's view: the latest message that was new at the device
       (a higher seq of its boot, a new boot; every message of a bare
       device) */
    uint64_t o_last;
    uint32_t o_seq, o_boot, o_dead;   /* o_dead: index in oracle_lat + 1 */
} sim;

static sim *devs;
static uint32_t N = 100000;
static uint32_t dead_phi_arg;   /* --dead-phi: hb_mon's dead_phi, 0 = default */
static uint64_t H_MS;
static uint64_t broker_down, broker_up;

/* min-heap of device indices by next */
static uint32_t *heap;
static uint32_t heap_n;
static void heap_down(uint32_t i)
{
    uint32_t x = heap[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= heap_n) break;
        if (c + 1 < heap_n && devs[heap[c + 1]].next < devs[heap[c]].next) c++;
        if (devs[x].next <= devs[heap[c]].next) break;
        heap[i] = heap[c];
        i = c;
    }
    heap[i] = x;
}

/* Plans the next delivered message of device d: its arrival time in
   d->next, its seq and uptime in pend_*. */
static void plan(sim *d)
{
    for (;;) {
        uint64_t send, arr;
        if (d->burst > 0) {
            /* a redelivered copy of an earlier beat */
            uint32_t back = (uint32_t)d->burst - 1u;
            d->burst--;
            d->pend_seq = d->top_seq - back;
            d->pend_up = d->top_up - (uint64_t)back * d->interval;
            d->next = d->burst_at;
            d->burst_at += 2;
            return;
        }
        if (d->defer) {
            d->defer = 0;
            d->pend_seq = d->defer_seq;
            d->pend_up = d->defer_up;
            d->next = d->defer_at;
            return;
        }
        if (d->dead) {
            if (d->flushed == 1 && d->seq >= 20) {
                /* a bridge flushes 20 of its old beats two intervals later */
                d->flushed = 2;
                d->burst = 20;
                d->top_seq = d->seq;
                d->top_up = d->last_up;
                d->burst_at = d->death + 2u * d->interval;
                continue;
            }
            d->next = UINT64_MAX;
            return;
        }
        send = d->grid + (uint64_t)(urand() * 0.1 * d->interval);
        if (send >= d->death) { d->dead = 1; d->miss_at = send; continue; }
        if (send >= d->reboot_at) {
            uint64_t up = d->reboot_at + urange(2000, 8000);
            d->reboot_at = UINT64_MAX;
            d->boot++;
            d->boot_at = up;
            d->seq = 0;
            d->grid = up + d->interval;
            send = up;                 /* the birth beat of the new boot */
        } else {
            d->grid += (uint64_t)((double)d->interval / (1.0 + d->drift_ppm * 1e-6));
            d->seq++;
        }
        if (send >= broker_down && send < broker_up + 10000 && !d->broker_wait &&
            send < broker_up) {
            d->broker_wait = 1;
            d->reconnect_at = broker_up + urange(0, 10000);
        }
        if (d->broker_wait) {
            uint64_t birth = d->reconnect_at > d->boot_at ? d->reconnect_at : d->boot_at;
            if (send < d->reconnect_at) continue;      /* not connected */
            d->broker_wait = 0;
            /* reconnected: a birth beat at once (hb_beat_now, seq + 1),
               then this grid beat as planned */
            d->last_up = (uint64_t)((double)(birth - d->boot_at) * (1.0 + d->drift_ppm * 1e-6));
            if (urand() >= 0.01) {
                d->defer = 1;
                d->defer_seq = d->seq + 1;
                d->defer_up = (uint64_t)((double)(send - d->boot_at) * (1.0 + d->drift_ppm * 1e-6));
                d->defer_at = send + urange(5, 100);
                d->pend_seq = d->seq;
                d->pend_up = d->last_up;
                d->next = birth + urange(5, 100);
                if (d->defer_at <= d->next) d->defer_at = d->next + 1;   /* in order */
                d->seq++;
                d->last_up = d->defer_up;
                if (urand() < 0.01) d->defer = 0;       /* that one lost */
                return;
            }
            d->seq++;
        }
        d->last_up = (uint64_t)((double)(send - d->boot_at) * (1.0 + d->drift_ppm * 1e-6));
        if (urand() < 0.01) continue;                  /* lost */
        arr = send + urange(5, 100);
        d->pend_seq = d->seq;
        d->pend_up = d->last_up;
        d->next = arr;
        if (d->seq > 40 && urand() < 0.001) {
            /* after a reconnect the broker first redelivers 20 beats */
            d->defer = 1;
            d->defer_seq = d->seq;
            d->defer_up = d->last_up;
            d->defer_at = arr + 41;
            d->burst = 20;
            d->top_seq = d->seq - 1;
            d->top_up = d->last_up - d->interval;
            d->burst_at = arr;
            continue;
        }
        return;
    }
}

/* ---- the detectors ------------------------------------------------------ */

typedef struct base_state {
    uint64_t last;       /* last arrival */
    double   sum, sum2;  /* of recorded intervals */
    uint32_t n;
    uint8_t  convicted;  /* convicted in the current silence */
} base_state;

typedef struct verdicts {
    const char *name;
    uint64_t false_dead;
    uint32_t detected, missed;
    double  *lat;        /* per dead device, from death (intervals) */
    double  *lat_due;    /* from the first beat not sent */
    double  *lat_seen;   /* from death, deaths the monitor could see */
    uint32_t nlat, nseen, nseq, nseqseen;
    double  *lat_seqseen; /* both */
    double  *lat_seq;    /* from death, devices that send seq */
    uint64_t false_after_3; /* false DEADs after >= 3 intervals with
                               nothing delivered (losses, a reboot) */
    double   bytes_per_device;
} verdicts;

static base_state *naive, *akka, *cass;

/* deaths away from the broker restart: not within 6 intervals before it
   (a detector convicting at up to 5 intervals of silence would still be
   counting when the monitor lost its link), nor during it and the
   reconnect time after it */
static int away_from_restart(const sim *d)
{
    return d->death + 6u * d->interval < broker_down || d->death > broker_up + 10500;
}
static verdicts V[4];
static uint8_t *detected[4];
static double akka_y;    /* logistic tail 1e-8 */

static double akka_gap(const base_state *b, uint32_t iv)
{
    double mean = b->sum / b->n;
    double var = b->sum2 / b->n - mean * mean;
    double sd = var > 0 ? sqrt(var) : 0;
    if (sd < 0.1 * iv) sd = 0.1 * iv;
    return mean + 3.0 * iv + akka_y * sd;
}
static double cass_gap(const base_state *b)
{
    return 8.0 * log(10.0) * (b->sum / b->n);
}


static void verdict(int det, uint32_t i, uint64_t t)
{
    sim *d = &devs[i];
    verdicts *v = &V[det];
    if (t < d->death) {
        v->false_dead++;
        if (t - d->last_arr >= 3u * d->interval) v->false_after_3++;
        if (det == 3 && getenv("BENCH_DEBUG"))
            fprintf(stderr, "false DEAD dev %u kind %d iv %u at %llu (broker %llu) seq %u boot_at %llu reboot %llu\n",
                    i, d->kind, d->interval, (unsigned long long)t,
                    (unsigned long long)broker_down, d->seq,
                    (unsigned long long)d->boot_at, (unsigned long long)d->reboot_at);
        return;
    }
    if (detected[det][i]) return;
    detected[det][i] = 1;
    if (det == 3 && getenv("BENCH_DEBUG") && t - d->death > 5u * d->interval)
        fprintf(stderr, "late DEAD dev %u kind %d iv %u death %llu at %llu flushed %d\n",
                i, d->kind, d->interval, (unsigned long long)d->death,
                (unsigned long long)t, d->flushed);
    v->lat[v->nlat] = (double)(t - d->death) / d->interval;
    v->lat_due[v->nlat] = ((double)t - (double)d->miss_at) / d->interval;
    v->nlat++;
    if (d->kind != KIND_BARE) v->lat_seq[v->nseq++] = (double)(t - d->death) / d->interval;
    if (away_from_restart(d)) {
        v->lat_seen[v->nseen++] = (double)(t - d->death) / d->interval;
        if (d->kind != KIND_BARE)
            v->lat_seqseen[v->nseqseen++] = (double)(t - d->death) / d->interval;
    }
    v->detected++;
}

static void base_arrival(uint32_t i, uint64_t t)
{
    sim *d = &devs[i];
    base_state *b;
    double gap;
    /* naive */
    b = &naive[i];
    if (b->last && !b->convicted && t - b->last > 2u * d->interval)
        verdict(0, i, b->last + 2u * d->interval);
    b->last = t;
    /* akka */
    b = &akka[i];
    if (b->n == 0) {
        b->sum = 2.0 * d->interval;  /* mean +- mean/4, as Akka seeds */
        b->sum2 = pow(0.75 * d->interval, 2) + pow(1.25 * d->interval, 2);
        b->n = 2;
    } else {
        gap = akka_gap(b, d->interval);
        if ((double)(t - b->last) > gap) {
            verdict(1, i, b->last + (uint64_t)gap);
        } else if (b->n < 1000) {
            double x = (double)(t - b->last);
            b->sum += x; b->sum2 += x * x; b->n++;
        }
    }
    b->last = t;
    /* cassandra */
    b = &cass[i];
    if (b->n == 0) {
        b->sum = 2.0 * d->interval;
        b->n = 1;
    } else {
        double x = (double)(t - b->last);
        gap = cass_gap(b);
        if (x > gap) verdict(2, i, b->last + (uint64_t)gap);
        if (x <= 2.0 * d->interval && b->n < 1000) { b->sum += x; b->n++; }
    }
    b->last = t;
}

static void base_end(uint32_t i, uint64_t end)
{
    sim *d = &devs[i];
    double gap;
    if (naive[i].last && end - naive[i].last > 2u * d->interval)
        verdict(0, i, naive[i].last + 2u * d->interval);
    if (akka[i].n) {
        gap = akka_gap(&akka[i], d->interval);
        if ((double)(end - akka[i].last) > gap) verdict(1, i, akka[i].last + (uint64_t)gap);
    }
    if (cass[i].n) {
        gap = cass_gap(&cass[i]);
        if ((double)(end - cass[i].last) > gap) verdict(2, i, cass[i].last + (uint64_t)gap);
    }
}

/* hb_mon */
static uint32_t *slot_dev;
static uint64_t sim_now;
static uint64_t epoch0;   /* sim time of tick 0 */

static uint32_t trace_dev = UINT32_MAX;
static void on_event(void *user, const hb_mon_event *ev)
{
    (void)user;
    if (ev->slot != UINT32_MAX && ev->type != HB_MON_EV_NEW && slot_dev[ev->slot] == trace_dev)
        fprintf(stderr, "event %s at %llu\n", hb_mon_event_name(ev->type), (unsigned long long)sim_now);
    if (ev->type == HB_MON_EV_NEW) {
        uint32_t x = 0;
        size_t k;
        for (k = 0; k < ev->info->id_len; k++) x = x * 10u + (uint32_t)(ev->info->id[k] - '0');
        slot_dev[ev->slot] = x;
    } else if (ev->type == HB_MON_EV_DEAD) {
        verdict(3, slot_dev[ev->slot], sim_now);
    }
}

static void id8(char *o, uint32_t v)
{
    int k;
    for (k = 7; k >= 0; k--) { o[k] = (char)('0' + v % 10u); v /= 10u; }
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double pct(double *a, uint32_t n, double p)
{
    if (n == 0) return NAN;
    return a[(uint32_t)((n - 1) * p + 0.5)];
}


/* ---- the oracle ----------------------------------------------------------
   What ANY detector that sees only the arrivals (and its own link) can do,
   computed from the trace: a detector that convicts at a silence of D
   intervals, counted from the latest message that was new at the device
   (from when it was sent, for devices that send uptime_ms; else from its
   arrival),
   with the time the monitor was blind (its link down, plus the devices'
   reconnect spread) taken out, convicts every live device whose silence
   reaches D. Before the fact a live silence and a death look the same:
   deaths here come without warning, and every beat of a live device is
   lost independently. So for each D:
   - false: the live silences >= D (silences that ended with a new
     message, or the trace's end, while the device was alive): the
     fewest false DEADs any such detector produces at D;
   - the latency of each death: from the death to the moment its silence
     reaches D (a silence that reached D before the death is a false DEAD
     and the death is then not detected, as the bench counts hb_mon);
     a bare device (no seq) whose old beats a bridge flushes after its
     death gets new silence from them: nothing tells them from fresh ones. */
#define ORACLE_D0 200     /* D from 2.00 ... */
#define ORACLE_D1 500     /* ... to 5.00 intervals, in hundredths */
#define ORACLE_ND (ORACLE_D1 - ORACLE_D0 + 1)
#define ORACLE_BINS 20001 /* silences in 1/1000 interval, the last bin >= 20 */
static uint64_t *oracle_hist;
static double (*oracle_lat)[ORACLE_ND];   /* per death and D: NAN pending, -1 missed */
static uint32_t oracle_ndead;
static uint64_t blind0, blind1;           /* the monitor could not hear */

/* when a silence that began at `from` reaches `span` ms of counted time */
static uint64_t oracle_conv(uint64_t from, uint64_t span)
{
    if (from >= blind1 || from + span <= blind0) return from + span;
    if (from >= blind0) return blind1 + span;
    return from + span + (blind1 - blind0);
}

static uint64_t oracle_counted(uint64_t from, uint64_t to)
{
    uint64_t lo = from > blind0 ? from : blind0, hi = to < blind1 ? to : blind1;
    if (to <= from) return 0;
    return (to - from) - (hi > lo ? hi - lo : 0);
}

/* a silence of device d from d->o_last to t ends (t: a new message, or the
   end of the trace) */
static void oracle_silence(sim *d, uint64_t t)
{
    uint32_t k;
    if (d->o_last == UINT64_MAX) return;            /* nothing heard yet */
    if (t <= d->death) {
        uint64_t b = oracle_counted(d->o_last, t) * 1000u / d->interval;
        oracle_hist[b < ORACLE_BINS - 1 ? b : ORACLE_BINS - 1]++;
        if (b >= 5000 && getenv("BENCH_DEBUG"))
            fprintf(stderr, "oracle: live silence of %.3f intervals, dev %u kind %d iv %u from %llu to %llu (death %llu)\n",
                    b / 1000.0, (unsigned)(d - devs), d->kind, d->interval,
                    (unsigned long long)d->o_last, (unsigned long long)t,
                    (unsigned long long)d->death);
        return;
    }
    if (d->o_dead == 0) return;                    /* (not tracked) */
    for (k = 0; k < ORACLE_ND; k++) {
        double *l = &oracle_lat[d->o_dead - 1][k];
        uint64_t at;
        if (!isnan(*l)) continue;                   /* settled */
        at = oracle_conv(d->o_last, (uint64_t)(ORACLE_D0 + k) * d->interval / 100u);
        if (at > t) continue;                       /* the silence ended first */
        if (at < d->death) {                        /* a live silence >= D */
            *l = -1.0;                              /* false DEAD, death missed */
        } else {
            *l = (double)(at - d->death) / d->interval;
        }
    }
}

static void oracle_arrival(sim *d, uint64_t t)
{
    int fresh = d->kind == KIND_BARE || d->o_last == UINT64_MAX ||
                d->boot != d->o_boot || d->pend_seq > d->o_seq;
    uint64_t credit = t;
    if (!fresh) return;
    oracle_silence(d, t);
    /* with uptime_ms the receiver can tell when a beat was sent (here:
       exactly, better than any real detector, which learns the offset);
       without it, only when it arrived */
    if (d->kind == KIND_FULL) {
        uint64_t sent = d->boot_at + (uint64_t)((double)d->pend_up / (1.0 + d->drift_ppm * 1e-6));
        if (sent < credit) credit = sent;
    }
    if (d->o_last != UINT64_MAX && credit < d->o_last) credit = d->o_last;
    d->o_last = credit;
    d->o_seq = d->pend_seq;
    d->o_boot = d->boot;
}

static void oracle_report(void)
{
    uint32_t k, i;
    double *a = malloc((oracle_ndead + 1) * sizeof(double));
    double *b = malloc((oracle_ndead + 1) * sizeof(double));
    double *c = malloc(2 * (oracle_ndead + 1) * sizeof(double));
    uint64_t best3_false = UINT64_MAX, best3s_false = UINT64_MAX;
    int zero_k = -1;
    double zero_p99 = NAN, zero_p99s = NAN;
    printf("\noracle: what any detector that sees only the arrivals (and its own "
           "link) gets on this trace, convicting at a silence of D intervals "
           "after the latest new message\n\n");
    printf("| D (intervals) | live silences >= D (false DEAD at least) | deaths detected | missed | latency from death p50 / p99 / max | p99, devices sending seq | p99, away from the broker restart | p99, seq and away |\n");
    printf("|---|---|---|---|---|---|---|---|\n");
    for (k = 0; k < ORACLE_ND; k++) {
        uint64_t nfalse = 0;
        uint32_t na = 0, nb = 0, nc = 0, nd = 0, missed = 0;
        double p99, p99s;
        double *e = c + oracle_ndead + 1;
        uint32_t lo = (uint32_t)((ORACLE_D0 + k) * 10u);
        for (i = lo; i < ORACLE_BINS; i++) nfalse += oracle_hist[i];
        for (i = 0; i < N; i++) {
            sim *d = &devs[i];
            double l;
            if (!d->o_dead) continue;
            l = oracle_lat[d->o_dead - 1][k];
            if (isnan(l) || l < 0) {
                missed++;
                if (!isnan(l)) nfalse++;   /* reached D while still alive */
                continue;
            }
            a[na++] = l;
            if (d->kind != KIND_BARE) b[nb++] = l;
            if (away_from_restart(d)) {
                c[nc++] = l;
                if (d->kind != KIND_BARE) e[nd++] = l;
            }
        }
        qsort(a, na, sizeof(double), cmpd);
        qsort(b, nb, sizeof(double), cmpd);
        qsort(c, nc, sizeof(double), cmpd);
        qsort(e, nd, sizeof(double), cmpd);
        p99 = pct(a, na, 0.99);
        p99s = pct(b, nb, 0.99);
        if (p99 <= 3.0 && nfalse < best3_false) best3_false = nfalse;
        if (p99s <= 3.0 && nfalse < best3s_false) best3s_false = nfalse;
        /* every 0.1 interval, and the first D with no false DEAD */
        if (k % 10 != 0 && !(nfalse == 0 && zero_k < 0)) continue;
        if (nfalse == 0 && zero_k < 0) zero_k = (int)k;
        printf("| %s%.2f%s | %llu | %u / %u | %u | %.2f / %.2f / %.2f | %.2f | %.2f | %.2f |\n",
               (int)k == zero_k ? "**" : "", (ORACLE_D0 + k) / 100.0,
               (int)k == zero_k ? "**" : "", (unsigned long long)nfalse, na, oracle_ndead,
               missed, pct(a, na, 0.5), p99, pct(a, na, 1.0), p99s,
               pct(c, nc, 0.99), pct(e, nd, 0.99));
        if ((int)k == zero_k) {
            zero_p99 = p99;
            zero_p99s = p99s;
        }
    }
    {
        uint32_t top = ORACLE_BINS - 1;
        char f3[64], f3s[64];
        while (top > 0 && oracle_hist[top] == 0) top--;
        if (best3_false == UINT64_MAX) snprintf(f3, sizeof f3, "none (p99 > 3 at every D)");
        else snprintf(f3, sizeof f3, "%llu", (unsigned long long)best3_false);
        if (best3s_false == UINT64_MAX) snprintf(f3s, sizeof f3s, "none (p99 > 3 at every D)");
        else snprintf(f3s, sizeof f3s, "%llu", (unsigned long long)best3s_false);
        printf("\noracle: the longest silence of a live device: %.3f intervals; "
               "the smallest D with no false DEAD: %.2f (p99 %.2f, %.2f for devices "
               "sending seq); the fewest false DEAD with p99 <= 3 intervals: %s "
               "(devices sending seq: %s). 0 false DEAD and p99 <= 3 intervals "
               "together: %s on this trace.\n",
               top / 1000.0, zero_k < 0 ? NAN : (ORACLE_D0 + zero_k) / 100.0, zero_p99,
               zero_p99s, f3, f3s,
               best3_false == 0 ? "possible" : "impossible for any detector that sees only the arrivals");
    }
    free(a);
    free(b);
    free(c);
}

static void run_trace(uint32_t hours_x10)
{
    static hb_mon mon;
    hb_mon_config mc;
    hb_mon_slot *slots;
    uint32_t cap = 1, i, ndead = 0;
    uint64_t next_poll = 0, arrivals = 0;
    int link = 0;   /* 0 before the broker restart, 1 down, 2 up again */
    double t0;
    H_MS = (uint64_t)hours_x10 * 360000u;
    broker_down = H_MS / 2;
    broker_up = broker_down + 30000;
    blind0 = broker_down;
    blind1 = broker_up + 500 + 10000;   /* hb_mon_link up, + reconnect_ms */
    while (cap < N + N / 4) cap <<= 1;
    devs = calloc(N, sizeof *devs);
    heap = malloc(N * sizeof *heap);
    naive = calloc(N, sizeof *naive);
    akka = calloc(N, sizeof *akka);
    cass = calloc(N, sizeof *cass);
    slots = table_alloc((size_t)cap * sizeof *slots);
    slot_dev = malloc((size_t)cap * sizeof *slot_dev);
    for (i = 0; i < 4; i++) detected[i] = calloc(N, 1);
    oracle_hist = calloc(ORACLE_BINS, sizeof *oracle_hist);
    oracle_lat = malloc((N / 50 + 64) * sizeof *oracle_lat);
    oracle_ndead = 0;
    for (i = 0; i < 4; i++) {
        V[i].lat = malloc(N * sizeof(double));
        V[i].lat_due = malloc(N * sizeof(double));
        V[i].lat_seen = malloc(N * sizeof(double));
        V[i].lat_seq = malloc(N * sizeof(double));
        V[i].lat_seqseen = malloc(N * sizeof(double));
    }
    for (i = 0; i < N; i++) {
        sim *d = &devs[i];
        static const uint32_t ivs[3] = { 10000, 30000, 60000 };
        double k = urand();
        d->interval = ivs[rnd() % 3];
        d->kind = k < 0.6 ? KIND_FULL : k < 0.9 ? KIND_SEQ : KIND_BARE;
        d->drift_ppm = (int32_t)urange(0, 400) - 200;
        d->boot = (uint32_t)rnd();
        d->boot_at = 0;
        d->grid = urange(0, d->interval);
        d->seq = UINT32_MAX;    /* the first beat is seq 0 */
        d->death = UINT64_MAX;
        d->reboot_at = UINT64_MAX;
        if (urand() < 0.01) {
            d->death = 600000u + (uint64_t)(urand() * (double)(H_MS - 1200000u));
            d->flushed = urand() < 0.3;
            ndead++;
        }
        d->o_last = UINT64_MAX;
        if (urand() < 0.10)
            d->reboot_at = 300000u + (uint64_t)(urand() * (double)(H_MS - 600000u));
        plan(d);
        heap[i] = i;
    }
    for (i = 0; i < N; i++) {
        uint32_t k;
        if (devs[i].death == UINT64_MAX) continue;
        if (oracle_ndead >= N / 50 + 64) { devs[i].o_dead = 0; continue; }
        for (k = 0; k < ORACLE_ND; k++) oracle_lat[oracle_ndead][k] = NAN;
        devs[i].o_dead = ++oracle_ndead;
    }
    heap_n = N;
    for (i = N / 2 + 1; i-- > 0;) heap_down(i);

    memset(&mc, 0, sizeof mc);
    mc.slots = slots;
    mc.capacity = cap;
    mc.default_interval_ms = 30000;
    mc.resolution_ms = 1000;
    mc.reconnect_ms = 10000;   /* the devices' reconnect spread */
    mc.dead_phi = dead_phi_arg;
    mc.event = on_event;
    hb_mon_init(&mon, &mc);

    t0 = now_s();
    while (heap_n > 0) {
        uint32_t di = heap[0];
        sim *d = &devs[di];
        uint64_t t = d->next;
        hb_mon_info in;
        char id[8];
        if (t >= H_MS) break;
        /* polls as hb_mon_poll asks, and the monitor's own link: down
           with the broker, up 0.5 s after it is back */
        for (;;) {
            uint64_t ev = next_poll;
            int what = 0;
            if (link == 0 && broker_down <= ev) { ev = broker_down; what = 1; }
            if (link == 1 && broker_up + 500 <= ev) { ev = broker_up + 500; what = 2; }
            if (ev > t) break;
            sim_now = ev;
            if (what == 1) {
                hb_mon_link(&mon, 0, (uint32_t)(ev - epoch0));
                link = 1;
                next_poll = UINT64_MAX;
            } else if (what == 2) {
                hb_mon_link(&mon, 1, (uint32_t)(ev - epoch0));
                link = 2;
                next_poll = ev;
            } else {
                uint32_t r = hb_mon_poll(&mon, (uint32_t)(ev - epoch0));
                next_poll = r == HB_POLL_IDLE ? UINT64_MAX : ev + r;
            }
        }
        sim_now = t;
        /* deliver */
        arrivals++;
        oracle_arrival(d, t);
        base_arrival(di, t);
        memset(&in, 0, sizeof in);
        id8(id, di);
        in.id = id;
        in.id_len = 8;
        in.flags = HB_MON_HAS_STATUS;
        if (d->kind != KIND_BARE) {
            in.flags |= HB_MON_HAS_SEQ | HB_MON_HAS_BOOT;
            in.seq = d->pend_seq;
            in.boot_hash = d->boot * 2654435761u + 1u;
        }
        if (d->kind == KIND_FULL) {
            in.flags |= HB_MON_HAS_UPTIME | HB_MON_HAS_INTERVAL;
            in.uptime_ms = d->pend_up;
            in.interval_ms = d->interval;
        }
        if (trace_dev == di)
            fprintf(stderr, "arrive %llu seq %u up %llu boot %u\n", (unsigned long long)t,
                    in.seq, (unsigned long long)in.uptime_ms, d->boot);
        hb_mon_arrival(&mon, &in, (uint32_t)(t - epoch0));
        if (trace_dev == di) {
            hb_mon_device dv;
            char idz[9];
            memcpy(idz, id, 8);
            idz[8] = 0;
            hb_mon_get(&mon, idz, 8, &dv);
            fprintf(stderr, "  state %d last %u due %u seq %u mean %u dev %u\n", dv.state,
                    dv.last_ms, dv.due_ms, dv.seq, dv.mean_ms, dv.dev_ms);
        }
        d->last_arr = t;   /* after the detectors: their verdicts look back */
        if (next_poll > t && link != 1) next_poll = t;
        plan(d);
        heap_down(0);
    }
    sim_now = H_MS;
    while (next_poll <= H_MS) {
        uint32_t r = hb_mon_poll(&mon, (uint32_t)(next_poll - epoch0));
        sim_now = next_poll;
        if (r == HB_POLL_IDLE) break;
        next_poll += r ? r : 1;
    }
    for (i = 0; i < N; i++) base_end(i, H_MS);
    for (i = 0; i < N; i++) oracle_silence(&devs[i], H_MS);

    V[0].name = "naive 2 x interval";
    V[1].name = "Akka phi (normal, 1000 samples)";
    V[2].name = "Cassandra phi (exponential)";
    V[3].name = "heartbeat.h hb_mon";
    V[0].bytes_per_device = 16;            /* last seen + interval */
    V[1].bytes_per_device = 8.0 * 1000 + 32;
    V[2].bytes_per_device = 8.0 * 1000 + 16;
    V[3].bytes_per_device = (double)cap * sizeof(hb_mon_slot) / N;
    printf("trace: %u devices, %.1f h simulated, %llu messages delivered, "
           "%u real deaths, in %.1f s\n\n", N, hours_x10 / 10.0,
           (unsigned long long)arrivals, ndead, now_s() - t0);
    printf("| detector | false DEAD (of which after >= 3 intervals with nothing delivered) | deaths detected | latency from death p50 / p99 / max (intervals) | p99, devices sending seq | p99, away from the broker restart | p99, seq and away | p99 from the first missing beat | state bytes/device |\n");
    printf("|---|---|---|---|---|---|---|---|---|\n");
    for (i = 0; i < 4; i++) {
        verdicts *v = &V[i];
        qsort(v->lat, v->nlat, sizeof(double), cmpd);
        qsort(v->lat_due, v->nlat, sizeof(double), cmpd);
        qsort(v->lat_seen, v->nseen, sizeof(double), cmpd);
        qsort(v->lat_seq, v->nseq, sizeof(double), cmpd);
        qsort(v->lat_seqseen, v->nseqseen, sizeof(double), cmpd);
        printf("| %s | %llu (%llu) | %u / %u | %.2f / %.2f / %.2f | %.2f | %.2f | %.2f | %.2f | %.0f |\n",
               v->name, (unsigned long long)v->false_dead,
               (unsigned long long)v->false_after_3, v->detected, ndead,
               pct(v->lat, v->nlat, 0.5),
               pct(v->lat, v->nlat, 0.99), pct(v->lat, v->nlat, 1.0),
               pct(v->lat_seq, v->nseq, 0.99), pct(v->lat_seen, v->nseen, 0.99),
               pct(v->lat_seqseen, v->nseqseen, 0.99),
               pct(v->lat_due, v->nlat, 0.99), v->bytes_per_device);
    }
    {
        hb_mon_stats st;
        hb_mon_get_stats(&mon, &st);
        printf("\nhb_mon: %u devices, %u beats ignored (stale/duplicate/old boot), "
               "%u outages, table %u slots (%.0f %% full)\n",
               st.devices, st.ignored, st.outages, cap, 100.0 * st.devices / cap);
    }
    oracle_report();
    free(oracle_hist); free(oracle_lat);
    free(devs); free(heap); free(naive); free(akka); free(cass); free(slots);
    free(slot_dev);
    for (i = 0; i < 4; i++) { free(V[i].lat); free(V[i].lat_due); free(V[i].lat_seen); free(V[i].lat_seq); free(V[i].lat_seqseen); free(detected[i]); }
}

/* ---- speed and memory at scale ----------------------------------------- */

/* What the memory itself costs on this machine, in a buffer the size of
   the slot table (same huge-page advice): *lat_ns, one random read that
   depends on the one before (a pointer chase over all its lines in a
   random cycle: what a lone hb_mon_beat waits for its slot), *rmw_ns,
   independent random read-modify-writes of one line each (the most a
   pipelined caller can hope for per line touched). */
static void mem_floor(size_t bytes, double *lat_ns, double *rmw_ns)
{
    size_t lines = bytes / 64, i, p, steps = 1u << 20;
    uint64_t *a = table_alloc(lines * 64);
    uint32_t *perm = malloc(lines * sizeof *perm), *idx = malloc(steps * sizeof *idx);
    double t;
    for (i = 0; i < lines; i++) perm[i] = (uint32_t)i;
    for (i = lines; i-- > 1;) {
        size_t j = (size_t)(rnd() % (i + 1u));
        uint32_t x = perm[i];
        perm[i] = perm[j];
        perm[j] = x;
    }
    for (i = 0; i < lines; i++) a[(size_t)perm[i] * 8u] = (uint64_t)perm[(i + 1) % lines] * 8u;
    for (i = 0; i < steps; i++) idx[i] = (uint32_t)(rnd() % lines);
    p = (size_t)perm[0] * 8u;
    t = now_s();
    for (i = 0; i < steps; i++) p = (size_t)a[p];
    *lat_ns = (now_s() - t) * 1e9 / (double)steps;
    t = now_s();
    for (i = 0; i < steps; i++) a[(size_t)idx[i] * 8u + 1u]++;
    *rmw_ns = (now_s() - t) * 1e9 / (double)steps;
    if (p == 1) puts("");   /* keeps the chase */
    free(a); free(perm); free(idx);
}

static void run_big(uint32_t n)
{
    static hb_mon mon;
    hb_mon_config mc;
    uint32_t cap = n + n / 2, i, round, *seq, *order;
    hb_mon_slot *slots = table_alloc((size_t)cap * sizeof *slots);
    hb_mon_counters *ctr = g_no_ctr ? NULL : table_alloc((size_t)cap * sizeof *ctr);
    char *pay = malloc(1024u * 256u);
    size_t plen[1024];
    double *batch_ns = malloc(4096 * sizeof(double));
    double *multi_ns = malloc(4096 * sizeof(double));
    const char *ptr[1024];
    uint32_t nb = 0, np = 0, nm = 0;
    double parse_ns[4096];
    /* --instr: the operation each round's timed calls are counted as
       (round 0 inserts every device, rounds 2 and 4 repeat 1 and 3;
       round 2 also times hb_mon_parse alone) */
    static const char *const op_name[5] = {
        "hb_mon_beat-new", "hb_mon_beat", NULL, "hb_mon_beat_batch", NULL
    };
    double t0, sweep_ms = 0, max_call_ms = 0, full_ms;
    seq = calloc(n, sizeof *seq);
    order = malloc(n * sizeof *order);
    for (i = 0; i < n; i++) order[i] = i;
    for (i = n; i-- > 1;) {
        uint32_t j = (uint32_t)(rnd() % (i + 1u)), x = order[i];
        order[i] = order[j];
        order[j] = x;
    }
    memset(&mc, 0, sizeof mc);
    mc.slots = slots;
    mc.capacity = cap;
    mc.counters = ctr;
    mc.default_interval_ms = 60000;
    hb_mon_init(&mon, &mc);
    /* five rounds of beats, every device once per round, in a random
       order; timed in batches of 1024 after the payloads are written:
       rounds 1 and 2 one hb_mon_beat call each, rounds 3 and 4 through
       hb_mon_beat_batch */
    for (i = 0; i < 1024; i++) ptr[i] = pay + i * 256u;
    for (round = 0; round < 5; round++) {
        for (i = 0; i < n; i += 1024) {
            uint32_t k, m = n - i < 1024 ? n - i : 1024;
            uint32_t now = round * 60000u + (uint32_t)((uint64_t)i * 60000u / n);
            double t;
            for (k = 0; k < m; k++) {
                uint32_t d = order[i + k];
                int len = snprintf(pay + k * 256u, 256,
                    "{\"device_id\":\"dev-%07u\",\"timestamp\":\"2026-11-27T19:53:22.123456789Z\","
                    "\"status\":\"alive\",\"jwt_token\":\"\",\"seq\":%u,\"boot_id\":%u,"
                    "\"uptime_ms\":%u,\"interval_ms\":60000}",
                    d, seq[d], d * 7u, seq[d] * 60000u);
                seq[d]++;
                plen[k] = (size_t)len;
            }
            if (round == 2) {
                hb_mon_info info;
                t = now_s();
                INSTR_ON("hb_mon_parse");
                for (k = 0; k < m; k++) hb_mon_parse(pay + k * 256u, plen[k], &info);
                INSTR_OFF("hb_mon_parse");
                t = now_s() - t;
                if (np < 4096) parse_ns[np++] = t * 1e9 / m;
            }
            t = now_s();
            INSTR_ON(op_name[round]);
            if (round < 3)
                for (k = 0; k < m; k++) hb_mon_beat(&mon, pay + k * 256u, plen[k], now);
            else
                hb_mon_beat_batch(&mon, ptr, plen, m, now);
            INSTR_OFF(op_name[round]);
            t = now_s() - t;
            if (round > 0 && round < 3 && nb < 4096) batch_ns[nb++] = t * 1e9 / m;
            if (round >= 3 && nm < 4096) multi_ns[nm++] = t * 1e9 / m;
        }
        if (g_instr) {
            if (round == 2) CALLGRIND_DUMP_STATS_AT("hb_mon_parse");
            if (op_name[round] != NULL) CALLGRIND_DUMP_STATS_AT(op_name[round]);
        }
    }
    if (g_instr) {
        printf("iterations %u\n", n);
        free(slots); free(ctr); free(pay); free(batch_ns); free(multi_ns); free(seq); free(order);
        return;
    }
    qsort(batch_ns, nb, sizeof(double), cmpd);
    qsort(multi_ns, nm, sizeof(double), cmpd);
    qsort(parse_ns, np, sizeof(double), cmpd);
    /* one full sweep: every slice due (a little after the last round, so
       nothing transitions), all slices in one call */
    {
        hb_mon m2;
        uint32_t now = 5u * 60000u + 500u, r;
        hb_mon_stats st0, st1;
        hb_mon_get_stats(&mon, &st0);
        /* force every slice due */
        memcpy(&m2, &mon, sizeof m2);
        for (i = 0; i < HB_MON_SLICES; i++) {
            m2.internal_.slice_due[i] = 0;
            m2.internal_.active |= (uint64_t)1 << i;
        }
        m2.internal_.cfg.poll_budget = cap;
        t0 = now_s();
        hb_mon_poll(&m2, now);
        full_ms = (now_s() - t0) * 1e3;
        /* the same with the default budget: the longest single call */
        memcpy(&m2, &mon, sizeof m2);
        for (i = 0; i < HB_MON_SLICES; i++) {
            m2.internal_.slice_due[i] = 0;
            m2.internal_.active |= (uint64_t)1 << i;
        }
        do {
            double c;
            t0 = now_s();
            r = hb_mon_poll(&m2, now);
            c = (now_s() - t0) * 1e3;
            sweep_ms += c;
            if (c > max_call_ms) max_call_ms = c;
        } while (r == 0);
        hb_mon_get_stats(&m2, &st1);
        (void)st0;
    }
    printf("\nat %u devices (table %u slots, %.0f %% full%s):\n\n", n, cap, 100.0 * n / cap,
           g_no_ctr ? ", no counters array (--no-counters)" : "");
    printf("| measure | value | target |\n|---|---|---|\n");
    printf("| detector state per device (sizeof hb_mon_slot) | %u B | <= 32 B |\n",
           (unsigned)sizeof(hb_mon_slot));
    printf("| table without counters | %.1f MiB | <= 64 MiB |\n",
           (double)cap * sizeof(hb_mon_slot) / 1048576.0);
    printf("| table with counters | %.1f MiB | <= 128 MiB |\n",
           (double)cap * (sizeof(hb_mon_slot) + sizeof(hb_mon_counters)) / 1048576.0);
    printf("| hb_mon_beat (parse + update), median | %.0f ns | <= 200 ns |\n",
           pct(batch_ns, nb, 0.5));
    printf("| hb_mon_beat, p99 of 1024-beat batches | %.0f ns | |\n", pct(batch_ns, nb, 0.99));
    printf("| hb_mon_beat_batch (the same beats, %u per batch), median per beat | %.0f ns | <= 200 ns |\n",
           (unsigned)HB_MON_BATCH, pct(multi_ns, nm, 0.5));
    printf("| hb_mon_beat_batch, p99 of 1024-beat batches | %.0f ns | |\n", pct(multi_ns, nm, 0.99));
    printf("| of which hb_mon_parse alone (payload in cache), median | %.0f ns | |\n", pct(parse_ns, np, 0.5));
    {
        double lat, rmw;
        mem_floor((size_t)cap * sizeof(hb_mon_slot), &lat, &rmw);
        printf("| memory: one dependent random read in %.1f MiB (what a lone beat waits for its slot) | %.0f ns | |\n",
               (double)cap * sizeof(hb_mon_slot) / 1048576.0, lat);
        printf("| memory: independent random read-modify-writes, per line | %.0f ns | |\n", rmw);
    }
    printf("| full sweep of the table, one call | %.2f ms | <= 10 ms |\n", full_ms);
    printf("| full sweep in default-budget calls: total / longest call | %.2f / %.3f ms | ~1 ms per call |\n",
           sweep_ms, max_call_ms);
    free(slots); free(ctr); free(pay); free(batch_ns); free(multi_ns); free(seq); free(order);
}

int main(int argc, char **argv)
{
    uint32_t hours_x10 = 20, big = 1000000;
    int i, big_set = 0;
    double lo = 0, hi = 20;
    if (getenv("BENCH_TRACE")) trace_dev = (uint32_t)atol(getenv("BENCH_TRACE"));
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--devices") && i + 1 < argc) N = (uint32_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--hours") && i + 1 < argc) hours_x10 = (uint32_t)(atof(argv[++i]) * 10);
        else if (!strcmp(argv[i], "--big") && i + 1 < argc) { big = (uint32_t)atol(argv[++i]); big_set = 1; }
        else if (!strcmp(argv[i], "--dead-phi") && i + 1 < argc) dead_phi_arg = (uint32_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--quick")) { N = 5000; hours_x10 = 5; big = 50000; }
        else if (!strcmp(argv[i], "--instr")) g_instr = 1;
        else if (!strcmp(argv[i], "--no-counters")) g_no_ctr = 1;
        else { fprintf(stderr, "usage: %s [--devices N] [--hours H] [--big N] [--dead-phi N] [--quick] [--instr] [--no-counters]\n", argv[0]); return 2; }
    }
    if (g_instr) {
        /* the dumps hold the timed calls only: nothing else is collected */
        run_big(big_set && big > 0 ? big : 20000);
        return 0;
    }
    /* Akka's logistic CDF: the y where the tail is 1e-8 (phi = 8) */
    for (i = 0; i < 200; i++) {
        double y = (lo + hi) / 2;
        double tail = 1.0 / (1.0 + exp(y * (1.5976 + 0.070566 * y * y)));
        if (tail > 1e-8) lo = y; else hi = y;
    }
    akka_y = (lo + hi) / 2;
    run_trace(hours_x10);
    if (big) run_big(big);
    return 0;
}
