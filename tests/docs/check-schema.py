#!/usr/bin/python3
"""tests/docs/check-schema.py MESSAGES - validate the messages that
tests/docs/messages.c printed ("label<TAB>json" per line) against
docs/heartbeat.schema.json (JSON Schema 2020-12), and check what a schema
cannot say: no duplicate members, and the built-in members in the order
docs/message-format.md documents. Then prove the check can fail: a set of
broken messages must each be rejected.

Needs Debian's python3-jsonschema (run with /usr/bin/python3; the step
declares it through tests/need.sh).
Prints "RESULT: P passed, F failed".
"""
import copy
import json
import sys

import jsonschema  # the step asks tests/need.sh for it (python3-jsonschema)

SCHEMA = "docs/heartbeat.schema.json"
# The documented order of the built-in members; custom fields come after.
ORDER = ["device_id", "timestamp|clock_synced", "status", "jwt_token", "seq",
         "boot_id", "uptime_ms", "interval_ms", "publish_failures", "missed",
         "last_error", "iat", "exp"]
RANK = {}
for i, k in enumerate(ORDER):
    for name in k.split("|"):
        RANK[name] = i

passed = 0
failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + detail if detail else ""))


def pairs(p):
    keys = [k for k, _ in p]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise ValueError("duplicate members %s" % dup)
    obj = dict(p)
    obj["\0order"] = keys  # removed again below; top level only matters
    return obj


def strip_order(v):
    if isinstance(v, dict):
        v.pop("\0order", None)
        for x in v.values():
            strip_order(x)
    elif isinstance(v, list):
        for x in v:
            strip_order(x)
    return v


with open(SCHEMA, encoding="utf-8") as f:
    schema = json.load(f)
try:
    jsonschema.Draft202012Validator.check_schema(schema)
    check("schema is valid JSON Schema 2020-12", True)
except jsonschema.exceptions.SchemaError as e:
    check("schema is valid JSON Schema 2020-12", False, e.message)
    print("RESULT: %d passed, %d failed" % (passed, failed))
    sys.exit(1)
validator = jsonschema.Draft202012Validator(schema)


def errors(msg):
    return sorted(e.message for e in validator.iter_errors(msg))


# What each labelled message must hold (beyond what the schema requires).
EXPECT = {
    "default": ["timestamp"],
    "all-options": ["timestamp", "seq", "boot_id", "uptime_ms", "interval_ms",
                    "publish_failures", "missed", "last_error", "battery", "rssi"],
    "boot-id-string": ["boot_id"],
    "unsynced": ["clock_synced"],
    "unsynced-all-options": ["clock_synced", "seq", "last_error", "battery"],
    "offline-message": ["timestamp"],
    "offline-on-stop": ["timestamp"],
    "signed-claims": ["timestamp", "seq", "boot_id", "uptime_ms", "interval_ms",
                      "iat", "exp"],
    "signed-unsynced": ["clock_synced", "seq", "boot_id"],
}

messages = []
seen = set()
with open(sys.argv[1], encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        label, _, text = line.rstrip("\n").partition("\t")
        name = "%s (line %d)" % (label, n)
        try:
            msg = json.loads(text, object_pairs_hook=pairs)
        except ValueError as e:
            check(name + " is JSON without duplicate members", False, str(e))
            continue
        keys = msg.pop("\0order")
        strip_order(msg)
        errs = errors(msg)
        check(name + " matches the schema", not errs, "; ".join(errs))
        ranks = [RANK[k] for k in keys if k in RANK]
        builtin_done = False
        custom_first = True
        for k in keys:
            if k not in RANK:
                builtin_done = True
            elif builtin_done:
                custom_first = False
        check(name + " has built-in members in the documented order, custom after",
              ranks == sorted(ranks) and custom_first, repr(keys))
        for k in EXPECT.get(label, []):
            check("%s has %s" % (name, k), k in msg)
        if label.startswith("offline"):
            check(name + ' has status "offline"', msg.get("status") == "offline")
        if label == "default":
            check(name + " is exactly the four Go members",
                  keys == ["device_id", "timestamp", "status", "jwt_token"]
                  and msg["status"] == "alive", repr(keys))
        if label == "boot-id-string":
            check(name + " boot_id is a string", isinstance(msg.get("boot_id"), str))
        messages.append(msg)
        seen.add(label)

for label in EXPECT:
    check("a %s message was produced" % label, label in seen)

# ---- the check must be able to fail ----------------------------------------
full = next((m for m in messages if "last_error" in m and "timestamp" in m), None)
check("a message with every optional member to break", full is not None)
if full is None:
    print("RESULT: %d passed, %d failed" % (passed, failed))
    sys.exit(1)


def broken(what, change):
    m = copy.deepcopy(full)
    change(m)
    check("rejects a message with " + what, bool(errors(m)))


def drop(k):
    return lambda m: m.pop(k)


def put(k, v):
    return lambda m: m.__setitem__(k, v)


broken("no device_id", drop("device_id"))
broken("no status", drop("status"))
broken("no jwt_token", drop("jwt_token"))
signed = next((m for m in messages if "iat" in m), None)
check("a signed beat's claims to break", signed is not None)
if signed is not None:
    for what, change in (("iat without exp", drop("exp")),
                         ("no seq", drop("seq")),
                         ("neither jwt_token nor iat/exp", drop("iat")),
                         ("a string exp", put("exp", "soon"))):
        m = copy.deepcopy(signed)
        if what.startswith("neither"):
            m.pop("exp")
        change(m)
        check("rejects signed claims with " + what, bool(errors(m)))
broken("neither timestamp nor clock_synced", drop("timestamp"))
broken("both timestamp and clock_synced", put("clock_synced", False))
broken("clock_synced true instead of timestamp",
       lambda m: (m.pop("timestamp"), m.__setitem__("clock_synced", True)))
broken("a numeric device_id", put("device_id", 42))
broken("a null jwt_token", put("jwt_token", None))
broken("an empty status", put("status", ""))
broken("a 33-character status", put("status", "x" * 33))
for ts in ("2026-11-27 19:53:22Z", "2026-11-27T19:53:22.120Z",
           "2026-11-27T19:53:22.Z", "2026-11-27T19:53:22.1234567891Z",
           "2026-11-27T19:53:22", "2026-11-27T19:53:22+0530",
           "2026-13-27T19:53:22Z", "2026-11-27T24:00:00Z",
           "2026-11-27T19:53:22+24:00", "1795809202"):
    broken("timestamp %r" % ts, put("timestamp", ts))
broken("a numeric timestamp", put("timestamp", 1795809202))
broken("seq -1", put("seq", -1))
broken("seq 2^32", put("seq", 4294967296))
broken("seq as a string", put("seq", "1"))
broken("seq 1.5", put("seq", 1.5))
broken("boot_id null", put("boot_id", None))
broken("boot_id 2^32", put("boot_id", 4294967296))
broken("uptime_ms -1", put("uptime_ms", -1))
broken("uptime_ms 2^64", put("uptime_ms", 18446744073709551616))
broken("interval_ms 0", put("interval_ms", 0))
broken("interval_ms 2^31", put("interval_ms", 2147483648))
broken("last_error 1", put("last_error", 1))
broken("publish_failures without missed", drop("missed"))
broken("last_error alone",
       lambda m: (m.pop("missed"), m.pop("publish_failures")))
check("rejects an array", bool(errors([full])))
check("rejects a string", bool(errors(json.dumps(full))))

print("RESULT: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
