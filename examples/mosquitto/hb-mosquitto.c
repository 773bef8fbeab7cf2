/* hb-mosquitto - a heartbeat device on libmosquitto, one thread, one poll().
   SPDX-License-Identifier: MIT

   The whole program is one superloop: hb_poll() says how long until the next
   beat, poll() sleeps on the MQTT socket (and a signal pipe) for at most that
   long, then mosquitto_loop_read/write/misc do the network work. No
   mosquitto_loop_start() thread, no sleep(): the beat goes out on time while
   the socket is being served.

   What it shows:
   - the publish callback hands each beat to mosquitto_publish() and returns
     non-zero while the link is down, so heartbeat.h counts the failure;
   - the Last Will is the beat with status "offline" (hb_offline_message),
     set before every (re)connect: same topic, same JSON as the beats;
   - a birth beat (hb_beat_now) on every CONNACK, so a subscriber sees the
     device the moment it is back;
   - reconnect with exponential backoff (250 ms doubling to 8 s, jittered);
   - SIGINT/SIGTERM: hb_stop() publishes a final "offline" beat, the loop
     runs until the broker has acknowledged it, then a clean DISCONNECT
     (which tells the broker not to send the will).

   - signed beats (--sign, built with -DHEARTBEAT_MBEDTLS -lmbedcrypto):
     carrier A puts the compact JWS in the payload; carrier B (MQTT 5) sends
     the JSON claims with the detached JWS in the user property "jws", and
     every MQTT 5 property of hb_beat_props_get().

   Build:  cc -std=c99 -I. examples/mosquitto/hb-mosquitto.c -lmosquitto
           (signing: add -DHEARTBEAT_MBEDTLS ... -lmbedcrypto)
   Run:    hb-mosquitto --host 127.0.0.1 --id dev1 --interval-ms 1000
   Exit:   0 after --count beats or a signal, 1 when the first connection
           fails, 2 for a bad command line. The counters go to stderr. */
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
#include <mqtt_protocol.h>   /* MQTT 5 property identifiers */

#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#define PROG          "hb-mosquitto"
#define KEEPALIVE_S   30
#define BACKOFF_MIN   250u   /* ms before the first reconnect attempt */
#define BACKOFF_MAX   8000u  /* cap on the reconnect delay */
#define CONNECT_MS    5000u  /* CONNACK must come within this */
#define FLUSH_MS      2000u  /* at exit: how long to wait for the final beat */
#define MISC_MS       1000u  /* wake at least this often for keepalive */

/* ---- command line -------------------------------------------------------- */

typedef struct options {
    const char   *host;
    long          port;        /* 0: 1883, or 8883 with --cafile */
    const char   *topic;       /* NULL: "heartbeat/<id>" */
    const char   *id;
    long          interval_ms;
    long          qos;
    long          count;       /* 0 = forever */
    const char   *username;
    const char   *password;
    const char   *cafile;
    const char   *sign;        /* NULL, "es256" or "hs256" */
    const char   *key;         /* the signing key file */
    const char   *kid;         /* NULL: "<id>-hb" */
    const char   *carrier;     /* "a" (default) or "b" (MQTT 5) */
} options;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: " PROG " [options]\n"
        "Publishes a heartbeat.h beat over MQTT (libmosquitto) until stopped.\n"
        "  --host HOST         broker host (default 127.0.0.1)\n"
        "  --port N            broker port (default 1883, 8883 with --cafile)\n"
        "  --topic TOPIC       publish topic (default heartbeat/<id>)\n"
        "  --id ID             device id, also the MQTT client id (default hb-device)\n"
        "  --interval-ms N     ms between beats, 1..2147483647 (default 1000)\n"
        "  --qos N             0, 1 or 2 (default 1)\n"
        "  --count N           stop after N beats, birth beats included\n"
        "                      (default 0: run until SIGINT/SIGTERM)\n"
        "  --username NAME     MQTT user name\n"
        "  --password PASS     MQTT password\n"
        "  --cafile FILE       enable TLS, trusting the CA certificates in FILE\n"
        "  --sign ALG          signed beats: es256 or hs256 (needs a build with\n"
        "                      -DHEARTBEAT_MBEDTLS -lmbedcrypto)\n"
        "  --key FILE          the signing key: EC P-256 private key (PEM/DER)\n"
        "                      for es256, the secret (>= 32 bytes) for hs256\n"
        "  --kid ID            the key id in the JWS header (default <id>-hb)\n"
        "  --carrier a|b       a: the payload is the JWS (default); b: MQTT 5,\n"
        "                      JSON payload + detached JWS in user property jws\n"
        "  --help              this text\n");
}

