#!/usr/bin/python3
"""Integration tests of the MQTT examples against a real mosquitto broker.

usage: tests/integration/run.py [CLIENT [GROUP...]]
  CLIENT  mosquitto or paho (default: both)
  GROUP   core (delivery, broker restart, will, SIGTERM, flags, password),
          tls (needs openssl), valgrind (needs valgrind); default: all

Every test starts its own broker (generated config, free 127.0.0.1 port,
no persistence) and stops it by PID. Results: one "ok"/"FAIL" line per
check, the measured timing, and the closing line
"RESULT: P passed, F failed" that tests/step.sh counts. The step declares
the tools through tests/need.sh; here a missing one is a failure.

Time bounds. Every bound a check asserts is derived from the schedule in
effect, never a fixed slack (the machine may be loaded):
  - beats run on a grid of INTERVAL ms and each must arrive before the next
    one is due, so a gap is within one interval of INTERVAL and the mean
    of n gaps within INTERVAL / n;
  - after a broker restart the device reconnects on its own backoff
    schedule (hb_backoff: the k-th retry d0 * 2^k after the loss, d0 in
    [BACKOFF_MIN, 2 BACKOFF_MIN), delays capped at BACKOFF_MAX; constants
    read from the example's source): the first beat comes at most one
    whole delay of the one in effect when the test saw the broker back,
    plus one interval (the next grid beat);
  - a broker that never answers is given up after one connect timeout
    (CONNECT_MS / CONNECT_S of the example), before a second one ends.
Waits that are not checks (for a process to exit, a message to arrive)
are hang guards, also expressed in these terms."""

import math
import os
import re
import shutil
import signal
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqttlib  # noqa: E402
from mqttlib import (BUILD, WORK, Broker, Device, Subscriber,  # noqa: E402
                     beat_problem, free_port, stats_from)

INTERVAL = 200          # ms between beats in every test
COUNT = 8               # beats per delivery run
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def schedule_of(client):
    """The example's reconnect and connect constants, from its source:
    {"BACKOFF_MIN": ms, "BACKOFF_MAX": ms, "CONNECT_MS": ms}."""
    path = os.path.join(TOP, "examples", client, "hb-%s.c" % client)
    with open(path, encoding="utf-8") as f:
        src = f.read()
    # what both examples share (the backoff defaults) lives here
    with open(os.path.join(TOP, "examples", "common", "hb_example.h"),
              encoding="utf-8") as f:
        src += f.read()
    d = {}
    for name in ("BACKOFF_MIN", "BACKOFF_MAX", "CONNECT_MS", "CONNECT_S"):
        m = re.search(r"#define\s+%s\s+(\d+)" % name, src)
        if m:
            d[name] = int(m.group(1))
    if "CONNECT_S" in d:
        d["CONNECT_MS"] = d.pop("CONNECT_S") * 1000
    missing = {"BACKOFF_MIN", "BACKOFF_MAX", "CONNECT_MS"} - set(d)
    if missing:
        raise RuntimeError("%s: no #define for %s" % (path, sorted(missing)))
    return d


def backoff_step_in_effect(elapsed_ms, bmin, bmax):
    """The longest reconnect delay that can be running elapsed_ms after the
    link went down. hb_backoff's delays are d0, d0, 2 d0, 4 d0 ... (d0 in
    [bmin, 2 bmin)), capped at bmax, so retry k comes d0 * 2^k after the
    loss: the delay running at elapsed_ms is the first one (below 2 bmin)
    or equals the time of the retry it started from, which is at most
    elapsed_ms."""
    return min(bmax, max(2 * bmin, int(math.ceil(elapsed_ms))))

T = mqttlib.Tally()
check, note, guarded = T.check, T.note, T.guarded


def gaps_ms(msgs):
    return [(b["wall"] - a["wall"]) * 1000.0 for a, b in zip(msgs, msgs[1:])]


def alive(msgs):
    return [m for m in msgs if isinstance(m["json"], dict)
            and m["json"].get("status") == "alive"]


