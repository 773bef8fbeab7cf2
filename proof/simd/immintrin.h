/* proof/simd/immintrin.h - for Frama-C only: the AVX2 intrinsics that
   heartbeat.h uses, modelled in plain C as proof/simd/emmintrin.h models
   SSE2's (a vector is 32 bytes, each operation byte by byte, loads and
   stores by memcpy, so Eva checks every byte they touch). An assumption
   of the proof: the compiler's intrinsics do what this model does. */
#ifndef PV_IMMINTRIN_H
#define PV_IMMINTRIN_H
#include "emmintrin.h"

typedef union { long long q[4]; unsigned char b[32]; } __m256i;

static __m256i _mm256_loadu_si256(const __m256i *p)
{
    __m256i r;
    memcpy(r.b, (const void *)p, 32);
    return r;
}

static void _mm256_storeu_si256(__m256i *p, __m256i x)
{
    memcpy((void *)p, x.b, 32);
}

#define PV_MM256_OP(name, expr)                               \
    static __m256i name(__m256i a, __m256i b)                 \
    {                                                         \
        __m256i r;                                            \
        int i;                                                \
        for (i = 0; i < 32; i++) r.b[i] = (unsigned char)(expr); \
        return r;                                             \
    }
PV_MM256_OP(_mm256_and_si256, a.b[i] & b.b[i])
PV_MM256_OP(_mm256_or_si256, a.b[i] | b.b[i])
PV_MM256_OP(_mm256_andnot_si256, ~a.b[i] & b.b[i])
PV_MM256_OP(_mm256_cmpeq_epi8, a.b[i] == b.b[i] ? 0xFF : 0)
PV_MM256_OP(_mm256_cmpgt_epi8, (signed char)a.b[i] > (signed char)b.b[i] ? 0xFF : 0)
#undef PV_MM256_OP

/* bit i: the top bit of byte i (an int, as Intel declares it) */
static int _mm256_movemask_epi8(__m256i a)
{
    unsigned r = 0;
    int i;
    for (i = 0; i < 32; i++) r |= (unsigned)(a.b[i] >> 7) << i;
    return (int)r;
}
#endif
