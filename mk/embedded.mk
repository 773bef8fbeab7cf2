# Embedded proof: freestanding builds, footprint, zero heap, the unit tests
# on emulated Cortex-M, and the bare-metal example.
#
#   make size         the footprint table (tools/size.sh) for Cortex-M0, M4,
#                     M33 and rv32imac; paste build/size/footprint.txt into
#                     the FOOTPRINT section of heartbeat.h
#   make test-qemu    the unit tests (tests/main.c + tests/test_*.c) on
#                     Cortex-M3 (mps2-an385), M4 (mps2-an386), M33
#                     (mps2-an505) under qemu-system-arm with semihosting
#
# Steps of `make test`: freestanding (Cortex-M), freestanding-rv32, noheap
# (host), noheap-arm, qemu-m3, qemu-m4, qemu-m33, bare-metal, stack-qemu
# (the static hb_poll stack figure of `make size` checked against a
# measurement on Cortex-M4), footprint-fresh. Each declares its cross tools
# through tests/need.sh (gcc-arm-none-eabi, libnewlib-arm-none-eabi,
# qemu-system-arm, gcc-riscv64-unknown-elf).
#
# QEMU_TIMEOUT (seconds) is a hang guard for one emulated run, not a
# timing check: a unit run takes a few seconds; only a hung board reaches it.
#
# The unit tests see HB_TEST_TARGET_QEMU defined to 1 on the emulated
# boards: gate anything host-only (sockets, processes) with it.

ARM_CC       ?= arm-none-eabi-gcc
RV_CC        ?= riscv64-unknown-elf-gcc
QEMU_ARM     ?= qemu-system-arm
QEMU_TIMEOUT ?= 300
PYTHON3      ?= python3

EMB     := tests/embedded
EMB_OUT := $(BUILD)/embedded
EMB_ENV := ARM_CC='$(ARM_CC)' RV_CC='$(RV_CC)' QEMU_ARM='$(QEMU_ARM)' \
           QEMU_TIMEOUT='$(QEMU_TIMEOUT)' PYTHON='$(PYTHON3)'

# Boards: CPU flags, memory map for mps2.ld.in, qemu machine. The M4 and
# M33 builds use their FPU (hard float), which startup.c switches on.
EMB_BOARDS      := m3 m4 m33
EMB_CPU_m3      := -mthumb -mcpu=cortex-m3 -mfloat-abi=soft
EMB_CPU_m4      := -mthumb -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16
EMB_CPU_m33     := -mthumb -mcpu=cortex-m33 -mfloat-abi=hard -mfpu=fpv5-sp-d16
EMB_MEM_m3      := -DCODE_ORIGIN=0x00000000 -DRAM_ORIGIN=0x20000000 -DRAM_LENGTH=4M
EMB_MEM_m4      := $(EMB_MEM_m3)
EMB_MEM_m33     := -DCODE_ORIGIN=0x10000000 -DRAM_ORIGIN=0x38000000 -DRAM_LENGTH=2M
EMB_MACHINE_m3  := mps2-an385
EMB_MACHINE_m4  := mps2-an386
EMB_MACHINE_m33 := mps2-an505

# Full newlib (not nano: its printf garbles %llu), semihosting through
# rdimon, our own startup (newlib's rdimon crt0 hangs under qemu).
EMB_CFLAGS  := -std=c99 -Wall -Wextra -Wpedantic -Werror -g -O1 \
               -ffunction-sections -fdata-sections
EMB_LDFLAGS := --specs=rdimon.specs -nostartfiles -Wl,--gc-sections \
               -Wl,--no-warn-rwx-segments
EMB_START   := $(EMB)/startup.c $(EMB)/mps2.ld.in

$(EMB_OUT)/%/mps2.ld: $(EMB)/mps2.ld.in $(DEPS)
	@mkdir -p $(@D)
	$(ARM_CC) -E -P -x c $(EMB_MEM_$*) $< -o $@

# The unit tests, exactly the host's set, for one board.
$(EMB_OUT)/%/unit.elf: $(UNIT_SRC) $(UNIT_HDR) $(DEPS) $(GREATEST) $(EMB_START) $(EMB_OUT)/%/mps2.ld
	$(ARM_CC) $(EMB_CPU_$*) $(EMB_CFLAGS) -DHB_TEST_TARGET_QEMU=1 \
	  -I. -I$(BUILD)/greatest -Itests $(EMB_LDFLAGS) -T $(EMB_OUT)/$*/mps2.ld \
	  -o $@ $(EMB)/startup.c $(UNIT_SRC)

