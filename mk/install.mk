# Install paths and packaging metadata.
#
#   make install [PREFIX=/usr/local] [DESTDIR=stage]   header, heartbeat.pc,
#                                                     CMake package config
# Steps of `make test`: install (pkg-config and find_package consumers),
# cmake-subdir (add_subdirectory consumer), metadata (PlatformIO, Arduino,
# ESP-IDF and Zephyr files parse and agree with heartbeat.h),
# metadata-zephyr-mbedtls (zephyr/heartbeat.c with the JWT signer),
# metadata-cmake (the ESP-IDF and Zephyr CMake entry points against stubs).

PREFIX       ?= /usr/local
INCLUDEDIR   ?= $(PREFIX)/include
LIBDIR       ?= $(PREFIX)/lib
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
CMAKEDIR     ?= $(LIBDIR)/cmake/heartbeat
DESTDIR      ?=

HBI_VERSION := $(shell sed -n 's/^\#define HEARTBEAT_VERSION_STRING "\(.*\)"/\1/p' $(HEADER))

# A relative PREFIX (make install PREFIX=tmp) is taken from the current
# directory. With the default layout the CMake config finds the header
# relative to itself, so the installed tree can be moved; with custom
# directories it names them absolutely.
HBI_PREFIX     = $(abspath $(PREFIX))
HBI_INCLUDEDIR = $(abspath $(INCLUDEDIR))
HBI_PCDIR      = $(abspath $(PKGCONFIGDIR))
HBI_CMAKEDIR   = $(abspath $(CMAKEDIR))
HBI_DEFAULT_LAYOUT = $(and $(filter $(HBI_PREFIX)/include,$(HBI_INCLUDEDIR)),$(filter $(HBI_PREFIX)/lib/cmake/heartbeat,$(HBI_CMAKEDIR)))
HBI_CFG_INC = $(if $(HBI_DEFAULT_LAYOUT),$${CMAKE_CURRENT_LIST_DIR}/../../../include,$(HBI_INCLUDEDIR))
HBI_PC_INC  = $(if $(filter $(HBI_PREFIX)/include,$(HBI_INCLUDEDIR)),$${prefix}/include,$(HBI_INCLUDEDIR))

install: $(HEADER) heartbeat.pc.in cmake/heartbeatConfig.cmake.in cmake/heartbeatConfigVersion.cmake.in
	@test -n "$(HBI_VERSION)" || { echo "install: no HEARTBEAT_VERSION_STRING in $(HEADER)"; exit 1; }
	install -d '$(DESTDIR)$(HBI_INCLUDEDIR)' '$(DESTDIR)$(HBI_PCDIR)' '$(DESTDIR)$(HBI_CMAKEDIR)'
	install -m 644 $(HEADER) '$(DESTDIR)$(HBI_INCLUDEDIR)/heartbeat.h'
	sed -e 's|@HEARTBEAT_PC_PREFIX@|$(HBI_PREFIX)|' \
	    -e 's|@HEARTBEAT_PC_INCLUDEDIR@|$(HBI_PC_INC)|' \
	    -e 's|@HEARTBEAT_VERSION@|$(HBI_VERSION)|' \
	    heartbeat.pc.in > '$(DESTDIR)$(HBI_PCDIR)/heartbeat.pc'
	sed -e 's|@HEARTBEAT_CONFIG_INCLUDE_DIR@|$(HBI_CFG_INC)|' \
	    -e 's|@HEARTBEAT_VERSION@|$(HBI_VERSION)|' \
	    cmake/heartbeatConfig.cmake.in > '$(DESTDIR)$(HBI_CMAKEDIR)/heartbeatConfig.cmake'
	sed -e 's|@HEARTBEAT_VERSION@|$(HBI_VERSION)|' \
	    cmake/heartbeatConfigVersion.cmake.in > '$(DESTDIR)$(HBI_CMAKEDIR)/heartbeatConfigVersion.cmake'

uninstall:
	rm -f '$(DESTDIR)$(HBI_INCLUDEDIR)/heartbeat.h' '$(DESTDIR)$(HBI_PCDIR)/heartbeat.pc' \
	      '$(DESTDIR)$(HBI_CMAKEDIR)/heartbeatConfig.cmake' \
	      '$(DESTDIR)$(HBI_CMAKEDIR)/heartbeatConfigVersion.cmake'
	-rmdir '$(DESTDIR)$(HBI_CMAKEDIR)' 2>/dev/null

.PHONY: uninstall

TEST_STEPS += install cmake-subdir metadata metadata-zephyr-mbedtls metadata-cmake
check-install:
	@tests/step.sh install 'tests/need.sh cmake pkg-config && \
	  CC="$(CC)" BUILD="$(BUILD)" MAKE="$(MAKE)" tests/install/check-install.sh'
check-cmake-subdir:
	@tests/step.sh cmake-subdir 'tests/need.sh cmake && \
	  CC="$(CC)" BUILD="$(BUILD)" tests/install/check-cmake-subdir.sh'
check-metadata:
	@tests/step.sh metadata 'tests/need.sh python3 yaml && \
	  BUILD="$(BUILD)" CC="$(CC)" /usr/bin/python3 tests/install/check-metadata.py'
check-metadata-zephyr-mbedtls:
	@tests/step.sh metadata-zephyr-mbedtls 'CC="$(CC)" tests/need.sh mbedtls && \
	  $(CC) -std=c99 -Wall -Wextra -Wpedantic -Werror -I. -DHEARTBEAT_MBEDTLS \
	    -c zephyr/heartbeat.c -o $(BUILD)/zephyr-heartbeat-mbedtls.o'
check-metadata-cmake:
	@tests/step.sh metadata-cmake 'tests/need.sh cmake && \
	  BUILD="$(BUILD)" tests/install/check-build-sim.sh'