def start_sub(broker, topic, name):
    sub = Subscriber(broker.port, topic, qos=2,
                     log_path=os.path.join(broker.dir, name + ".log"))
    if not sub.wait_ready(5):
        sub.stop()
        raise RuntimeError("mosquitto_sub did not subscribe (port %d)" % broker.port)
    return sub


def dev_args(broker, dev_id, topic, qos=1, count=None, interval=INTERVAL):
    a = ["--host", "127.0.0.1", "--port", str(broker.port), "--topic", topic,
         "--id", dev_id, "--interval-ms", str(interval), "--qos", str(qos)]
    if count is not None:
        a += ["--count", str(count)]
    return a


# ---- the tests --------------------------------------------------------------

def test_delivery(client, exe, qos):
    """N beats at this QoS: all arrive, valid JSON, on the interval, then
    the "offline" beat from hb_stop."""
    tag = "%s qos%d" % (client, qos)
    broker = Broker("%s-qos%d" % (client, qos)).start()
    topic = "it/%s/q%d" % (client, qos)
    dev_id = "%s-q%d" % (client, qos)
    sub = start_sub(broker, topic, "sub")
    try:
        dev = Device(exe, dev_args(broker, dev_id, topic, qos, COUNT), broker.dir)
        sched = schedule_of(client)
        # hang guards: the connect timeout, the beats, the offline beat
        rc = dev.wait((sched["CONNECT_MS"] + (COUNT + 1) * INTERVAL) / 1000.0)
        sub.wait_for(lambda ms: len(ms) >= COUNT + 1, sched["CONNECT_MS"] / 1000.0)
        msgs = sub.snapshot()
    finally:
        sub.stop()
        broker.stop()
    err = dev.err()
    check("%s: exits 0 after --count %d" % (tag, COUNT), rc == 0,
          "exit %s; stderr: %s" % (rc, err.strip()[-300:]))
    statuses = [m["json"].get("status") if isinstance(m["json"], dict) else None
                for m in msgs]
    check("%s: %d alive beats then one offline arrive" % (tag, COUNT),
          statuses == ["alive"] * COUNT + ["offline"], "got %r" % statuses)
    problems = [beat_problem(m, dev_id) for m in msgs]
    problems = [p for p in problems if p]
    seqs = [m["json"]["seq"] for m in msgs if isinstance(m["json"], dict)
            and isinstance(m["json"].get("seq"), int)]
    check("%s: payloads are JSON with device_id, timestamp, status, "
          "jwt_token, seq" % tag, not problems and msgs != [],
          "; ".join(problems[:3]))
    check("%s: seq counts 0, 1, 2, ... and delivered at QoS %d" % (tag, qos),
          seqs == list(range(len(msgs))) and all(m["qos"] == qos for m in msgs),
          "seq %r, qos %r" % (seqs, [m["qos"] for m in msgs]))
    st = stats_from(err)
    check("%s: stats line: %d sent, no failures" % (tag, COUNT + 1),
          st.get("sent") == COUNT + 1 and st.get("fail_publish") == 0,
          "stats %r" % st)
    g = gaps_ms(alive(msgs))
    if len(g) >= 2:
        mean = statistics.mean(g)
        maxdev = max(abs(x - INTERVAL) for x in g)
        # Each beat arrives before the next one is due (the grid does not
        # drift): a gap is within one interval of it, the mean of n gaps
        # within interval / n.
        mean_bound = INTERVAL / float(len(g))
        note("%s: %d gaps, mean %.1f ms (interval %d, bound +-%.1f), max "
             "deviation %.1f ms (bound < %d)"
             % (tag, len(g), mean, INTERVAL, mean_bound, maxdev, INTERVAL))
        check("%s: arrival gaps on the interval grid" % tag,
              abs(mean - INTERVAL) < mean_bound and maxdev < INTERVAL,
              "mean %.1f (bound %.1f), max deviation %.1f (bound %d)"
              % (mean, mean_bound, maxdev, INTERVAL))
    else:
        check("%s: arrival gaps on the interval grid" % tag, False,
              "only %d beats" % len(msgs))
    return g


