/* fuzz/seed_monitor.c — writes the seeds of fuzz_monitor (fuzz/corpus/
   monitor): the writer's beats, offline beats and Last Wills in many
   option combinations, each as a single-payload input (mode byte 0) and
   as a script of beats and polls (mode byte 1).
   Build and run: cc -std=c99 -I. fuzz/seed_monitor.c -o seed && ./seed DIR */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
#include <stdio.h>
#include <string.h>

static char last[1024];
static size_t last_len;
static int pub(void *u, const char *t, const char *p, size_t n, int q)
{
    (void)u; (void)t; (void)q;
    if (n < sizeof last) { memcpy(last, p, n); last_len = n; }
    return 0;
}
static int clk(void *u, hb_time *t)
{
    (void)u;
    t->sec = 1795809202; t->nsec = 123456789u; t->utc_offset_min = 330;
    return 0;
}

int main(int argc, char **argv)
{
    static const uint32_t combos[] = {
        0, HB_OPT_SEQ, HB_OPT_SEQ | HB_OPT_BOOT_ID,
        HB_OPT_SEQ | HB_OPT_BOOT_ID | HB_OPT_UPTIME | HB_OPT_INTERVAL,
        HB_OPT_SEQ | HB_OPT_BOOT_ID | HB_OPT_UPTIME | HB_OPT_INTERVAL | HB_OPT_HEALTH,
        HB_OPT_UPTIME | HB_OPT_INTERVAL,
    };
    static const char *const ids[] = { "dev-7", "a<b>&\"\\\n\x01\xff\xe2\x80\xa8" };
    int c, i, k, n = 0;
    if (argc < 2) return 2;
    for (c = 0; c < (int)(sizeof combos / sizeof combos[0]); c++)
        for (i = 0; i < 2; i++) {
            hb_config cfg;
            hb_service s;
            char buf[1024], path[512];
            unsigned char script[4096];
            size_t sl = 0;
            FILE *f;
            memset(&cfg, 0, sizeof cfg);
            cfg.topic = "t"; cfg.interval_ms = 1000; cfg.device_id = ids[i];
            cfg.publish = pub; cfg.clock = clk; cfg.buf = buf;
            cfg.buf_size = sizeof buf; cfg.flags = combos[c];
            cfg.boot_id = 77; cfg.boot_id_str = i ? "b\"1" : NULL;
            if (hb_init(&s, &cfg) != HB_OK) return 1;
            hb_start(&s, 0);
            script[sl++] = 1; script[sl++] = 0; script[sl++] = 0;
            script[sl++] = 0; script[sl++] = 0;
            for (k = 1; k <= 6; k++) {
                uint32_t t = (uint32_t)k * 1000u;
                hb_poll(&s, t);
                if (k == 1) {
                    snprintf(path, sizeof path, "%s/beat-%02d", argv[1], n++);
                    f = fopen(path, "wb");
                    if (!f) return 1;
                    fputc(0, f); fputc(0, f); fputc(0, f); fputc(0, f); fputc(0, f);
                    fwrite(last, 1, last_len, f);
                    fclose(f);
                }
                script[sl++] = 0;                      /* beat */
                script[sl++] = 0xE8; script[sl++] = 0x03;  /* +1000 ms */
                script[sl++] = (unsigned char)(last_len & 0xFF);
                script[sl++] = (unsigned char)(last_len >> 8);
                memcpy(script + sl, last, last_len);
                sl += last_len;
                script[sl++] = 3; script[sl++] = 0; script[sl++] = 0;  /* poll */
            }
            if (hb_offline_message(&s, 6500, buf, sizeof buf, &last_len) == HB_OK) {
                script[sl++] = 0; script[sl++] = 0xF4; script[sl++] = 0x01;
                script[sl++] = (unsigned char)(last_len & 0xFF);
                script[sl++] = (unsigned char)(last_len >> 8);
                memcpy(script + sl, buf, last_len);
                sl += last_len;
            }
            script[sl++] = 3; script[sl++] = 0x10; script[sl++] = 0x27;  /* +10 s */
            snprintf(path, sizeof path, "%s/script-%02d", argv[1], n++);
            f = fopen(path, "wb");
            if (!f) return 1;
            fwrite(script, 1, sl, f);
            fclose(f);
        }
    return 0;
}
