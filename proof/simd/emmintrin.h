/* proof/simd/emmintrin.h - for Frama-C only: the SSE2 intrinsics that
   heartbeat.h uses, modelled in plain C (Frama-C has no model of the
   compiler's vector types). proof/run.sh puts this directory on the
   include path of the drivers that analyse the SIMD code, with
   -D__SSE2__; the compiler never sees it.

   A vector is 16 bytes; each operation works byte by byte as Intel's
   Intrinsics Guide states it. The loads and stores copy 16 bytes with
   memcpy, so Eva checks that each of the 16 bytes read or written is
   inside its object: that is what the model is for (the scans' memory
   safety). An assumption of the proof: the compiler's intrinsics do what
   this model does. */
#ifndef PV_EMMINTRIN_H
#define PV_EMMINTRIN_H
#include <string.h>

typedef union { long long q[2]; unsigned char b[16]; } __m128i;

static __m128i _mm_loadu_si128(const __m128i *p)
{
    __m128i r;
    memcpy(r.b, (const void *)p, 16);
    return r;
}

static void _mm_storeu_si128(__m128i *p, __m128i x)
{
    memcpy((void *)p, x.b, 16);
}

static __m128i _mm_set1_epi8(char c)
{
    __m128i r;
    int i;
    for (i = 0; i < 16; i++) r.b[i] = (unsigned char)c;
    return r;
}

#define PV_MM_OP(name, expr)                                  \
    static __m128i name(__m128i a, __m128i b)                 \
    {                                                         \
        __m128i r;                                            \
        int i;                                                \
        for (i = 0; i < 16; i++) r.b[i] = (unsigned char)(expr); \
        return r;                                             \
    }
PV_MM_OP(_mm_and_si128, a.b[i] & b.b[i])
PV_MM_OP(_mm_or_si128, a.b[i] | b.b[i])
PV_MM_OP(_mm_andnot_si128, ~a.b[i] & b.b[i])
PV_MM_OP(_mm_cmpeq_epi8, a.b[i] == b.b[i] ? 0xFF : 0)
PV_MM_OP(_mm_cmpgt_epi8, (signed char)a.b[i] > (signed char)b.b[i] ? 0xFF : 0)
PV_MM_OP(_mm_min_epu8, a.b[i] < b.b[i] ? a.b[i] : b.b[i])
#undef PV_MM_OP

/* bit i: the top bit of byte i */
static int _mm_movemask_epi8(__m128i a)
{
    int r = 0, i;
    for (i = 0; i < 16; i++) r |= (a.b[i] >> 7) << i;
    return r;
}
#endif
