/* proof/wp_core.c - WP proves the core contracts of heartbeat.h.

   The contracts are ACSL on prototypes of the (static) functions, given
   here between the header's declarations and its implementation, so
   heartbeat.h itself carries no contract; it has the loop invariants WP
   needs in the escaper's loops, as comments (under #ifdef PV_WP). */
#define PV_WP
/* the escaper as -Os builds compile it (HBI_FAST 0); the other functions
   proved here are the same in both builds */
#define HEARTBEAT_COMPACT
#include "contracts.h"
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
