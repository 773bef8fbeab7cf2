#!/usr/bin/python3
"""Integration test of build/hb-monitor (the hb_mon_* fleet monitor) against
a private mosquitto and 20 build/hb-mosquitto devices beating every 200 ms.

  SIGSTOP 3 devices   -> SUSPECT, then DEAD within the detector's dead span
                         (3 intervals plus its jitter allowance), long
                         before the broker's keep-alive would fire the Will
  SIGCONT             -> ALIVE again
  SIGTERM 3           -> OFFLINE at once (their final offline beat)
  SIGKILL 1           -> OFFLINE through its Last Will
  broker restart      -> no device is declared DEAD
  device restart      -> REBOOT (a new boot_id)
  two more monitors with --shard 0/2 and 1/2 see every device exactly once

Bounds come from the schedule: INTERVAL and the monitor's thresholds. The
issue asks for DEAD within 3 intervals here, so the monitor runs with
--dead-phi 600: dead at phi 6 = 3 intervals of silence past the jitter
allowance, which is at least interval/8 and 4 mean absolute deviations of
the arrivals (the test allows it up to half an interval on a shared
machine). The library's default, phi 10 (five beats missing), is for a
fleet that loses 1 % of its beats (docs/monitor.md: runs of three and
four lost beats happen there); on this loopback broker nothing is lost. Prints "RESULT: P passed,
F failed". Exit 77 when something needed is missing."""

import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mqttlib import BUILD, WORK, Broker, Device, cleanup_all  # noqa: E402

INTERVAL = 200            # ms, every device
DEVICES = 20
DEAD_PHI = 600            # --dead-phi: 2 phi per interval at the assumed 1 % loss
DEAD_SPAN = INTERVAL * DEAD_PHI // 200  # three intervals of silence
ALLOWANCE = INTERVAL // 2 # the jitter allowance we accept on this machine
KEEPALIVE = 30000         # hb-mosquitto's MQTT keep-alive, ms

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print("%s %s%s" % ("ok  " if ok else "FAIL", name, (": " + detail) if detail else ""),
          flush=True)
    return ok


def mono_ms():
    return int(time.monotonic() * 1000) & 0xFFFFFFFF


