#!/bin/sh
# tests/integration/demo.sh — `make demo`. With the MQTT parts installed:
# tests/integration/demo.py (a private mosquitto, build/hb-mosquitto, a
# subscriber printing each beat). With MQTT_HOST set the broker is yours, so
# mosquitto itself is not needed. Without them: one line naming what to
# install (each package once), then the stdout superloop.
# Environment: MAKE, BUILD, MQTT_HOST, MQTT_PORT, DEMO_SECONDS,
# DEMO_INTERVAL_MS.
MAKE=${MAKE:-make}
BUILD=${BUILD:-build}
parts="python3 mqtt-clients libmosquitto"
[ -n "${MQTT_HOST:-}" ] || parts="$parts mosquitto"
if why=$(tests/need.sh $parts); then
    $MAKE -s "$BUILD/hb-mosquitto" &&
    BUILD=$BUILD /usr/bin/python3 tests/integration/demo.py
else
    echo "demo: no MQTT demo here: ${why#skipped: }"
    echo "demo: meanwhile, the stdout superloop:"
    $MAKE -s "$BUILD/superloop_stdout" && "$BUILD/superloop_stdout"
fi
