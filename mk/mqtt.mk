# Real MQTT: the libmosquitto and Paho C device examples, and their
# integration tests against a private mosquitto broker (tests/integration/).
#
#   make examples                 build/hb-mosquitto and build/hb-paho
#   make check-mqtt-mosquitto     the integration tests of one example
#   make check-mqtt-paho
#
# Debian packages: libmosquitto-dev, libpaho-mqtt-dev (to build),
# mosquitto, mosquitto-clients (to test), openssl and valgrind (the TLS and
# valgrind groups).

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
	$(CLANG) $(EXAMPLE_CFLAGS) -o $@ $< $(MOSQUITTO_LIBS)

$(BUILD)/clang/hb-paho: examples/paho/hb-paho.c $(DEPS) examples/common/hb_example.h
	@mkdir -p $(@D)
	$(CLANG) $(EXAMPLE_CFLAGS) -o $@ $< $(PAHO_LIBS)

examples: $(BUILD)/hb-mosquitto $(BUILD)/hb-paho

# Steps (each declares its optional parts through tests/need.sh):
#   mqtt-examples-clang            both examples built with clang
#   mqtt-CLIENT                    tests/integration/run.py CLIENT core:
#                                  delivery at QoS 0/1/2, broker restart,
#                                  Last Will, SIGTERM, flags, password
#   mqtt-CLIENT-tls, -valgrind     the TLS and valgrind groups (openssl,
#                                  valgrind) for CLIENT = mosquitto, paho
#   mqtt-demo                      `make demo` itself, shortened
MQTT_CLIENTS := mosquitto paho
MQTT_NEED_mosquitto := libmosquitto
MQTT_NEED_paho      := paho
MQTT_NEED_tls       := openssl
MQTT_NEED_valgrind  := valgrind
MQTT_NEED = CC='$(CC)' tests/need.sh python3 mosquitto mqtt-clients
MQTT_STEPS := $(MQTT_CLIENTS) $(addsuffix -tls,$(MQTT_CLIENTS)) $(addsuffix -valgrind,$(MQTT_CLIENTS))

TEST_STEPS += mqtt-examples-clang $(addprefix mqtt-,$(MQTT_STEPS))
check-mqtt-examples-clang:
	@tests/step.sh mqtt-examples-clang 'CC="$(CC)" tests/need.sh clang libmosquitto paho && \
	  $(MAKE) -s $(BUILD)/clang/hb-mosquitto $(BUILD)/clang/hb-paho'
# mqtt-CLIENT[-GROUP]: the client's parts, the group's, then run.py
MQTT_CLIENT = $(firstword $(subst -, ,$*))
MQTT_GROUP  = $(or $(word 2,$(subst -, ,$*)),core)
$(addprefix check-mqtt-,$(MQTT_STEPS)): check-mqtt-%:
	@tests/step.sh mqtt-$* '$(MQTT_NEED) $(MQTT_NEED_$(MQTT_CLIENT)) $(MQTT_NEED_$(MQTT_GROUP)) && \
	  $(MAKE) -s $(BUILD)/hb-$(MQTT_CLIENT) && \
	  BUILD='$(BUILD)' /usr/bin/python3 tests/integration/run.py $(MQTT_CLIENT) $(MQTT_GROUP)'

# `make demo` itself, shortened: the beats and the final offline beat show.
TEST_STEPS += mqtt-demo
check-mqtt-demo:
	@tests/step.sh mqtt-demo '$(MQTT_NEED) libmosquitto && \
	  DEMO_SECONDS=1.5 DEMO_INTERVAL_MS=200 MAKE="$(MAKE)" \
	  tests/integration/demo-step.sh $(BUILD)/integration-demo.out'

# make stress-mqtt (not part of make test): the MQTT integration suites 5
# times back to back while a CPU hog keeps every core busy.
STRESS_RUNS ?= 5
.PHONY: stress-mqtt
stress-mqtt:
	@$(MQTT_NEED) libmosquitto paho openssl valgrind && \
	  $(MAKE) -s $(BUILD)/hb-mosquitto $(BUILD)/hb-paho && \
	  BUILD='$(BUILD)' STRESS_RUNS='$(STRESS_RUNS)' tests/integration/stress.sh
