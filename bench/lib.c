/* bench/lib.c - the library in a translation unit of its own, as a user
   builds it: the harness calls hb_poll & co. through real calls, so nothing
   is inlined into the timing loops and hoisted out of them. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