# The harness self-test: a greatest run with one failing test (exit 1).
$(EMB_OUT)/%/selftest-fail.elf: $(EMB)/hello.c $(DEPS) $(GREATEST) $(EMB_START) $(EMB_OUT)/%/mps2.ld
	$(ARM_CC) $(EMB_CPU_$*) $(EMB_CFLAGS) -DHELLO_FAIL=1 \
	  -I$(BUILD)/greatest $(EMB_LDFLAGS) -T $(EMB_OUT)/$*/mps2.ld \
	  -o $@ $(EMB)/startup.c $(EMB)/hello.c

# The bare-metal example, for the Cortex-M3 board.
$(EMB_OUT)/bare_metal.elf: examples/bare_metal/main.c $(DEPS) $(EMB_START) $(EMB_OUT)/m3/mps2.ld
	$(ARM_CC) $(EMB_CPU_m3) $(EMB_CFLAGS) $(WSTRICT) -Os -I. \
	  $(EMB_LDFLAGS) -T $(EMB_OUT)/m3/mps2.ld \
	  -o $@ $(EMB)/startup.c examples/bare_metal/main.c

.PRECIOUS: $(EMB_OUT)/%/mps2.ld

.PHONY: test-qemu size
test-qemu:
	@rm -rf $(BUILD)/results-qemu
	@RESULTS_DIR=$(BUILD)/results-qemu $(MAKE) --no-print-directory -k \
	  $(addprefix check-qemu-,$(EMB_BOARDS)) || true
	@tests/summary.sh $(BUILD)/results-qemu

size:
	@$(EMB_ENV) tools/size.sh $(BUILD)/size

TEST_STEPS += freestanding freestanding-rv32 noheap noheap-arm \
              qemu-m3 qemu-m4 qemu-m33 bare-metal stack-qemu
EMB_NEED := $(EMB_ENV) tests/need.sh

check-freestanding:
	@tests/step.sh freestanding '$(EMB_NEED) arm newlib && \
	  $(EMB_ENV) WSTRICT="$(WSTRICT)" $(EMB)/freestanding.sh $(EMB_OUT)/freestanding arm'
check-freestanding-rv32:
	@tests/step.sh freestanding-rv32 '$(EMB_NEED) rv32 && \
	  $(EMB_ENV) WSTRICT="$(WSTRICT)" $(EMB)/freestanding.sh $(EMB_OUT)/freestanding rv32'

check-noheap:
	@tests/step.sh noheap '$(EMB_ENV) CC="$(CC)" CFLAGS="$(CFLAGS)" \
	  $(EMB)/noheap.sh $(EMB_OUT)/noheap host'
check-noheap-arm:
	@tests/step.sh noheap-arm '$(EMB_NEED) arm newlib && \
	  $(EMB_ENV) CFLAGS="$(CFLAGS)" $(EMB)/noheap.sh $(EMB_OUT)/noheap arm'

$(addprefix check-qemu-,$(EMB_BOARDS)): check-qemu-%:
	@tests/step.sh qemu-$* '$(EMB_NEED) arm newlib qemu-arm && \
	  $(MAKE) -s $(EMB_OUT)/$*/unit.elf $(EMB_OUT)/$*/selftest-fail.elf && \
	  $(EMB_ENV) $(EMB)/qemu-step.sh $(EMB_MACHINE_$*) $(EMB_OUT)/$*'

check-bare-metal:
	@tests/step.sh bare-metal '$(EMB_NEED) arm newlib qemu-arm && \
	  $(MAKE) -s $(EMB_OUT)/bare_metal.elf && \
	  $(EMB_ENV) $(EMB)/bare-metal-step.sh $(EMB_OUT)/bare_metal.elf'

check-stack-qemu:
	@tests/step.sh stack-qemu '$(EMB_NEED) arm newlib qemu-arm python3 && \
	  $(EMB_ENV) $(EMB)/stack-step.sh $(EMB_OUT)/stack'

# The header's FOOTPRINT table is make size's output: `make footprint`
# rewrites it, and make test checks that it is current.
.PHONY: footprint
footprint:
	@$(EMB_NEED) arm rv32 python3
	@$(EMB_ENV) tools/size.sh $(BUILD)/size > /dev/null
	@/usr/bin/python3 tools/footprint.py $(BUILD)/size/footprint.txt

TEST_STEPS += footprint-fresh
check-footprint-fresh:
	@tests/step.sh footprint-fresh '$(EMB_NEED) arm rv32 python3 && \
	  $(EMB_ENV) tools/size.sh $(BUILD)/size > /dev/null && \
	  /usr/bin/python3 tools/footprint.py $(BUILD)/size/footprint.txt --check'
