/* bench/escape_diff.c - the three string-escaping paths of heartbeat.h (SIMD
   scan, 64-bit SWAR scan, compact byte loop) must write the same bytes and
   return the same result for any input and any buffer size. Random strings
   from an alphabet of the bytes that matter (plain ASCII, " \ < > &, control
   bytes, valid and invalid UTF-8, U+2028/9), at every length up to 80 and
   every alignment, into buffers from 0 bytes to roomy; then every 2- and
   3-byte sequence led by a byte >= 0x80, and the 4-byte ones. Prints
   "RESULT: P passed, F failed" for tests/step.sh. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <stddef.h>

int esc_simd(const char *s, size_t n, char *buf, size_t size, size_t *len);
int esc_swar(const char *s, size_t n, char *buf, size_t size, size_t *len);
int esc_compact(const char *s, size_t n, char *buf, size_t size, size_t *len);

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
    if (r < 70) {           /* mostly plain text, in runs */
        size_t run = 1 + next() % 24u;
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

/* 1 if the three paths write the same for s[0..n) (a roomy buffer) */
static int same(const unsigned char *s, size_t n)
{
    static char b1[256], b2[256], b3[256];
    size_t l1, l2, l3;
    int r1 = esc_simd((const char *)s, n, b1, sizeof b1, &l1);
    int r2 = esc_swar((const char *)s, n, b2, sizeof b2, &l2);
    int r3 = esc_compact((const char *)s, n, b3, sizeof b3, &l3);
    return r1 == 0 && r2 == 0 && r3 == 0 && l1 == l2 && l2 == l3 &&
           memcmp(b1, b2, l1) == 0 && memcmp(b2, b3, l1) == 0;
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
    static char b1[1024], b2[1024], b3[1024];
    unsigned long pass = 0, fail = 0, round;
    for (round = 0; round < 200000ul; round++) {
        size_t off = next() % 16u, max = next() % 81u, n = 0, size, l1, l2, l3;
        unsigned char *s = mem + off;
        int r1, r2, r3;
        size_t cmp;
        while (n < max) {
            size_t m = piece(s, n, max);
            if (m == n) break;
            n = m;
        }
        switch (next() % 4u) {
        case 0: size = next() % 32u; break;           /* overflows */
        case 1: size = 8 + n + next() % (5 * n + 8); break; /* near the edge */
        case 2: size = sizeof b1; break;
        default: size = 0; break;                     /* measure */
        }
        memset(b1, 0x55, sizeof b1); memset(b2, 0x55, sizeof b2);
        memset(b3, 0x55, sizeof b3);
        r1 = esc_simd((const char *)s, n, size ? b1 : NULL, size, &l1);
        r2 = esc_swar((const char *)s, n, size ? b2 : NULL, size, &l2);
        r3 = esc_compact((const char *)s, n, size ? b3 : NULL, size, &l3);
        /* the same result and length; the same text and NUL on success,
           the same empty string on failure (the bytes after it are
           unspecified: the SSE2 path copies while it scans); and no byte
           written at or past size */
        cmp = size == 0 ? 0 : r1 == 0 ? l1 + 1u : 1u;
        if (r1 == r2 && r2 == r3 && l1 == l2 && l2 == l3 &&
            memcmp(b1, b2, cmp) == 0 && memcmp(b2, b3, cmp) == 0 &&
            untouched(b1, size, sizeof b1) && untouched(b2, size, sizeof b2) &&
            untouched(b3, size, sizeof b3)) {
            pass++;
        } else {
            if (fail++ < 5)
                printf("differ: n=%lu size=%lu rc %d %d %d len %lu %lu %lu\n",
                       (unsigned long)n, (unsigned long)size, r1, r2, r3,
                       (unsigned long)l1, (unsigned long)l2, (unsigned long)l3);
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
