# The fleet monitor (hb_mon_*, the MONITOR section of heartbeat.h).
#
#   make bench-monitor   hb_monitor next to a naive 2 x interval timeout,
#                        Akka-style and Cassandra-style phi accrual on one
#                        deterministic simulated trace, then hb_mon_beat
#                        speed, sweep time and memory at 10^6 devices (the
#                        tables of docs/monitor.md), and the oracle: the
#                        false DEADs and detection latency any detector
#                        that sees only the arrivals gets at each silence
#                        deadline. BENCH_MONITOR_ARGS: e.g. --devices
#                        200000 --hours 4 --big 2000000 --dead-phi 800;
#                        --no-counters: the speed part without the
#                        counters array (slot lines only)
#   make bench-monitor-instr
#                        instructions per call under callgrind (they do
#                        not move with the machine's load): hb_mon_parse,
#                        hb_mon_beat on new and known devices,
#                        hb_mon_beat_batch, on the payloads of the speed
#                        part (20000 devices, the same 67 % load)
#
# Its unit suite is SUITE(monitor) in tests/test_monitor.c (part of the
# unit binary, so also of unit-clang, unit-asan-ubsan, unit-valgrind and
# the qemu steps); its fuzz harness is fuzz/fuzz_monitor.c (fuzz-smoke).
# Step of `make test`: bench-monitor-smoke — the bench builds and runs on
# a small trace (no pass/fail on numbers: the machine is shared), and its
# -O2 build still holds the slot prefetch (tests/prefetch-check.sh).

BENCH_MONITOR_ARGS ?=

# build/hb-monitor (examples/monitor/hb-monitor.c), part of `make examples`
$(BUILD)/hb-monitor: examples/monitor/hb-monitor.c $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(EXAMPLE_CFLAGS) -o $@ $< $(MOSQUITTO_LIBS)

$(BUILD)/clang/hb-monitor: examples/monitor/hb-monitor.c $(DEPS)
	@mkdir -p $(@D)
	clang $(EXAMPLE_CFLAGS) -o $@ $< $(MOSQUITTO_LIBS)

examples: $(BUILD)/hb-monitor

$(BENCH_OUT)/monitor: bench/monitor.c $(BENCH_HB)/heartbeat.h $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $(BENCH_CG) -I$(BENCH_HB) -o $@ bench/monitor.c -lm

.PHONY: bench-monitor bench-monitor-instr
bench-monitor: $(BENCH_OUT)/monitor
	$(BENCH_OUT)/monitor $(BENCH_MONITOR_ARGS)

bench-monitor-instr: $(BENCH_OUT)/monitor
	@tests/need.sh valgrind && BENCH_OUT="$(BENCH_OUT)" BENCH_BIN=monitor \
	  BENCH_VG_ARGS=--collect-atstart=no BENCH_INSTR_ARGS="--instr $(BENCH_MONITOR_ARGS)" bench/instr.sh

TEST_STEPS += bench-monitor-smoke
check-bench-monitor-smoke:
	@tests/step.sh bench-monitor-smoke '$(MAKE) -s $(BENCH_OUT)/monitor && \
	  $(BENCH_OUT)/monitor --quick && tests/prefetch-check.sh $(BENCH_OUT)/monitor'

# hb-monitor against a private mosquitto with 20 hb-mosquitto devices
# (tests/integration/monitor.py): SIGSTOP/SIGCONT, SIGTERM, SIGKILL (Will),
# broker restart, device restart, two --shard instances.
TEST_STEPS += mqtt-monitor mqtt-monitor-clang
check-mqtt-monitor:
	@tests/step.sh mqtt-monitor 'tests/need.sh mosquitto libmosquitto python3 && \
	  $(MAKE) -s $(BUILD)/hb-monitor $(BUILD)/hb-mosquitto && \
	  BUILD="$(BUILD)" /usr/bin/python3 tests/integration/monitor.py'
check-mqtt-monitor-clang:
	@tests/step.sh mqtt-monitor-clang 'tests/need.sh libmosquitto clang && \
	  $(MAKE) -s $(BUILD)/clang/hb-monitor'

# make demo-fleet: a few devices and hb-monitor's live view on a private
# broker; one device is frozen, thawed and another stopped while it runs.
.PHONY: demo-fleet
demo-fleet:
	@tests/need.sh mosquitto libmosquitto python3 && \
	  $(MAKE) -s $(BUILD)/hb-monitor $(BUILD)/hb-mosquitto && \
	  BUILD='$(BUILD)' /usr/bin/python3 tests/integration/demo_fleet.py

# The demo itself, shortened, its JSON lines checked.
TEST_STEPS += mqtt-demo-fleet
check-mqtt-demo-fleet:
	@tests/step.sh mqtt-demo-fleet 'tests/need.sh mosquitto libmosquitto python3 || exit $$?; \
	  DEMO_INTERVAL_MS=200 DEMO_STEP_S=2 $(MAKE) -s --no-print-directory demo-fleet \
	    > $(BUILD)/demo-fleet.out 2>&1; rc=$$?; cat $(BUILD)/demo-fleet.out; \
	  [ $$rc = 0 ] && grep -q "\"event\":\"dead\",\"id\":\"sensor-2\"" $(BUILD)/demo-fleet.out && \
	  grep -q "\"event\":\"alive\",\"id\":\"sensor-2\"" $(BUILD)/demo-fleet.out && \
	  grep -q "\"event\":\"offline\",\"id\":\"sensor-3\"" $(BUILD)/demo-fleet.out'
