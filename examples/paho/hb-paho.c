/* hb-paho - a heartbeat device on Eclipse Paho MQTT C, synchronous client.
   SPDX-License-Identifier: MIT

   The simplest integration: Paho's blocking MQTTClient API, one thread, no
   callbacks set (so Paho starts no thread of its own). The loop asks
   hb_poll() how long until the next beat and spends that time inside
   MQTTClient_receive(), which services the socket (keepalive, acks) while
   it waits. Each beat is one MQTTClient_publish() (MQTT 3.1.1) or
   MQTTClient_publish5() with the beat's properties from hb_beat_props_get()
   (--mqtt 5); its PUBACK/PUBCOMP is handled by the next
   MQTTClient_receive(). (Calling MQTTClient_waitForCompletion() after every
   publish is simpler still, but Paho waits in 100 ms steps there, which
   made beats up to 100 ms late.) Paho's connect blocks the loop (up to
   CONNECT_S); use examples/mosquitto/ when the loop must never block.

   Same behaviour as hb-mosquitto: Last Will = the "offline" beat
   (hb_offline_message), or with --availability-topic the retained
   {"state":"offline","session":S} with a retained "online" birth on every
   connect (docs/mqtt5.md); a birth beat (hb_beat_now) on every connect,
   reconnect with hb_backoff, poll gaps over half the keep-alive counted,
   publish failures counted by heartbeat.h while the link is down, and on
   SIGINT/SIGTERM a final "offline" beat from hb_stop() before a clean
   disconnect.

   Build:  cc -std=c99 -I. -Iexamples/common examples/paho/hb-paho.c -lpaho-mqtt3cs
           (the "s" library speaks TLS, for --cafile; -lpaho-mqtt3c if you
           need no TLS)
   Run:    hb-paho --host 127.0.0.1 --id dev1 --interval-ms 1000 [--mqtt 5]
   Exit:   0 after --count beats or a signal, 1 when the first connection
           fails, 2 for a bad command line. The counters go to stderr. */
#define _POSIX_C_SOURCE 200809L

#include <MQTTClient.h>

#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#define PROG          "hb-paho"
#define CLIENT        "Eclipse Paho C"
#include "hb_example.h"

#define CONNECT_S     5      /* MQTTClient_connect gives up after this */
#define FLUSH_MS      2000u  /* at exit: how long to wait for the final beat */
#define SIGNAL_MS     200u   /* longest wait inside Paho, so a signal is seen soon */

/* ---- the device ---------------------------------------------------------- */

typedef struct device {
    const hbx_options *opt;
    MQTTClient     client;
    char           uri[300];
    hb_service     hb;
    hb_backoff     backoff;
    hbx_avail      avail;
    int            up;           /* connected */
    uint32_t       reconnect_at; /* !up: next attempt (tick) */
    uint32_t       down_since;   /* tick the link was lost */
    unsigned       connects;
    unsigned       rebirths;     /* births sent again after a stale Will */
    MQTTClient_deliveryToken last;  /* token of the last beat published */
    MQTTClient_deliveryToken alast; /* ... of the last availability message */
    char           payload[1024]; /* cfg.buf: one beat (signed: the JWS) */
    char           will[1024];   /* the Last Will: an offline beat */
} device;

/* Paho's codes: negative = client error, 1..5 = CONNACK refusals (3.1.1),
   0x80 and up = MQTT 5 reason codes. */
static const char *paho_error(int rc)
{
    static const char *const connack[] = {
        "connection accepted", "unacceptable protocol version",
        "identifier rejected", "server unavailable",
        "bad user name or password", "not authorised"
    };
    const char *s;
    if (rc > 0 && rc <= 5) return connack[rc];
    if (rc >= 0x80) return MQTTReasonCode_toString((enum MQTTReasonCodes)rc);
    if (rc == MQTTCLIENT_FAILURE) /* Paho says no more than this */
        return "failed (refused, timed out, or TLS handshake failed)";
    s = MQTTClient_strerror(rc);
    return s ? s : "unknown error";
}

