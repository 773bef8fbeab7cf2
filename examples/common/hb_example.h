/* hb_example.h - what the device examples (hb-mosquitto, hb-paho) share:
   the command line as a table of flags, the clocks, the signal pipe, the
   log sink, the heartbeat config and the availability messages.
   SPDX-License-Identifier: MIT

   Include it after heartbeat.h (with its implementation), with PROG (the
   program name) and CLIENT (the MQTT library, for --help) defined. Every
   function is static: each example is one translation unit.

   Adding a flag: a member in hbx_options and a row in hbx_flags (name,
   value placeholder, kind, member, range, help); its default in
   hbx_defaults; cross-flag checks in hbx_check. Nothing else parses. */
#ifndef HB_EXAMPLE_H
#define HB_EXAMPLE_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef PROG
#  error "define PROG before including hb_example.h"
#endif
#ifndef CLIENT
#  error "define CLIENT before including hb_example.h"
#endif

/* Every function here is static; each example uses most, not all. */
#if defined(__GNUC__) || defined(__clang__)
#  define HBX_FN static __attribute__((unused))
#else
#  define HBX_FN static
#endif

/* ---- command line -------------------------------------------------------- */

typedef struct hbx_options {
    const char *host;
    long        port;          /* 0: 1883, or 8883 with --cafile */
    const char *topic;         /* NULL: "heartbeat/<id>" */
    const char *id;
    long        interval_ms;
    long        qos;
    long        count;         /* 0 = forever */
    const char *username;
    const char *password;
    const char *cafile;
    long        mqtt;          /* 3 (3.1.1) or 5 */
    const char *availability;  /* NULL: no availability topic */
    long        keepalive_s;
    long        session_expiry_s; /* MQTT 5 */
    long        will_delay_s;     /* MQTT 5 */
    long        expiry_s;      /* -1: heartbeat.h's default; 0: none */
    long        backoff_min_ms;
    long        backoff_max_ms;
    const char *client_id;     /* NULL: --id */
    const char *boot_id;       /* NULL: no boot_id, uptime_ms, interval_ms */
    const char *sign;          /* NULL, "es256" or "hs256": signed beats */
    const char *key;           /* the signing key file */
    const char *kid;           /* NULL: "<id>-hb" */
    const char *carrier;       /* NULL/"a": the payload is the JWS; "b": MQTT 5,
                                  detached JWS in the user property "jws" */
} hbx_options;

/* The reconnect backoff by default (hb_backoff): the first delay random in
   [BACKOFF_MIN, 2 BACKOFF_MIN) ms, then doubling up to BACKOFF_MAX. */
#define BACKOFF_MIN   250u
#define BACKOFF_MAX   8000u

enum { HBX_STR, HBX_LONG, HBX_VERSION };

typedef struct hbx_flag {
    const char *name;      /* "--host" */
    const char *value;     /* the placeholder in --help */
    int         kind;      /* HBX_STR: const char *; HBX_LONG: long in lo..hi;
                              HBX_VERSION: "3", "3.1.1" or "5" */
    size_t      offset;    /* of the member in hbx_options */
    long        lo, hi;
    const char *help;
} hbx_flag;