def test_broker_restart(client, exe):
    """Broker SIGKILLed mid-run and restarted on the same port: the device
    reconnects by itself, sends a birth beat, the beats go on, failures
    during the outage are counted, and it still stops cleanly."""
    tag = "%s restart" % client
    sched = schedule_of(client)
    broker = Broker("%s-restart" % client).start()
    topic = "it/%s/restart" % client
    dev_id = "%s-restart" % client
    sub = start_sub(broker, topic, "sub1")
    dev = Device(exe, dev_args(broker, dev_id, topic, qos=1), broker.dir)
    sub2 = None
    try:
        ok = sub.wait_for(lambda ms: len(alive(ms)) >= 3,
                          (sched["CONNECT_MS"] + 3 * INTERVAL) / 1000.0)
        check("%s: beats before the outage" % tag, ok)
        killed = time.time()
        broker.kill(signal.SIGKILL)
        sub.stop()
        time.sleep(1.0)
        broker.start()
        back = broker.ready_wall  # when this test saw the broker accept again
        sub2 = start_sub(broker, topic, "sub2")
        # The schedule in effect: the backoff step whose delay may be
        # running when the broker came back (the link went down at the kill
        # at the earliest), waited whole, then the beat: at once (the birth
        # beat), at the latest the next grid beat.
        outage = (back - killed) * 1000.0
        step = backoff_step_in_effect(outage, sched["BACKOFF_MIN"], sched["BACKOFF_MAX"])
        bound = step + INTERVAL
        ok = sub2.wait_for(lambda ms: len(alive(ms)) >= 1,
                           (bound + sched["CONNECT_MS"]) / 1000.0)
        first = sub2.snapshot()[0] if ok else None
        check("%s: beats resume after the restart" % tag, ok and dev.proc.poll() is None,
              "device exit %s" % dev.proc.poll())
        if first:
            latency = (first["wall"] - back) * 1000.0
            note("%s: broker down %.0f ms; first beat %.0f ms after it was back"
                 " (bound %d = backoff step %d in effect + interval %d)"
                 % (tag, outage, latency, bound, step, INTERVAL))
            check("%s: first beat within the backoff step in effect + one interval"
                  % tag, latency <= bound, "%.0f ms, bound %d" % (latency, bound))
        sub2.wait_for(lambda ms: len(alive(ms)) >= 4, 4 * INTERVAL / 1000.0 + 1)
        dev.signal(signal.SIGTERM)
        rc = dev.wait(5)
        got_off = sub2.wait_for(lambda ms: any(
            isinstance(m["json"], dict) and m["json"].get("status") == "offline"
            for m in ms), 3)
    finally:
        if dev.proc.poll() is None:
            dev.wait(0)
        if sub2:
            sub2.stop()
        sub.stop()
        broker.stop()
    err = dev.err()
    st = stats_from(err)
    check("%s: exits 0 on SIGTERM after the outage" % tag, rc == 0,
          "exit %s" % rc)
    check("%s: offline beat after the restart" % tag, got_off)
    check("%s: failures during the outage counted" % tag,
          st.get("fail_publish", 0) >= 1 and st.get("connects", 0) >= 2
          and st.get("attempts") == st.get("sent", 0) + st.get("fail_publish", 0),
          "stats %r; stderr %r" % (st, err[-400:]))
    recon = [line for line in err.splitlines() if "reconnected after" in line]
    if recon:
        note("%s: device says: %s" % (tag, recon[0].split(": ", 1)[1]))
    # QoS 1: a beat whose PUBACK was lost with the broker is sent again
    # after the reconnect (at least once), so an older seq may show up late.
    before = [m["json"]["seq"] for m in sub.snapshot() if isinstance(m["json"], dict)]
    msgs = sub2.snapshot() if sub2 else []
    seqs = [m["json"]["seq"] for m in msgs if isinstance(m["json"], dict)]
    old = [q for q in seqs if before and q <= max(before)]
    new = [q for q in seqs if not before or q > max(before)]
    if old:
        note("%s: redelivered after the reconnect (QoS 1 in flight at the kill): "
             "seq %r" % (tag, old))
    check("%s: seq keeps counting across the outage" % tag,
          len(new) >= 2 and new == sorted(set(new)) and bool(before)
          and new[0] > max(before) + 1,
          "seq before %r, after %r" % (before, seqs))