static int parse_long(const char *flag, const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, PROG ": %s: '%s' is not a number in %ld..%ld\n",
                flag, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

/* 0 = run, 1 = --help shown, -1 = error (message printed). Takes both
   "--flag value" and "--flag=value". */
static int parse_args(int argc, char **argv, options *o)
{
    int i;
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i], *val, *eq;
        char flag[32];
        size_t n;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            return 1;
        }
        if (strncmp(arg, "--", 2) != 0) {
            fprintf(stderr, PROG ": unexpected argument '%s'\n"
                    "Try '" PROG " --help'.\n", arg);
            return -1;
        }
        eq = strchr(arg, '=');
        n = eq ? (size_t)(eq - arg) : strlen(arg);
        if (n >= sizeof flag) n = sizeof flag - 1;
        memcpy(flag, arg, n);
        flag[n] = '\0';
        if (strcmp(flag, "--host") && strcmp(flag, "--port") &&
            strcmp(flag, "--topic") && strcmp(flag, "--id") &&
            strcmp(flag, "--interval-ms") && strcmp(flag, "--qos") &&
            strcmp(flag, "--count") && strcmp(flag, "--username") &&
            strcmp(flag, "--password") && strcmp(flag, "--cafile") &&
            strcmp(flag, "--sign") && strcmp(flag, "--key") &&
            strcmp(flag, "--kid") && strcmp(flag, "--carrier")) {
            fprintf(stderr, PROG ": unknown option '%s'\n"
                    "Try '" PROG " --help'.\n", flag);
            return -1;
        }
        if (eq) {
            val = eq + 1;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            fprintf(stderr, PROG ": option '%s' needs a value\n", flag);
            return -1;
        }
        if (!strcmp(flag, "--host")) o->host = val;
        else if (!strcmp(flag, "--topic")) o->topic = val;
        else if (!strcmp(flag, "--id")) o->id = val;
        else if (!strcmp(flag, "--username")) o->username = val;
        else if (!strcmp(flag, "--password")) o->password = val;
        else if (!strcmp(flag, "--cafile")) o->cafile = val;
        else if (!strcmp(flag, "--sign")) o->sign = val;
        else if (!strcmp(flag, "--key")) o->key = val;
        else if (!strcmp(flag, "--kid")) o->kid = val;
        else if (!strcmp(flag, "--carrier")) o->carrier = val;
        else if (!strcmp(flag, "--port")) {
            if (parse_long(flag, val, 1, 65535, &o->port)) return -1;
        } else if (!strcmp(flag, "--interval-ms")) {
            if (parse_long(flag, val, 1, 2147483647L, &o->interval_ms)) return -1;
        } else if (!strcmp(flag, "--qos")) {
            if (parse_long(flag, val, 0, 2, &o->qos)) return -1;
        } else if (parse_long(flag, val, 0, 2147483647L, &o->count)) {
            return -1;
        }
        if (*val == '\0') {
            fprintf(stderr, PROG ": option '%s' needs a non-empty value\n", flag);
            return -1;
        }
    }
    if (o->password && !o->username) {
        fprintf(stderr, PROG ": --password needs --username\n");
        return -1;
    }
    if (o->sign && strcmp(o->sign, "es256") && strcmp(o->sign, "hs256")) {
        fprintf(stderr, PROG ": --sign: es256 or hs256\n");
        return -1;
    }
    if (o->carrier && strcmp(o->carrier, "a") && strcmp(o->carrier, "b")) {
        fprintf(stderr, PROG ": --carrier: a or b\n");
        return -1;
    }
    if ((o->sign != NULL) != (o->key != NULL) ||
        (!o->sign && (o->kid || o->carrier))) {
        fprintf(stderr, PROG ": --sign and --key go together; --kid and "
                "--carrier need them\n");
        return -1;
    }
    return 0;
}