#define HBX_AT(m) offsetof(hbx_options, m)
static const hbx_flag hbx_flags[] = {
    { "--host", "HOST", HBX_STR, HBX_AT(host), 0, 0, "broker host (default 127.0.0.1)" },
    { "--port", "N", HBX_LONG, HBX_AT(port), 1, 65535, "broker port (default 1883, 8883 with --cafile)" },
    { "--topic", "TOPIC", HBX_STR, HBX_AT(topic), 0, 0, "publish topic (default heartbeat/<id>)" },
    { "--id", "ID", HBX_STR, HBX_AT(id), 0, 0, "device id, also the MQTT client id (default hb-device)" },
    { "--interval-ms", "N", HBX_LONG, HBX_AT(interval_ms), 1, 2147483647L, "ms between beats, 1..2147483647 (default 1000)" },
    { "--qos", "N", HBX_LONG, HBX_AT(qos), 0, 2, "0, 1 or 2 (default 1)" },
    { "--count", "N", HBX_LONG, HBX_AT(count), 0, 2147483647L,
      "stop after N beats, birth beats included\n"
      "                          (default 0: run until SIGINT/SIGTERM)" },
    { "--username", "NAME", HBX_STR, HBX_AT(username), 0, 0, "MQTT user name" },
    { "--password", "PASS", HBX_STR, HBX_AT(password), 0, 0, "MQTT password" },
    { "--cafile", "FILE", HBX_STR, HBX_AT(cafile), 0, 0, "enable TLS, trusting the CA certificates in FILE" },
    { "--mqtt", "VERSION", HBX_VERSION, HBX_AT(mqtt), 0, 0,
      "3 (or 3.1.1, the default) or 5: MQTT 5 sends each beat with\n"
      "                          Message Expiry, Content Type, Payload Format" },
    { "--availability-topic", "TOPIC", HBX_STR, HBX_AT(availability), 0, 0,
      "retained {\"state\":\"online\",\"session\":S} on every connect, the\n"
      "                          retained Will {\"state\":\"offline\",\"session\":S}" },
    { "--keepalive", "S", HBX_LONG, HBX_AT(keepalive_s), 5, 65535,
      "MQTT keep-alive, s (default 30); hb_poll gaps over half of it\n"
      "                          are counted (poll_gaps) and logged" },
    { "--session-expiry", "S", HBX_LONG, HBX_AT(session_expiry_s), 0, 2147483647L,
      "MQTT 5 Session Expiry Interval, s (default 0)" },
    { "--will-delay", "S", HBX_LONG, HBX_AT(will_delay_s), 0, 2147483647L,
      "MQTT 5 Will Delay Interval, s (default 0; <= --session-expiry)" },
    { "--message-expiry", "S", HBX_LONG, HBX_AT(expiry_s), 0, 2147483647L,
      "MQTT 5 Message Expiry of each beat, s (default ceil(1.5 x\n"
      "                          interval); 0 = none)" },
    { "--backoff-min-ms", "N", HBX_LONG, HBX_AT(backoff_min_ms), 1, 2147483647L,
      "first reconnect delay, random in [N, 2N) (default 250)" },
    { "--backoff-max-ms", "N", HBX_LONG, HBX_AT(backoff_max_ms), 1, 2147483647L,
      "cap on the reconnect delay (default 8000)" },
    { "--client-id", "ID", HBX_STR, HBX_AT(client_id), 0, 0,
      "MQTT client id (default: --id), e.g. one per boot" },
    { "--boot-id", "N|random", HBX_STR, HBX_AT(boot_id), 0, 0,
      "also send boot_id (N, or random per start), uptime_ms and\n"
      "                          interval_ms, for a fleet monitor" },
    { "--sign", "es256|hs256", HBX_STR, HBX_AT(sign), 0, 0,
      "signed beats (a per-beat JWS, no bearer token); needs a\n"
      "                          build with -DHEARTBEAT_MBEDTLS -lmbedcrypto" },
    { "--key", "FILE", HBX_STR, HBX_AT(key), 0, 0,
      "the signing key: EC P-256 private key (PEM or DER) for\n"
      "                          es256, the secret (>= 32 bytes) for hs256" },
    { "--kid", "ID", HBX_STR, HBX_AT(kid), 0, 0,
      "the key id in the JWS header (default <id>-hb)" },
    { "--carrier", "a|b", HBX_STR, HBX_AT(carrier), 0, 0,
      "a: the payload is the compact JWS (default); b (--mqtt 5):\n"
      "                          JSON payload, detached JWS in user property jws" },
};
#undef HBX_AT
#define HBX_NFLAGS (sizeof hbx_flags / sizeof hbx_flags[0])

HBX_FN void hbx_defaults(hbx_options *o)
{
    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->id = "hb-device";
    o->interval_ms = 1000;
    o->qos = 1;
    o->mqtt = 3;
    o->keepalive_s = 30;
    o->expiry_s = -1;
    o->backoff_min_ms = BACKOFF_MIN;
    o->backoff_max_ms = BACKOFF_MAX;
}

HBX_FN void hbx_usage(FILE *f)
{
    size_t i;
    fprintf(f, "usage: " PROG " [options]\n"
               "Publishes a heartbeat.h beat over MQTT (" CLIENT ") until stopped.\n");
    for (i = 0; i < HBX_NFLAGS; i++) {
        char left[64];
        snprintf(left, sizeof left, "%s %s", hbx_flags[i].name, hbx_flags[i].value);
        fprintf(f, "  %-23s %s\n", left, hbx_flags[i].help);
    }
    fprintf(f, "  %-23s %s\n", "--help", "this text");
}

HBX_FN int hbx_parse_long(const char *flag, const char *s, long lo, long hi, long *out)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, PROG ": %s: '%s' is not a number in %ld..%ld\n",
                flag, s, lo, hi);
        return -1;
    }
    *out = (long)v;
    return 0;
}

