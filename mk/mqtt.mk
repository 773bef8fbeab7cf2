# Real MQTT: the libmosquitto and Paho C device examples, and their
# integration tests against a private mosquitto broker (tests/integration/).
#
#   make examples                 build/hb-mosquitto and build/hb-paho
#   make check-mqtt-mosquitto     the integration tests of one example
#   make check-mqtt-paho
#
# Debian packages: libmosquitto-dev, libpaho-mqtt-dev (to build),
# mosquitto, mosquitto-clients (to test). Missing ones make the steps skip
# (exit 77) with the package names.

MOSQUITTO_LIBS ?= -lmosquitto
PAHO_LIBS      ?= -lpaho-mqtt3cs
# Examples are user code: build them with the strict flags a user might use.
EXAMPLE_CFLAGS  = $(CFLAGS) $(WSTRICT) -I. -Iexamples/common

$(BUILD)/hb-mosquitto: examples/mosquitto/hb-mosquitto.c $(DEPS) examples/common/hb_example.h
	@mkdir -p $(@D)
	$(CC) $(EXAMPLE_CFLAGS) -o $@ $< $(MOSQUITTO_LIBS)

$(BUILD)/hb-paho: examples/paho/hb-paho.c $(DEPS) examples/common/hb_example.h
	@mkdir -p $(@D)
	$(CC) $(EXAMPLE_CFLAGS) -o $@ $< $(PAHO_LIBS)

# The same with clang, to keep the examples warning-free under both.
$(BUILD)/clang/hb-mosquitto: examples/mosquitto/hb-mosquitto.c $(DEPS) examples/common/hb_example.h
	@mkdir -p $(@D)
	clang $(EXAMPLE_CFLAGS) -o $@ $< $(MOSQUITTO_LIBS)

$(BUILD)/clang/hb-paho: examples/paho/hb-paho.c $(DEPS) examples/common/hb_example.h
	@mkdir -p $(@D)
	clang $(EXAMPLE_CFLAGS) -o $@ $< $(PAHO_LIBS)

examples: $(BUILD)/hb-mosquitto $(BUILD)/hb-paho

# Exit 77 naming the packages when a library header or the broker is missing.
MQTT_NEED_LIBS = tests/integration/need.sh libs '$(CC)'
MQTT_NEED_ALL  = tests/integration/need.sh all '$(CC)'

TEST_STEPS += mqtt-examples-clang mqtt-mosquitto mqtt-paho
check-mqtt-examples-clang:
	@tests/step.sh mqtt-examples-clang '$(MQTT_NEED_LIBS) clang && \
	  $(MAKE) -s $(BUILD)/clang/hb-mosquitto $(BUILD)/clang/hb-paho'
check-mqtt-mosquitto:
	@tests/step.sh mqtt-mosquitto '$(MQTT_NEED_ALL) mosquitto && \
	  $(MAKE) -s $(BUILD)/hb-mosquitto && BUILD='$(BUILD)' /usr/bin/python3 tests/integration/run.py mosquitto'
check-mqtt-paho:
	@tests/step.sh mqtt-paho '$(MQTT_NEED_ALL) paho && \
	  $(MAKE) -s $(BUILD)/hb-paho && BUILD='$(BUILD)' /usr/bin/python3 tests/integration/run.py paho'

# `make demo` itself, shortened: the beats and the final offline beat show.
TEST_STEPS += mqtt-demo
check-mqtt-demo:
	@tests/step.sh mqtt-demo '$(MQTT_NEED_ALL) mosquitto && \
	  DEMO_SECONDS=1.5 DEMO_INTERVAL_MS=200 $(MAKE) -s --no-print-directory demo \
	    > $(BUILD)/integration-demo.out 2>&1; rc=$$?; cat $(BUILD)/integration-demo.out; \
	  [ $$rc = 0 ] && grep -q " offline " $(BUILD)/integration-demo.out'