/* ---- clocks and signals -------------------------------------------------- */

/* heartbeat.h's tick: monotonic ms, any epoch, wrapping at 2^32. */
static uint32_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

/* ms from now until tick `t` (0 when it has passed); wrap-safe. */
static uint32_t ms_until(uint32_t t, uint32_t now)
{
    int32_t d = (int32_t)(t - now);
    return d > 0 ? (uint32_t)d : 0;
}

/* hb_clock_fn: the wall clock for the "timestamp" field, in UTC. */
static int wall_clock(void *user, hb_time *t)
{
    struct timespec ts;
    (void)user;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
    t->sec = (int64_t)ts.tv_sec;
    t->nsec = (uint32_t)ts.tv_nsec;
    t->utc_offset_min = 0;
    return 0;
}

/* SIGINT/SIGTERM write a byte here; poll() watches the read end, so a signal
   wakes the loop at once whatever the timeout. */
static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (write(sig_pipe[1], &b, 1) < 0) { /* pipe full: already signalled */ }
    errno = saved;
}

static int setup_signals(void)
{
    struct sigaction sa;
    int i;
    if (pipe(sig_pipe) != 0) return -1;
    for (i = 0; i < 2; i++) {
        fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

/* ---- signed beats (--sign) ---------------------------------------------- */

/* A true random source for the boot_id: the OS's. */
static uint32_t os_random(void *user)
{
    uint32_t x = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    (void)user;
    if (f != NULL) {
        if (fread(&x, sizeof x, 1, f) != 1) x = 0;
        fclose(f);
    }
    return x ^ (uint32_t)rand();
}

struct device;
static int setup_signing(struct device *d, hb_config *cfg, char *kid, size_t kid_size);

/* ---- the device ---------------------------------------------------------- */

enum { LINK_DOWN, LINK_CONNECTING, LINK_UP };

typedef struct device {
    const options    *opt;
    struct mosquitto *mosq;
    hb_service        hb;
    int               link;         /* LINK_* */
    int               ever_up;      /* a CONNACK has been seen */
    int               fatal;        /* give up: exit 1 */
    uint32_t          reconnect_at; /* LINK_DOWN: next attempt (tick) */
    uint32_t          deadline;     /* LINK_CONNECTING: CONNACK due (tick) */
    uint32_t          backoff;      /* next reconnect delay, ms */
    uint32_t          down_since;   /* tick the link was lost */
    unsigned          connects;     /* successful CONNACKs */
    unsigned          inflight;     /* publishes not yet confirmed */
    char              payload[1024]; /* cfg.buf: one beat (signed: JWS too) */
    char              will[1024];   /* the Last Will: an offline beat */
    int               v5;           /* MQTT 5 (carrier b): properties */
#if defined(HEARTBEAT_MBEDTLS)
    hb_jwt            signer;       /* --sign: the key */
#endif
} device;

/* hb_log_fn: errors and warnings to stderr (one line per failed beat). */
static void on_hb_log(void *user, int level, const char *msg, int err,
                      const char *detail)
{
    (void)user;
    if (level > HB_LOG_WARN) return;
    fprintf(stderr, PROG ": heartbeat: %s: %s%s%s\n", msg, hb_strerror(err),
            detail ? ": " : "", detail ? detail : "");
}

/* --sign: load the key into an mbedTLS beat signer and switch the service
   to signed beats. 0, or -1 after a message. */
static int setup_signing(struct device *dv, hb_config *cfg, char *kid, size_t kid_size)
{
    device *d = (device *)dv;
#if defined(HEARTBEAT_MBEDTLS)
    static unsigned char key[8192];
    hb_jwt_config jc;
    size_t n;
    FILE *f = fopen(d->opt->key, "rb");
    if (f == NULL) {
        fprintf(stderr, PROG ": --key %s: %s\n", d->opt->key, strerror(errno));
        return -1;
    }
    n = fread(key, 1, sizeof key - 1, f);
    fclose(f);
    key[n] = 0;
    memset(&jc, 0, sizeof jc);
    jc.alg = strcmp(d->opt->sign, "es256") == 0 ? HB_JWT_ES256 : HB_JWT_HS256;
    jc.key = key;
    jc.key_len = n + (strstr((const char *)key, "-----BEGIN") != NULL); /* PEM: + NUL */
    if (hb_jwt_signer_init(&d->signer, &jc) != HB_OK) {
        fprintf(stderr, PROG ": --key %s: not a usable %s key\n", d->opt->key,
                d->opt->sign);
        return -1;
    }
    memset(key, 0, sizeof key);
    snprintf(kid, kid_size, "%s-hb", d->opt->id);
    cfg->sign_alg = jc.alg;                 /* HB_SIGN_* = HB_JWT_* */
    cfg->sign_kid = d->opt->kid ? d->opt->kid : kid;
    cfg->sign = hb_jwt_sign_beat;
    cfg->sign_user = &d->signer;
    cfg->sign_carrier = d->opt->carrier && !strcmp(d->opt->carrier, "b")
                      ? HB_CARRIER_B : HB_CARRIER_A;
    cfg->rand = os_random;                  /* draws the boot_id */
    d->v5 = cfg->sign_carrier == HB_CARRIER_B;
    return 0;
#else
    (void)d; (void)cfg; (void)kid; (void)kid_size; (void)os_random;
    fprintf(stderr, PROG ": --sign: this build has no signer; rebuild with "
            "-DHEARTBEAT_MBEDTLS and -lmbedcrypto\n");
    return -1;
#endif
}

/* MQTT 5: the beat's properties (heartbeat.h's hb_beat_props) as a
   libmosquitto property list; NULL when there are none. */
static mosquitto_property *v5_props(const hb_beat_props *p)
{
    mosquitto_property *props = NULL;
    char v[1024];
    size_t i;
    if (p == NULL) return NULL;
    if (p->expiry_s != 0)
        mosquitto_property_add_int32(&props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
                                     p->expiry_s);
    if (p->content_type != NULL)
        mosquitto_property_add_string(&props, MQTT_PROP_CONTENT_TYPE,
                                      p->content_type);
    mosquitto_property_add_byte(&props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR,
                                p->payload_format);
    for (i = 0; i < p->n_user_props; i++) {
        size_t n = p->user_props[i].value_len < sizeof v - 1
                 ? p->user_props[i].value_len : sizeof v - 1;
        memcpy(v, p->user_props[i].value, n);   /* not NUL-terminated */
        v[n] = '\0';
        mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY,
                                           p->user_props[i].key, v);
    }
    return props;
}

/* hb_publish_fn: hand the beat to libmosquitto, which copies it. While the
   link is down say so (non-zero): heartbeat.h counts it in fail_publish.
   Beats are not queued while the link is down, on purpose: a stale
   heartbeat says nothing. (A QoS 1/2 beat already sent whose ack was lost
   with the link is sent again by libmosquitto after the reconnect.) */
static int on_beat(void *user, const char *topic, const char *payload,
                   size_t len, int qos)
{
    device *d = (device *)user;
    int rc;
    if (d->link != LINK_UP) return -1;
    /* Counted first: for QoS 0 on_mqtt_publish may run inside this call. */
    d->inflight++;
    if (d->v5) {
        mosquitto_property *props = v5_props(hb_beat_props_get(&d->hb));
        rc = mosquitto_publish_v5(d->mosq, NULL, topic, (int)len, payload, qos,
                                  false, props);
        mosquitto_property_free_all(&props);
    } else {
        rc = mosquitto_publish(d->mosq, NULL, topic, (int)len, payload, qos, false);
    }
    if (rc != MOSQ_ERR_SUCCESS) {
        d->inflight--;
        return -1;
    }
    return 0;
}

/* Sent (QoS 0), PUBACK (QoS 1) or PUBCOMP (QoS 2). */
static void on_mqtt_publish(struct mosquitto *mosq, void *obj, int mid)
{
    device *d = (device *)obj;
    (void)mosq; (void)mid;
    if (d->inflight) d->inflight--;
}

/* The will is a beat with status "offline", rebuilt before each connect so
   its timestamp is the connect time. */
static void set_will(device *d)
{
    size_t len = 0;
    int rc = hb_offline_message(&d->hb, now_ms(), d->will, sizeof d->will, &len);
    if (rc != HB_OK) {
        fprintf(stderr, PROG ": cannot build the will: %s\n", hb_strerror(rc));
        return;
    }
    if (d->v5) {
        mosquitto_property *props = v5_props(hb_beat_props_get(&d->hb));
        mosquitto_will_set_v5(d->mosq, d->opt->topic, (int)len, d->will,
                              (int)d->opt->qos, false, props);
        /* on success libmosquitto owns the list */
    } else {
        mosquitto_will_set(d->mosq, d->opt->topic, (int)len, d->will,
                           (int)d->opt->qos, false);
    }
}

static void schedule_reconnect(device *d, uint32_t now)
{
    /* Jitter (half to all of the backoff) keeps a fleet from reconnecting
       in lockstep after a broker restart. */
    uint32_t delay = d->backoff / 2 + (uint32_t)rand() % (d->backoff / 2 + 1);
    d->link = LINK_DOWN;
    d->reconnect_at = now + delay;
    d->backoff = d->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : d->backoff * 2;
    fprintf(stderr, PROG ": reconnecting in %u ms\n", (unsigned)delay);
}

/* The link is gone (read/write error, broker closed it, CONNACK timeout). */
static void link_lost(device *d, const char *why)
{
    uint32_t now = now_ms();
    if (d->link == LINK_DOWN) return;
    d->inflight = 0;
    if (!d->ever_up) {
        fprintf(stderr, PROG ": cannot connect to %s:%ld: %s\n",
                d->opt->host, d->opt->port, why);
        d->fatal = 1;
        d->link = LINK_DOWN;
        return;
    }
    if (d->link == LINK_UP) {
        d->down_since = now;
        fprintf(stderr, PROG ": connection lost: %s\n", why);
    }
    schedule_reconnect(d, now);
}

static void on_mqtt_connect(struct mosquitto *mosq, void *obj, int rc)
{
    device *d = (device *)obj;
    uint32_t now = now_ms();
    (void)mosq;
    if (rc != 0) {
        /* Refused (bad credentials, bad id): the broker closes the socket. */
        link_lost(d, mosquitto_connack_string(rc));
        return;
    }
    d->link = LINK_UP;
    d->backoff = BACKOFF_MIN;
    d->connects++;
    if (!d->ever_up) {
        d->ever_up = 1;
        fprintf(stderr, PROG ": connected to %s:%ld as %s\n",
                d->opt->host, d->opt->port, d->opt->id);
        hb_start(&d->hb, now);
    } else {
        fprintf(stderr, PROG ": reconnected after %u ms\n",
                (unsigned)(now - d->down_since));
    }
    /* The birth beat: announce ourselves now, not one interval from now.
       The grid does not move. */
    hb_beat_now(&d->hb, now);
}

static void on_mqtt_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
    (void)mosq;
    if (rc != 0) link_lost((device *)obj, mosquitto_strerror(rc));
}

