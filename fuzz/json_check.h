/* fuzz/json_check.h — a strict RFC 8259 validator and the reference
   string rules, written for the fuzz harnesses (no code shared with
   heartbeat.h, so a bug there is not mirrored here).

   jc_validate     1 if text[0..n) is exactly one JSON value (RFC 8259:
                   grammar, numbers, escapes, UTF-8 without overlongs,
                   surrogates or code points past U+10FFFF, \u surrogates
                   only in valid pairs, no control characters in strings,
                   nothing after the value but whitespace).
   jc_member       finds a member of the top-level object by key.
   jc_decode       decodes a JSON string token to UTF-8 bytes.
   jc_go_escape    the bytes Go's json.Marshal writes for a string (Go
                   1.22+: escapeHTML on, \b \f short forms).
   jc_replace      the input with each invalid UTF-8 byte replaced by
                   U+FFFD, which is what decoding Go's output must give.
*/
#ifndef HB_FUZZ_JSON_CHECK_H
#define HB_FUZZ_JSON_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define JC_MAX_DEPTH 64

/* each harness uses a part of this file */
#if defined(__GNUC__) || defined(__clang__)
#  define JC_FN static __attribute__((unused))
#else
#  define JC_FN static
#endif

typedef struct jc_parser {
    const unsigned char *p;
    const unsigned char *end;
    int depth;
} jc_parser;

/* One UTF-8 sequence at s (n bytes left). Returns its length and sets *cp,
   or 0 when s starts no valid sequence. Decodes generically, then rejects
   overlongs, surrogates and values past U+10FFFF. */
JC_FN size_t jc_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
    static const uint32_t min_of[5] = { 0, 0, 0x80u, 0x800u, 0x10000u };
    uint32_t v;
    size_t len, i;
    if (n == 0) return 0;
    if (s[0] < 0x80u) { *cp = s[0]; return 1; }
    if ((s[0] & 0xE0u) == 0xC0u) { len = 2; v = s[0] & 0x1Fu; }
    else if ((s[0] & 0xF0u) == 0xE0u) { len = 3; v = s[0] & 0x0Fu; }
    else if ((s[0] & 0xF8u) == 0xF0u) { len = 4; v = s[0] & 0x07u; }
    else return 0;
    if (n < len) return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0u) != 0x80u) return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min_of[len] || v > 0x10FFFFu || (v >= 0xD800u && v <= 0xDFFFu))
        return 0;
    *cp = v;
    return len;
}

JC_FN void jc_ws(jc_parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
                               *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

JC_FN int jc_hex4(const unsigned char *p, uint32_t *v)
{
    int i;
    *v = 0;
    for (i = 0; i < 4; i++) {
        unsigned c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10u;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10u;
        else return 0;
        *v = (*v << 4) | d;
    }
    return 1;
}

JC_FN int jc_string(jc_parser *ps)
{
    if (ps->p >= ps->end || *ps->p != '"') return 0;
    ps->p++;
    while (ps->p < ps->end) {
        unsigned c = *ps->p;
        uint32_t cp;
        size_t k;
        if (c == '"') { ps->p++; return 1; }
        if (c < 0x20u) return 0;
        if (c == '\\') {
            if (ps->end - ps->p < 2) return 0;
            c = ps->p[1];
            if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' ||
                c == 'n' || c == 'r' || c == 't') {
                ps->p += 2;
                continue;
            }
            if (c != 'u' || ps->end - ps->p < 6 || !jc_hex4(ps->p + 2, &cp))
                return 0;
            ps->p += 6;
            if (cp >= 0xDC00u && cp <= 0xDFFFu) return 0;   /* lone low */
            if (cp >= 0xD800u && cp <= 0xDBFFu) {
                uint32_t lo;
                if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
                    !jc_hex4(ps->p + 2, &lo) || lo < 0xDC00u || lo > 0xDFFFu)
                    return 0;
                ps->p += 6;
            }
            continue;
        }
        k = jc_utf8(ps->p, (size_t)(ps->end - ps->p), &cp);
        if (k == 0) return 0;
        ps->p += k;
    }
    return 0;
}

