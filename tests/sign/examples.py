#!/usr/bin/python3
"""tests/sign/examples.py KEYDIR EXE... — the MQTT examples built with
HEARTBEAT_MBEDTLS (build/sign/hb-mosquitto, build/sign/hb-paho) send signed
beats through a private mosquitto on 127.0.0.1, and a subscriber (mosquitto_sub,
MQTT 5, printing content type, user properties and payload) receives them.

For each example, ES256 and HS256, carrier A on MQTT 3.1.1 and 5, carrier B
on MQTT 5:
  - two beats and the final offline beat arrive;
  - carrier A: the payload is a compact JWS that PyJWT verifies with the
    device's public key (HS256: the secret), typ hb+jwt, kid <id>-hb; on
    MQTT 5 its content type is application/jwt;
  - carrier B (MQTT 5): the payload is the JSON claims, content type
    application/json, the user property jws holds the detached JWS, and
    PyJWT verifies it with the payload reattached;
  - seq counts 0, 1, 2 and the boot_id is the same in one run; exp is
    iat + 1 (ceil(1.5 x 200 ms)), checked by value, not against the clock.
Bad flags are refused (exit 2). Prints "RESULT: P passed, F failed".
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integration"))
import mqttlib  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jose3 import Tally, b64e, read_key  # noqa: E402

try:
    import jwt as pyjwt
except ImportError as e:
    print("missing Python package (%s): apt-get install python3-jwt" % e)
    sys.exit(77)

KEYS = sys.argv[1]
EXES = sys.argv[2:]
T = Tally()
check = T.check


def read(name):
    return read_key(KEYS, name)


def run_one(broker, exe, alg, carrier, mqtt, dev):
    topic = "heartbeat/" + dev
    out = os.path.join(broker.dir, "sub-%s.txt" % dev)
    sub = subprocess.Popen(
        [mqttlib.find_exe("mosquitto_sub"), "-h", "127.0.0.1", "-p", str(broker.port),
         "-V", "mqttv5", "-t", topic, "-q", "1", "-F", "%C\t%P\t%p", "-W", "20"],
        stdout=open(out, "w"), stderr=subprocess.DEVNULL)
    time.sleep(0.3)       # the subscription is in place before the beats
    key = "ec.p8.pem" if alg == "es256" else "hs.key"
    r = subprocess.run([exe, "--port", str(broker.port), "--id", dev, "--qos", "1",
                        "--interval-ms", "200", "--count", "2", "--sign", alg,
                        "--key", os.path.join(KEYS, key), "--carrier", carrier,
                        "--mqtt", mqtt],
                       capture_output=True, text=True, timeout=20)
    deadline = time.monotonic() + 5
    lines = []
    while time.monotonic() < deadline:
        with open(out) as f:
            lines = [l.rstrip("\n") for l in f if l.strip()]
        if len(lines) >= 3:
            break
        time.sleep(0.05)
    sub.terminate()
    sub.wait()
    return r, lines


def main():
    broker = mqttlib.Broker("sign-examples").start()
    try:
        for exe in EXES:
            name = os.path.basename(exe)
            for alg in ("es256", "hs256"):
                pub = read("ec.pub.pem") if alg == "es256" else read("hs.key")
                for carrier, mqtt in (("a", "3"), ("a", "5"), ("b", "5")):
                    dev = "%s-%s-%s%s" % (name, alg, carrier, mqtt)
                    tag = "%s %s carrier %s MQTT %s" % (name, alg, carrier.upper(), mqtt)
                    r, lines = run_one(broker, exe, alg, carrier, mqtt, dev)
                    check(tag + ": exit 0", r.returncode == 0, r.stderr)
                    check(tag + ": 2 beats + offline arrive", len(lines) == 3,
                          repr(lines))
                    boot = None
                    for i, line in enumerate(lines[:3]):
                        ctype, props, payload = (line.split("\t", 2) + ["", ""])[:3]
                        try:
                            if carrier == "a":
                                tok = payload
                                want = "application/jwt" if mqtt == "5" else ""
                                check("%s #%d: content type %r" % (tag, i, want),
                                      ctype == want, ctype)
                            else:
                                check("%s #%d: content type application/json" % (tag, i),
                                      ctype == "application/json", ctype)
                                det = [p[4:] for p in props.split(" ") if p.startswith("jws:")]
                                check("%s #%d: user property jws" % (tag, i),
                                      len(det) == 1, props)
                                h, mid, s = det[0].split(".")
                                tok = h + "." + b64e(payload.encode()) + "." + s
                            hdr = pyjwt.get_unverified_header(tok)
                            # exp is 1 s after iat at this interval: the
                            # signature is checked here, exp by its formula
                            claims = pyjwt.decode(tok, pub, algorithms=[alg.upper()],
                                                  options={"verify_exp": False})
                            check("%s #%d: exp = iat + ceil(1.5 * 0.2 s)" % (tag, i),
                                  claims.get("exp") == claims.get("iat", 0) + 1,
                                  str(claims))
                            check("%s #%d: PyJWT verifies, typ hb+jwt, kid" % (tag, i),
                                  hdr.get("typ") == "hb+jwt" and hdr.get("kid") == dev + "-hb",
                                  str(hdr))
                            check("%s #%d: seq %d, one boot_id" % (tag, i, i),
                                  claims.get("seq") == i and
                                  (boot is None or claims.get("boot_id") == boot),
                                  str(claims))
                            boot = claims.get("boot_id")
                        except Exception as e:  # noqa: BLE001
                            check("%s #%d: verifies" % (tag, i), False, repr(e) + " " + line)
            bad = subprocess.run([exe, "--sign", "rs256", "--key", "x"],
                                 capture_output=True, text=True)
            check(name + ": --sign rs256 refused", bad.returncode == 2, bad.stderr)
            bad = subprocess.run([exe, "--carrier", "b"], capture_output=True, text=True)
            check(name + ": --carrier without --sign refused", bad.returncode == 2,
                  bad.stderr)
            bad = subprocess.run([exe, "--sign", "es256", "--key", "x", "--carrier", "b"],
                                 capture_output=True, text=True)
            check(name + ": --carrier b without --mqtt 5 refused",
                  bad.returncode == 2 and "mqtt 5" in bad.stderr, bad.stderr)
    finally:
        broker.stop()
        mqttlib.cleanup_all()
    print("RESULT: %d passed, %d failed" % (T.passed, T.failed))
    return 1 if T.failed else 0


sys.exit(main())