def test_sigkill_will(client, exe):
    tag = "%s SIGKILL" % client
    broker = Broker("%s-will" % client).start()
    topic = "it/%s/will" % client
    dev_id = "%s-will" % client
    sub = start_sub(broker, topic, "sub")
    dev = Device(exe, dev_args(broker, dev_id, topic, qos=1), broker.dir)
    try:
        sub.wait_for(lambda ms: len(alive(ms)) >= 2, 5)
        dev.signal(signal.SIGKILL)
        t0 = time.time()
        dev.wait(5)
        ok = sub.wait_for(lambda ms: any(
            isinstance(m["json"], dict) and m["json"].get("status") == "offline"
            for m in ms), 5)
        msgs = sub.snapshot()
    finally:
        sub.stop()
        broker.stop()
    will = [m for m in msgs if isinstance(m["json"], dict)
            and m["json"].get("status") == "offline"]
    check("%s: the broker publishes the Last Will" % tag, ok and len(will) == 1,
          "%d offline messages" % len(will))
    if will:
        note("%s: will arrived %.0f ms after the kill"
             % (tag, (will[0]["wall"] - t0) * 1000.0))
        check("%s: will is a beat (same fields, status offline, QoS 1)" % tag,
              beat_problem(will[0], dev_id) is None and will[0]["qos"] == 1,
              "%s qos %d" % (beat_problem(will[0], dev_id), will[0]["qos"]))


def test_sigterm(client, exe):
    tag = "%s SIGTERM" % client
    broker = Broker("%s-term" % client).start()
    topic = "it/%s/term" % client
    dev_id = "%s-term" % client
    sub = start_sub(broker, topic, "sub")
    dev = Device(exe, dev_args(broker, dev_id, topic, qos=2), broker.dir)
    try:
        sub.wait_for(lambda ms: len(alive(ms)) >= 2, 5)
        dev.signal(signal.SIGTERM)
        t0 = time.monotonic()
        rc = dev.wait(5)
        took = (time.monotonic() - t0) * 1000.0
        sub.wait_for(lambda ms: any(
            isinstance(m["json"], dict) and m["json"].get("status") == "offline"
            for m in ms), 3)
        time.sleep(0.3)  # nothing else (no will) may follow
        msgs = sub.snapshot()
    finally:
        sub.stop()
        broker.stop()
    st = stats_from(dev.err())
    check("%s: exits 0 (took %.0f ms)" % (tag, took), rc == 0, "exit %s" % rc)
    last = msgs[-1] if msgs else None
    off = [m for m in msgs if isinstance(m["json"], dict)
           and m["json"].get("status") == "offline"]
    check("%s: exactly one offline beat, last, and no will after it" % tag,
          last is not None and len(off) == 1 and off[0] is last
          and beat_problem(last, dev_id) is None,
          "%d offline; last %r" % (len(off), last and last["raw"][:100]))
    check("%s: prints its stats at exit" % tag,
          st.get("sent", 0) >= 3 and st.get("attempts") == st.get("sent"),
          "stats %r" % st)


