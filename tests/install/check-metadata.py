#!/usr/bin/python3
"""tests/install/check-metadata.py - the package metadata for PlatformIO
(library.json), Arduino (library.properties), ESP-IDF (idf_component.yml)
and Zephyr (zephyr/module.yml, CMakeLists.txt, Kconfig) parses, has the
fields each tool requires, and agrees with heartbeat.h's version.

Run from the repository root with Debian's /usr/bin/python3 (needs
python3-yaml). Prints one line per check and "RESULT: P passed, F failed".
"""
import json
import os
import re
import subprocess
import sys

import yaml  # the step asks tests/need.sh for it (python3-yaml)

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


def load(name, parse):
    try:
        with open(name, encoding="utf-8") as f:
            value = parse(f)
        check(name + " parses", True)
        return value
    except Exception as e:  # any parse error is the finding
        check(name + " parses", False, str(e))
        return None


def properties(f):
    out = {}
    for n, line in enumerate(f, 1):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "=" not in line:
            raise ValueError("line %d has no '=': %r" % (n, line))
        k, v = line.split("=", 1)
        if k in out:
            raise ValueError("line %d repeats %r" % (n, k))
        out[k] = v
    return out


with open("heartbeat.h", encoding="utf-8") as f:
    header = f.read()
m = re.search(r'^#define HEARTBEAT_VERSION_STRING "([0-9]+\.[0-9]+\.[0-9]+)"',
              header, re.M)
check("heartbeat.h has HEARTBEAT_VERSION_STRING", m is not None)
version = m.group(1) if m else None
line1 = header.split("\n", 1)[0]
check("heartbeat.h line 1 names v%s" % version, ("- v%s -" % version) in line1, line1)


def nonempty_str(d, key):
    return isinstance(d.get(key), str) and d[key].strip() != ""


# ---- PlatformIO ---------------------------------------------------------
pio = load("library.json", json.load)
if pio is not None:
    for key in ("name", "version", "description", "license"):
        check("library.json: %s is a non-empty string" % key, nonempty_str(pio, key))
    check("library.json: version = heartbeat.h's", pio.get("version") == version,
          repr(pio.get("version")))
    check("library.json: license is MIT", pio.get("license") == "MIT")
    check("library.json: keywords is a list of strings",
          isinstance(pio.get("keywords"), list)
          and all(isinstance(k, str) for k in pio["keywords"]))
    for key in ("frameworks", "platforms"):
        v = pio.get(key)
        check("library.json: %s is '*' or a list" % key,
              v == "*" or (isinstance(v, list) and v))
    hdrs = pio.get("headers")
    hdrs = [hdrs] if isinstance(hdrs, str) else hdrs
    check("library.json: headers exist",
          isinstance(hdrs, list) and all(os.path.isfile(h) for h in hdrs), repr(hdrs))
    build = pio.get("build", {})
    check("library.json: build.includeDir holds heartbeat.h",
          os.path.isfile(os.path.join(build.get("includeDir", "include"), "heartbeat.h")))
    for item in pio.get("export", {}).get("include", []):
        check("library.json: exported %s exists" % item, os.path.exists(item))

# ---- Arduino ------------------------------------------------------------
ard = load("library.properties", properties)
if ard is not None:
    for key in ("name", "version", "author", "maintainer", "sentence",
                "paragraph", "category", "url", "architectures"):
        check("library.properties: %s is set" % key, nonempty_str(ard, key))
    check("library.properties: version = heartbeat.h's", ard.get("version") == version,
          repr(ard.get("version")))
    check("library.properties: name uses allowed characters",
          re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _.\-]*", ard.get("name", "")) is not None)
    check("library.properties: category is one Arduino knows",
          ard.get("category") in ("Display", "Communication", "Signal Input/Output",
                                  "Sensors", "Device Control", "Timing",
                                  "Data Storage", "Data Processing", "Other"),
          repr(ard.get("category")))
    check("library.properties: url is http(s)",
          re.match(r"https?://", ard.get("url", "")) is not None)
    check("library.properties: includes exist",
          all(os.path.isfile(h.strip()) for h in ard.get("includes", "").split(",")))

# ---- ESP-IDF ------------------------------------------------------------
idf = load("idf_component.yml", yaml.safe_load)
if idf is not None:
    check("idf_component.yml: is a mapping", isinstance(idf, dict))
    idf = idf if isinstance(idf, dict) else {}
    check("idf_component.yml: version = heartbeat.h's", str(idf.get("version")) == version,
          repr(idf.get("version")))
    for key in ("description", "license"):
        check("idf_component.yml: %s is set" % key, nonempty_str(idf, key))
    check("idf_component.yml: depends on idf",
          isinstance(idf.get("dependencies"), dict) and "idf" in idf["dependencies"])
    with open("CMakeLists.txt", encoding="utf-8") as f:
        top = f.read()
    check("CMakeLists.txt registers the ESP-IDF component",
          re.search(r'if\(ESP_PLATFORM\)\s*\n\s*idf_component_register\(INCLUDE_DIRS "\."\)',
                    top) is not None)

# ---- Zephyr -------------------------------------------------------------
zm = load("zephyr/module.yml", yaml.safe_load)
if zm is not None:
    b = zm.get("build", {}) if isinstance(zm, dict) else {}
    check("zephyr/module.yml: name is set", nonempty_str(zm, "name"))
    check("zephyr/module.yml: build.cmake dir has CMakeLists.txt",
          os.path.isfile(os.path.join(b.get("cmake", "?"), "CMakeLists.txt")))
    check("zephyr/module.yml: build.kconfig exists", os.path.isfile(b.get("kconfig", "?")))
    with open(b.get("kconfig", "zephyr/Kconfig"), encoding="utf-8") as f:
        kconf = f.read()
    syms = re.findall(r"^config (\w+)", kconf, re.M)
    check("zephyr/Kconfig: defines HEARTBEAT", "HEARTBEAT" in syms, repr(syms))
    with open("zephyr/CMakeLists.txt", encoding="utf-8") as f:
        zcm = f.read()
    used = set(re.findall(r"CONFIG_(\w+)", zcm))
    check("zephyr/CMakeLists.txt uses only symbols zephyr/Kconfig defines",
          used <= set(syms), repr(sorted(used - set(syms))))
    srcs = re.findall(r"zephyr_library_sources\(([^)]*)\)", zcm)
    for s in " ".join(srcs).split():
        check("zephyr: source %s exists" % s, os.path.isfile(os.path.join("zephyr", s)))
    # With -DHEARTBEAT_MBEDTLS it is the step metadata-zephyr-mbedtls.
    cc = os.environ.get("CC", "cc")
    r = subprocess.run([cc, "-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
                        "-I.", "-c", "zephyr/heartbeat.c", "-o", os.devnull],
                       capture_output=True, text=True)
    check("zephyr/heartbeat.c compiles (-std=c99 -Werror)",
          r.returncode == 0, r.stderr.strip())

# The ESP-IDF and Zephyr CMake entry points, run against stubs, are the
# step metadata-cmake (tests/install/check-build-sim.sh).

print("RESULT: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
