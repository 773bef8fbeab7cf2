/* hb-monitor - the fleet side on libmosquitto: which devices are alive,
   suspect, dead, offline or rebooted, from their heartbeat.h beats.
   SPDX-License-Identifier: MIT

   One thread, one poll(): hb_mon_poll() says when the next verdict can
   fall due, poll() waits on the MQTT socket (and a signal pipe) at most
   that long, libmosquitto reads the beats, hb_mon_beat() takes each.

   What it shows:
   - the detector's table and its per-device counters are two arrays the
     program owns (--capacity entries); the names live in a third,
     parallel one, filled at the NEW event, and make the lookups exact
     (hb_mon_config.same);
   - the monitor's own broker connection goes to hb_mon_link(): while it
     is down nobody is convicted, and the devices get time to reconnect;
   - --shard i/N: this instance keeps only the devices with
     hb_mon_id_hash(id) % N == i, so N instances on one topic (or on an
     MQTT 5 shared subscription) split a fleet with no overlap and no gap;
   - output: one JSON line per transition on stdout (--json, or whenever
     stdout is not a terminal); on a terminal, a live table redrawn in
     place: device, state, phi, last seen, seq, lost, reboots.

   Build:  cc -std=c99 -I. examples/monitor/hb-monitor.c -lmosquitto
   Run:    hb-monitor --host 127.0.0.1 --topic 'devices/+/heartbeat'
   Exit:   0 on SIGINT/SIGTERM, 1 when the first connection fails, 2 for a
           bad command line. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mosquitto.h>

#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#define PROG        "hb-monitor"
#define KEEPALIVE_S 10
#define BACKOFF_MIN 100u
#define BACKOFF_MAX 2000u
#define DRAW_MS     250u

typedef struct options {
    const char *host;
    long        port;
    const char *topic;
    long        capacity;
    long        interval_ms;   /* assumed for beats without interval_ms */
    long        dead_phi;      /* in 1/100; 0 = the library's default */
    long        shard_i, shard_n;
    int         json;
} options;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: " PROG " [options]\n"
        "Watches heartbeat.h beats over MQTT and reports who is alive.\n"
        "  --host HOST         broker host (default 127.0.0.1)\n"
        "  --port N            broker port (default 1883)\n"
        "  --topic FILTER      subscription (default devices/+/heartbeat)\n"
        "  --capacity N        table slots, 1..2^31 (default 65536)\n"
        "  --interval-ms N     interval assumed for beats without interval_ms\n"
        "                      until one is learned (default 30000)\n"
        "  --dead-phi N        DEAD at phi N/100 (default 1000: five beats in a\n"
        "                      row missing at 1 %% loss; 600 = three)\n"
        "  --shard I/N         keep only devices with hash(id) %% N == I\n"
        "  --json              JSON lines even on a terminal\n"
        "  --help              this text\n");
}

static int parse_long(const char *flag, const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, PROG ": %s: '%s' is not a number in %ld..%ld\n", flag, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, options *o)
{
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); return 1; }
        if (!strcmp(a, "--json")) { o->json = 1; continue; }
        if (i + 1 >= argc) {
            fprintf(stderr, PROG ": '%s' needs a value (or is unknown); try --help\n", a);
            return -1;
        }
        v = argv[++i];
        if (!strcmp(a, "--host")) o->host = v;
        else if (!strcmp(a, "--topic")) o->topic = v;
        else if (!strcmp(a, "--port")) { if (parse_long(a, v, 1, 65535, &o->port)) return -1; }
        else if (!strcmp(a, "--capacity")) { if (parse_long(a, v, 1, 0x7FFFFFFFL, &o->capacity)) return -1; }
        else if (!strcmp(a, "--interval-ms")) { if (parse_long(a, v, 1, 1L << 28, &o->interval_ms)) return -1; }
        else if (!strcmp(a, "--dead-phi")) { if (parse_long(a, v, 200, 100000, &o->dead_phi)) return -1; }
        else if (!strcmp(a, "--shard")) {
            char *slash;
            if (!(slash = strchr(v, '/')) || sscanf(v, "%ld/%ld", &o->shard_i, &o->shard_n) != 2 ||
                o->shard_n < 1 || o->shard_i < 0 || o->shard_i >= o->shard_n) {
                fprintf(stderr, PROG ": --shard: '%s' is not I/N with 0 <= I < N\n", v);
                return -1;
            }
        } else {
            fprintf(stderr, PROG ": unknown option '%s'; try --help\n", a);
            return -1;
        }
    }
    return 0;
}