JC_FN int jc_digits(jc_parser *ps)
{
    const unsigned char *s = ps->p;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
    return ps->p > s;
}

JC_FN int jc_number(jc_parser *ps)
{
    if (ps->p < ps->end && *ps->p == '-') ps->p++;
    if (ps->p >= ps->end) return 0;
    if (*ps->p == '0') ps->p++;
    else if (*ps->p >= '1' && *ps->p <= '9') jc_digits(ps);
    else return 0;
    if (ps->p < ps->end && *ps->p == '.') {
        ps->p++;
        if (!jc_digits(ps)) return 0;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-')) ps->p++;
        if (!jc_digits(ps)) return 0;
    }
    return 1;
}

JC_FN int jc_lit(jc_parser *ps, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0) return 0;
    ps->p += n;
    return 1;
}

JC_FN int jc_value(jc_parser *ps);

JC_FN int jc_container(jc_parser *ps, unsigned char close, int object)
{
    if (++ps->depth > JC_MAX_DEPTH) return 0;
    ps->p++;
    jc_ws(ps);
    if (ps->p < ps->end && *ps->p == close) { ps->p++; ps->depth--; return 1; }
    for (;;) {
        if (object) {
            jc_ws(ps);
            if (!jc_string(ps)) return 0;
            jc_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') return 0;
            ps->p++;
        }
        if (!jc_value(ps)) return 0;
        if (ps->p >= ps->end) return 0;
        if (*ps->p == ',') { ps->p++; continue; }
        if (*ps->p == close) { ps->p++; ps->depth--; return 1; }
        return 0;
    }
}

/* value with the whitespace around it */
JC_FN int jc_value(jc_parser *ps)
{
    int ok;
    jc_ws(ps);
    if (ps->p >= ps->end) return 0;
    switch (*ps->p) {
    case '{': ok = jc_container(ps, '}', 1); break;
    case '[': ok = jc_container(ps, ']', 0); break;
    case '"': ok = jc_string(ps); break;
    case 't': ok = jc_lit(ps, "true"); break;
    case 'f': ok = jc_lit(ps, "false"); break;
    case 'n': ok = jc_lit(ps, "null"); break;
    default:  ok = jc_number(ps); break;
    }
    if (ok) jc_ws(ps);
    return ok;
}

JC_FN int jc_validate(const char *text, size_t n)
{
    jc_parser ps;
    ps.p = (const unsigned char *)text;
    ps.end = ps.p + n;
    ps.depth = 0;
    return jc_value(&ps) && ps.p == ps.end;
}

/* In a validated top-level object, finds the member named key (bytes, raw
   as written in the text: our keys need no escaping). On success sets
   *val and *vlen to the value's text (a string keeps its quotes). */
JC_FN int jc_member(const char *text, size_t n, const char *key,
                     const char **val, size_t *vlen)
{
    jc_parser ps;
    size_t kl = strlen(key);
    ps.p = (const unsigned char *)text;
    ps.end = ps.p + n;
    ps.depth = 0;
    jc_ws(&ps);
    if (ps.p >= ps.end || *ps.p != '{') return 0;
    ps.p++;
    for (;;) {
        const unsigned char *k0, *v0;
        int match;
        jc_ws(&ps);
        k0 = ps.p;
        if (!jc_string(&ps)) return 0;
        match = (size_t)(ps.p - k0) == kl + 2 && memcmp(k0 + 1, key, kl) == 0;
        jc_ws(&ps);
        if (ps.p >= ps.end || *ps.p != ':') return 0;
        ps.p++;
        jc_ws(&ps);
        v0 = ps.p;
        if (!jc_value(&ps)) return 0;
        if (match) {
            const unsigned char *v1 = ps.p;
            while (v1 > v0 && (v1[-1] == ' ' || v1[-1] == '\t' ||
                               v1[-1] == '\n' || v1[-1] == '\r'))
                v1--;
            *val = (const char *)v0;
            *vlen = (size_t)(v1 - v0);
            return 1;
        }
        if (ps.p >= ps.end || *ps.p != ',') return 0;
        ps.p++;
    }
}

