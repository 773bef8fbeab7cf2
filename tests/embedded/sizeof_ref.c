/* tests/embedded/sizeof_ref.c - sizeof(hb_service) with
   HEARTBEAT_CONFIG_BY_REF (the service keeps a pointer to the config), read
   back with nm -S like sizeof.c; the header's own compile-time check makes
   this file fail to build on a 32-bit target if it is over 128 bytes. */
#define HEARTBEAT_CONFIG_BY_REF
#include "heartbeat.h"
char emb_sizeof_service_ref[sizeof(hb_service)] = { 1 };
