# The compile matrix (tests/compile/run.sh) and an arm-none-eabi object.
TEST_STEPS += compile-matrix compile-arm
check-compile-matrix:
	@tests/step.sh compile-matrix 'tests/compile/run.sh $(BUILD)/compile'
check-compile-arm:
	@tests/step.sh compile-arm 'if ! command -v arm-none-eabi-gcc >/dev/null; then \
	  echo "arm-none-eabi-gcc not installed: apt-get install gcc-arm-none-eabi"; exit 77; fi; \
	  mkdir -p $(BUILD)/compile && \
	  arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os -std=c99 -Wall -Wextra -Wpedantic -Werror $(WSTRICT) \
	    -ffreestanding -I. -c tests/compile/knobs.c -o $(BUILD)/compile/knobs-m4.o && \
	  arm-none-eabi-size $(BUILD)/compile/knobs-m4.o'

TEST_STEPS += readme-quotes
check-readme-quotes:
	@tests/step.sh readme-quotes 'tests/readme_quotes.sh'
