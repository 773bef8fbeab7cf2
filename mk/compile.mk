# The compile matrix (tests/compile/run.sh): gcc and g++ (build-essential),
# clang and clang++ as a step of their own, and an arm-none-eabi object.
TEST_STEPS += compile-matrix compile-matrix-clang compile-arm
check-compile-matrix:
	@tests/step.sh compile-matrix 'tests/compile/run.sh $(BUILD)/compile gcc g++'
check-compile-matrix-clang:
	@tests/step.sh compile-matrix-clang 'tests/need.sh clang && \
	  tests/compile/run.sh $(BUILD)/compile-clang clang clang++'
check-compile-arm:
	@tests/step.sh compile-arm 'tests/need.sh arm && \
	  WSTRICT="$(WSTRICT)" tests/compile/arm.sh $(BUILD)/compile'

