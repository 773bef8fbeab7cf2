/* tests/docs/buf_size.c — hb_buf_size for the rows of docs/porting.md's
   size table, for tests/docs/check-figures.py. Reads lines
   "DEVICE_ID OPTIONS TOKEN_LEN" from stdin (OPTIONS: "default" or names of
   HB_OPT_* flags joined by commas, e.g. SEQ,BOOT_ID) and prints
   hb_buf_size for each, one per line; the line "sizeof hb_service 0"
   prints sizeof(hb_service) instead. Exit 1 on a bad line. */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int dummy_publish(void *user, const char *topic, const char *payload,
                         size_t len, int qos)
{
    (void)user; (void)topic; (void)payload; (void)len; (void)qos;
    return 0;
}

static const struct { const char *name; unsigned flag; } opts[] = {
    { "IMMEDIATE", HB_OPT_IMMEDIATE }, { "DESYNC", HB_OPT_DESYNC },
    { "SEQ", HB_OPT_SEQ }, { "BOOT_ID", HB_OPT_BOOT_ID },
    { "UPTIME", HB_OPT_UPTIME }, { "INTERVAL", HB_OPT_INTERVAL },
    { "HEALTH", HB_OPT_HEALTH }, { "OFFLINE_ON_STOP", HB_OPT_OFFLINE_ON_STOP },
    { "SEND_UNSYNCED", HB_OPT_SEND_UNSYNCED },
};

int main(void)
{
    char id[128], names[256];
    unsigned long tok;
    while (scanf("%127s %255s %lu", id, names, &tok) == 3) {
        hb_config cfg;
        char *p;
        if (strcmp(id, "sizeof") == 0) {
            printf("%lu\n", (unsigned long)sizeof(hb_service));
            continue;
        }
        memset(&cfg, 0, sizeof cfg);
        cfg.device_id = id;
        cfg.topic = "devices/x/heartbeat";
        cfg.publish = dummy_publish;
        if (strcmp(names, "default") != 0) {
            for (p = strtok(names, ","); p != NULL; p = strtok(NULL, ",")) {
                size_t i;
                for (i = 0; i < sizeof opts / sizeof opts[0]; i++)
                    if (strcmp(p, opts[i].name) == 0) break;
                if (i == sizeof opts / sizeof opts[0]) {
                    fprintf(stderr, "buf_size: unknown option %s\n", p);
                    return 1;
                }
                cfg.flags |= opts[i].flag;
            }
        }
        printf("%lu\n", (unsigned long)hb_buf_size(&cfg, (size_t)tok));
    }
    return 0;
}
