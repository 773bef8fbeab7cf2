# The fleet monitor (hb_mon_*, the MONITOR section of heartbeat.h).
#
#   make bench-monitor   hb_monitor next to a naive 2 x interval timeout,
#                        Akka-style and Cassandra-style phi accrual on one
#                        deterministic simulated trace, then hb_mon_beat
#                        speed, sweep time and memory at 10^6 devices (the
#                        tables of docs/monitor.md). BENCH_MONITOR_ARGS:
#                        e.g. --devices 200000 --hours 4 --big 2000000
#
# Its unit suite is SUITE(monitor) in tests/test_monitor.c (part of the
# unit binary, so also of unit-clang, unit-asan-ubsan, unit-valgrind and
# the qemu steps); its fuzz harness is fuzz/fuzz_monitor.c (fuzz-smoke).
# Step of `make test`: bench-monitor-smoke — the bench builds and runs on
# a small trace (no pass/fail on numbers: the machine is shared).

BENCH_MONITOR_ARGS ?=

$(BENCH_OUT)/monitor: bench/monitor.c $(DEPS)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -I$(BENCH_HB) -o $@ bench/monitor.c -lm

.PHONY: bench-monitor
bench-monitor: $(BENCH_OUT)/monitor
	$(BENCH_OUT)/monitor $(BENCH_MONITOR_ARGS)

TEST_STEPS += bench-monitor-smoke
check-bench-monitor-smoke:
	@tests/step.sh bench-monitor-smoke '$(MAKE) -s $(BENCH_OUT)/monitor && \
	  $(BENCH_OUT)/monitor --quick'