/* A mosquitto_loop_* result: anything but success means the link is gone. */
static void check_rc(device *d, int rc)
{
    if (rc == MOSQ_ERR_SUCCESS || rc == MOSQ_ERR_NO_CONN) return;
    link_lost(d, rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
}

/* One turn of the superloop: wait for the socket, the signal pipe or the
   timeout, then let libmosquitto read, write and do its housekeeping.
   Returns 1 when a signal arrived. */
static int service_socket(device *d, uint32_t timeout_ms)
{
    struct pollfd pfd[2];
    int sock = mosquitto_socket(d->mosq), n = 1, got_signal = 0;
    pfd[0].fd = sig_pipe[0];
    pfd[0].events = POLLIN;
    pfd[0].revents = 0;
    if (sock >= 0) {
        pfd[1].fd = sock;
        pfd[1].events = (short)(POLLIN | (mosquitto_want_write(d->mosq) ? POLLOUT : 0));
        pfd[1].revents = 0;
        n = 2;
    }
    if (poll(pfd, (nfds_t)n, (int)timeout_ms) < 0 && errno != EINTR) {
        perror(PROG ": poll");
        return 1;
    }
    if (pfd[0].revents & POLLIN) {
        unsigned char b;
        while (read(sig_pipe[0], &b, 1) > 0) got_signal = 1;
    }
    if (n == 2 && (pfd[1].revents & (POLLIN | POLLERR | POLLHUP)))
        check_rc(d, mosquitto_loop_read(d->mosq, 1));
    if (mosquitto_socket(d->mosq) >= 0 && mosquitto_want_write(d->mosq))
        check_rc(d, mosquitto_loop_write(d->mosq, 1));
    check_rc(d, mosquitto_loop_misc(d->mosq));
    return got_signal;
}

static void try_reconnect(device *d, uint32_t now)
{
    int rc;
    set_will(d);
    rc = mosquitto_reconnect_async(d->mosq);
    if (rc == MOSQ_ERR_SUCCESS) {
        d->link = LINK_CONNECTING;
        d->deadline = now + CONNECT_MS;
    } else {
        fprintf(stderr, PROG ": reconnect failed: %s\n",
                rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        schedule_reconnect(d, now);
    }
}

static void print_stats(const device *d)
{
    hb_stats s;
    hb_get_stats(&d->hb, &s);
    fprintf(stderr, PROG ": stats: attempts=%lu sent=%lu fail_publish=%lu "
            "fail_clock=%lu fail_serialize=%lu missed=%lu connects=%u\n",
            (unsigned long)s.attempts, (unsigned long)s.sent,
            (unsigned long)s.fail_publish, (unsigned long)s.fail_clock,
            (unsigned long)s.fail_serialize, (unsigned long)s.missed, d->connects);
}

int main(int argc, char **argv)
{
    options opt;
    device dev;
    hb_config cfg;
    char topic[256], kid[128];
    int rc, stop = 0;

    memset(&opt, 0, sizeof opt);
    opt.host = "127.0.0.1";
    opt.id = "hb-device";
    opt.interval_ms = 1000;
    opt.qos = 1;
    rc = parse_args(argc, argv, &opt);
    if (rc != 0) return rc > 0 ? 0 : 2;
    if (opt.port == 0) opt.port = opt.cafile ? 8883 : 1883;
    if (!opt.topic) {
        snprintf(topic, sizeof topic, "heartbeat/%s", opt.id);
        opt.topic = topic;
    }

    memset(&dev, 0, sizeof dev);
    dev.opt = &opt;
    dev.backoff = BACKOFF_MIN;
    srand((unsigned)getpid() ^ (unsigned)now_ms());

    /* The heartbeat service: the Go-compatible beat plus "seq", and a final
       "offline" beat from hb_stop. */
    memset(&cfg, 0, sizeof cfg);
    cfg.topic = opt.topic;
    cfg.interval_ms = (uint32_t)opt.interval_ms;
    cfg.qos = (int)opt.qos;
    cfg.device_id = opt.id;
    cfg.publish = on_beat;
    cfg.clock = wall_clock;
    cfg.log = on_hb_log;
    cfg.user = &dev;
    cfg.buf = dev.payload;
    cfg.buf_size = sizeof dev.payload;
    cfg.flags = HB_OPT_SEQ | HB_OPT_OFFLINE_ON_STOP;
    if (opt.sign && setup_signing(&dev, &cfg, kid, sizeof kid) != 0) return 2;
    if (hb_buf_size(&cfg, 0) > sizeof dev.payload) {
        fprintf(stderr, PROG ": --id or --topic too long for the %u-byte buffer\n",
                (unsigned)sizeof dev.payload);
        return 2;
    }
    rc = hb_init(&dev.hb, &cfg);
    if (rc != HB_OK) {
        fprintf(stderr, PROG ": bad configuration: %s\n", hb_strerror(rc));
        return 2;
    }

    if (setup_signals() != 0) {
        perror(PROG ": pipe");
        return 1;
    }
    mosquitto_lib_init();
    dev.mosq = mosquitto_new(opt.id, true, &dev);
    if (!dev.mosq) {
        fprintf(stderr, PROG ": mosquitto_new: %s\n", strerror(errno));
        return 1;
    }
    if (dev.v5) mosquitto_int_option(dev.mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_connect_callback_set(dev.mosq, on_mqtt_connect);
    mosquitto_disconnect_callback_set(dev.mosq, on_mqtt_disconnect);
    mosquitto_publish_callback_set(dev.mosq, on_mqtt_publish);
    if (opt.username)
        mosquitto_username_pw_set(dev.mosq, opt.username, opt.password);
    if (opt.cafile) {
        rc = mosquitto_tls_set(dev.mosq, opt.cafile, NULL, NULL, NULL, NULL);
        if (rc != MOSQ_ERR_SUCCESS) {
            fprintf(stderr, PROG ": --cafile %s: %s\n", opt.cafile,
                    mosquitto_strerror(rc));
            return 2;
        }
    }

    /* The first connection is made in the open, so a wrong host or port is
       a clear error at once; later ones reconnect in the background. */
    set_will(&dev);
    rc = mosquitto_connect_async(dev.mosq, opt.host, (int)opt.port, KEEPALIVE_S);
    if (rc != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, PROG ": cannot connect to %s:%ld: %s\n", opt.host,
                opt.port, rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc));
        mosquitto_destroy(dev.mosq);
        mosquitto_lib_cleanup();
        return 1;
    }
    dev.link = LINK_CONNECTING;
    dev.deadline = now_ms() + CONNECT_MS;

    /* The superloop. */
    while (!stop && !dev.fatal) {
        uint32_t now = now_ms();
        uint32_t wait = hb_poll(&dev.hb, now); /* HB_POLL_IDLE until started */
        hb_stats s;

        hb_get_stats(&dev.hb, &s);
        if (opt.count > 0 && s.sent >= (uint32_t)opt.count) break;

        if (dev.link == LINK_CONNECTING) {
            if (ms_until(dev.deadline, now) == 0)
                link_lost(&dev, "no CONNACK from the broker");
            else if (ms_until(dev.deadline, now) < wait)
                wait = ms_until(dev.deadline, now);
        }
        if (dev.fatal) break;
        if (dev.link == LINK_DOWN) {
            if (ms_until(dev.reconnect_at, now) == 0) try_reconnect(&dev, now);
            if (dev.link == LINK_DOWN && ms_until(dev.reconnect_at, now) < wait)
                wait = ms_until(dev.reconnect_at, now);
        }
        if (wait > MISC_MS) wait = MISC_MS;
        stop = service_socket(&dev, wait);
    }

    /* Shut down: the final "offline" beat, wait until the broker has it
       (PUBACK/PUBCOMP, or written for QoS 0), then a clean DISCONNECT. */
    if (!dev.fatal) {
        uint32_t start = now_ms();
        hb_stop(&dev.hb, start);
        while (dev.link == LINK_UP && (dev.inflight > 0 || mosquitto_want_write(dev.mosq))) {
            uint32_t left = ms_until(start + FLUSH_MS, now_ms());
            if (left == 0) {
                fprintf(stderr, PROG ": final beat not confirmed in %u ms\n", FLUSH_MS);
                break;
            }
            service_socket(&dev, left);
        }
        print_stats(&dev);
    }
    mosquitto_disconnect(dev.mosq);
    mosquitto_destroy(dev.mosq);
    mosquitto_lib_cleanup();
    return dev.fatal ? 1 : 0;
}
