/* tests/embedded/hooks.c - what a freestanding target supplies: the three
   hook functions core.c's EMB_HOOKS build calls, and (with EMB_LIBC) the
   four functions GCC itself may call even in -ffreestanding code (struct
   copies, large initialisers): memcpy, memmove, memset, memcmp. Build with
   -fno-tree-loop-distribute-patterns so GCC does not turn these loops back
   into calls to themselves. */
#include <stddef.h>

void  *emb_memcpy(void *dst, const void *src, size_t n);
void  *emb_memset(void *dst, int c, size_t n);
size_t emb_strlen(const char *s);

void *emb_memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = (unsigned char *)dst;
    const unsigned char *s = (const unsigned char *)src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *emb_memset(void *dst, int c, size_t n)
{
    unsigned char *d = (unsigned char *)dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

size_t emb_strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (size_t)(p - s);
}

#ifdef EMB_LIBC
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int   memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
    return emb_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = (unsigned char *)dst;
    const unsigned char *s = (const unsigned char *)src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    return emb_memset(dst, c, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}
#endif
