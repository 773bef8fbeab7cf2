# make demo: a heartbeat device on a real MQTT broker for a few seconds.
#
# With mosquitto installed: a private broker on a free 127.0.0.1 port,
# build/hb-mosquitto publishing to it, and a subscriber printing each beat
# (device id, seq, age); then everything is stopped (tests/integration/demo.py).
#   MQTT_HOST=broker.example [MQTT_PORT=1883] make demo   uses your broker
#   DEMO_SECONDS=10 DEMO_INTERVAL_MS=1000 make demo       longer, slower
# Without mosquitto: the stdout superloop, and how to get the real thing.
MQTT_HOST ?=
MQTT_PORT ?=
demo:
	@MAKE='$(MAKE)' BUILD='$(BUILD)' MQTT_HOST='$(MQTT_HOST)' MQTT_PORT='$(MQTT_PORT)' \
	  tests/integration/demo.sh

# The stdout superloop itself (what make demo runs without mosquitto).
TEST_STEPS += demo-stdout
check-demo-stdout:
	@tests/step.sh demo-stdout '$(MAKE) -s $(BUILD)/superloop_stdout && \
	  MAKE="$(MAKE)" tests/integration/demo-stdout.sh $(BUILD)/superloop_stdout'
