#!/usr/bin/python3
"""MQTT 5 and availability tests of both examples against mosquitto 2.x.

usage: tests/integration/mqtt5.py [mosquitto|paho]...   (default: both)

1. Message expiry: a QoS 1 subscriber with a persistent session is away
   for 10 intervals; when it comes back it must receive no beat older than
   the expiry the device put on it, ceil(1.5 x interval), plus the broker's
   expiry resolution (MQTT counts expiry in whole seconds, and mosquitto
   expires a message once the second counter has passed it: one second).
   The interval is 2 s, so the expiry is exactly 1.5 intervals. A control
   run with --message-expiry 0 (no expiry) must show the old beats, so
   the check can fail. The beats carry Content Type application/json and
   Payload Format Indicator 1.
2. Retained availability: a consumer reading the retained value of the
   availability topic must see the truth within one interval after each
   of: the device's reconnect, a broker restart with persistence off and
   with persistence on, a consumer restart, and a late Will of an older
   session (an earlier boot's connection, Will Delay 2 s, that died just
   before the new one came up). The truth is the device's current session
   ("online" with the session id it printed); "within one interval" counts
   from the moment the event is complete (the device says it reconnected,
   the consumer is subscribed, the late Will has arrived).
3. The examples refuse --will-delay longer than --session-expiry.

Each test starts its own broker on a free 127.0.0.1 port and stops every
process by PID. Closing line "RESULT: P passed, F failed" for tests/step.sh."""

import json
import math
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqttlib  # noqa: E402
from mqttlib import BUILD, WORK, Broker, Device, Subscriber, find_exe  # noqa: E402

T = mqttlib.Tally()
check, note, guarded = T.check, T.note, T.guarded


class PBroker(Broker):
    """A private mosquitto, optionally with persistence (saved on SIGTERM)."""

    def __init__(self, name, persistence=False):
        Broker.__init__(self, name)
        self.persistence = persistence

    def conf_text(self):
        text = Broker.conf_text(self)
        if self.persistence:
            text = text.replace("persistence false\n", "persistence true\n"
                                "persistence_location %s/\n" % self.dir)
        return text


def Sub5(port, topic, log_path, qos=1, extra=()):
    """mosquitto_sub -V mqttv5 on one topic, recording each message with its
    MQTT 5 properties. extra: e.g. a fixed client id and a session expiry
    for a persistent session."""
    return Subscriber(port, topic, qos=qos, log_path=log_path,
                      extra_args=extra, mqtt5=True)


def beat_age(msg):
    """Seconds between the beat's own timestamp and its arrival."""
    ts = msg["json"].get("timestamp") if isinstance(msg["json"], dict) else None
    if not ts:
        return None
    return msg["wall"] - mqttlib.parse_time(ts)


# ---- 1. message expiry -------------------------------------------------------

def away_run(client, exe, expiry_flag, tag):
    """Subscriber away for 10 intervals; returns (ages of the beats it got
    on its return that were published while it was away, all messages)."""
    interval = 2000
    broker = PBroker("%s-expiry-%s" % (client, tag)).start()
    topic = "it5/%s/expiry/%s" % (client, tag)
    sub_id = "it5-sub-%s-%s" % (client, tag)
    persistent = ["-i", sub_id, "-c", "-x", "600"]
    args = ["--port", str(broker.port), "--id", "%s-exp-%s" % (client, tag),
            "--topic", topic, "--interval-ms", str(interval), "--qos", "1",
            "--mqtt", "5"] + expiry_flag
    dev = Device(exe, args, broker.dir, "dev")
    sub = Sub5(broker.port, topic, os.path.join(broker.dir, "sub1.log"), extra=persistent)
    sub2 = None
    try:
        got = sub.wait_for(lambda ms: len(ms) >= 2, 4 * interval / 1000.0)
        first = sub.snapshot()
        sub.stop()
        left = time.time()
        time.sleep(10 * interval / 1000.0)
        back = time.time()
        sub2 = Sub5(broker.port, topic, os.path.join(broker.dir, "sub2.log"), extra=persistent)
        sub2.wait_for(lambda ms: any(m["wall"] > back + interval / 1000.0 for m in ms),
                      3 * interval / 1000.0)
        msgs = sub2.snapshot()
    finally:
        if sub2:
            sub2.stop()
        dev.signal(signal.SIGTERM)
        dev.wait(5)
        broker.stop()
    stale = [m for m in msgs if isinstance(m["json"], dict)
             and mqttlib.parse_time(m["json"]["timestamp"]) < back]
    return got, first, stale, msgs, left, back


