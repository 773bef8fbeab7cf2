/* The one translation unit with heartbeat.h's implementation when the
   Zephyr module builds it (CONFIG_HEARTBEAT_IMPLEMENTATION=y). */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