static void link_lost(device *d, const char *why)
{
    uint32_t now = now_ms(), delay;
    if (!d->up) return;
    d->up = 0;
    d->down_since = now;
    delay = hb_backoff_next(&d->backoff, now); /* the first retry jittered too */
    d->reconnect_at = now + delay;
    fprintf(stderr, PROG ": connection lost: %s; reconnecting in %u ms\n", why,
            (unsigned)delay);
}

/* MQTT 5 properties of a beat, as heartbeat.h hands them out. */
static void beat_props(MQTTProperties *props, const hb_beat_props *p)
{
    MQTTProperty q;
    size_t i;
    if (p == NULL) return;
    memset(&q, 0, sizeof q);
    if (p->expiry_s) {
        q.identifier = MQTTPROPERTY_CODE_MESSAGE_EXPIRY_INTERVAL;
        q.value.integer4 = p->expiry_s;
        MQTTProperties_add(props, &q);
    }
    q.identifier = MQTTPROPERTY_CODE_CONTENT_TYPE;
    q.value.data.data = (char *)(uintptr_t)p->content_type; /* copied by Paho */
    q.value.data.len = (int)strlen(p->content_type);
    MQTTProperties_add(props, &q);
    q.identifier = MQTTPROPERTY_CODE_PAYLOAD_FORMAT_INDICATOR;
    q.value.byte = p->payload_format;
    MQTTProperties_add(props, &q);
    for (i = 0; i < p->n_user_props; i++) {
        q.identifier = MQTTPROPERTY_CODE_USER_PROPERTY;
        q.value.data.data = (char *)(uintptr_t)p->user_props[i].key;
        q.value.data.len = (int)strlen(p->user_props[i].key);
        q.value.value.data = (char *)(uintptr_t)p->user_props[i].value;
        q.value.value.len = (int)p->user_props[i].value_len;
        MQTTProperties_add(props, &q);
    }
}

/* One publish, 3.1.1 or 5; props may be NULL. MQTTCLIENT_SUCCESS or an
   error code. */
static int publish(device *d, const char *topic, const void *payload, int len,
                   int qos, int retained, MQTTProperties *props,
                   MQTTClient_deliveryToken *tok)
{
    MQTTResponse r;
    MQTTProperties none = MQTTProperties_initializer;
    int rc;
    if (d->opt->mqtt != 5)
        return MQTTClient_publish(d->client, topic, len, payload, qos, retained, tok);
    r = MQTTClient_publish5(d->client, topic, len, payload, qos, retained,
                            props ? props : &none, tok);
    rc = (int)r.reasonCode;
    if (rc > 0 && rc < 0x80) rc = MQTTCLIENT_SUCCESS;  /* e.g. "no subscribers" */
    MQTTResponse_free(r);
    return rc;
}

/* hb_publish_fn: hand the beat to Paho (it copies it). While the link is
   down say so (non-zero): heartbeat.h counts it in fail_publish. Too many
   unacknowledged beats (MQTTCLIENT_MAX_MESSAGES_INFLIGHT) count too. */
static int on_beat(void *user, const char *topic, const char *payload,
                   size_t len, int qos)
{
    device *d = (device *)user;
    MQTTProperties props = MQTTProperties_initializer;
    int rc;
    if (!d->up) return -1;
    if (d->opt->mqtt == 5) beat_props(&props, hb_beat_props_get(&d->hb));
    rc = publish(d, topic, payload, (int)len, qos, 0, &props, &d->last);
    MQTTProperties_free(&props);
    if (rc != MQTTCLIENT_SUCCESS) {
        if (!MQTTClient_isConnected(d->client)) link_lost(d, paho_error(rc));
        return -1;
    }
    return 0;
}

static void publish_avail(device *d, const char *payload, int len)
{
    int rc = publish(d, d->opt->availability, payload, len, 1, 1, NULL, &d->alast);
    if (rc != MQTTCLIENT_SUCCESS)
        fprintf(stderr, PROG ": availability not published: %s\n", paho_error(rc));
}

/* One connect. The Will: with --availability-topic the retained "offline"
   of the session this connect starts (Will Delay with --mqtt 5), else a
   fresh "offline" beat (same topic, same JSON as the beats; its timestamp
   the connect time). */