static uint32_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

static int sig_pipe[2] = { -1, -1 };
static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (write(sig_pipe[1], &b, 1) < 0) { /* already signalled */ }
    errno = saved;
}

/* ---- the monitor ----------------------------------------------------- */

typedef struct app {
    const options    *opt;
    struct mosquitto *mosq;
    hb_mon            mon;
    hb_mon_slot      *slots;
    hb_mon_counters  *counters;
    char            **names;        /* parallel to slots: the decoded ids */
    int               tty;          /* live table instead of JSON lines */
    int               up;           /* subscribed */
    int               ever_up;
    int               fatal;
    uint32_t          reconnect_at, backoff;
    unsigned long     skipped;      /* beats of other shards */
    char              recent[8][160]; /* latest transitions, for the table */
    unsigned          nrecent;
} app;

/* A JSON string through heartbeat.h's own writer (Go's escaping). */
static void put_json_str(const char *s, size_t n)
{
    char buf[1024];
    hb_json w;
    size_t len = 0;
    hb_json_init(&w, buf, sizeof buf);
    if (hb_json_string(&w, s, n) == HB_OK && hb_json_finish(&w, &len) == HB_OK)
        fwrite(buf, 1, len, stdout);
    else
        fputs("\"?\"", stdout);
}

static void on_event(void *user, const hb_mon_event *ev)
{
    app *a = (app *)user;
    const char *name = ev->slot < (uint32_t)a->opt->capacity && a->names[ev->slot]
                     ? a->names[ev->slot] : NULL;
    if (ev->type == HB_MON_EV_NEW && ev->info != NULL) {
        char *n = (char *)malloc(ev->info->id_len + 1);
        size_t len = 0;
        if (n != NULL && hb_mon_unescape(ev->info->id, ev->info->id_len,
                                         (ev->info->flags & HB_MON_ID_ESCAPED) != 0,
                                         n, ev->info->id_len + 1, &len) == HB_OK) {
            free(a->names[ev->slot]);
            a->names[ev->slot] = n;
            name = n;
        } else {
            free(n);
        }
    }
    if (!a->tty) {
        printf("{\"ms\":%lu,\"event\":\"%s\"", (unsigned long)ev->now_ms,
               hb_mon_event_name(ev->type));
        if (name != NULL) {
            fputs(",\"id\":", stdout);
            put_json_str(name, strlen(name));
            printf(",\"slot\":%lu,\"state\":\"%s\",\"prev\":\"%s\"",
                   (unsigned long)ev->slot, hb_mon_state_name(ev->state),
                   hb_mon_state_name(ev->prev));
        } else if (ev->type == HB_MON_EV_FULL && ev->info != NULL) {
            fputs(",\"id\":", stdout);
            put_json_str(ev->info->id, ev->info->id_len);
        } else {
            printf(",\"count\":%lu", (unsigned long)ev->count);
        }
        fputs("}\n", stdout);
        fflush(stdout);
    } else {
        snprintf(a->recent[a->nrecent++ % 8], sizeof a->recent[0], "%10lu  %-10s %s",
                 (unsigned long)ev->now_ms, hb_mon_event_name(ev->type),
                 name != NULL ? name : "");
    }
}

static int same_id(void *user, uint32_t slot, const char *id, size_t len, int esc)
{
    app *a = (app *)user;
    const char *n = a->names[slot];
    return n != NULL && hb_mon_id_equal(id, len, esc, n, strlen(n));
}

static void link_event(app *a, int up)
{
    uint32_t t = now_ms();
    hb_mon_link(&a->mon, up, t);
    if (!a->tty) {
        printf("{\"ms\":%lu,\"event\":\"link\",\"up\":%s}\n", (unsigned long)t,
               up ? "true" : "false");
        fflush(stdout);
    } else {
        snprintf(a->recent[a->nrecent++ % 8], sizeof a->recent[0], "%10lu  %-10s %s",
                 (unsigned long)t, "link", up ? "up" : "DOWN");
    }
}

static void on_message(struct mosquitto *m, void *obj, const struct mosquitto_message *msg)
{
    app *a = (app *)obj;
    hb_mon_info in;
    (void)m;
    if (a->opt->shard_n > 1) {
        /* the shard test needs the id: parse first, then hand over */
        if (hb_mon_parse((const char *)msg->payload, (size_t)msg->payloadlen, &in) != HB_OK) {
            hb_mon_beat(&a->mon, (const char *)msg->payload, (size_t)msg->payloadlen, now_ms());
            return;
        }
        if (hb_mon_id_hash(in.id, in.id_len, (in.flags & HB_MON_ID_ESCAPED) != 0) %
                (uint64_t)a->opt->shard_n != (uint64_t)a->opt->shard_i) {
            a->skipped++;
            return;
        }
        hb_mon_arrival(&a->mon, &in, now_ms());
        return;
    }
    hb_mon_beat(&a->mon, (const char *)msg->payload, (size_t)msg->payloadlen, now_ms());
}