/* Cross-flag checks, after parsing. 0 = fine, -1 = refused (printed). */
HBX_FN int hbx_check(hbx_options *o)
{
    if (!o->client_id) o->client_id = o->id;
    if (o->password && !o->username) {
        fprintf(stderr, PROG ": --password needs --username\n");
        return -1;
    }
    if (o->mqtt != 5 && (o->session_expiry_s || o->will_delay_s || o->expiry_s >= 0)) {
        fprintf(stderr, PROG ": --session-expiry, --will-delay and --message-expiry "
                "need --mqtt 5\n");
        return -1;
    }
    /* MQTT 5 3.1.3.2.2: the Will goes out when the delay has passed OR the
       session ends, whichever comes first; a delay past the session's end
       is a setting that does not do what it says. */
    if (o->will_delay_s > o->session_expiry_s) {
        fprintf(stderr, PROG ": --will-delay %ld is longer than --session-expiry %ld: "
                "the broker would publish the Will when the session ends, %ld s "
                "before the delay is over; raise --session-expiry or lower "
                "--will-delay\n", o->will_delay_s, o->session_expiry_s,
                o->will_delay_s - o->session_expiry_s);
        return -1;
    }
    if (o->boot_id && strcmp(o->boot_id, "random") != 0) {
        long b;
        if (hbx_parse_long("--boot-id", o->boot_id, 0, 2147483647L, &b)) return -1;
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
    if (o->carrier && !strcmp(o->carrier, "b") && o->mqtt != 5) {
        fprintf(stderr, PROG ": --carrier b needs --mqtt 5 (a user property)\n");
        return -1;
    }
    if (o->backoff_max_ms < o->backoff_min_ms) {
        fprintf(stderr, PROG ": --backoff-max-ms is below --backoff-min-ms\n");
        return -1;
    }
    if (o->availability && (strpbrk(o->availability, "+#") || !*o->availability)) {
        fprintf(stderr, PROG ": --availability-topic: no + or # in a publish topic\n");
        return -1;
    }
    return 0;
}

/* 0 = run, 1 = --help shown, -1 = error (message printed). Takes both
   "--flag value" and "--flag=value". */
HBX_FN int hbx_parse_args(int argc, char **argv, hbx_options *o)
{
    int i;
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i], *val, *eq;
        const hbx_flag *fl = NULL;
        char flag[40];
        size_t n, k;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            hbx_usage(stdout);
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
        for (k = 0; k < HBX_NFLAGS; k++)
            if (strcmp(flag, hbx_flags[k].name) == 0) fl = &hbx_flags[k];
        if (fl == NULL) {
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
        switch (fl->kind) {
        case HBX_STR:
            *(const char **)(void *)((char *)o + fl->offset) = val;
            break;
        case HBX_LONG:
            if (hbx_parse_long(flag, val, fl->lo, fl->hi,
                               (long *)(void *)((char *)o + fl->offset)))
                return -1;
            break;
        default:
            if (!strcmp(val, "3") || !strcmp(val, "3.1.1") || !strcmp(val, "311")) {
                *(long *)(void *)((char *)o + fl->offset) = 3;
            } else if (!strcmp(val, "5")) {
                *(long *)(void *)((char *)o + fl->offset) = 5;
            } else {
                fprintf(stderr, PROG ": %s: '%s' is not 3, 3.1.1 or 5\n", flag, val);
                return -1;
            }
            break;
        }
        if (*val == '\0') {
            fprintf(stderr, PROG ": option '%s' needs a non-empty value\n", flag);
            return -1;
        }
    }
    return hbx_check(o);
}

/* ---- clocks and signals -------------------------------------------------- */

/* heartbeat.h's tick: monotonic ms, any epoch, wrapping at 2^32. */
HBX_FN uint32_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

/* ms from now until tick `t` (0 when it has passed); wrap-safe. */
HBX_FN uint32_t ms_until(uint32_t t, uint32_t now)
{
    int32_t d = (int32_t)(t - now);
    return d > 0 ? (uint32_t)d : 0;
}

/* hb_clock_fn: the wall clock for the "timestamp" field, in UTC. */
HBX_FN int wall_clock(void *user, hb_time *t)
{
    struct timespec ts;
    (void)user;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
    t->sec = (int64_t)ts.tv_sec;
    t->nsec = (uint32_t)ts.tv_nsec;
    t->utc_offset_min = 0;
    return 0;
}

