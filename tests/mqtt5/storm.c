/* tests/mqtt5/storm.c - a reconnect storm on simulated time: N devices
   (default 10^4) lose their broker at the same instant (it is restarted),
   the broker stays down for --down-ms, then accepts every CONNECT. Each
   device reconnects with hb_backoff exactly as examples/ do (same base,
   cap and stable time by default). No network, no clock: each device's
   attempts follow from hb_backoff_next alone.

   Prints the histogram of connects per second after the broker is back
   ("second count" lines; --data FILE writes them for docs/storm.svg), its
   peak, the mean over the jitter window (N / the time from the broker's
   return to the last connect, at least 1 s) and their ratio. Then the same
   for every outage from 1 s to 4 x the cap in 250 ms steps, and, for
   comparison, for the equal-jitter backoff the examples used before
   ([c/2, c] per retry). Exit 1 when hb_backoff's peak exceeds 2 x the mean
   in any of them.

   usage: storm [--devices N] [--down-ms MS] [--base-ms MS] [--max-ms MS]
                [--data FILE] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#define MAX_BINS 4096

typedef struct result {
    unsigned long bins[MAX_BINS];
    uint32_t nbins, last_ms, peak, peak_at, attempts_max;
    unsigned long attempts;
    double mean, ratio;
} result;

static long arg(int argc, char **argv, const char *name, long def)
{
    int i;
    for (i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return strtol(argv[i + 1], NULL, 10);
    return def;
}

static const char *sarg(int argc, char **argv, const char *name)
{
    int i;
    for (i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return NULL;
}

/* The examples' old reconnect delay, for comparison: equal jitter. */
static uint32_t equal_jitter(uint32_t *ceiling, uint32_t *rng, uint32_t cap)
{
    uint32_t x = *rng, c = *ceiling;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    *rng = x;
    *ceiling = c > cap / 2 ? cap : c * 2;
    return c / 2 + x % (c - c / 2 + 1);
}

/* One restart: every device lost the broker at t0, it is back at t0+down. */
static int simulate(result *r, long n, uint32_t down, uint32_t base,
                    uint32_t cap, int hb)
{
    /* the ticks start near the 2^32 wrap, as a long-running device's do */
    const uint32_t t0 = 0xFFFF0000u, t_up = t0 + down, stable = 1000;
    long d;
    uint32_t i;
    memset(r, 0, sizeof *r);
    for (d = 0; d < n; d++) {
        hb_backoff b;
        char id[32];
        uint32_t t = t0, k = 0, since, ceiling = base, rng = (uint32_t)d * 2654435761u + 1u;
        snprintf(id, sizeof id, "dev-%05ld", d);
        if (hb_backoff_init(&b, base, cap, stable, id, 0) != HB_OK) return -1;
        /* each was up for longer than stable: the loss starts afresh */
        hb_backoff_connected(&b, t0 - 10u * stable);
        do {                     /* the link drops / a CONNECT is refused */
            t += hb ? hb_backoff_next(&b, t) : equal_jitter(&ceiling, &rng, cap);
            k++;
        } while ((int32_t)(t - t_up) < 0);
        hb_backoff_connected(&b, t);
        r->attempts += k;
        if (k > r->attempts_max) r->attempts_max = k;
        since = t - t_up;
        if (since / 1000u >= MAX_BINS) return -1;
        r->bins[since / 1000u]++;
        if (since > r->last_ms) r->last_ms = since;
    }
    r->nbins = r->last_ms / 1000u + 1u;
    for (i = 0; i < r->nbins; i++)
        if (r->bins[i] > r->peak) { r->peak = (uint32_t)r->bins[i]; r->peak_at = i; }
    r->mean = (double)n / (r->last_ms < 1000u ? 1.0 : r->last_ms / 1000.0);
    r->ratio = (double)r->peak / r->mean;
    return 0;
}

static result one, sweep, eq;

