/* tests/embedded/core.c - the library core alone, as a freestanding user
   builds it: the implementation and nothing else. With EMB_HOOKS the three
   string functions come from hooks.c through HB_MEMCPY/HB_MEMSET/HB_STRLEN,
   so <string.h> is never included (the rv32 toolchain has no libc headers;
   check-freestanding builds this variant with -nostdinc to prove it). */
#ifdef EMB_HOOKS
#include <stddef.h>
void  *emb_memcpy(void *dst, const void *src, size_t n);
void  *emb_memset(void *dst, int c, size_t n);
size_t emb_strlen(const char *s);
#define HB_MEMCPY(d, s, n) emb_memcpy((d), (s), (n))
#define HB_MEMSET(d, c, n) emb_memset((d), (c), (n))
#define HB_STRLEN(s)       emb_strlen(s)
#endif
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