class Monitor:
    def __init__(self, port, name, extra=()):
        self.dev = Device(os.path.join(BUILD, "hb-monitor"),
                          ["--port", str(port), "--json", "--interval-ms", str(INTERVAL),
                           "--dead-phi", str(DEAD_PHI), "--capacity", "1024"] + list(extra),
                          os.path.join(WORK, "monitor"), name=name)

    def events(self):
        out = []
        try:
            with open(self.dev.out_path) as f:
                for line in f:
                    if line.endswith("\n"):
                        try:
                            out.append(json.loads(line))
                        except ValueError:
                            pass
        except OSError:
            pass
        return out

    def wait_for(self, pred, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ev = self.events()
            r = pred(ev)
            if r:
                return r
            time.sleep(0.02)
        return pred(self.events())

    def stop(self):
        self.dev.signal(signal.SIGTERM)
        self.dev.wait(5)


def first(evs, kind, dev_id, after=0):
    for e in evs:
        if e.get("event") == kind and e.get("id") == dev_id and e["ms"] >= after:
            return e
    return None


def start_device(port, i):
    dev_id = "dev-%02d" % i
    return Device(os.path.join(BUILD, "hb-mosquitto"),
                  ["--port", str(port), "--id", dev_id, "--topic",
                   "devices/%s/heartbeat" % dev_id, "--interval-ms", str(INTERVAL),
                   "--boot-id", "random"],
                  os.path.join(WORK, "devices"), name=dev_id)


def main():
    # The step declares its parts through tests/need.sh and builds both
    # programs first: a missing one here is a failure, not a skip.
    for exe in ("hb-monitor", "hb-mosquitto"):
        if not os.path.exists(os.path.join(BUILD, exe)):
            check("build/%s is built" % exe, False, "make %s/%s" % (BUILD, exe))
            return 1
    broker = Broker("monitor").start()
    port = broker.port
    mon = Monitor(port, "monitor")
    shards = [Monitor(port, "shard%d" % i, ["--shard", "%d/2" % i]) for i in range(2)]
    ready = mon.wait_for(lambda ev: any(e.get("event") == "link" and e.get("up") for e in ev), 5)
    check("monitor subscribed (link up)", bool(ready))
    devs = {i: start_device(port, i) for i in range(DEVICES)}
    ids = ["dev-%02d" % i for i in range(DEVICES)]
    seen = mon.wait_for(lambda ev: {e["id"] for e in ev if e.get("event") == "new"} >= set(ids)
                        and True, 10)
    check("all %d devices seen (NEW)" % DEVICES, bool(seen))
    time.sleep(4 * INTERVAL / 1000.0)   # a few intervals to learn

    # ---- SIGSTOP 3: SUSPECT, then DEAD within the dead span -------------
    stop_ids = [0, 1, 2]
    t_stop = mono_ms()
    for i in stop_ids:
        devs[i].signal(signal.SIGSTOP)
    bound = DEAD_SPAN + ALLOWANCE
    mon.wait_for(lambda ev: all(first(ev, "dead", ids[i], t_stop) for i in stop_ids),
                 (bound + 2000) / 1000.0)
    ev = mon.events()
    for i in stop_ids:
        d = first(ev, "dead", ids[i], t_stop)
        s = first(ev, "suspect", ids[i], t_stop)
        lat = d["ms"] - t_stop if d else None
        check("SIGSTOP %s: SUSPECT then DEAD within %d ms (3 intervals + allowance)"
              % (ids[i], bound),
              d is not None and s is not None and s["ms"] <= d["ms"] and lat <= bound,
              "DEAD after %s ms" % lat)
    check("DEAD well before the keep-alive Will (1.5 x %d ms)" % KEEPALIVE,
          all(first(ev, "dead", ids[i], t_stop) for i in stop_ids))
    others_dead = [e for e in ev if e.get("event") == "dead" and e["ms"] >= t_stop
                   and e.get("id") not in [ids[i] for i in stop_ids]]
    check("no other device DEAD meanwhile", not others_dead, repr(others_dead[:3]))

    t_cont = mono_ms()
    for i in stop_ids:
        devs[i].signal(signal.SIGCONT)
    mon.wait_for(lambda ev: all(first(ev, "alive", ids[i], t_cont) for i in stop_ids), 3)
    ev = mon.events()
    for i in stop_ids:
        a = first(ev, "alive", ids[i], t_cont)
        check("SIGCONT %s: ALIVE within 2 intervals" % ids[i],
              a is not None and a["ms"] - t_cont <= 2 * INTERVAL + ALLOWANCE,
              "after %s ms" % (a["ms"] - t_cont if a else None))

    # ---- SIGTERM 3: OFFLINE at once; SIGKILL 1: OFFLINE by the Will ------
    term_ids = [3, 4, 5]
    t_term = mono_ms()
    for i in term_ids:
        devs[i].signal(signal.SIGTERM)
    mon.wait_for(lambda ev: all(first(ev, "offline", ids[i], t_term) for i in term_ids), 3)
    ev = mon.events()
    for i in term_ids:
        o = first(ev, "offline", ids[i], t_term)
        check("SIGTERM %s: OFFLINE within one interval" % ids[i],
              o is not None and o["ms"] - t_term <= INTERVAL,
              "after %s ms" % (o["ms"] - t_term if o else None))
        devs[i].wait(5)
    t_kill = mono_ms()
    devs[6].signal(signal.SIGKILL)
    mon.wait_for(lambda ev: first(ev, "offline", ids[6], t_kill), 3)
    ev = mon.events()
    o = first(ev, "offline", ids[6], t_kill)
    d = first(ev, "dead", ids[6], t_kill)
    check("SIGKILL %s: OFFLINE through the Last Will, before any DEAD" % ids[6],
          o is not None and (d is None or o["ms"] <= d["ms"]),
          "offline after %s ms" % (o["ms"] - t_kill if o else None))
    devs[6].wait(5)

    # ---- broker restart: no DEAD -----------------------------------------
    alive_ids = [ids[i] for i in range(DEVICES) if i not in term_ids + [6]]
    t_b = mono_ms()
    broker.stop()
    time.sleep(1.0)
    broker.start()
    mon.wait_for(lambda ev: any(e.get("event") == "link" and e.get("up") and e["ms"] > t_b
                                for e in ev), 10)
    # every alive device beats again, then give it the whole dead span more
    mon.wait_for(lambda ev: False, 4.0 + (DEAD_SPAN + ALLOWANCE) / 1000.0)
    ev = mon.events()
    dead = [e["id"] for e in ev if e.get("event") == "dead" and e["ms"] >= t_b]
    check("broker restart: 0 DEAD", not dead, "dead: %r" % dead)
    down = [e for e in ev if e.get("event") == "link" and not e.get("up") and e["ms"] >= t_b]
    check("broker restart: the monitor reported its own link down", bool(down))

    # ---- device restart: REBOOT ------------------------------------------
    t_r = mono_ms()
    devs[7].signal(signal.SIGKILL)
    devs[7].wait(5)
    devs[7] = start_device(port, 7)
    mon.wait_for(lambda ev: first(ev, "reboot", ids[7], t_r), 5)
    ev = mon.events()
    r = first(ev, "reboot", ids[7], t_r)
    check("device restart %s: REBOOT" % ids[7], r is not None)

    # ---- the two shards: no overlap, no gap ------------------------------
    s0 = {e["id"] for e in shards[0].events() if e.get("event") == "new"}
    s1 = {e["id"] for e in shards[1].events() if e.get("event") == "new"}
    check("shards 0/2 and 1/2: no overlap", not (s0 & s1), repr(sorted(s0 & s1)))
    check("shards 0/2 and 1/2: no gap", (s0 | s1) == set(ids),
          "missing %r" % sorted(set(ids) - (s0 | s1)))
    check("shards: both have devices", bool(s0) and bool(s1), "%d + %d" % (len(s0), len(s1)))

    for i, dv in devs.items():
        if dv.proc.poll() is None:
            dv.signal(signal.SIGTERM)
            dv.wait(5)
    mon.stop()
    for s in shards:
        s.stop()
    broker.stop()
    return 0


if __name__ == "__main__":
    try:
        rc = main()
    finally:
        cleanup_all()
    print("RESULT: %d passed, %d failed" % (passed, failed))
    sys.exit(0 if failed == 0 else 1)
