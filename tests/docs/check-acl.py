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
import time

# mosquitto and mosquitto-clients: the step asks tests/need.sh for them.
BROKER = shutil.which("mosquitto") or "/usr/sbin/mosquitto"

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

    def sub(user, topic, seconds=2):
        return subprocess.Popen(["mosquitto_sub"] + base + ["-u", user, "-P", users[user],
                                "-t", topic, "-v", "-W", str(seconds)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def pub(user, topic, msg):
        return subprocess.run(["mosquitto_pub"] + base + ["-u", user, "-P", users[user],
                              "-t", topic, "-m", msg, "-q", "1"],
                              capture_output=True, text=True).returncode

    backend = sub("heartbeat-backend", "devices/+/heartbeat", 3)
    snoop = sub("sensor-0043", "devices/+/heartbeat", 3)
    time.sleep(0.7)  # let both subscriptions reach the broker
    rc_own = pub("sensor-0042", "devices/sensor-0042/heartbeat", '{"device_id":"sensor-0042"}')
    rc_other = pub("sensor-0042", "devices/sensor-0043/heartbeat", '{"device_id":"forged"}')
    got, _ = backend.communicate(timeout=10)
    seen, _ = snoop.communicate(timeout=10)
    ok_backend = 'devices/sensor-0042/heartbeat {"device_id":"sensor-0042"}' in got
    check("backend receives sensor-0042's beat", ok_backend and rc_own == 0, got.strip())
    # The denials only mean something when the clients did connect.
    check("sensor-0042 cannot publish on sensor-0043's topic",
          ok_backend and rc_other == 0 and "forged" not in got, got.strip())
    check("sensor-0043 cannot read other devices' beats",
          ok_backend and "sensor-0042" not in seen and "rror" not in seen, seen.strip())
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
