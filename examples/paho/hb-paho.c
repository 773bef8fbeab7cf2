/* hb-paho - a heartbeat device on Eclipse Paho MQTT C, synchronous client.
   SPDX-License-Identifier: MIT

   The simplest integration: Paho's blocking MQTTClient API, one thread, no
   callbacks set (so Paho starts no thread of its own). The loop asks
   hb_poll() how long until the next beat and spends that time inside
   MQTTClient_receive(), which services the socket (keepalive, acks) while
   it waits. Each beat is one MQTTClient_publish(); its PUBACK/PUBCOMP is
   handled by the next MQTTClient_receive(). (Calling
   MQTTClient_waitForCompletion() after every publish is simpler still, but
   Paho waits in 100 ms steps there, which made beats up to 100 ms late.)
   Paho's connect blocks the loop (up to CONNECT_S); use examples/mosquitto/
   when the loop must never block.

   Same behaviour as hb-mosquitto: Last Will = the "offline" beat
   (hb_offline_message), a birth beat (hb_beat_now) on every connect,
   reconnect with backoff, publish failures counted by heartbeat.h while the
   link is down, and on SIGINT/SIGTERM a final "offline" beat from hb_stop()
   before a clean disconnect.

   Signed beats (--sign, built with -DHEARTBEAT_MBEDTLS -lmbedcrypto):
   carrier A puts the compact JWS in the payload; carrier B connects with
   MQTT 5 and sends the JSON claims with the detached JWS in the user
   property "jws", and every MQTT 5 property of hb_beat_props_get().

   Build:  cc -std=c99 -I. examples/paho/hb-paho.c -lpaho-mqtt3cs
           (the "s" library speaks TLS, for --cafile; -lpaho-mqtt3c if you
           need no TLS)
   Run:    hb-paho --host 127.0.0.1 --id dev1 --interval-ms 1000
   Exit:   0 after --count beats or a signal, 1 when the first connection
           fails, 2 for a bad command line. The counters go to stderr. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <MQTTClient.h>

#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#define PROG          "hb-paho"
#define KEEPALIVE_S   30
#define BACKOFF_MIN   250u   /* ms before the first reconnect attempt */
#define BACKOFF_MAX   8000u  /* cap on the reconnect delay */
#define CONNECT_S     5      /* MQTTClient_connect gives up after this */
#define FLUSH_MS      2000u  /* at exit: how long to wait for the final beat */
#define SIGNAL_MS     200u   /* longest sleep, so a signal is seen soon */

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
        "Publishes a heartbeat.h beat over MQTT (Eclipse Paho C) until stopped.\n"
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

static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void setup_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void sleep_ms(uint32_t ms)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000u);
    ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
    nanosleep(&ts, NULL); /* a signal cuts it short: fine */
}

/* ---- the device ---------------------------------------------------------- */

typedef struct device {
    const options *opt;
    MQTTClient     client;
    char           uri[300];
    hb_service     hb;
    int            up;           /* connected */
    uint32_t       reconnect_at; /* !up: next attempt (tick) */
    uint32_t       backoff;      /* next reconnect delay, ms */
    uint32_t       down_since;   /* tick the link was lost */
    unsigned       connects;
    MQTTClient_deliveryToken last; /* token of the last beat published */
    char           payload[1024]; /* cfg.buf: one beat (signed: JWS too) */
    char           will[1024];   /* the Last Will: an offline beat */
    int            v5;           /* MQTT 5 (carrier b): properties */
#if defined(HEARTBEAT_MBEDTLS)
    hb_jwt         signer;       /* --sign: the key */
#endif
} device;

/* MQTT 5: the beat's properties (heartbeat.h's hb_beat_props) as a Paho
   property list (Paho copies the strings); free with MQTTProperties_free. */
static MQTTProperties v5_props(const hb_beat_props *p)
{
    MQTTProperties props = MQTTProperties_initializer;
    MQTTProperty q;
    size_t i;
    if (p == NULL) return props;
    if (p->expiry_s != 0) {
        q.identifier = MQTTPROPERTY_CODE_MESSAGE_EXPIRY_INTERVAL;
        q.value.integer4 = p->expiry_s;
        MQTTProperties_add(&props, &q);
    }
    if (p->content_type != NULL) {
        q.identifier = MQTTPROPERTY_CODE_CONTENT_TYPE;
        q.value.data.data = (char *)(uintptr_t)p->content_type;
        q.value.data.len = (int)strlen(p->content_type);
        MQTTProperties_add(&props, &q);
    }
    q.identifier = MQTTPROPERTY_CODE_PAYLOAD_FORMAT_INDICATOR;
    q.value.byte = p->payload_format;
    MQTTProperties_add(&props, &q);
    for (i = 0; i < p->n_user_props; i++) {
        q.identifier = MQTTPROPERTY_CODE_USER_PROPERTY;
        q.value.data.data = (char *)(uintptr_t)p->user_props[i].key;
        q.value.data.len = (int)strlen(p->user_props[i].key);
        q.value.value.data = (char *)(uintptr_t)p->user_props[i].value;
        q.value.value.len = (int)p->user_props[i].value_len;
        MQTTProperties_add(&props, &q);
    }
    return props;
}

