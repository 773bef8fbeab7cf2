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

/* The shapes both widths share (proof/simd/immintrin.h uses them too):
   a load and a store of the vector's N bytes, and an operation of two
   vectors byte by byte. */
#define PV_MM_LOADSTORE(T, N, load, store)                    \
    static T load(const T *p)                                 \
    {                                                         \
        T r;                                                  \
        memcpy(r.b, (const void *)p, N);                      \
        return r;                                             \
    }                                                         \
    static void store(T *p, T x) { memcpy((void *)p, x.b, N); }
#define PV_MM_OP(T, N, name, expr)                            \
    static T name(T a, T b)                                   \
    {                                                         \
        T r;                                                  \
        int i;                                                \
        for (i = 0; i < N; i++) r.b[i] = (unsigned char)(expr); \
        return r;                                             \
    }

PV_MM_LOADSTORE(__m128i, 16, _mm_loadu_si128, _mm_storeu_si128)

static __m128i _mm_set1_epi8(char c)
{
    __m128i r;
    int i;
    for (i = 0; i < 16; i++) r.b[i] = (unsigned char)c;
    return r;
}

PV_MM_OP(__m128i, 16, _mm_and_si128, a.b[i] & b.b[i])
PV_MM_OP(__m128i, 16, _mm_or_si128, a.b[i] | b.b[i])
PV_MM_OP(__m128i, 16, _mm_andnot_si128, ~a.b[i] & b.b[i])
PV_MM_OP(__m128i, 16, _mm_cmpeq_epi8, a.b[i] == b.b[i] ? 0xFF : 0)
PV_MM_OP(__m128i, 16, _mm_cmpgt_epi8, (signed char)a.b[i] > (signed char)b.b[i] ? 0xFF : 0)
PV_MM_OP(__m128i, 16, _mm_min_epu8, a.b[i] < b.b[i] ? a.b[i] : b.b[i])

/* bit i: the top bit of byte i */
static int _mm_movemask_epi8(__m128i a)
{
    int r = 0, i;
    for (i = 0; i < 16; i++) r |= (a.b[i] >> 7) << i;
    return r;
}
#endif