JC_FN size_t jc_put_utf8(unsigned char *o, uint32_t cp)
{
    if (cp < 0x80u) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800u) {
        o[0] = (unsigned char)(0xC0u | (cp >> 6));
        o[1] = (unsigned char)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000u) {
        o[0] = (unsigned char)(0xE0u | (cp >> 12));
        o[1] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
        o[2] = (unsigned char)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    o[0] = (unsigned char)(0xF0u | (cp >> 18));
    o[1] = (unsigned char)(0x80u | ((cp >> 12) & 0x3Fu));
    o[2] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
    o[3] = (unsigned char)(0x80u | (cp & 0x3Fu));
    return 4;
}

/* Decodes a validated string token (with its quotes) into out, which needs
   room for tlen bytes (decoding never grows). Returns the length. */
JC_FN size_t jc_decode(const char *tok, size_t tlen, unsigned char *out)
{
    const unsigned char *p = (const unsigned char *)tok + 1;
    const unsigned char *end = (const unsigned char *)tok + tlen - 1;
    size_t n = 0;
    while (p < end) {
        uint32_t cp, lo;
        if (*p != '\\') { out[n++] = *p++; continue; }
        switch (p[1]) {
        case 'b': out[n++] = '\b'; p += 2; continue;
        case 'f': out[n++] = '\f'; p += 2; continue;
        case 'n': out[n++] = '\n'; p += 2; continue;
        case 'r': out[n++] = '\r'; p += 2; continue;
        case 't': out[n++] = '\t'; p += 2; continue;
        case 'u': break;
        default:  out[n++] = p[1]; p += 2; continue;
        }
        jc_hex4(p + 2, &cp);
        p += 6;
        if (cp >= 0xD800u && cp <= 0xDBFFu) {
            jc_hex4(p + 2, &lo);
            p += 6;
            cp = 0x10000u + ((cp - 0xD800u) << 10) + (lo - 0xDC00u);
        }
        n += jc_put_utf8(out + n, cp);
    }
    return n;
}

/* Go's encodeState.string with escapeHTML: the text between the quotes.
   out needs 6 * n bytes. Returns the length. */
JC_FN size_t jc_go_escape(const unsigned char *s, size_t n, char *out)
{
    static const char hx[] = "0123456789abcdef";
    size_t i = 0, o = 0;
    while (i < n) {
        unsigned c = s[i];
        uint32_t cp;
        size_t k;
        if (c < 0x80u) {
            i++;
            if (c >= 0x20u && c != '"' && c != '\\' && c != '<' && c != '>' &&
                c != '&') {
                out[o++] = (char)c;
                continue;
            }
            out[o++] = '\\';
            switch (c) {
            case '"': case '\\': out[o++] = (char)c; break;
            case '\b': out[o++] = 'b'; break;
            case '\f': out[o++] = 'f'; break;
            case '\n': out[o++] = 'n'; break;
            case '\r': out[o++] = 'r'; break;
            case '\t': out[o++] = 't'; break;
            default:
                out[o++] = 'u'; out[o++] = '0'; out[o++] = '0';
                out[o++] = hx[c >> 4]; out[o++] = hx[c & 15u];
            }
            continue;
        }
        k = jc_utf8(s + i, n - i, &cp);
        if (k == 0) {
            memcpy(out + o, "\\ufffd", 6);
            o += 6;
            i++;
        } else if (cp == 0x2028u || cp == 0x2029u) {
            memcpy(out + o, cp == 0x2028u ? "\\u2028" : "\\u2029", 6);
            o += 6;
            i += k;
        } else {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        }
    }
    return o;
}

/* s with every invalid UTF-8 byte replaced by EF BF BD. out needs 3 * n
   bytes. Returns the length. */
JC_FN size_t jc_replace(const unsigned char *s, size_t n, unsigned char *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = jc_utf8(s + i, n - i, &cp);
        if (k == 0) {
            out[o++] = 0xEFu; out[o++] = 0xBFu; out[o++] = 0xBDu;
            i++;
        } else {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        }
    }
    return o;
}

#endif
