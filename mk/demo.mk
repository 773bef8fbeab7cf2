# make demo: the stdout superloop (replaced by the broker demo when the MQTT
# part lands).
demo: $(BUILD)/superloop_stdout
	$(BUILD)/superloop_stdout
