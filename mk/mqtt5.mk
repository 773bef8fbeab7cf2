# MQTT 5, availability, reconnect storms and keep-alive starvation
# (docs/mqtt5.md). Steps of `make test`:
#   storm      10^4 devices through one broker restart, on simulated time,
#              reconnecting with hb_backoff: the histogram of connects per
#              second; its peak must stay within 2 x the mean over the
#              jitter window (for every outage from 1 s to 4 caps, too)
#   storm-svg  docs/storm.svg is what gnuplot makes of that simulation now
#              (run `make docs` and commit after changing hb_backoff)
#   mqtt5      both examples with --mqtt 5 against a private mosquitto 2.x:
#              message expiry, retained availability, Will Delay check
#              (tests/integration/mqtt5.py)

GNUPLOT ?= gnuplot

$(BUILD)/mqtt5/storm: tests/mqtt5/storm.c $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WSTRICT) -O2 -I. -o $@ tests/mqtt5/storm.c

$(BUILD)/mqtt5/storm.dat: $(BUILD)/mqtt5/storm
	$(BUILD)/mqtt5/storm --data $@ > $(BUILD)/mqtt5/storm.txt

docs: docs/storm.svg
docs/storm.svg: docs/storm.gp $(BUILD)/mqtt5/storm.dat
	@tests/need.sh gnuplot
	$(GNUPLOT) -e "data='$(BUILD)/mqtt5/storm.dat'" docs/storm.gp > $@

TEST_STEPS += storm storm-svg mqtt5
check-storm:
	@tests/step.sh storm '$(MAKE) -s $(BUILD)/mqtt5/storm && $(BUILD)/mqtt5/storm'
check-storm-svg:
	@tests/step.sh storm-svg 'tests/need.sh gnuplot && $(MAKE) -s $(BUILD)/mqtt5/storm && \
	  GNUPLOT="$(GNUPLOT)" BUILD="$(BUILD)" tests/mqtt5/check-storm-svg.sh'
check-mqtt5:
	@tests/step.sh mqtt5 'tests/need.sh mosquitto mqtt-clients libmosquitto paho python3 && \
	  $(MAKE) -s $(BUILD)/hb-mosquitto $(BUILD)/hb-paho && \
	  BUILD="$(BUILD)" /usr/bin/python3 tests/integration/mqtt5.py'
