#!/usr/bin/python3
"""Integration tests of the MQTT examples against a real mosquitto broker.

usage: tests/integration/run.py [mosquitto|paho]...   (default: both)

Every test starts its own broker (generated config, free 127.0.0.1 port,
no persistence) and stops it by PID. Results: one "ok"/"FAIL" line per
check, the measured timing, and the closing line
"RESULT: P passed, F failed" that tests/step.sh counts.
Exit 77 when mosquitto, mosquitto_sub or the example binaries are missing."""

import os
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
MEAN_TOL = 20.0         # |mean gap - interval| bound, ms (shared machine)
MAXDEV_TOL = 120.0      # max |gap - interval| bound, ms
BACKOFF_MAX_EXPECTED = 1000  # ms: the backoff reached during a ~1 s outage
                             # (250, 500, 1000 with jitter down to half)

passed = 0
failed = 0
measures = []


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print("%s %s%s" % ("ok  " if ok else "FAIL", name,
                       (": " + detail) if detail else ""), flush=True)
    return ok


def note(text):
    measures.append(text)
    print("     " + text, flush=True)


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
        rc = dev.wait(COUNT * INTERVAL / 1000.0 + 10)
        sub.wait_for(lambda ms: len(ms) >= COUNT + 1, 3)
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
        note("%s: %d gaps, mean %.1f ms (interval %d), max deviation %.1f ms"
             % (tag, len(g), mean, INTERVAL, maxdev))
        check("%s: arrival gaps close to the interval" % tag,
              abs(mean - INTERVAL) <= MEAN_TOL and maxdev <= MAXDEV_TOL,
              "mean %.1f, max deviation %.1f" % (mean, maxdev))
    else:
        check("%s: arrival gaps close to the interval" % tag, False,
              "only %d beats" % len(msgs))
    return g


def test_broker_restart(client, exe):
    """Broker SIGKILLed mid-run and restarted on the same port: the device
    reconnects by itself, sends a birth beat, the beats go on, failures
    during the outage are counted, and it still stops cleanly."""
    tag = "%s restart" % client
    broker = Broker("%s-restart" % client).start()
    topic = "it/%s/restart" % client
    dev_id = "%s-restart" % client
    sub = start_sub(broker, topic, "sub1")
    dev = Device(exe, dev_args(broker, dev_id, topic, qos=1), broker.dir)
    sub2 = None
    try:
        ok = sub.wait_for(lambda ms: len(alive(ms)) >= 3, 5)
        check("%s: beats before the outage" % tag, ok)
        broker.kill(signal.SIGKILL)
        sub.stop()
        killed = time.time()
        time.sleep(1.0)
        broker.start()
        sub2 = start_sub(broker, topic, "sub2")
        ok = sub2.wait_for(lambda ms: len(alive(ms)) >= 1, 6)
        first = sub2.snapshot()[0] if ok else None
        check("%s: beats resume after the restart" % tag, ok and dev.proc.poll() is None,
              "device exit %s" % dev.proc.poll())
        if first:
            latency = (first["wall"] - broker.ready_wall) * 1000.0
            outage = (broker.ready_wall - killed) * 1000.0
            bound = INTERVAL + BACKOFF_MAX_EXPECTED + 300
            note("%s: broker down %.0f ms; first beat %.0f ms after it was back"
                 " (bound %d = interval + backoff + 300 slack)"
                 % (tag, outage, latency, bound))
            check("%s: first beat within interval + backoff" % tag,
                  latency <= bound, "%.0f ms" % latency)
        sub2.wait_for(lambda ms: len(alive(ms)) >= 4, 3)
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
    # device gives up after its connect timeout (5 s) with a clear message.
    mute = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    mute.bind(("127.0.0.1", 0))
    mute.listen(4)
    t0 = time.monotonic()
    dev = Device(exe, ["--port", str(mute.getsockname()[1]), "--count", "1"], d, "mute")
    rc = dev.wait(20)
    took = time.monotonic() - t0
    mute.close()
    err = dev.err()
    check("%s: broker that never answers -> exit 1 with 'cannot connect' (%.1f s)"
          % (tag, took), rc == 1 and "cannot connect" in err and took < 12,
          "exit %s, stderr %r" % (rc, err.strip()))
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
    pw = mqttlib.find_exe("mosquitto_passwd")
    if not pw:
        print("skip %s: mosquitto_passwd not found" % tag)
        return
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
    files = mqttlib.make_tls_files(os.path.join(broker.dir, "pki"))
    if not files:
        print("skip %s: openssl not found (apt-get install openssl)" % tag)
        return
    ca, cert, key, other_ca = files
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
    vg = mqttlib.find_exe("valgrind")
    if not vg:
        print("skip %s: valgrind not found (apt-get install valgrind)" % tag)
        return
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


def guarded(test, *args):
    """Run one test; an exception is one failure, and whatever it started
    is stopped."""
    try:
        return test(*args)
    except Exception as e:  # report and go on with the next test
        check("%s%r" % (test.__name__, args[:1] + args[2:]), False,
              "%s: %s" % (type(e).__name__, e))
        return None
    finally:
        mqttlib.cleanup_all()


def main(argv):
    clients = argv[1:] or ["mosquitto", "paho"]
    if not mqttlib.find_exe("mosquitto") or not mqttlib.find_exe("mosquitto_sub"):
        print("mosquitto or mosquitto_sub not found: "
              "apt-get install mosquitto mosquitto-clients")
        return 77
    exes = {}
    for c in clients:
        exe = os.path.join(BUILD, "hb-" + c)
        if not os.access(exe, os.X_OK):
            print("%s not built (needs libmosquitto-dev / libpaho-mqtt-dev): "
                  "make examples" % exe)
            return 77
        exes[c] = exe
    os.makedirs(WORK, exist_ok=True)
    t0 = time.monotonic()
    for c in clients:
        exe = exes[c]
        print("=== %s (%s)" % (c, exe), flush=True)
        allgaps = []
        for qos in (0, 1, 2):
            allgaps += guarded(test_delivery, c, exe, qos) or []
        if allgaps:
            mean = statistics.mean(allgaps)
            note("%s: all QoS: %d gaps, mean %.1f ms, max deviation %.1f ms"
                 % (c, len(allgaps), mean,
                    max(abs(x - INTERVAL) for x in allgaps)))
        guarded(test_broker_restart, c, exe)
        guarded(test_sigkill_will, c, exe)
        guarded(test_sigterm, c, exe)
        guarded(test_bad_flags, c, exe)
        guarded(test_auth, c, exe)
        guarded(test_tls, c, exe)
        guarded(test_valgrind, c, exe)
    print()
    print("measured (interval %d ms):" % INTERVAL)
    for m in measures:
        print("  " + m)
    print("took %.1f s" % (time.monotonic() - t0))
    print("RESULT: %d passed, %d failed" % (passed, failed))
    if failed:
        print("logs kept in %s" % os.path.relpath(WORK))
        return 1
    shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