/* SIGINT/SIGTERM write a byte here; poll() watches the read end, so a
   signal wakes the loop at once whatever the timeout. */
static int sig_pipe[2] = { -1, -1 };

HBX_FN void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (write(sig_pipe[1], &b, 1) < 0) { /* pipe full: already signalled */ }
    errno = saved;
}

HBX_FN int setup_signals(void)
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

/* 1 if a signal came (drains the pipe). */
HBX_FN int got_signal(void)
{
    unsigned char b;
    int got = 0;
    while (read(sig_pipe[0], &b, 1) > 0) got = 1;
    return got;
}

/* Sleeps up to ms, less if a signal comes; 1 if one came. */
HBX_FN int sleep_or_signal(uint32_t ms)
{
    struct pollfd p;
    p.fd = sig_pipe[0];
    p.events = POLLIN;
    p.revents = 0;
    if (poll(&p, 1, (int)ms) > 0 && (p.revents & POLLIN)) return got_signal();
    return 0;
}

/* A seed that differs per process: /dev/urandom, else time and pid. */
HBX_FN uint32_t hbx_seed(void)
{
    uint32_t s = (uint32_t)getpid() * 2654435761u ^ now_ms();
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        uint32_t r;
        if (fread(&r, sizeof r, 1, f) == 1) s ^= r;
        fclose(f);
    }
    return s;
}

/* ---- heartbeat.h --------------------------------------------------------- */

/* hb_log_fn: errors and warnings to stderr (one line per failed beat). */
HBX_FN void on_hb_log(void *user, int level, const char *msg, int err,
                      const char *detail)
{
    (void)user;
    if (level > HB_LOG_WARN) return;
    fprintf(stderr, PROG ": heartbeat: %s: %s%s%s\n", msg, hb_strerror(err),
            detail ? ": " : "", detail ? detail : "");
}

/* The heartbeat service of both examples: the Go-compatible beat plus
   "seq", a final "offline" beat from hb_stop, the MQTT 5 message expiry,
   and the poll-gap check at half the keep-alive (the broker drops the
   session at 1.5 keep-alives). */
HBX_FN void hbx_config(hb_config *cfg, const hbx_options *o, hb_publish_fn publish,
                       void *user, char *buf, size_t size)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->topic = o->topic;
    cfg->interval_ms = (uint32_t)o->interval_ms;
    cfg->qos = (int)o->qos;
    cfg->device_id = o->id;
    cfg->publish = publish;
    cfg->clock = wall_clock;
    cfg->log = on_hb_log;
    cfg->user = user;
    cfg->buf = buf;
    cfg->buf_size = size;
    cfg->flags = HB_OPT_SEQ | HB_OPT_OFFLINE_ON_STOP;
    cfg->expiry_s = o->expiry_s < 0 ? 0u : o->expiry_s == 0 ? HB_EXPIRY_NONE
                                                          : (uint32_t)o->expiry_s;
    cfg->poll_gap_ms = (uint32_t)o->keepalive_s * 500u;
    if (o->boot_id) {
        /* what a fleet monitor (examples/monitor) uses: a new boot_id per
           start tells a restart from a stale beat */
        cfg->flags |= HB_OPT_BOOT_ID | HB_OPT_UPTIME | HB_OPT_INTERVAL;
        cfg->boot_id = strcmp(o->boot_id, "random") == 0
                     ? hbx_seed()
                     : (uint32_t)strtoul(o->boot_id, NULL, 10);
    }
}

/* ---- signed beats (--sign) ---------------------------------------------- */

/* The boot_id of signed beats needs a true random source: the OS's. */
HBX_FN uint32_t hbx_random(void *user)
{
    (void)user;
    return hbx_seed();
}

#if defined(HEARTBEAT_MBEDTLS)
static hb_jwt hbx_signer;         /* the key, parsed once */
#endif

/* --sign: the mbedTLS beat signer and the signed-beat fields of cfg.
   kid is storage for the default kid. 0, or -1 after a message. */
