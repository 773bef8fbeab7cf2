/* bench/escape_diff.c - the string-escaping paths of heartbeat.h (SIMD scan
   as built, with AVX2 where the CPU has it; the SSE2 scan alone; 64-bit
   SWAR scan; compact byte loop) must write the same bytes and return the
   same result for any input and any buffer size. Random strings from an
   alphabet of the bytes that matter (plain ASCII, " \ < > &, control
   bytes, valid and invalid UTF-8, U+2028/9), at every length up to 160 and
   every alignment, into buffers from 0 bytes to roomy; then every 2- and
   3-byte sequence led by a byte >= 0x80, and the 4-byte ones. Prints
   "RESULT: P passed, F failed" for tests/step.sh. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <stddef.h>

typedef int esc_fn(const char *s, size_t n, char *buf, size_t size, size_t *len);
esc_fn esc_simd, esc_sse2, esc_swar, esc_compact;
#define NPATH 4
static esc_fn *const path[NPATH] = { esc_simd, esc_sse2, esc_swar, esc_compact };

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* appends one random piece to s at n; returns the new length */
static size_t piece(unsigned char *s, size_t n, size_t max)
{
    static const char *const bits[] = {
        "\"", "\\", "<", ">", "&", "\x01", "\x1f", "\t", "\n", "\b", "\f",
        "\r", "\x7f", "\xc3\xa9", "\xe4\xb8\x96", "\xf0\x9f\x98\x80",
        "\xe2\x80\xa8", "\xe2\x80\xa9", "\xff", "\xc0\xaf", "\xed\xa0\x80",
        "\xe2\x82", "\xf4\x90\x80\x80", "\x80", " ", "/", "'", "%"
    };
    unsigned r = next() % 100u;
    const char *p;
    size_t k;
    if (r < 70) {           /* mostly plain text, in runs; some long (the
                               SIMD scans' 16-, 32- and 64-byte steps) */
        size_t run = 1 + next() % (r < 10 ? 130u : 24u);
        while (run-- > 0 && n < max) s[n++] = (unsigned char)('A' + next() % 58u);
        return n;
    }
    if (r < 72 && n < max) { s[n++] = 0; return n; }
    p = bits[next() % (sizeof bits / sizeof bits[0])];
    k = strlen(p);
    if (n + k > max) return n;
    memcpy(s + n, p, k);
    return n + k;
}

/* 1 if b[from..size) still holds the fill byte 0x55 */
static int untouched(const char *b, size_t from, size_t size)
{
    size_t i;
    for (i = from; i < size; i++)
        if ((unsigned char)b[i] != 0x55u) return 0;
    return 1;
}

/* 1 if every path writes the same for s[0..n) (a roomy buffer) */
static int same(const unsigned char *s, size_t n)
{
    static char b[NPATH][256];
    size_t l[NPATH];
    int k;
    for (k = 0; k < NPATH; k++)
        if (path[k]((const char *)s, n, b[k], sizeof b[k], &l[k]) != 0 ||
            l[k] != l[0] || memcmp(b[k], b[0], l[0]) != 0)
            return 0;
    return 1;
}

/* Every sequence that could lead a UTF-8 check, exhaustively: each lead
   byte 0x80..0xFF with every second and third byte, whole (a plain byte
   after it), cut at the end of the string and after an escape (the
   escaper's paths near the end); 4-byte leads F0..F4 with every second and
   fourth byte. Returns how many strings differ. */
static unsigned long utf8_all(void)
{
    static const unsigned char b2s[] = { 0x00, 0x7F, 0x80, 0x8F, 0x90,
                                         0x9F, 0xA0, 0xBF, 0xC0, 0xFF };
    unsigned char s[8];
    unsigned long bad = 0;
    unsigned a, b, c, d;
    size_t k;
    for (a = 0x80; a <= 0xFF; a++)
        for (b = 0; b <= 0xFF; b++) {
            s[0] = '<'; s[1] = (unsigned char)a; s[2] = (unsigned char)b;
            bad += !same(s, 3) + !same(s + 1, 2);
            for (c = 0; c <= 0xFF; c++) {
                s[3] = (unsigned char)c;
                s[4] = 'Z';
                bad += !same(s, 5) + !same(s, 4);
            }
        }
    for (a = 0xF0; a <= 0xF4; a++)
        for (b = 0; b <= 0xFF; b++)
            for (k = 0; k < sizeof b2s; k++)
                for (d = 0; d <= 0xFF; d++) {
                    s[0] = '<'; s[1] = (unsigned char)a; s[2] = (unsigned char)b;
                    s[3] = b2s[k]; s[4] = (unsigned char)d; s[5] = 'Z';
                    bad += !same(s, 6) + !same(s, 5);
                }
    return bad;
}

int main(void)
{
    static unsigned char mem[256];
    static char b[NPATH][1024];
    unsigned long pass = 0, fail = 0, round;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    printf("AVX2 on this CPU: %s\n", __builtin_cpu_supports("avx2") ?
           "yes (esc_simd runs the AVX2 scan, esc_sse2 the SSE2 one)" :
           "no (esc_simd and esc_sse2 both run the SSE2 scan)");
#endif
    for (round = 0; round < 200000ul; round++) {
        size_t off = next() % 32u, max = next() % 161u, n = 0, size, l[NPATH];
        unsigned char *s = mem + off;
        int r[NPATH], k, ok = 1;
        size_t cmp;
        while (n < max) {
            size_t m = piece(s, n, max);
            if (m == n) break;
            n = m;
        }
        switch (next() % 4u) {
        case 0: size = next() % 32u; break;           /* overflows */
        case 1: size = 8 + n + next() % (5 * n + 8); break; /* near the edge */
        case 2: size = sizeof b[0]; break;
        default: size = 0; break;                     /* measure */
        }
        for (k = 0; k < NPATH; k++) {
            memset(b[k], 0x55, sizeof b[k]);
            r[k] = path[k]((const char *)s, n, size ? b[k] : NULL, size, &l[k]);
        }
        /* the same result and length; the same text and NUL on success,
           the same empty string on failure (the bytes after it are
           unspecified: the SIMD paths copy while they scan); and no byte
           written at or past size */
        cmp = size == 0 ? 0 : r[0] == 0 ? l[0] + 1u : 1u;
        for (k = 0; k < NPATH; k++)
            ok &= r[k] == r[0] && l[k] == l[0] &&
                  memcmp(b[k], b[0], cmp) == 0 &&
                  untouched(b[k], size, sizeof b[k]);
        if (ok) {
            pass++;
        } else if (fail++ < 5) {
            printf("differ: n=%lu size=%lu rc", (unsigned long)n, (unsigned long)size);
            for (k = 0; k < NPATH; k++) printf(" %d/%lu", r[k], (unsigned long)l[k]);
            printf("\n");
        }
    }
    printf("escape paths agree on %lu of %lu random strings\n", pass, pass + fail);
    {
        unsigned long bad = utf8_all();
        printf("escape paths agree on every 2- and 3-byte sequence led by "
               "0x80..0xFF and the 4-byte ones led by F0..F4: %lu differ\n", bad);
        fail += bad;
    }
    printf("RESULT: %lu passed, %lu failed\n", fail == 0 ? 1ul : 0ul, fail == 0 ? 0ul : 1ul);
    return fail != 0;
}