def test_expiry(client, exe):
    interval = 2000
    expiry = math.ceil(1.5 * interval / 1000.0)
    tag = "%s expiry" % client
    got, first, stale, msgs, left, back = away_run(client, exe, [], "on")
    check("%s: beats arrive before the subscriber leaves" % tag, got)
    if first:
        m = first[0]
        check("%s: MQTT 5 properties: Message Expiry %d s, application/json, "
              "Payload Format 1" % (tag, expiry),
              m["expiry"] is not None and 0 < m["expiry"] <= expiry
              and m["ctype"] == "application/json" and m["pfi"] == 1,
              "expiry %r, content type %r, format %r" % (m["expiry"], m["ctype"], m["pfi"]))
    ages = [beat_age(m) for m in stale]
    bound = 1.5 * interval / 1000.0 + 1.0
    note("%s: away %.1f s (10 intervals of %d ms); on return %d old beat(s), "
         "ages %s s; bound %.1f s = 1.5 intervals + 1 s expiry resolution"
         % (tag, back - left, interval, len(stale),
            ", ".join("%.2f" % a for a in ages) or "-", bound))
    check("%s: no beat older than 1.5 intervals (+ the broker's 1 s expiry "
          "resolution) after 10 intervals away" % tag,
          all(a is not None and a <= bound for a in ages), "ages %r" % ages)
    strict = [a for a in ages if a > 1.5 * interval / 1000.0]
    if strict:
        note("%s: %d beat(s) between 1.5 intervals and the bound: mosquitto "
             "counts expiry in whole seconds" % (tag, len(strict)))
    got_n, _f, stale_n, _m, _l, _b = away_run(client, exe, ["--message-expiry", "0"], "off")
    note("%s: control, --message-expiry 0 (none): %d old beats on return"
         % (tag, len(stale_n)))
    check("%s: control without expiry delivers the old beats (>= 8 of 10)" % tag,
          got_n and len(stale_n) >= 8, "%d old beats" % len(stale_n))


# ---- 2. availability ----------------------------------------------------------