def test_bad_flags(client, exe):
    tag = "%s flags" % client
    d = os.path.join(WORK, "%s-flags" % client)
    cases = [
        (["--qos", "3"], 2, "--qos"),
        (["--interval-ms", "0"], 2, "--interval-ms"),
        (["--interval-ms", "abc"], 2, "--interval-ms"),
        (["--port", "70000"], 2, "--port"),
        (["--count", "-1"], 2, "--count"),
        (["--bogus"], 2, "unknown option"),
        (["--host"], 2, "needs a value"),
        (["stray"], 2, "unexpected argument"),
        (["--topic", "a/+/b"], 2, "config"),
        (["--password", "x"], 2, "--username"),
    ]
    for i, (args, want_rc, want_text) in enumerate(cases):
        dev = Device(exe, args, d, "bad%d" % i)
        rc = dev.wait(5)
        err = dev.err()
        check("%s: %s -> exit %d, says %r" % (tag, " ".join(args), want_rc, want_text),
              rc == want_rc and want_text in err, "exit %s, stderr %r" % (rc, err.strip()))
    dev = Device(exe, ["--help"], d, "help")
    rc = dev.wait(5)
    out = dev.out()
    flags = ["--host", "--port", "--topic", "--id", "--interval-ms", "--qos",
             "--count", "--username", "--password", "--cafile", "--help"]
    missing = [f for f in flags if f not in out]
    check("%s: --help exits 0 and lists every flag" % tag,
          rc == 0 and not missing, "exit %s, missing %r" % (rc, missing))
    # A "broker" that accepts the TCP connection and never answers: the
    # device gives up after one connect timeout of its own (CONNECT_MS),
    # before a second one would end, with a clear message.
    connect_ms = schedule_of(client)["CONNECT_MS"]
    mute = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    mute.bind(("127.0.0.1", 0))
    mute.listen(4)
    t0 = time.monotonic()
    dev = Device(exe, ["--port", str(mute.getsockname()[1]), "--count", "1"], d, "mute")
    rc = dev.wait(3 * connect_ms / 1000.0)  # hang guard
    took = time.monotonic() - t0
    mute.close()
    err = dev.err()
    check("%s: broker that never answers -> exit 1 with 'cannot connect' after "
          "one connect timeout (%.1f s, timeout %.1f s)" % (tag, took, connect_ms / 1000.0),
          rc == 1 and "cannot connect" in err
          and connect_ms / 1000.0 <= took < 2 * connect_ms / 1000.0,
          "exit %s, %.1f s, stderr %r" % (rc, took, err.strip()))
    port = free_port()  # nothing listens there
    t0 = time.monotonic()
    dev = Device(exe, ["--port", str(port), "--count", "1"], d, "unreachable")
    rc = dev.wait(15)
    took = time.monotonic() - t0
    err = dev.err()
    check("%s: unreachable broker -> exit 1 with 'cannot connect' (%.2f s)"
          % (tag, took), rc == 1 and "cannot connect" in err and str(port) in err,
          "exit %s, stderr %r" % (rc, err.strip()))


