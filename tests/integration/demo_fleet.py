#!/usr/bin/python3
"""`make demo-fleet`: a private mosquitto on a free 127.0.0.1 port, a few
build/hb-mosquitto devices and build/hb-monitor's live view (JSON lines
when stdout is not a terminal). While it runs, one device is frozen
(SIGSTOP: it goes SUSPECT, then DEAD), thawed (ALIVE again), and another
is stopped (SIGTERM: OFFLINE at once). Everything is stopped by PID at
the end. DEMO_INTERVAL_MS (default 500) sets the devices' interval,
DEMO_STEP_S (default 4) the seconds between the acts."""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mqttlib import BUILD, WORK, Broker, Device, cleanup_all  # noqa: E402

INTERVAL = int(os.environ.get("DEMO_INTERVAL_MS", "500"))
STEP = float(os.environ.get("DEMO_STEP_S", "4"))
N = 5


def say(text):
    # to stderr, so a terminal shows it under the live table
    sys.stderr.write("\n>>> " + text + "\n")
    sys.stderr.flush()


def main():
    broker = Broker("demo-fleet").start()
    mon = subprocess.Popen([os.path.join(BUILD, "hb-monitor"), "--port", str(broker.port),
                            "--interval-ms", str(INTERVAL), "--capacity", "256"],
                           stdin=subprocess.DEVNULL)
    time.sleep(0.3)
    devs = []
    for i in range(N):
        dev_id = "sensor-%d" % (i + 1)
        devs.append(Device(os.path.join(BUILD, "hb-mosquitto"),
                           ["--port", str(broker.port), "--id", dev_id,
                            "--topic", "devices/%s/heartbeat" % dev_id,
                            "--interval-ms", str(INTERVAL), "--boot-id", "random"],
                           os.path.join(WORK, "demo-fleet"), name=dev_id))
    time.sleep(STEP)
    say("freezing sensor-2 (SIGSTOP): SUSPECT, then DEAD after 5 intervals")
    devs[1].signal(signal.SIGSTOP)
    time.sleep(STEP)
    say("thawing sensor-2 (SIGCONT): ALIVE again")
    devs[1].signal(signal.SIGCONT)
    time.sleep(STEP)
    say("stopping sensor-3 (SIGTERM): OFFLINE at once, from its last beat")
    devs[2].signal(signal.SIGTERM)
    time.sleep(STEP)
    for d in devs:
        d.signal(signal.SIGTERM)
        d.wait(5)
    mon.send_signal(signal.SIGTERM)
    mon.wait(5)
    broker.stop()
    return 0


if __name__ == "__main__":
    try:
        rc = main()
    finally:
        cleanup_all()
    sys.exit(rc)
