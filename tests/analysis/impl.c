/* tests/analysis/impl.c — the implementation as one translation unit, for
   the static analysers of mk/analysis.mk (cppcheck, clang-tidy). With
   HEARTBEAT_MBEDTLS defined by the caller it also holds the signer. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
