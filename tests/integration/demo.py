#!/usr/bin/python3
"""`make demo`: a heartbeat device on a real MQTT broker, for a few seconds.

Starts a private mosquitto on a free 127.0.0.1 port (config and log in
build/integration/demo/), runs build/hb-mosquitto against it and a
subscriber that prints each beat as it arrives (device id, seq, status,
age = arrival time - the beat's timestamp), then sends SIGTERM to the
device (its final "offline" beat arrives) and stops everything by PID.

Environment: MQTT_HOST (and MQTT_PORT, default 1883) use an existing broker
instead; DEMO_SECONDS (default 5), DEMO_INTERVAL_MS (default 500)."""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqttlib  # noqa: E402
from mqttlib import BUILD, Broker, Subscriber, parse_time  # noqa: E402


def main():
    seconds = float(os.environ.get("DEMO_SECONDS") or 5)
    interval = int(os.environ.get("DEMO_INTERVAL_MS") or 500)
    host = os.environ.get("MQTT_HOST") or ""
    dev_id = "demo-%d" % os.getpid()
    topic = "heartbeat/" + dev_id
    exe = os.path.join(BUILD, "hb-mosquitto")
    broker = None
    if host:
        port = int(os.environ.get("MQTT_PORT") or 1883)
        print("demo: using the broker at %s:%d (MQTT_HOST)" % (host, port))
    else:
        broker = Broker("demo", dirname=os.path.join(BUILD, "integration", "demo"))
        broker.start()
        host, port = "127.0.0.1", broker.port
        print("demo: private mosquitto on %s:%d (pid %d; config and log in %s)"
              % (host, port, broker.proc.pid, os.path.relpath(broker.dir)))
    sub = dev = None
    try:
        def show(msg):
            doc = msg["json"]
            if not isinstance(doc, dict):
                print("  (not JSON) %s" % msg["raw"][:100], flush=True)
                return
            t = parse_time(doc.get("timestamp"))
            age = "%.1f ms" % ((msg["wall"] - t) * 1000.0) if t else "?"
            print("  %-18s %5s  %-8s %10s   qos %d" % (
                doc.get("device_id"), doc.get("seq"), doc.get("status"), age,
                msg["qos"]), flush=True)

        sub = Subscriber(port, topic, qos=2, host=host, on_message=show)
        if not sub.wait_ready(5):
            print("demo: the subscriber could not subscribe on %s:%d" % (host, port))
            return 1
        args = ["--host", host, "--port", str(port), "--id", dev_id,
                "--interval-ms", str(interval), "--qos", "1"]
        print("demo: %s %s" % (os.path.relpath(exe), " ".join(args)))
        print("demo: subscribed to %s; each beat as it arrives "
              "(age = arrival - timestamp):" % topic)
        print("  %-18s %5s  %-8s %10s" % ("device_id", "seq", "status", "age"))
        dev = subprocess.Popen([exe] + args, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and dev.poll() is None:
            time.sleep(0.05)
        if dev.poll() is not None:
            print("demo: the device exited early (exit %d)" % dev.returncode)
            return 1
        print("demo: SIGTERM to the device: hb_stop sends the final offline beat")
        dev.send_signal(signal.SIGTERM)
        rc = dev.wait(timeout=10)
        sub.wait_for(lambda ms: any(isinstance(m["json"], dict) and
                                    m["json"].get("status") == "offline"
                                    for m in ms), 3)
        n = len(sub.snapshot())
        print("demo: %d messages received; device exit %d" % (n, rc))
        return 0 if rc == 0 else 1
    finally:
        if dev is not None and dev.poll() is None:
            dev.kill()
            dev.wait()
        if sub is not None:
            sub.stop()
        if broker is not None:
            broker.stop()
            print("demo: broker stopped")
        mqttlib.cleanup_all()


if __name__ == "__main__":
    sys.exit(main())