/* A true random source for the boot_id of signed beats: the OS's. */
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

/* --sign: load the key into an mbedTLS beat signer and switch the service
   to signed beats. 0, or -1 after a message. */
static int setup_signing(device *d, hb_config *cfg, char *kid, size_t kid_size)
{
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

/* Paho's codes: negative = client error, 1..5 = CONNACK refusals. */
static const char *paho_error(int rc)
{
    static const char *const connack[] = {
        "connection accepted", "unacceptable protocol version",
        "identifier rejected", "server unavailable",
        "bad user name or password", "not authorised"
    };
    const char *s;
    if (rc > 0 && rc <= 5) return connack[rc];
    if (rc == MQTTCLIENT_FAILURE) /* Paho says no more than this */
        return "failed (refused, timed out, or TLS handshake failed)";
    s = MQTTClient_strerror(rc);
    return s ? s : "unknown error";
}

/* hb_log_fn: errors and warnings to stderr (one line per failed beat). */
static void on_hb_log(void *user, int level, const char *msg, int err,
                      const char *detail)
{
    (void)user;
    if (level > HB_LOG_WARN) return;
    fprintf(stderr, PROG ": heartbeat: %s: %s%s%s\n", msg, hb_strerror(err),
            detail ? ": " : "", detail ? detail : "");
}

static void link_lost(device *d, const char *why)
{
    if (!d->up) return;
    d->up = 0;
    d->down_since = now_ms();
    d->reconnect_at = d->down_since; /* first attempt at once, then back off */
    fprintf(stderr, PROG ": connection lost: %s\n", why);
}

/* hb_publish_fn: hand the beat to Paho (it copies it). While the link is
   down say so (non-zero): heartbeat.h counts it in fail_publish. Too many
   unacknowledged beats (MQTTCLIENT_MAX_MESSAGES_INFLIGHT) count too. */
static int on_beat(void *user, const char *topic, const char *payload,
                   size_t len, int qos)
{
    device *d = (device *)user;
    int rc;
    if (!d->up) return -1;
    if (d->v5) {
        MQTTProperties props = v5_props(hb_beat_props_get(&d->hb));
        MQTTResponse r = MQTTClient_publish5(d->client, topic, (int)len, payload,
                                             qos, 0, &props, &d->last);
        int code = (int)r.reasonCode;   /* negative: a client error */
        rc = code < 0 ? code : MQTTCLIENT_SUCCESS;
        MQTTResponse_free(r);
        MQTTProperties_free(&props);
    } else {
        rc = MQTTClient_publish(d->client, topic, (int)len, payload, qos, 0, &d->last);
    }
    if (rc != MQTTCLIENT_SUCCESS) {
        if (!MQTTClient_isConnected(d->client)) link_lost(d, paho_error(rc));
        return -1;
    }
    return 0;
}

/* One connect with the will set to a fresh "offline" beat (same topic, same
   JSON as the beats; its timestamp is the connect time). */
static int connect_broker(device *d)
{
    MQTTClient_connectOptions co = MQTTClient_connectOptions_initializer;
    MQTTClient_connectOptions co5 = MQTTClient_connectOptions_initializer5;
    MQTTClient_willOptions will = MQTTClient_willOptions_initializer;
    MQTTClient_SSLOptions ssl = MQTTClient_SSLOptions_initializer;
    size_t len = 0;
    int rc = hb_offline_message(&d->hb, now_ms(), d->will, sizeof d->will, &len);
    if (rc != HB_OK) {
        fprintf(stderr, PROG ": cannot build the will: %s\n", hb_strerror(rc));
        return MQTTCLIENT_FAILURE;
    }
    will.topicName = d->opt->topic;
    will.message = d->will;       /* NUL-terminated by hb_offline_message */
    will.qos = (int)d->opt->qos;
    will.retained = 0;
    if (d->v5) co = co5;          /* clean start instead of clean session */
    co.will = &will;
    co.keepAliveInterval = KEEPALIVE_S;
    co.cleansession = d->v5 ? 0 : 1;
    co.reliable = 0;              /* several beats may await their ack */
    co.connectTimeout = CONNECT_S;
    co.MQTTVersion = d->v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
    co.username = d->opt->username;
    co.password = d->opt->password;
    if (d->opt->cafile) {
        ssl.trustStore = d->opt->cafile;
        co.ssl = &ssl;
    }
    if (d->v5) {
        MQTTProperties wp = v5_props(hb_beat_props_get(&d->hb));
        MQTTResponse r = MQTTClient_connect5(d->client, &co, NULL, &wp);
        int code = (int)r.reasonCode;   /* >= 0x80: CONNACK refused */
        rc = code >= (int)MQTTREASONCODE_UNSPECIFIED_ERROR ? MQTTCLIENT_FAILURE : code;
        MQTTResponse_free(r);
        MQTTProperties_free(&wp);
        return rc;
    }
    return MQTTClient_connect(d->client, &co);
}

/* Connected: start the service the first time, and send the birth beat
   (the grid does not move). */
static void on_connected(device *d)
{
    uint32_t now = now_ms();
    d->up = 1;
    d->backoff = BACKOFF_MIN;
    d->connects++;
    if (d->connects == 1) {
        fprintf(stderr, PROG ": connected to %s as %s\n", d->uri, d->opt->id);
        hb_start(&d->hb, now);
    } else {
        fprintf(stderr, PROG ": reconnected after %u ms\n",
                (unsigned)(now - d->down_since));
    }
    hb_beat_now(&d->hb, now);
}

static void try_reconnect(device *d, uint32_t now)
{
    int rc = connect_broker(d);
    uint32_t delay;
    if (rc == MQTTCLIENT_SUCCESS) {
        on_connected(d);
        return;
    }
    /* Jitter (half to all of the backoff) keeps a fleet from reconnecting
       in lockstep after a broker restart. */
    delay = d->backoff / 2 + (uint32_t)rand() % (d->backoff / 2 + 1);
    d->reconnect_at = now_ms() + delay;
    d->backoff = d->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : d->backoff * 2;
    fprintf(stderr, PROG ": reconnect failed (%s), next try in %u ms\n",
            paho_error(rc), (unsigned)delay);
    (void)now;
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
    int rc, v6;

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
    srand((unsigned)now_ms());

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

    setup_signals();
    v6 = strchr(opt.host, ':') != NULL; /* an IPv6 literal goes in [] */
    snprintf(dev.uri, sizeof dev.uri, "%s://%s%s%s:%ld", opt.cafile ? "ssl" : "tcp",
             v6 ? "[" : "", opt.host, v6 ? "]" : "", opt.port);
    {
        MQTTClient_createOptions cro = MQTTClient_createOptions_initializer;
        cro.MQTTVersion = dev.v5 ? MQTTVERSION_5 : MQTTVERSION_DEFAULT;
        rc = MQTTClient_createWithOptions(&dev.client, dev.uri, opt.id,
                                          MQTTCLIENT_PERSISTENCE_NONE, NULL, &cro);
    }
    if (rc != MQTTCLIENT_SUCCESS) {
        fprintf(stderr, PROG ": %s: %s\n", dev.uri, paho_error(rc));
        return 2;
    }

    /* The first connection is made in the open, so a wrong host, port or
       password is a clear error at once; later ones retry with backoff. */
    rc = connect_broker(&dev);
    if (rc != MQTTCLIENT_SUCCESS) {
        fprintf(stderr, PROG ": cannot connect to %s: %s\n", dev.uri, paho_error(rc));
        MQTTClient_destroy(&dev.client);
        return 1;
    }
    on_connected(&dev);

    /* The superloop. */
    while (!stop_signal) {
        uint32_t now = now_ms();
        uint32_t wait = hb_poll(&dev.hb, now);
        hb_stats s;

        hb_get_stats(&dev.hb, &s);
        if (opt.count > 0 && s.sent >= (uint32_t)opt.count) break;

        if (!dev.up) {
            if (ms_until(dev.reconnect_at, now) == 0) try_reconnect(&dev, now);
            if (!dev.up && ms_until(dev.reconnect_at, now_ms()) < wait)
                wait = ms_until(dev.reconnect_at, now_ms());
        }
        if (wait > SIGNAL_MS) wait = SIGNAL_MS;
        if (dev.up) {
            /* Sleep inside Paho: it answers pings and acks meanwhile. We
               subscribe to nothing, so no message should come; free one if
               it does. */
            char *t = NULL;
            int tlen = 0;
            MQTTClient_message *m = NULL;
            rc = MQTTClient_receive(dev.client, &t, &tlen, &m, wait);
            if (m) {
                MQTTClient_freeMessage(&m);
                MQTTClient_free(t);
            }
            if (!MQTTClient_isConnected(dev.client))
                link_lost(&dev, paho_error(rc == MQTTCLIENT_SUCCESS
                                           ? MQTTCLIENT_DISCONNECTED : rc));
        } else {
            sleep_ms(wait);
        }
    }

    /* Shut down: the final "offline" beat, wait for its ack (QoS 1/2), then
       a clean DISCONNECT, which tells the broker not to send the will. */
    hb_stop(&dev.hb, now_ms());
    if (dev.up && opt.qos > 0 &&
        MQTTClient_waitForCompletion(dev.client, dev.last, FLUSH_MS) != MQTTCLIENT_SUCCESS)
        fprintf(stderr, PROG ": final beat not confirmed in %u ms\n", FLUSH_MS);
    print_stats(&dev);
    if (dev.up) MQTTClient_disconnect(dev.client, (int)FLUSH_MS);
    MQTTClient_destroy(&dev.client);
    return 0;
}