HBX_FN int hbx_sign(hb_config *cfg, const hbx_options *o, char *kid, size_t kid_size)
{
#if defined(HEARTBEAT_MBEDTLS)
    static unsigned char key[8192];
    hb_jwt_config jc;
    size_t n;
    FILE *f;
    if (!o->sign) return 0;
    f = fopen(o->key, "rb");
    if (f == NULL) {
        fprintf(stderr, PROG ": --key %s: %s\n", o->key, strerror(errno));
        return -1;
    }
    n = fread(key, 1, sizeof key - 1, f);
    fclose(f);
    key[n] = 0;
    memset(&jc, 0, sizeof jc);
    jc.alg = strcmp(o->sign, "es256") == 0 ? HB_JWT_ES256 : HB_JWT_HS256;
    jc.key = key;
    jc.key_len = n + (strstr((const char *)key, "-----BEGIN") != NULL); /* PEM: + NUL */
    if (hb_jwt_signer_init(&hbx_signer, &jc) != HB_OK) {
        fprintf(stderr, PROG ": --key %s: not a usable %s key\n", o->key, o->sign);
        return -1;
    }
    memset(key, 0, sizeof key);          /* the signer keeps its own copy */
    snprintf(kid, kid_size, "%s-hb", o->id);
    cfg->sign_alg = jc.alg;              /* HB_SIGN_* = HB_JWT_* */
    cfg->sign_kid = o->kid ? o->kid : kid;
    cfg->sign = hb_jwt_sign_beat;
    cfg->sign_user = &hbx_signer;
    cfg->sign_carrier = o->carrier && !strcmp(o->carrier, "b") ? HB_CARRIER_B
                                                                : HB_CARRIER_A;
    cfg->rand = hbx_random;              /* draws the boot_id */
    return 0;
#else
    (void)cfg; (void)kid; (void)kid_size;
    if (!o->sign) return 0;
    fprintf(stderr, PROG ": --sign: this build has no signer; rebuild with "
            "-DHEARTBEAT_MBEDTLS and -lmbedcrypto\n");
    return -1;
#endif
}

HBX_FN void hbx_print_stats(const hb_service *hb, unsigned connects)
{
    hb_stats s;
    hb_get_stats(hb, &s);
    fprintf(stderr, PROG ": stats: attempts=%lu sent=%lu fail_publish=%lu "
            "fail_clock=%lu fail_serialize=%lu missed=%lu connects=%u "
            "poll_gaps=%lu max_poll_gap_ms=%lu\n",
            (unsigned long)s.attempts, (unsigned long)s.sent,
            (unsigned long)s.fail_publish, (unsigned long)s.fail_clock,
            (unsigned long)s.fail_serialize, (unsigned long)s.missed, connects,
            (unsigned long)s.poll_gaps, (unsigned long)s.max_poll_gap_ms);
}

/* ---- availability ----------------------------------------------------------
   On the availability topic, retained: {"state":"online","session":S} after
   every CONNACK, {"state":"offline","session":S} as the Will of that same
   connection and before a clean disconnect. S = "<boot>.<n>": 8 hex digits
   random per process start, and the number of the connect attempt, so each
   connection has its own. A consumer that sees "offline" with a session
   other than the last "online" one knows it is a late Will of an older
   connection; the device itself, subscribed to the topic, answers any
   "offline" that is not its own by publishing its birth again, so the
   retained value converges to the truth. */
typedef struct hbx_avail {
    uint32_t boot;
    unsigned attempt;
    char     session[24];
    char     online[96];
    char     offline[96];
    int      online_len, offline_len;
} hbx_avail;

HBX_FN void hbx_avail_init(hbx_avail *a, uint32_t seed)
{
    memset(a, 0, sizeof *a);
    a->boot = seed;
}

/* A new connect attempt: a new session id and both payloads. */
HBX_FN void hbx_avail_next(hbx_avail *a)
{
    a->attempt++;
    snprintf(a->session, sizeof a->session, "%08lx.%u", (unsigned long)a->boot,
             a->attempt);
    a->online_len = snprintf(a->online, sizeof a->online,
                             "{\"state\":\"online\",\"session\":\"%s\"}", a->session);
    a->offline_len = snprintf(a->offline, sizeof a->offline,
                              "{\"state\":\"offline\",\"session\":\"%s\"}", a->session);
}

/* A message on the availability topic: 1 if our birth must go out again
   (an "offline" that is not ours: a late Will of an older connection). */
HBX_FN int hbx_avail_stale(const hbx_avail *a, const void *payload, size_t len)
{
    char tmp[160], mine[32];
    if (len >= sizeof tmp) return 0;
    memcpy(tmp, payload, len);
    tmp[len] = '\0';
    snprintf(mine, sizeof mine, "\"%s\"", a->session);   /* quoted: exact */
    return strstr(tmp, "\"state\":\"offline\"") != NULL &&
           strstr(tmp, mine) == NULL;
}

#endif /* HB_EXAMPLE_H */
