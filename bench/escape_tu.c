/* bench/escape_tu.c - one build of the JSON string writer, compiled once per
   path (fast with SIMD, fast without, compact) by bench/escape_diff.c's
   rule; ESC_NAME names this copy's entry point. */
#define HEARTBEAT_STATIC
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

int ESC_NAME(const char *s, size_t n, char *buf, size_t size, size_t *len);

/* {"k":<s>} into buf (buf may be NULL: measure); the writer's result */
int ESC_NAME(const char *s, size_t n, char *buf, size_t size, size_t *len)
{
    hb_json w;
    hb_json_init(&w, buf, size);
    hb_json_begin_object(&w);
    hb_json_key(&w, s, n < 7 ? n : 7);
    hb_json_string(&w, s, n);
    hb_json_end_object(&w);
    return hb_json_finish(&w, len);
}
