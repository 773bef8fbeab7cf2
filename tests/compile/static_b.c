#define HEARTBEAT_STATIC
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

int static_b(void);

int static_b(void)
{
    char b[8];
    hb_json w;
    hb_json_init(&w, b, sizeof b);
    hb_json_null(&w);
    return hb_json_finish(&w, NULL);
}