static int connect_broker(device *d)
{
    MQTTClient_connectOptions co = MQTTClient_connectOptions_initializer;
    MQTTClient_connectOptions co5 = MQTTClient_connectOptions_initializer5;
    MQTTClient_willOptions will = MQTTClient_willOptions_initializer;
    MQTTClient_SSLOptions ssl = MQTTClient_SSLOptions_initializer;
    MQTTProperties cprops = MQTTProperties_initializer;
    MQTTProperties wprops = MQTTProperties_initializer;
    MQTTProperty q;
    size_t len = 0;
    int rc;
    hbx_avail_next(&d->avail);
    memset(&q, 0, sizeof q);
    if (d->opt->mqtt == 5 && d->opt->will_delay_s) {
        q.identifier = MQTTPROPERTY_CODE_WILL_DELAY_INTERVAL;
        q.value.integer4 = (unsigned)d->opt->will_delay_s;
        MQTTProperties_add(&wprops, &q);
    }
    if (d->opt->availability) {
        will.topicName = d->opt->availability;
        will.message = d->avail.offline;   /* NUL-terminated */
        will.qos = 1;
        will.retained = 1;
    } else {
        rc = hb_offline_message(&d->hb, now_ms(), d->will, sizeof d->will, &len);
        if (rc != HB_OK) {
            fprintf(stderr, PROG ": cannot build the will: %s\n", hb_strerror(rc));
            return MQTTCLIENT_FAILURE;
        }
        if (d->opt->mqtt == 5) beat_props(&wprops, hb_beat_props_get(&d->hb));
        will.topicName = d->opt->topic;
        will.message = d->will;           /* NUL-terminated by hb_offline_message */
        will.qos = (int)d->opt->qos;
        will.retained = 0;
    }
    if (d->opt->mqtt == 5) {
        co = co5;                          /* MQTTVersion 5, cleanstart 1 */
        if (d->opt->session_expiry_s) {
            q.identifier = MQTTPROPERTY_CODE_SESSION_EXPIRY_INTERVAL;
            q.value.integer4 = (unsigned)d->opt->session_expiry_s;
            MQTTProperties_add(&cprops, &q);
        }
    } else {
        co.cleansession = 1;
        co.MQTTVersion = MQTTVERSION_3_1_1;
    }
    co.will = &will;
    co.keepAliveInterval = (int)d->opt->keepalive_s;
    co.reliable = 0;              /* several beats may await their ack */
    co.connectTimeout = CONNECT_S;
    co.username = d->opt->username;
    co.password = d->opt->password;
    if (d->opt->cafile) {
        ssl.trustStore = d->opt->cafile;
        co.ssl = &ssl;
    }
    if (d->opt->mqtt == 5) {
        MQTTResponse r = MQTTClient_connect5(d->client, &co, &cprops, &wprops);
        rc = (int)r.reasonCode;
        MQTTResponse_free(r);
    } else {
        rc = MQTTClient_connect(d->client, &co);
    }
    MQTTProperties_free(&cprops);
    MQTTProperties_free(&wprops);
    return rc;
}

/* Connected: start the service the first time, the retained birth and a
   watch on the availability topic (MQTT 5: No Local), and the birth beat
   (the grid does not move). */
