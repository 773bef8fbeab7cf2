#!/bin/sh
# tests/integration/need.sh MODE CC WHAT — exit 77 (skip), naming the Debian
# packages to install, when something the MQTT steps need is missing.
#   MODE libs: the client library headers (WHAT = mosquitto, paho, or clang
#              for both headers plus the clang compiler)
#   MODE all:  the headers of WHAT plus the broker, mosquitto_sub/_pub, python3
#   MODE client: as all, without the broker (make demo with MQTT_HOST)
mode=$1 cc=$2 what=$3
missing=""
header() { # header package
    printf '#include <%s>\n' "$1" | $cc -E -x c - >/dev/null 2>&1 ||
        missing="$missing $2"
}
tool() { # program package
    command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] ||
        missing="$missing $2"
}
case $what in
    mosquitto) header mosquitto.h libmosquitto-dev ;;
    paho)      header MQTTClient.h libpaho-mqtt-dev ;;
    clang)     tool clang clang; cc=${CLANG:-clang}
               command -v "$cc" >/dev/null 2>&1 && {
                   header mosquitto.h libmosquitto-dev
                   header MQTTClient.h libpaho-mqtt-dev; } ;;
esac
[ "$mode" = all ] && tool mosquitto mosquitto
if [ "$mode" = all ] || [ "$mode" = client ]; then
    tool mosquitto_sub mosquitto-clients
    tool mosquitto_pub mosquitto-clients
    [ -x /usr/bin/python3 ] || missing="$missing python3"
fi
if [ -n "$missing" ]; then
    echo "skipped: missing$missing — apt-get install$missing"
    exit 77
fi
exit 0
