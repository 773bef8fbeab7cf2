# Big-endian: the unit suites built for 32-bit PowerPC (big-endian) and run
# under qemu-ppc, for each escaping path a big-endian target can take (the
# portable 8-byte scan and the compact loop). Needs gcc-powerpc-linux-gnu
# and qemu-user.
TEST_STEPS += endian
check-endian: $(GREATEST)
	@tests/step.sh endian 'tests/need.sh ppc qemu-user && \
	  UNIT_SRC="$(UNIT_SRC)" GREATEST_INC=$(BUILD)/greatest tests/endian.sh $(BUILD)/endian'