static void on_connect(struct mosquitto *m, void *obj, int rc)
{
    app *a = (app *)obj;
    if (rc != 0) {
        fprintf(stderr, PROG ": connection refused: %s\n", mosquitto_connack_string(rc));
        return;
    }
    mosquitto_subscribe(m, NULL, a->opt->topic, 0);
}

static void on_subscribe(struct mosquitto *m, void *obj, int mid, int n, const int *qos)
{
    app *a = (app *)obj;
    (void)m; (void)mid; (void)n; (void)qos;
    a->ever_up = 1;
    a->backoff = BACKOFF_MIN;
    if (!a->up) { a->up = 1; link_event(a, 1); }
}

static void lost(app *a)
{
    uint32_t t = now_ms();
    if (a->up) { a->up = 0; link_event(a, 0); }
    if (!a->ever_up) { a->fatal = 1; return; }
    if (a->reconnect_at == 0) {
        a->reconnect_at = t + a->backoff;
        if (a->reconnect_at == 0) a->reconnect_at = 1;
        a->backoff = a->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : a->backoff * 2;
    }
}

static void on_disconnect(struct mosquitto *m, void *obj, int rc)
{
    (void)m; (void)rc;
    lost((app *)obj);
}

static void check(app *a, int rc)
{
    if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN) lost(a);
}

