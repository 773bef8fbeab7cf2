/* hb-mosquitto - a heartbeat device on libmosquitto, one thread, one poll().
   SPDX-License-Identifier: MIT

   The whole program is one superloop: hb_poll() says how long until the next
   beat, poll() sleeps on the MQTT socket (and a signal pipe) for at most that
   long, then mosquitto_loop_read/write/misc do the network work. No
   mosquitto_loop_start() thread, no sleep(): the beat goes out on time while
   the socket is being served.

   What it shows:
   - the publish callback hands each beat to mosquitto_publish() (MQTT 3.1.1)
     or mosquitto_publish_v5() with the beat's properties from
     hb_beat_props_get() (--mqtt 5: Message Expiry, Content Type, Payload
     Format Indicator), and returns non-zero while the link is down, so
     heartbeat.h counts the failure;
   - the Last Will is the beat with status "offline" (hb_offline_message),
     set before every (re)connect: same topic, same JSON as the beats; with
     --availability-topic it is instead the retained
     {"state":"offline","session":S}, and every CONNACK publishes the
     retained {"state":"online","session":S} (docs/mqtt5.md);
   - a birth beat (hb_beat_now) on every CONNACK, so a subscriber sees the
     device the moment it is back;
   - reconnect with hb_backoff (random first delay in [250, 500) ms, then
     doubling to 8 s; reset only after a session that lasted one interval);
   - keep-alive starvation: cfg.poll_gap_ms is half the keep-alive;
   - SIGINT/SIGTERM: hb_stop() publishes a final "offline" beat (and the
     retained availability "offline"), the loop runs until the broker has
     acknowledged it, then a clean DISCONNECT (no Will).

   Build:  cc -std=c99 -I. -Iexamples/common examples/mosquitto/hb-mosquitto.c -lmosquitto
   Run:    hb-mosquitto --host 127.0.0.1 --id dev1 --interval-ms 1000 [--mqtt 5]
   Exit:   0 after --count beats or a signal, 1 when the first connection
           fails, 2 for a bad command line. The counters go to stderr. */
#define _POSIX_C_SOURCE 200809L

#include <mosquitto.h>
#include <mqtt_protocol.h>

#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#define PROG          "hb-mosquitto"
#define CLIENT        "libmosquitto"
#include "hb_example.h"

#define CONNECT_MS    5000u  /* CONNACK must come within this */
#define FLUSH_MS      2000u  /* at exit: how long to wait for the final beat */
#define MISC_MS       1000u  /* wake at least this often for keepalive */

/* ---- the device ---------------------------------------------------------- */

enum { LINK_DOWN, LINK_CONNECTING, LINK_UP };

typedef struct device {
    const hbx_options *opt;
    struct mosquitto *mosq;
    hb_service        hb;
    hb_backoff        backoff;
    hbx_avail         avail;
    int               link;         /* LINK_* */
    int               ever_up;      /* a CONNACK has been seen */
    int               fatal;        /* give up: exit 1 */
    uint32_t          reconnect_at; /* LINK_DOWN: next attempt (tick) */
    uint32_t          deadline;     /* LINK_CONNECTING: CONNACK due (tick) */
    uint32_t          down_since;   /* tick the link was lost */
    unsigned          connects;     /* successful CONNACKs */
    unsigned          inflight;     /* publishes not yet confirmed */
    unsigned          rebirths;     /* births sent again after a stale Will */
    char              payload[1024]; /* cfg.buf: one beat (signed: the JWS) */
    char              will[1024];   /* the Last Will: an offline beat */
} device;

