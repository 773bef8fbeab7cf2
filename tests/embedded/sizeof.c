/* tests/embedded/sizeof.c - the struct sizes of a cross target, read back
   from the object with nm -S (each array is as long as the struct). */
#include "heartbeat.h"
char emb_sizeof_service[sizeof(hb_service)] = { 1 };
char emb_sizeof_config[sizeof(hb_config)] = { 1 };
char emb_sizeof_json[sizeof(hb_json)] = { 1 };
