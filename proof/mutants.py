#!/usr/bin/python3
"""proof/mutants.py HEADER OUTDIR - writes each mutant of HEADER (one known
bug injected) to OUTDIR/NAME/heartbeat.h and prints "NAME CHECK" lines,
CHECK being the part of proof/run.sh that must flag it (eva:DRIVER or
wp:FUNCTION). A pattern that does not occur exactly once is an error
(exit 1): the list must follow heartbeat.h as it changes."""
import os, sys

MUTANTS = [
    # (run two at a time in this order: the one that runs its driver to
    # the end, an assertion's verdict, goes first)
    # a failed offline beat leaves the service running (to retry it):
    # after hb_stop something could still be published
    ("stop-running-after-failed-offline", "eva:svc-stop:service:beat:-DPV_ENTRY=5,-DHEARTBEAT_COMPACT",
     "        hbi_attempt(s, now_ms, \"offline\");\n",
     "        if (hbi_attempt(s, now_ms, \"offline\") != HB_OK) return;\n"),
    # the writer's bound, one byte too generous: the NUL's byte is used
    ("put-off-by-one", "wp:hbi_put",
     "if (n >= w->internal_.size - w->internal_.len) {",
     "if (n > w->internal_.size - w->internal_.len) {"),
    # finish writes the NUL one past the output
    ("finish-nul-past-len", "wp:hb_json_finish",
     "w->internal_.buf[w->internal_.len] = '\\0';",
     "w->internal_.buf[w->internal_.len + 1u] = '\\0';"),
    # the tick distance without the wrap-safe cast of the difference
    ("wait-no-wrap-cast", "wp:hbi_wait",
     "d = (int32_t)(s->due - now);",
     "d = (int32_t)s->due - (int32_t)now;"),
    # hb_poll's answer capped one ms too late
    ("wait-cap-off-by-one", "wp:hbi_wait",
     "if (d > cap) {",
     "if (d > cap + 1) {"),
    # the grid re-anchored on now instead of advanced by whole intervals:
    # a late poll shifts every later beat (the schedule drifts)
    ("advance-reanchor", "wp:hbi_advance",
     "s->grid += (k + 1u) * iv;",
     "s->grid = now + iv;"),
    # the escaper (HEARTBEAT_COMPACT, as WP sees it): a \uXXXX escape
    # counted 7 bytes long, so hbi_string copies one byte past e[0 .. 6)
    ("escape-length-7", "wp:hbi_escape",
     "return k << 8 | 6u;",
     "return k << 8 | 7u;"),
    # the UTF-8 decoder's truncation check one byte short: a sequence cut
    # by the end of the string is read one byte past s[0 .. n)
    ("utf8-truncated-short", "wp:hbi_utf8",
     "if (c < 0xC0u || c > 0xF4u || n < k) return 0;",
     "if (c < 0xC0u || c > 0xF4u || n + 1u < k) return 0;"),
    # the offset "+hh:mm" counted one byte longer: past HB_TIME_MAX
    ("time-offset-too-long", "eva:time:time:writer:-DHEARTBEAT_COMPACT",
     "#endif\n        n += 6;\n    }\n    return n;",
     "#endif\n        n += 7;\n    }\n    return n;"),
    # the range check's answer ignored: the date arithmetic overflows
    ("time-check-dropped", "eva:time:time:writer:-DHEARTBEAT_COMPACT",
     "return rc != HB_OK ? rc : hbi_time_fmt(o, t);",
     "return hbi_time_fmt(o, t);"),
    # the powers-of-ten table indexed one past its end
    ("pow10-past-end", "eva:svc-init:service:service:-DPV_ENTRY=1",
     "        if (v >= hbi_pow10[i]) return 20u - i;",
     "        if (v >= hbi_pow10[i + 1u]) return 20u - i;"),
    # hb_init accepts an interval of 0: hb_start's phase (and hb_poll's
    # grid step) divide by it
    ("init-interval-zero", "eva:svc-start:service:service:-DPV_ENTRY=2",
     "if (c->interval_ms == 0 || c->interval_ms > 0x7FFFFFFFu)",
     "if (c->interval_ms > 0x7FFFFFFFu)"),
    # the beat path (HEARTBEAT_COMPACT, option set "beat"):
    # hb_poll's idle test without the wrap-safe cast: the distance to
    # the due point overflows (only hb_poll on a running service runs it;
    # its retry test, mutated the same way, is caught too, after 80 s
    # instead of a few)
    ("poll-due-no-wrap-cast", "eva:svc-poll:service:beat:-DPV_ENTRY=3,-DHEARTBEAT_COMPACT",
     "d = (int32_t)(s->due - now_ms);\n    if (d > 0 && (s->pending | s->busy",
     "d = (int32_t)s->due - (int32_t)now_ms;\n    if (d > 0 && (s->pending | s->busy"),
    # the beat built without its time range check: a clock's huge sec or
    # offset reaches the date arithmetic (the time driver's hb_format_time
    # checks on its own; only the service's beat path skips it)
    ("beat-range-check-dropped", "eva:svc-poll:service:beat:-DPV_ENTRY=3,-DHEARTBEAT_COMPACT",
     "    if (tp != NULL && hbi_time_check(tp) != HB_OK) return HB_ERR_RANGE;\n",
     ""),
    # the uptime step without the wrap-safe cast: signed overflow when
    # the tick wrapped since the last attempt
    ("uptime-no-wrap-cast", "eva:svc-now:service:beat:-DPV_ENTRY=4,-DHEARTBEAT_COMPACT",
     "int32_t d = (int32_t)(now - s->tick);",
     "int32_t d = (int32_t)now - (int32_t)s->tick;"),
    # hb_offline_message clears the length through a NULL len (svc-status
    # passes a len; the same bug at its end, storing the length, is
    # caught too, after 70 s instead of a few)
    ("offline-len-null", "eva:svc-offline:service:beat:-DPV_ENTRY=6,-DHEARTBEAT_COMPACT",
     "    if (len != NULL) *len = 0;\n    if (hb == NULL || buf == NULL || size == 0) return HB_ERR_ARG;",
     "    *len = 0;\n    if (hb == NULL || buf == NULL || size == 0) return HB_ERR_ARG;"),
    # the default build's beat path (svc-poll-fast, option set
    # "beatfast"): the escape run reads its byte as a plain (signed)
    # char, so a byte >= 0x80 is negative, passes the ASCII test and
    # indexes before the escape table (the device id's UTF-8, in the fast
    # head's first string)
    ("fast-esc-signed-byte", "eva:svc-poll-fast:service:beatfast:-DPV_ENTRY=3",
     "        unsigned c = s[i];\n        if (c < 0x80u) {",
     "        int c = str[i];\n        if (c < 0x80) {"),
    # the monitor's reader (proof/eva_monitor.c):
    # the literal reader's bound one short: "tru" at the payload's end is
    # read as "true" (one byte past the payload)
    ("mon-literal-short", "eva:mon-parse:monitor:monitor:-DHEARTBEAT_COMPACT",
     "if ((size_t)(r->e - r->p) < n || !hbi_mon_eq(r->p, w, n))",
     "if ((size_t)(r->e - r->p) < n - 1u || !hbi_mon_eq(r->p, w, n))"),
    # the monitor's table (proof/eva_monitor.c case 3): hb_mon_get_slot
    # accepts slot == capacity, one past the caller's table
    ("mon-get-slot-past-table", "eva:mon-table:monitor:montable:-DPV_CASE=3",
     "    if (slot >= s->cfg.capacity) return HB_ERR_ARG;\n    sl = &s->cfg.slots[slot];\n    st = hbi_mon_state(sl);",
     "    if (slot > s->cfg.capacity) return HB_ERR_ARG;\n    sl = &s->cfg.slots[slot];\n    st = hbi_mon_state(sl);"),
    # the table in any state (proof/eva_monitor.c case 4): the probe for a
    # device's slot wraps one slot late, reading slots[capacity]
    ("mon-probe-past-table", "eva:mon-any:monitor:monany:-DPV_CASE=4",
     "        if (++i == cap) i = 0;\n    }\n    return tomb;",
     "        if (++i > cap) i = 0;\n    }\n    return tomb;"),
    # the fast path's time reader asks for 30 bytes: it reads s[30]
    ("mon-ftime-short", "eva:mon-time:monitor:monitor:-DPV_CASE=2",
     "    if (e - s < 32) return NULL;",
     "    if (e - s < 30) return NULL;"),
    # the SIMD scans (proof/eva_simd.c): the SSE2 copy-scan's overlapping
    # tail loaded one byte late, reading s[n]
    ("sse2-tail-past-end", "eva:simd:simd:simd:-D__SSE2__",
     "        x = hbi_load16(s + n - 16u);\n        _mm_storeu_si128",
     "        x = hbi_load16(s + n - 15u);\n        _mm_storeu_si128"),
    # the SSE2 scan's two-vector step taken with 31 bytes left
    ("sse2-skip-step-short", "eva:simd:simd:simd:-D__SSE2__",
     "for (; n - i >= 32u; i += 32u) {    /* two steps per check */",
     "for (; n - i >= 31u; i += 32u) {    /* two steps per check */"),
    # the AVX2 copy-scan's 32-byte step taken with 31 bytes left
    ("avx2-step-short", "eva:simd:simd:simd:-D__SSE2__",
     "    if (n - i >= 32u) {\n        x = _mm256_loadu_si256",
     "    if (n - i >= 31u) {\n        x = _mm256_loadu_si256"),
    # the in-place writers at the buffer's edge (proof/eva_room.c): a
    # counter's room checked for its low 32 bits only (up to 10 digits
    # written past the check; the 400-byte array of svc-poll hid it)
    ("uint-room-low-32", "eva:room:room:room:-DHEARTBEAT_COMPACT",
     "    k = hbi_ndigits(v);\n    if (w->internal_.buf == NULL)",
     "    k = hbi_ndigits((uint32_t)v);\n    if (w->internal_.buf == NULL)"),
    # the timestamp's room one byte short: no byte left for the NUL
    ("time-room-short", "eva:room:room:room:-DHEARTBEAT_COMPACT",
     "w->internal_.len < HB_TIME_MAX + 3u",
     "w->internal_.len < HB_TIME_MAX + 2u"),
    # the default build's head estimated one byte short
    ("head-room-short", "eva:room-fast:room:roomfast:-",
     "+ HB_TIME_MAX + 32u + 3u;",
     "+ HB_TIME_MAX + 32u + 2u;"),
    # the default build's timestamp (proof/eva_time.c, time-fast): the
    # nanoseconds split 5 + 4 instead of 4 + 5, so the first pair's index
    # goes up to 999, past the pair table
    ("time-fast-ns-split", "eva:time-fast:time:writer:-",
     "uint32_t hi = ns / 100000u, lo = ns % 100000u;",
     "uint32_t hi = ns / 10000u, lo = ns % 100000u;"),
    # the monitor's SSE2 id reader takes a 16-byte step with 15 left
    ("mon-fid-sse2-short", "eva:simd:simd:simd:-D__SSE2__",
     "    while (e - p >= 16) {\n        __m128i x = _mm_loadu_si128",
     "    while (e - p >= 15) {\n        __m128i x = _mm_loadu_si128"),
    # signed beats: a kid with a quote accepted (it would break the JWS
    # header, written without escaping): svc-sign-init's assertion that
    # hb_init accepts no refused signing setting
    ("sign-kid-quote-accepted", "eva:svc-sign-init:service:sign:-DPV_ENTRY=1,-DPV_SIGN",
     "        if (ch < 0x21u || ch > 0x7Eu || ch == '\"' || ch == '\\\\')\n            return \"sign_kid",
     "        if (ch < 0x21u || ch > 0x7Eu || ch == '\\\\')\n            return \"sign_kid"),
    # the generated boot_id's digit indexed by 5 bits: past the 16 digits
    ("boot-hex-past-end", "eva:svc-sign-start:service:signstart:-DPV_ENTRY=2,-DPV_SIGN",
     "hex[(r[i >> 3] >> (28 - 4 * (i & 7))) & 15u];",
     "hex[(r[i >> 3] >> (28 - 4 * (i & 7))) & 31u];"),
    # the backoff's first delay drawn with 5 bits for the table step: its
    # 17-entry table of 2^(i/16) read up to index 32
    ("backoff-step-past-table", "eva:misc-backoff:misc:misc:-DPV_CASE=0",
     "uint32_t r = hbi_bo_rand(b), i = r >> 28, f = (r >> 16) & 0xFFFu;",
     "uint32_t r = hbi_bo_rand(b), i = r >> 27, f = (r >> 16) & 0xFFFu;"),
    # hb_mon_unescape's sink keeps no byte for the NUL: a decoded id as
    # long as the buffer is written one past it
    ("unescape-no-room-for-nul", "eva:misc-unescape:misc:misc:-DPV_CASE=1",
     "if (o->b != NULL && o->len < o->size - 1u) o->b[o->len] = (char)c;",
     "if (o->b != NULL && o->len < o->size + 1u) o->b[o->len] = (char)c;"),
]

def main():
    src = open(sys.argv[1]).read()
    out = sys.argv[2]
    bad = 0
    for name, check, old, new in MUTANTS:
        if src.count(old) != 1:
            print("mutants.py: %s: pattern found %d times in %s, expected once"
                  % (name, src.count(old), sys.argv[1]), file=sys.stderr)
            bad = 1
            continue
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "heartbeat.h"), "w") as f:
            f.write(src.replace(old, new))
        print(name, check)
    return bad

sys.exit(main())
