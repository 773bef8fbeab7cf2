/* fuzz/fuzz_input.h — reads typed values off the fuzzer's bytes. Past the
   end every read gives zeros, so any input is a complete test case. */
#ifndef HB_FUZZ_INPUT_H
#define HB_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#  define FZ_FN static __attribute__((unused))
#else
#  define FZ_FN static
#endif

typedef struct fz_in {
    const uint8_t *p;
    size_t n;
} fz_in;

FZ_FN uint8_t fz_u8(fz_in *in)
{
    uint8_t v;
    if (in->n == 0) return 0;
    v = *in->p++;
    in->n--;
    return v;
}

FZ_FN uint16_t fz_u16(fz_in *in)
{
    uint16_t v = fz_u8(in);
    return (uint16_t)(v | (uint16_t)fz_u8(in) << 8);
}

FZ_FN uint32_t fz_u32(fz_in *in)
{
    uint32_t v = fz_u16(in);
    return v | (uint32_t)fz_u16(in) << 16;
}

FZ_FN uint64_t fz_u64(fz_in *in)
{
    uint64_t v = fz_u32(in);
    return v | (uint64_t)fz_u32(in) << 32;
}

/* A chunk: one length byte (capped at max), then that many bytes (fewer
   when the input ends). Points into the input; no copy. */
FZ_FN const uint8_t *fz_chunk(fz_in *in, size_t max, size_t *len)
{
    size_t n = fz_u8(in);
    const uint8_t *p = in->p;
    if (n > max) n = max;
    if (n > in->n) n = in->n;
    in->p += n;
    in->n -= n;
    *len = n;
    return p;
}

/* The harness's own assertion: print and abort, so libFuzzer keeps the
   input as a crash. */
#define FZ_CHECK(c)                                                        \
    do {                                                                   \
        if (!(c)) {                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,         \
                    __LINE__, #c);                                         \
            abort();                                                       \
        }                                                                  \
    } while (0)

#endif