def test_auth(client, exe):
    """A broker that wants a password: the right one delivers, a wrong one
    is a clear error and exit 1."""
    tag = "%s auth" % client
    pw = mqttlib.find_exe("mosquitto_passwd")  # mosquitto (tests/need.sh)
    broker = Broker("%s-auth" % client)
    pwfile = os.path.join(broker.dir, "passwd")
    import subprocess
    subprocess.run([pw, "-b", "-c", pwfile, "dev", "s3cret"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.chmod(pwfile, 0o600)
    broker.extra_conf = "password_file %s\n" % pwfile
    broker.start()
    # allow_anonymous stays true (for the subscriber); a client that gives
    # a user name is still checked against the password file
    topic = "it/%s/auth" % client
    try:
        sub = start_sub(broker, topic, "sub")
        dev = Device(exe, dev_args(broker, client + "-auth", topic, 1, 2)
                     + ["--username", "dev", "--password", "s3cret"],
                     broker.dir, "good")
        rc = dev.wait(10)
        sub.wait_for(lambda ms: len(ms) >= 3, 3)
        n = len(sub.snapshot())
        sub.stop()
        check("%s: right password -> beats delivered" % tag, rc == 0 and n == 3,
              "exit %s, %d messages" % (rc, n))
        dev = Device(exe, dev_args(broker, client + "-auth2", topic, 1, 2)
                     + ["--username", "dev", "--password", "wrong"],
                     broker.dir, "bad")
        rc = dev.wait(10)
        err = dev.err()
        check("%s: wrong password -> exit 1, says why" % tag,
              rc == 1 and ("authori" in err.lower() or "password" in err.lower()),
              "exit %s, stderr %r" % (rc, err.strip()))
    finally:
        broker.stop()


def test_tls(client, exe):
    """A TLS-only broker: --cafile with the right CA delivers; with a CA
    that did not sign the broker's certificate the device refuses to talk
    (exit 1, says why)."""
    tag = "%s tls" % client
    broker = Broker("%s-tls" % client)
    ca, cert, key, other_ca = mqttlib.make_tls_files(os.path.join(broker.dir, "pki"))
    broker.extra_conf = "cafile %s\ncertfile %s\nkeyfile %s\n" % (ca, cert, key)
    broker.start()
    topic = "it/%s/tls" % client
    try:
        sub = Subscriber(broker.port, topic, qos=2, extra_args=["--cafile", ca],
                         log_path=os.path.join(broker.dir, "sub.log"))
        if not sub.wait_ready(5):
            raise RuntimeError("mosquitto_sub over TLS did not subscribe")
        dev = Device(exe, dev_args(broker, client + "-tls", topic, 1, 2)
                     + ["--cafile", ca], broker.dir, "good")
        rc = dev.wait(10)
        sub.wait_for(lambda ms: len(ms) >= 3, 3)
        msgs = sub.snapshot()
        sub.stop()
        check("%s: --cafile with the broker's CA -> beats delivered over TLS" % tag,
              rc == 0 and len(msgs) == 3
              and all(beat_problem(m, client + "-tls") is None for m in msgs),
              "exit %s, %d messages, stderr %r" % (rc, len(msgs), dev.err().strip()))
        dev = Device(exe, dev_args(broker, client + "-tls2", topic, 1, 2)
                     + ["--cafile", other_ca], broker.dir, "bad")
        rc = dev.wait(15)
        err = dev.err()
        check("%s: --cafile with another CA -> exit 1, cannot connect" % tag,
              rc == 1 and "cannot connect" in err,
              "exit %s, stderr %r" % (rc, err.strip()))
    finally:
        broker.stop()


def test_valgrind(client, exe):
    """One short QoS 2 run under valgrind: no memory errors, no leaks."""
    tag = "%s valgrind" % client
    vg = mqttlib.find_exe("valgrind")  # valgrind (tests/need.sh)
    broker = Broker("%s-valgrind" % client).start()
    try:
        dev = Device(vg, ["-q", "--error-exitcode=9", "--leak-check=full", exe]
                     + dev_args(broker, client + "-vg", "it/vg", 2, 3, 100),
                     broker.dir)
        rc = dev.wait(30)
    finally:
        broker.stop()
    err = dev.err()
    check("%s: 3 beats at QoS 2 and exit, no errors or leaks" % tag,
          rc == 0 and "==" not in err, "exit %s, stderr %r" % (rc, err[-600:]))


GROUPS = {
    "core": [test_broker_restart, test_sigkill_will, test_sigterm,
             test_bad_flags, test_auth],
    "tls": [test_tls],
    "valgrind": [test_valgrind],
}


def main(argv):
    clients = argv[1:2] or ["mosquitto", "paho"]
    groups = argv[2:] or ["core", "tls", "valgrind"]
    unknown = [g for g in groups if g not in GROUPS] + \
        [c for c in clients if c not in ("mosquitto", "paho")]
    if unknown:
        print(__doc__)
        return 2
    exes = {}
    for c in clients:
        exe = os.path.join(BUILD, "hb-" + c)
        if not os.access(exe, os.X_OK):
            print("FAIL %s is not built (make %s)" % (exe, exe))
            print("RESULT: 0 passed, 1 failed")
            return 1
        exes[c] = exe
    os.makedirs(WORK, exist_ok=True)
    t0 = time.monotonic()
    for c in clients:
        exe = exes[c]
        print("=== %s (%s): %s" % (c, exe, " ".join(groups)), flush=True)
        if "core" in groups:
            allgaps = []
            for qos in (0, 1, 2):
                allgaps += guarded(test_delivery, c, exe, qos) or []
            if allgaps:
                mean = statistics.mean(allgaps)
                note("%s: all QoS: %d gaps, mean %.1f ms, max deviation %.1f ms"
                     % (c, len(allgaps), mean,
                        max(abs(x - INTERVAL) for x in allgaps)))
        for g in groups:
            for test in GROUPS[g]:
                guarded(test, c, exe)
    if T.closing("measured (interval %d ms):" % INTERVAL, t0):
        print("logs kept in %s" % os.path.relpath(WORK))
        return 1
    shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
