#!/usr/bin/python3
"""tests/docs/check-acl.py - the mosquitto ACL example in docs/security.md
does what the page says. Extracts the first fenced block after the
"acl-example" marker, runs a private mosquitto on 127.0.0.1 (free port,
password file, no persistence) with it, and checks with mosquitto_pub and
mosquitto_sub:
  - the backend receives a device's beat on devices/<device>/heartbeat;
  - a device cannot publish on another device's topic;
  - a device cannot read other devices' beats.
Prints "RESULT: P passed, F failed".
"""
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

# mosquitto and mosquitto-clients: the step asks tests/need.sh for them.
BROKER = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
SUB = shutil.which("mosquitto_sub") or "/usr/sbin/mosquitto_sub"
PUB = shutil.which("mosquitto_pub") or "/usr/sbin/mosquitto_pub"

with open(sys.argv[1] if len(sys.argv) > 1 else "docs/security.md", encoding="utf-8") as f:
    doc = f.read()
m = re.search(r"<!-- acl-example.*?-->\s*```[^\n]*\n(.*?)```", doc, re.S)
if not m:
    print("FAIL no acl-example block in docs/security.md")
    print("RESULT: 0 passed, 1 failed")
    sys.exit(1)
acl = m.group(1)

passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + detail if detail else ""))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


tmp = tempfile.mkdtemp(prefix="hb-acl-")
users = {"sensor-0042": "pw42", "sensor-0043": "pw43", "heartbeat-backend": "pwbe"}
with open(os.path.join(tmp, "acl"), "w") as f:
    f.write(acl)
pwfile = os.path.join(tmp, "passwd")
open(pwfile, "w").close()
for u, p in users.items():
    subprocess.run([shutil.which("mosquitto_passwd") or "/usr/sbin/mosquitto_passwd",
                    "-b", pwfile, u, p], check=True)
port = free_port()
with open(os.path.join(tmp, "mosquitto.conf"), "w") as f:
    # "user": run as root, mosquitto would drop to user mosquitto, which
    # cannot read our private temporary directory.
    f.write("listener %d 127.0.0.1\nallow_anonymous false\npersistence false\n"
            "password_file %s\nacl_file %s\nlog_dest stdout\nuser %s\n"
            % (port, pwfile, os.path.join(tmp, "acl"), pwd.getpwuid(os.getuid()).pw_name))
log = open(os.path.join(tmp, "broker.log"), "w")
broker = subprocess.Popen([BROKER, "-c", os.path.join(tmp, "mosquitto.conf")],
                          stdout=log, stderr=subprocess.STDOUT)
try:
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    base = ["-h", "127.0.0.1", "-p", str(port)]

    # No sleeps: each step waits for the event it needs (a hang guard of
    # HANG seconds only stops a broken run), so the check holds under load.
    HANG = 30

    class Sub:
        """mosquitto_sub -d -v: its lines collected as they come."""
        def __init__(self, user, topic, extra=()):
            self.lines = []
            self.proc = subprocess.Popen(
                # line-buffered, so each line arrives as it is printed
                ["stdbuf", "-oL", SUB] + base + ["-u", user, "-P", users[user], "-t", topic, "-v", "-d"]
                + list(extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            self.thread = threading.Thread(target=self._read, daemon=True)
            self.thread.start()

        def _read(self):
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))

        def wait_for(self, pred):
            end = time.monotonic() + HANG
            while time.monotonic() < end and not pred(self.lines):
                if self.proc.poll() is not None and not self.thread.is_alive():
                    break
                time.sleep(0.01)
            return pred(self.lines)

        def text(self):
            return "\n".join(l for l in self.lines if not l.startswith("Client "))

        def stop(self):
            if self.proc.poll() is None:
                self.proc.terminate()
            self.proc.wait(timeout=HANG)
            self.thread.join(HANG)

    def pub(user, topic, msg):
        return subprocess.run([PUB] + base + ["-u", user, "-P", users[user],
                              "-t", topic, "-m", msg, "-q", "1"],
                              capture_output=True, text=True).returncode

    suback = lambda ls: any("SUBACK" in l for l in ls)  # noqa: E731
    # the backend exits after two messages: the beat and the marker
    backend = Sub("heartbeat-backend", "devices/+/heartbeat", ["-C", "2"])
    snoop = Sub("sensor-0043", "devices/+/heartbeat")
    subscribed = backend.wait_for(suback) and snoop.wait_for(suback)
    check("both subscribers are subscribed (SUBACK)", subscribed,
          "\n".join(backend.lines[-5:] + snoop.lines[-5:]))
    rc_own = pub("sensor-0042", "devices/sensor-0042/heartbeat", '{"device_id":"sensor-0042"}')
    rc_other = pub("sensor-0042", "devices/sensor-0043/heartbeat", '{"device_id":"forged"}')
    # A marker published after both (QoS 1: the broker has handled each
    # publish before mosquitto_pub returns): once the backend has it, the
    # broker has routed the two before it, to every subscriber.
    rc_mark = pub("sensor-0043", "devices/sensor-0043/heartbeat", '{"device_id":"marker"}')
    backend.wait_for(lambda ls: any('"marker"' in l for l in ls))
    backend.stop()
    snoop.stop()
    got, seen = backend.text(), snoop.text()
    ok_backend = ('devices/sensor-0042/heartbeat {"device_id":"sensor-0042"}' in got
                  and '"marker"' in got and rc_mark == 0)
    check("backend receives sensor-0042's beat", ok_backend and rc_own == 0, got.strip())
    # The denials only mean something when the clients did connect.
    check("sensor-0042 cannot publish on sensor-0043's topic",
          ok_backend and rc_other == 0 and "forged" not in got, got.strip())
    check("sensor-0043 cannot read other devices' beats",
          ok_backend and "sensor-0042" not in seen and "marker" not in seen
          and "rror" not in seen, seen.strip())
finally:
    broker.terminate()
    try:
        broker.wait(timeout=5)
    except subprocess.TimeoutExpired:
        broker.kill()
        broker.wait()
    log.close()
    if failed:
        with open(os.path.join(tmp, "broker.log")) as f:
            print("broker log:\n" + f.read())
    shutil.rmtree(tmp, ignore_errors=True)

print("RESULT: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
