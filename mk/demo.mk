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
	@mode=all; [ -n "$(MQTT_HOST)" ] && mode=client; \
	if why=$$(tests/integration/need.sh $$mode '$(CC)' mosquitto); then \
	  $(MAKE) -s $(BUILD)/hb-mosquitto && \
	  MQTT_HOST='$(MQTT_HOST)' MQTT_PORT='$(MQTT_PORT)' BUILD='$(BUILD)' \
	    /usr/bin/python3 tests/integration/demo.py; \
	else \
	  echo "demo: no MQTT demo here ($$why)."; \
	  echo "demo: for the real one: apt-get install mosquitto mosquitto-clients libmosquitto-dev"; \
	  echo "demo: meanwhile, the stdout superloop:"; \
	  $(MAKE) -s $(BUILD)/superloop_stdout && $(BUILD)/superloop_stdout; \
	fi