static void on_connected(device *d)
{
    uint32_t now = now_ms();
    d->up = 1;
    hb_backoff_connected(&d->backoff, now);
    d->connects++;
    if (d->connects == 1) {
        fprintf(stderr, PROG ": connected to %s as %s (MQTT %s)\n", d->uri,
                d->opt->id, d->opt->mqtt == 5 ? "5" : "3.1.1");
        hb_start(&d->hb, now);
    } else {
        fprintf(stderr, PROG ": reconnected after %u ms\n",
                (unsigned)(now - d->down_since));
    }
    if (d->opt->availability) {
        publish_avail(d, d->avail.online, d->avail.online_len);
        if (d->opt->mqtt == 5) {
            MQTTSubscribe_options so = MQTTSubscribe_options_initializer;
            MQTTResponse r;
            so.noLocal = 1;
            r = MQTTClient_subscribe5(d->client, d->opt->availability, 1, &so, NULL);
            MQTTResponse_free(r);
        } else {
            MQTTClient_subscribe(d->client, d->opt->availability, 1);
        }
        fprintf(stderr, PROG ": online, session %s\n", d->avail.session);
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
    now = now_ms();               /* the connect may have blocked */
    delay = hb_backoff_next(&d->backoff, now);
    d->reconnect_at = now + delay;
    fprintf(stderr, PROG ": reconnect failed (%s), next try in %u ms\n",
            paho_error(rc), (unsigned)delay);
}

int main(int argc, char **argv)
{
    hbx_options opt;
    device dev;
    hb_config cfg;
    MQTTClient_createOptions cro = MQTTClient_createOptions_initializer;
    char topic[256], kid[128];
    uint32_t seed;
    int rc, v6, stop = 0;

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
    v6 = strchr(opt.host, ':') != NULL; /* an IPv6 literal goes in [] */
    snprintf(dev.uri, sizeof dev.uri, "%s://%s%s%s:%ld", opt.cafile ? "ssl" : "tcp",
             v6 ? "[" : "", opt.host, v6 ? "]" : "", opt.port);
    cro.MQTTVersion = opt.mqtt == 5 ? MQTTVERSION_5 : MQTTVERSION_DEFAULT;
    rc = MQTTClient_createWithOptions(&dev.client, dev.uri, opt.client_id,
                                      MQTTCLIENT_PERSISTENCE_NONE, NULL, &cro);
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
    while (!stop) {
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
            /* Sleep inside Paho: it answers pings and acks meanwhile. The
               only subscription is the availability topic: a stale
               "offline" there (a late Will) gets our birth again. */
            char *t = NULL;
            int tlen = 0;
            MQTTClient_message *m = NULL;
            rc = MQTTClient_receive(dev.client, &t, &tlen, &m, wait);
            if (m) {
                if (opt.availability && m->payloadlen > 0 &&
                    hbx_avail_stale(&dev.avail, m->payload, (size_t)m->payloadlen)) {
                    dev.rebirths++;
                    fprintf(stderr, PROG ": stale offline on %s, birth again\n",
                            opt.availability);
                    publish_avail(&dev, dev.avail.online, dev.avail.online_len);
                }
                MQTTClient_freeMessage(&m);
                MQTTClient_free(t);
            }
            if (!MQTTClient_isConnected(dev.client))
                link_lost(&dev, paho_error(rc == MQTTCLIENT_SUCCESS
                                           ? MQTTCLIENT_DISCONNECTED : rc));
            stop = got_signal();
        } else {
            stop = sleep_or_signal(wait);
        }
    }

    /* Shut down: the retained availability "offline", the final "offline"
       beat, wait for their acks (QoS 1/2), then a clean DISCONNECT, which
       tells the broker not to send the will. */
    if (dev.up && opt.availability)
        publish_avail(&dev, dev.avail.offline, dev.avail.offline_len);
    hb_stop(&dev.hb, now_ms());
    if (dev.up && opt.availability &&
        MQTTClient_waitForCompletion(dev.client, dev.alast, FLUSH_MS) != MQTTCLIENT_SUCCESS)
        fprintf(stderr, PROG ": availability offline not confirmed in %u ms\n", FLUSH_MS);
    if (dev.up && opt.qos > 0 &&
        MQTTClient_waitForCompletion(dev.client, dev.last, FLUSH_MS) != MQTTCLIENT_SUCCESS)
        fprintf(stderr, PROG ": final beat not confirmed in %u ms\n", FLUSH_MS);
    hbx_print_stats(&dev.hb, dev.connects);
    if (dev.up) {
        if (opt.mqtt == 5)
            MQTTClient_disconnect5(dev.client, (int)FLUSH_MS, MQTTREASONCODE_SUCCESS, NULL);
        else
            MQTTClient_disconnect(dev.client, (int)FLUSH_MS);
    }
    MQTTClient_destroy(&dev.client);
    return 0;
}