static void draw(app *a)
{
    hb_mon_stats st;
    uint32_t i, rows = 0;
    unsigned k;
    hb_mon_get_stats(&a->mon, &st);
    printf("\033[H\033[J" PROG " %s:%ld %s   link %s   devices %lu: alive %lu  suspect %lu  "
           "dead %lu  offline %lu\n\n", a->opt->host, a->opt->port, a->opt->topic,
           a->up ? "up" : "DOWN", (unsigned long)st.devices, (unsigned long)st.alive,
           (unsigned long)st.suspect, (unsigned long)st.dead, (unsigned long)st.offline);
    printf("%-24s %-8s %7s %10s %8s %6s %7s\n", "device", "state", "phi",
           "last seen", "seq", "lost", "reboots");
    for (i = 0; i < (uint32_t)a->opt->capacity && rows < 30; i++) {
        hb_mon_device d;
        if (a->names[i] == NULL || hb_mon_get_slot(&a->mon, i, &d) != HB_OK) continue;
        printf("%-24.24s %-8s %7.2f %8.1f s %8lu %6lu %7lu\n", a->names[i],
               hb_mon_state_name(d.state), d.phi / 100.0, d.silent_ms / 1000.0,
               (unsigned long)d.seq, (unsigned long)d.counters.lost,
               (unsigned long)d.counters.reboots);
        rows++;
    }
    printf("\nlatest:\n");
    for (k = a->nrecent > 8 ? a->nrecent - 8 : 0; k < a->nrecent; k++)
        printf("  %s\n", a->recent[k % 8]);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    options opt;
    app a;
    hb_mon_config mc;
    struct sigaction sa;
    uint32_t next_draw = 0;
    int rc, stop = 0, i;

    memset(&opt, 0, sizeof opt);
    opt.host = "127.0.0.1";
    opt.port = 1883;
    opt.topic = "devices/+/heartbeat";
    opt.capacity = 65536;
    opt.interval_ms = 30000;
    opt.shard_n = 1;
    rc = parse_args(argc, argv, &opt);
    if (rc != 0) return rc > 0 ? 0 : 2;

    memset(&a, 0, sizeof a);
    a.opt = &opt;
    a.tty = !opt.json && isatty(1);
    a.backoff = BACKOFF_MIN;
    a.slots = (hb_mon_slot *)calloc((size_t)opt.capacity, sizeof *a.slots);
    a.counters = (hb_mon_counters *)calloc((size_t)opt.capacity, sizeof *a.counters);
    a.names = (char **)calloc((size_t)opt.capacity, sizeof *a.names);
    if (!a.slots || !a.counters || !a.names) {
        fprintf(stderr, PROG ": no memory for %ld slots\n", opt.capacity);
        return 1;
    }
    memset(&mc, 0, sizeof mc);
    mc.slots = a.slots;
    mc.capacity = (uint32_t)opt.capacity;
    mc.counters = a.counters;
    mc.default_interval_ms = (uint32_t)opt.interval_ms;
    mc.dead_phi = (uint32_t)opt.dead_phi;
    mc.event = on_event;
    mc.same = same_id;
    mc.user = &a;
    if (hb_mon_init(&a.mon, &mc) != HB_OK) {
        fprintf(stderr, PROG ": bad monitor configuration\n");
        return 2;
    }
    /* not connected yet: nobody can be judged */
    hb_mon_link(&a.mon, 0, now_ms());

    if (pipe(sig_pipe) != 0) { perror(PROG ": pipe"); return 1; }
    for (i = 0; i < 2; i++) fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    mosquitto_lib_init();
    a.mosq = mosquitto_new(NULL, true, &a);
    if (!a.mosq) { fprintf(stderr, PROG ": mosquitto_new failed\n"); return 1; }
    mosquitto_connect_callback_set(a.mosq, on_connect);
    mosquitto_disconnect_callback_set(a.mosq, on_disconnect);
    mosquitto_subscribe_callback_set(a.mosq, on_subscribe);
    mosquitto_message_callback_set(a.mosq, on_message);
    rc = mosquitto_connect(a.mosq, opt.host, (int)opt.port, KEEPALIVE_S);
    if (rc != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, PROG ": cannot connect to %s:%ld: %s\n", opt.host, opt.port,
                rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        return 1;
    }
    a.ever_up = 1;   /* TCP is up; the link counts as up once subscribed */

    while (!stop && !a.fatal) {
        struct pollfd pfd[2];
        uint32_t t = now_ms(), wait = hb_mon_poll(&a.mon, t);
        int n = 1, sock;
        if (a.reconnect_at != 0) {
            int32_t d = (int32_t)(a.reconnect_at - t);
            if (d <= 0) {
                a.reconnect_at = 0;
                if (mosquitto_reconnect_async(a.mosq) != MOSQ_ERR_SUCCESS) lost(&a);
            } else if ((uint32_t)d < wait) {
                wait = (uint32_t)d;
            }
        }
        if (a.tty) {
            int32_t d = (int32_t)(next_draw - t);
            if (d <= 0) { draw(&a); next_draw = t + DRAW_MS; d = (int32_t)DRAW_MS; }
            if ((uint32_t)d < wait) wait = (uint32_t)d;
        }
        if (wait > 1000) wait = 1000;   /* keepalive housekeeping */
        pfd[0].fd = sig_pipe[0];
        pfd[0].events = POLLIN;
        pfd[0].revents = 0;
        sock = mosquitto_socket(a.mosq);
        if (sock >= 0) {
            pfd[1].fd = sock;
            pfd[1].events = (short)(POLLIN | (mosquitto_want_write(a.mosq) ? POLLOUT : 0));
            pfd[1].revents = 0;
            n = 2;
        }
        if (poll(pfd, (nfds_t)n, (int)wait) < 0 && errno != EINTR) break;
        if (pfd[0].revents & POLLIN) stop = 1;
        if (n == 2 && (pfd[1].revents & (POLLIN | POLLERR | POLLHUP)))
            check(&a, mosquitto_loop_read(a.mosq, 1));
        if (mosquitto_socket(a.mosq) >= 0 && mosquitto_want_write(a.mosq))
            check(&a, mosquitto_loop_write(a.mosq, 1));
        check(&a, mosquitto_loop_misc(a.mosq));
    }
    {
        hb_mon_stats st;
        hb_mon_get_stats(&a.mon, &st);
        fprintf(stderr, PROG ": beats=%lu bad=%lu ignored=%lu devices=%lu alive=%lu "
                "suspect=%lu dead=%lu offline=%lu outages=%lu other_shards=%lu\n",
                (unsigned long)st.beats, (unsigned long)st.bad, (unsigned long)st.ignored,
                (unsigned long)st.devices, (unsigned long)st.alive,
                (unsigned long)st.suspect, (unsigned long)st.dead,
                (unsigned long)st.offline, (unsigned long)st.outages, a.skipped);
    }
    mosquitto_disconnect(a.mosq);
    mosquitto_destroy(a.mosq);
    mosquitto_lib_cleanup();
    for (i = 0; i < opt.capacity; i++) free(a.names[i]);
    free(a.names);
    free(a.slots);
    free(a.counters);
    return a.fatal ? 1 : 0;
}
