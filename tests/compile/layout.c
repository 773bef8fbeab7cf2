/* Prints sizeof and offsets of the public structs; tests/compile/run.sh
   builds it under every knob and checks the output never changes. */
#include <stdio.h>
#include <stddef.h>
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

int main(void)
{
    printf("hb_service %u hb_config %u hb_stats %u hb_json %u hb_time %u\n",
           (unsigned)sizeof(hb_service), (unsigned)sizeof(hb_config),
           (unsigned)sizeof(hb_stats), (unsigned)sizeof(hb_json),
           (unsigned)sizeof(hb_time));
    printf("cfg.flags @%u cfg.min_valid_sec @%u stats @%u\n",
           (unsigned)offsetof(hb_config, flags),
           (unsigned)offsetof(hb_config, min_valid_sec),
           (unsigned)offsetof(struct hb_service_internal, stats));
    return 0;
}