int main(int argc, char **argv)
{
    long n = arg(argc, argv, "--devices", 10000);
    uint32_t down = (uint32_t)arg(argc, argv, "--down-ms", 5000);
    uint32_t base = (uint32_t)arg(argc, argv, "--base-ms", 250);
    uint32_t cap = (uint32_t)arg(argc, argv, "--max-ms", 8000);
    const char *data = sarg(argc, argv, "--data");
    uint32_t i, dn, worst_at = 0, eq_worst_at = 0, runs = 0, bad = 0;
    double worst = 0, eq_worst = 0;
    FILE *out = NULL;

    if (n < 1 || n > 10000000 || base == 0 || cap < base || cap > 600000u) {
        fprintf(stderr, "storm: bad arguments\n");
        return 2;
    }
    if (simulate(&one, n, down, base, cap, 1) != 0) {
        fprintf(stderr, "storm: a connect is off the chart\n");
        return 2;
    }
    if (simulate(&eq, n, down, base, cap, 0) != 0) return 2;
    if (data != NULL && (out = fopen(data, "w")) == NULL) {
        perror(data);
        return 2;
    }
    printf("storm: %ld devices, broker down %u ms, hb_backoff base %u ms, cap %u ms\n",
           n, (unsigned)down, (unsigned)base, (unsigned)cap);
    printf("connects per second after the broker is back (second, hb_backoff,"
           " equal jitter):\n");
    if (out)
        fprintf(out, "# second, hb_backoff connects, its mean over the window,"
                " 2 x that mean, equal-jitter connects\n");
    for (i = 0; i < one.nbins || i < eq.nbins; i++) {
        printf("  %4u %6lu %6lu\n", (unsigned)i, one.bins[i], eq.bins[i]);
        /* the mean lines span hb_backoff's window only */
        if (out && i < one.nbins)
            fprintf(out, "%u %lu %.1f %.1f %lu\n", (unsigned)i, one.bins[i],
                    one.mean, 2 * one.mean, eq.bins[i]);
        else if (out)
            fprintf(out, "%u %lu NaN NaN %lu\n", (unsigned)i, one.bins[i], eq.bins[i]);
    }
    if (out) fclose(out);
    printf("connect attempts: %lu (%.2f per device, at most %u)\n", one.attempts,
           (double)one.attempts / (double)n, (unsigned)one.attempts_max);
    printf("jitter window: %u ms (broker back to the last connect)\n",
           (unsigned)one.last_ms);
    printf("peak %u/s in second %u, mean %.1f/s, peak/mean %.2f (limit 2.00)\n",
           (unsigned)one.peak, (unsigned)one.peak_at, one.mean, one.ratio);
    printf("equal jitter, same outage: peak %u/s, peak/mean %.2f\n",
           (unsigned)eq.peak, eq.ratio);
    if (one.ratio > 2.0) bad++;
    runs++;

    /* every outage length from 1 s to 4 caps */
    for (dn = 1000; dn <= 4u * cap; dn += 250) {
        if (simulate(&sweep, n, dn, base, cap, 1) != 0) return 2;
        runs++;
        if (sweep.ratio > worst) { worst = sweep.ratio; worst_at = dn; }
        if (sweep.ratio > 2.0) {
            bad++;
            printf("over the limit: broker down %u ms: peak/mean %.2f\n",
                   (unsigned)dn, sweep.ratio);
        }
        if (simulate(&sweep, n, dn, base, cap, 0) != 0) return 2;
        if (sweep.ratio > eq_worst) { eq_worst = sweep.ratio; eq_worst_at = dn; }
    }
    printf("outages 1000..%u ms in 250 ms steps: worst peak/mean %.2f "
           "(broker down %u ms)\n", (unsigned)(4u * cap), worst, (unsigned)worst_at);
    printf("for comparison, equal jitter [c/2, c] per retry: worst peak/mean "
           "%.2f (broker down %u ms); no jitter: all %ld in one instant\n",
           eq_worst, (unsigned)eq_worst_at, n);
    printf("RESULT: %u passed, %u failed\n", (unsigned)(runs - bad), (unsigned)bad);
    return bad ? 1 : 0;
}