/* MQTT 5: the beat's properties, as heartbeat.h hands them out. */
static mosquitto_property *beat_props(const hb_beat_props *p)
{
    mosquitto_property *props = NULL;
    size_t i;
    if (p == NULL) return NULL;
    if (p->expiry_s)
        mosquitto_property_add_int32(&props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, p->expiry_s);
    mosquitto_property_add_string(&props, MQTT_PROP_CONTENT_TYPE, p->content_type);
    mosquitto_property_add_byte(&props, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, p->payload_format);
    for (i = 0; i < p->n_user_props; i++) {
        char value[256];
        size_t n = p->user_props[i].value_len < sizeof value - 1
                 ? p->user_props[i].value_len : sizeof value - 1;
        if (n) memcpy(value, p->user_props[i].value, n);
        value[n] = '\0';
        mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY,
                                           p->user_props[i].key, value);
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
    mosquitto_property *props;
    int rc;
    if (d->link != LINK_UP) return -1;
    /* Counted first: for QoS 0 on_mqtt_publish may run inside this call. */
    d->inflight++;
    if (d->opt->mqtt == 5) {
        props = beat_props(hb_beat_props_get(&d->hb));
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

/* A retained availability message (QoS 1), counted in inflight. */
static void publish_avail(device *d, const char *payload, int len)
{
    d->inflight++;
    if (mosquitto_publish(d->mosq, NULL, d->opt->availability, len, payload, 1,
                          true) != MOSQ_ERR_SUCCESS)
        d->inflight--;
}

/* The Will, set before each connect. With --availability-topic: the
   retained "offline" of the session this connect starts (Will Delay with
   --mqtt 5). Else: a beat with status "offline", its timestamp the connect
   time, with the beat's own properties under MQTT 5. */
static void set_will(device *d)
{
    mosquitto_property *props = NULL;
    size_t len = 0;
    int rc;
    hbx_avail_next(&d->avail);
    if (d->opt->availability) {
        if (d->opt->mqtt == 5 && d->opt->will_delay_s)
            mosquitto_property_add_int32(&props, MQTT_PROP_WILL_DELAY_INTERVAL,
                                         (uint32_t)d->opt->will_delay_s);
        if (d->opt->mqtt == 5)
            mosquitto_property_add_string(&props, MQTT_PROP_CONTENT_TYPE,
                                          "application/json");
        rc = mosquitto_will_set_v5(d->mosq, d->opt->availability, d->avail.offline_len,
                                   d->avail.offline, 1, true, props);
    } else {
        rc = hb_offline_message(&d->hb, now_ms(), d->will, sizeof d->will, &len);
        if (rc != HB_OK) {
            fprintf(stderr, PROG ": cannot build the will: %s\n", hb_strerror(rc));
            return;
        }
        if (d->opt->mqtt == 5) props = beat_props(hb_beat_props_get(&d->hb));
        if (d->opt->mqtt == 5 && d->opt->will_delay_s)
            mosquitto_property_add_int32(&props, MQTT_PROP_WILL_DELAY_INTERVAL,
                                         (uint32_t)d->opt->will_delay_s);
        rc = mosquitto_will_set_v5(d->mosq, d->opt->topic, (int)len, d->will,
                                   (int)d->opt->qos, false, props);
    }
    if (rc != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, PROG ": cannot set the will: %s\n", mosquitto_strerror(rc));
        mosquitto_property_free_all(&props);
    }
}

static void schedule_reconnect(device *d, uint32_t now)
{
    uint32_t delay = hb_backoff_next(&d->backoff, now);
    d->link = LINK_DOWN;
    d->reconnect_at = now + delay;
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
    hb_backoff_connected(&d->backoff, now);
    d->connects++;
    if (!d->ever_up) {
        d->ever_up = 1;
        fprintf(stderr, PROG ": connected to %s:%ld as %s (MQTT %s)\n",
                d->opt->host, d->opt->port, d->opt->id,
                d->opt->mqtt == 5 ? "5" : "3.1.1");
        hb_start(&d->hb, now);
    } else {
        fprintf(stderr, PROG ": reconnected after %u ms\n",
                (unsigned)(now - d->down_since));
    }
    if (d->opt->availability) {
        /* The birth, retained; then watch the topic for a late Will of an
           older session (MQTT 5: No Local, so our own birth does not come
           back). */
        publish_avail(d, d->avail.online, d->avail.online_len);
        if (d->opt->mqtt == 5)
            mosquitto_subscribe_v5(d->mosq, NULL, d->opt->availability, 1,
                                   MQTT_SUB_OPT_NO_LOCAL, NULL);
        else
            mosquitto_subscribe(d->mosq, NULL, d->opt->availability, 1);
        fprintf(stderr, PROG ": online, session %s\n", d->avail.session);
    }
    /* The birth beat: announce ourselves now, not one interval from now.
       The grid does not move. */
    hb_beat_now(&d->hb, now);
}

/* Only the availability topic is subscribed: an "offline" that is not
   ours is a late Will of an older connection, which overwrote our
   retained birth. Publish the birth again. */
static void on_mqtt_message(struct mosquitto *mosq, void *obj,
                            const struct mosquitto_message *m)
{
    device *d = (device *)obj;
    (void)mosq;
    if (d->link != LINK_UP || !d->opt->availability || m->payloadlen <= 0) return;
    if (hbx_avail_stale(&d->avail, m->payload, (size_t)m->payloadlen)) {
        d->rebirths++;
        fprintf(stderr, PROG ": stale offline on %s, birth again\n", d->opt->availability);
        publish_avail(d, d->avail.online, d->avail.online_len);
    }
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
    int sock = mosquitto_socket(d->mosq), n = 1, signalled = 0;
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
    if (pfd[0].revents & POLLIN) signalled = got_signal();
    if (n == 2 && (pfd[1].revents & (POLLIN | POLLERR | POLLHUP)))
        check_rc(d, mosquitto_loop_read(d->mosq, 1));
    if (mosquitto_socket(d->mosq) >= 0 && mosquitto_want_write(d->mosq))
        check_rc(d, mosquitto_loop_write(d->mosq, 1));
    check_rc(d, mosquitto_loop_misc(d->mosq));
    return signalled;
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

int main(int argc, char **argv)
{
    hbx_options opt;
    device dev;
    hb_config cfg;
    char topic[256], kid[128];
    uint32_t seed;
    int rc, stop = 0;

    hbx_defaults(&opt);
    rc = hbx_parse_args(argc, argv, &opt);
    if (rc != 0) return rc > 0 ? 0 : 2;
    if (opt.port == 0) opt.port = opt.cafile ? 8883 : 1883;
    if (!opt.topic) {
        snprintf(topic, sizeof topic, "heartbeat/%s", opt.id);
        opt.topic = topic;
    }

    memset(&dev, 0, sizeof dev);
    dev.opt = &opt;
    seed = hbx_seed();
    hbx_avail_init(&dev.avail, seed);

    hbx_config(&cfg, &opt, on_beat, &dev, dev.payload, sizeof dev.payload);
    if (hbx_sign(&cfg, &opt, kid, sizeof kid) != 0) return 2;   /* --sign */
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
    if (hb_backoff_init(&dev.backoff, (uint32_t)opt.backoff_min_ms,
                        (uint32_t)opt.backoff_max_ms, cfg.interval_ms, opt.id,
                        seed) != HB_OK) {
        fprintf(stderr, PROG ": bad backoff settings\n");
        return 2;
    }

    if (setup_signals() != 0) {
        perror(PROG ": pipe");
        return 1;
    }
    mosquitto_lib_init();
    dev.mosq = mosquitto_new(opt.client_id, true, &dev);
    if (!dev.mosq) {
        fprintf(stderr, PROG ": mosquitto_new: %s\n", strerror(errno));
        return 1;
    }
    if (opt.mqtt == 5)
        mosquitto_int_option(dev.mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_connect_callback_set(dev.mosq, on_mqtt_connect);
    mosquitto_disconnect_callback_set(dev.mosq, on_mqtt_disconnect);
    mosquitto_publish_callback_set(dev.mosq, on_mqtt_publish);
    mosquitto_message_callback_set(dev.mosq, on_mqtt_message);
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
       a clear error at once; later ones reconnect in the background. Under
       MQTT 5 the CONNECT properties (Session Expiry) are given here and
       kept by libmosquitto for every reconnect; its only v5 connect call
       opens the TCP connection blocking (the CONNACK is still awaited in
       the loop). */
    set_will(&dev);
    if (opt.mqtt == 5) {
        mosquitto_property *cp = NULL;
        if (opt.session_expiry_s)
            mosquitto_property_add_int32(&cp, MQTT_PROP_SESSION_EXPIRY_INTERVAL,
                                         (uint32_t)opt.session_expiry_s);
        rc = mosquitto_connect_bind_v5(dev.mosq, opt.host, (int)opt.port,
                                       (int)opt.keepalive_s, NULL, cp);
        mosquitto_property_free_all(&cp);
    } else {
        rc = mosquitto_connect_async(dev.mosq, opt.host, (int)opt.port, (int)opt.keepalive_s);
    }
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

    /* Shut down: the retained availability "offline" and the final
       "offline" beat, wait until the broker has them (PUBACK/PUBCOMP, or
       written for QoS 0), then a clean DISCONNECT (no Will). */
    if (!dev.fatal) {
        uint32_t start = now_ms();
        if (dev.link == LINK_UP && opt.availability)
            publish_avail(&dev, dev.avail.offline, dev.avail.offline_len);
        hb_stop(&dev.hb, start);
        while (dev.link == LINK_UP && (dev.inflight > 0 || mosquitto_want_write(dev.mosq))) {
            uint32_t left = ms_until(start + FLUSH_MS, now_ms());
            if (left == 0) {
                fprintf(stderr, PROG ": final beat not confirmed in %u ms\n", FLUSH_MS);
                break;
            }
            service_socket(&dev, left);
        }
        hbx_print_stats(&dev.hb, dev.connects);
    }
    mosquitto_disconnect(dev.mosq);
    mosquitto_destroy(dev.mosq);
    mosquitto_lib_cleanup();
    return dev.fatal ? 1 : 0;
}