def retained(port, topic, timeout=1.0):
    """The retained value of topic as a fresh consumer sees it (None when
    there is none)."""
    p = subprocess.run([find_exe("mosquitto_sub"), "-V", "mqttv5", "-h", "127.0.0.1",
                        "-p", str(port), "-t", topic, "-C", "1", "-W", str(int(math.ceil(timeout))),
                        "-F", "%r %p"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, universal_newlines=True)
    line = p.stdout.strip()
    if not line.startswith("1 "):
        return None
    try:
        return json.loads(line[2:])
    except ValueError:
        return None


def wait_retained(port, topic, want, deadline):
    """Polls the retained value until it equals want or deadline (wall)
    passes. Returns (ok, seconds after the start, last value)."""
    t0 = time.time()
    last = None
    while True:
        last = retained(port, topic, 1.0)
        if last == want:
            return True, time.time() - t0, last
        if time.time() >= deadline:
            return False, time.time() - t0, last
        time.sleep(0.02)


def session_lines(dev):
    return re.findall(r"online, session (\S+)", dev.err())


def wait_session(dev, n, timeout):
    """Waits until the device printed its n-th "online, session S"; returns
    (S, the wall time it was seen) or (None, None)."""
    end = time.time() + timeout
    while time.time() < end:
        s = session_lines(dev)
        if len(s) >= n:
            return s[n - 1], time.time()
        time.sleep(0.01)
    return None, None


def online(s):
    return {"state": "online", "session": s}


def test_availability(client, exe, persistence):
    interval = 500
    sec = interval / 1000.0
    mode = "persistence on" if persistence else "persistence off"
    tag = "%s availability (%s)" % (client, mode)
    broker = PBroker("%s-avail-%s" % (client, "p" if persistence else "np"),
                     persistence).start()
    topic = "it5/%s/avail/state" % client
    dev_id = "%s-av" % client
    args = ["--port", str(broker.port), "--id", dev_id, "--interval-ms",
            str(interval), "--mqtt", "5", "--availability-topic", topic,
            "--keepalive", "5"]
    dev = Device(exe, args, broker.dir, "dev")
    consumer = None
    old = None
    try:
        # start: the birth is retained
        s1, t = wait_session(dev, 1, 5)
        ok, took, last = wait_retained(broker.port, topic, online(s1), t + sec)
        check("%s: retained online after the first connect (%.0f ms)" % (tag, took * 1000),
              ok, "last %r" % last)

        # device reconnect: another client takes its client id once
        subprocess.run([find_exe("mosquitto_pub"), "-V", "mqttv5", "-p", str(broker.port),
                        "-i", dev_id, "-t", "it5/x", "-m", "x"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        s2, t = wait_session(dev, 2, 10)
        ok, took, last = wait_retained(broker.port, topic, online(s2), (t or 0) + sec)
        check("%s: device reconnect -> retained online, new session within one "
              "interval (%.0f ms)" % (tag, took * 1000), s2 is not None and ok,
              "session %r, last %r" % (s2, last))

        # broker restart (SIGTERM: with persistence it saves its database)
        broker.stop()
        time.sleep(0.5)
        broker.start()
        s3, t = wait_session(dev, 3, 15)
        ok, took, last = wait_retained(broker.port, topic, online(s3), (t or 0) + sec)
        check("%s: broker restart -> retained online, new session within one "
              "interval (%.0f ms)" % (tag, took * 1000), s3 is not None and ok,
              "session %r, last %r" % (s3, last))

        # consumer restart: a consumer that was subscribed, then again
        consumer = Sub5(broker.port, topic, os.path.join(broker.dir, "consumer1.log"))
        consumer.wait_for(lambda ms: len(ms) >= 1, 3)
        consumer.stop()
        t = time.time()
        consumer = Sub5(broker.port, topic, os.path.join(broker.dir, "consumer2.log"))
        ok = consumer.wait_for(lambda ms: len(ms) >= 1 and ms[0]["json"] == online(s3), sec)
        check("%s: consumer restart -> it reads online, current session within one "
              "interval (%.0f ms)" % (tag, (time.time() - t) * 1000), ok,
              "got %r" % [m["raw"] for m in consumer.snapshot()])

        # a late Will: an earlier boot (its own client id) whose connection
        # died with Will Delay 2 s, after this device's birth
        old = Device(exe, ["--port", str(broker.port), "--id", dev_id, "--client-id",
                           dev_id + "-oldboot", "--interval-ms", str(interval), "--mqtt",
                           "5", "--availability-topic", topic, "--keepalive", "5",
                           "--session-expiry", "10", "--will-delay", "2"],
                     broker.dir, "oldboot")
        sold, _t = wait_session(old, 1, 5)
        old.signal(signal.SIGKILL)
        old.wait(5)
        killed = time.time()
        # the old boot's birth overwrote ours meanwhile: the device saw no
        # "offline", so the truth for a consumer is now whatever is newest;
        # what matters is what follows the late Will
        got = consumer.wait_for(lambda ms: any(
            m["json"] == {"state": "offline", "session": sold} for m in ms), 5)
        will_at = [m["wall"] for m in consumer.snapshot()
                   if m["json"] == {"state": "offline", "session": sold}]
        check("%s: the old boot's Will arrives late (%.1f s after its death, "
              "Will Delay 2 s)" % (tag, (will_at[0] - killed) if will_at else -1),
              got and sold is not None, "session %r" % sold)
        if will_at:
            ok, took, last = wait_retained(broker.port, topic, online(s3), will_at[0] + sec)
            check("%s: late Will -> retained back to online, current session, within "
                  "one interval (%.0f ms after the Will)"
                  % (tag, (time.time() - will_at[0]) * 1000), ok, "last %r" % last)
            note("%s: late Will answered in %.0f ms (interval %d ms)"
                 % (tag, (time.time() - will_at[0]) * 1000, interval))

        # clean stop: retained offline, own session
        dev.signal(signal.SIGTERM)
        rc = dev.wait(5)
        ok, took, last = wait_retained(broker.port, topic,
                                       {"state": "offline", "session": s3}, time.time() + sec)
        check("%s: SIGTERM -> exit 0, retained offline with its session" % tag,
              rc == 0 and ok, "exit %s, last %r" % (rc, last))
    finally:
        if consumer:
            consumer.stop()
        if old and old.proc.poll() is None:
            old.wait(0)
        if dev.proc.poll() is None:
            dev.wait(0)
        broker.stop()


# ---- 3. flags ------------------------------------------------------------------

def test_will_delay_refused(client, exe):
    tag = "%s flags" % client
    d = os.path.join(WORK, "%s-flags5" % client)
    dev = Device(exe, ["--mqtt", "5", "--availability-topic", "a/b",
                       "--session-expiry", "10", "--will-delay", "30"], d, "wd")
    rc = dev.wait(5)
    err = dev.err()
    check("%s: --will-delay 30 > --session-expiry 10 -> exit 2, says why" % tag,
          rc == 2 and "--will-delay 30 is longer than --session-expiry 10" in err,
          "exit %s, stderr %r" % (rc, err.strip()))
    dev = Device(exe, ["--mqtt", "4"], d, "ver")
    rc = dev.wait(5)
    check("%s: --mqtt 4 -> exit 2" % tag, rc == 2 and "--mqtt" in dev.err(),
          "exit %s, stderr %r" % (rc, dev.err().strip()))
    dev = Device(exe, ["--session-expiry", "10"], d, "v3")
    rc = dev.wait(5)
    check("%s: --session-expiry without --mqtt 5 -> exit 2" % tag,
          rc == 2 and "need --mqtt 5" in dev.err(), "exit %s" % rc)


def main(argv):
    clients = argv[1:] or ["mosquitto", "paho"]
    # The step declares mosquitto, mosquitto-clients and the client
    # libraries through tests/need.sh and builds the examples first; here a
    # missing one is a failure, not a skip.
    t0 = time.monotonic()
    for client in clients:
        exe = os.path.join(BUILD, "hb-" + client)
        if not os.access(exe, os.X_OK):
            print("FAIL %s is not built (make %s)" % (exe, exe))
            print("RESULT: 0 passed, 1 failed")
            return 1
        guarded(test_will_delay_refused, client, exe)
        guarded(test_availability, client, exe, False)
        guarded(test_availability, client, exe, True)
        guarded(test_expiry, client, exe)
    return T.closing("measured:", t0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
