/* proof/eva_misc.c - Eva drivers for the public functions the other
   drivers do not call, run by proof/run.sh with the option set "misc",
   one frama-c process per PV_CASE. Strings are objects of exactly their
   length (one array per length), so a read one byte past one is an alarm.

   PV_CASE 0 (tag misc-backoff): the reconnect backoff. hb_backoff_init
     on any arguments (b NULL or not, every number any 32-bit value, the
     device_id NULL or any string of 0..4 bytes, any seed); then, on the
     backoff it made, in ANY state (every field any value, the magic its
     own or any other: any history of calls, and storage never
     initialised), ONE of hb_backoff_next, hb_backoff_connected,
     hb_backoff_reset and hb_backoff_failures at any tick, or each on a
     NULL backoff. Also hb_strerror, hb_mon_state_name and
     hb_mon_event_name on any int. Eva proves that hb_backoff_next
     answers at least 1 on a backoff hb_backoff_init made, and 0 on a
     NULL one (that it is at most max_ms needs the relation between the
     delays and max_ms, which the any-state above does not keep: the
     unit tests check it).

   PV_CASE 1 (tag misc-unescape): the monitor's id helpers on any bytes.
     hb_mon_unescape and hb_mon_id_equal on EVERY raw string of 0..PV_UN
     bytes (default 7), each byte any value, escaped or not, the raw
     pointer NULL or not; into a buffer of any size 0..PV_UB (16) or none
     (and NULL or not for the length); against a plain id of any 0..4
     bytes. Then the same on the 12-byte template "\uXXXX\uXXXX" with
     each X any byte: a surrogate pair, a lone surrogate, a bad hex digit,
     each decoded or refused. hb_mon_id_hash on the same raw strings.

   PV_CASE 2 (tag misc-monargs): every entry point of the monitor on a
     NULL monitor and on storage hb_mon_init never made (zeroed), and
     with NULL or bad arguments; then hb_mon_beat_batch on a monitor
     hb_mon_init made (one fixed config, tick 1000: the calls' own work
     on any config and tick is mon-table's and mon-any's): 0..PV_BB (2)
     minimal whole beats, or 0..2 payloads of the same any 0..2 bytes.
     A batch of more than HB_MON_BATCH (16) runs the same statements
     again (the outer loop's second round), so it adds no coverage; Eva
     took over 11000 states for 17 and was stopped: the unit test
     batch_is_beat_n_times runs 48. Eva proves that it answers 0..n.

   PV_CASE 3 (tag misc-monsigned): hb_mon_beat_signed up to its verify
     callback, which rejects every signature (see the case).

   Cases 4 to 6 run with the option set "whole": concrete histories, one
   Eva state per path, each call's answer checked (pv_wrong: an answer
   other than the expected one reaches an assert \false, which fails the
   step). They show those runs free of runtime errors and reach the
   statements the abstract drivers above and in the other files do not;
   they do not generalise to other inputs.

   PV_CASE 4 (tag misc-utf8, and misc-utf8-compact in the
     HEARTBEAT_COMPACT build): hb_json_string on each kind of UTF-8
     sequence (2, 3 and 4 bytes, U+2028 and U+2029, overlong, surrogate,
     truncated, a bad continuation, stray bytes) after an escape, at the
     string's end or before 16 plain bytes (the default build's escape
     runs), written into a buffer and measured.

   PV_CASE 5 (tag misc-signed): signed beats in the monitor past their
     verification (proof/gen_signed.py printed them): accepted, replayed,
     a new boot, the previous boot, expired, exp negative, escaped, not
     an integer or over int64, carrier B (claims of 3k + 1 bytes), each
     refusal (alg, kid, signature length and past its buffer, claims not
     base64url, no seq, over 64 KiB, a rejected signature) and a verify
     callback that calls back in.

   PV_CASE 6 (tag misc-services, misc-services-compact; misc-core with
     HEARTBEAT_NO_OPTIONS): the services' own histories. Signed beats
     (ES256, carrier A): a signer answering "pending", hb_beat_now and
     hb_offline_message refused meanwhile, a wait past the due point, a
     signer that fails, one slower than the interval (a missed grid
     point), one that calls hb_stop; offline beats in buffers too small
     for the header, the claims or the signature; a clock out of range.
     HS256 carrier B with a user property: hb_beat_jws during the publish
     and after. Callbacks that call back in: rand inside hb_start (hb_poll,
     hb_start, hb_stop), publish (hb_poll, hb_start, hb_beat_now), the
     clock (hb_stop), the log (hb_stop on a poll gap). The core: a token,
     a status and an id the fast head has no room to escape, and a beat
     it writes whole. */
#include "__fc_builtin.h"
#include "pv_builtins.h"
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#ifndef PV_CASE
#define PV_CASE 0
#endif

static uint32_t pv_u32(void) { return Frama_C_unsigned_int_interval(0, UINT32_MAX); }
size_t pv_len;   /* partitioned: one Eva state per length */
int pv_op;       /* partitioned: one per operation */
size_t pv_n;     /* partitioned: case 2, the batch's size */
int pv_key;      /* partitioned: case 0, hb_backoff_init's answer; case 1,
                    the plain id's length */

#if PV_CASE >= 5
/* cases 5 and 6: a call that does not answer what it must reaches an
   assert that fails the step */
static void pv_wrong(int line)
{
    (void)line;
    /*@ assert \false; */
}
#define PV_EXPECT(call, want) do { if ((call) != (want)) pv_wrong(__LINE__); } while (0)
#endif

#if PV_CASE == 0
static char pv_id[5];

int main(void)
{
    hb_backoff b;
    uint32_t now = pv_u32(), max = pv_u32(), d;
    int r;
    pv_len = Frama_C_size_t_interval(0, 4);
    Frama_C_make_unknown(pv_id, 4);
    pv_id[pv_len] = '\0';           /* any string of 0..4 bytes */
    r = hb_backoff_init(Frama_C_nondet(0, 1) ? &b : NULL, pv_u32(), max, pv_u32(),
                        Frama_C_nondet(0, 1) ? pv_id : NULL, pv_u32());
    pv_key = r == HB_OK;    /* (partitioned: made or not kept apart) */
    if (r == HB_OK) {
        /* any state a history of calls leaves (the config stays) */
        b.ceiling = pv_u32();
        b.rng = pv_u32();
        b.up_at = pv_u32();
        b.failures = pv_u32();
        b.up = (uint8_t)Frama_C_interval(0, 1);
    } else {
        /* storage hb_backoff_init never made: any bytes */
        Frama_C_make_unknown((char *)&b, sizeof b);
    }
    pv_op = Frama_C_interval(0, 4);
    switch (pv_op) {
    case 0:
        d = hb_backoff_next(&b, now);
        if (r == HB_OK) {
            /*@ assert d >= 1; */
        }
        break;
    case 1: hb_backoff_connected(&b, now); break;
    case 2: hb_backoff_reset(&b); break;
    case 3: (void)hb_backoff_failures(&b); break;
    default:
        d = hb_backoff_next(NULL, now);
        /*@ assert d == 0; */
        hb_backoff_connected(NULL, now);
        hb_backoff_reset(NULL);
        d = hb_backoff_failures(NULL);
        /*@ assert d == 0; */
        break;
    }
    (void)hb_strerror(Frama_C_int_interval(INT32_MIN, INT32_MAX));
    (void)hb_mon_state_name(Frama_C_int_interval(INT32_MIN, INT32_MAX));
    (void)hb_mon_event_name(Frama_C_int_interval(INT32_MIN, INT32_MAX));
    return 0;
}

#elif PV_CASE == 1
#ifndef PV_UN
#define PV_UN 7
#endif
#ifndef PV_UB
#define PV_UB 16
#endif
static char b1[1], b2[2], b3[3], b4[4], b5[5], b6[6], b7[7], b8[8], b12[12];
static char *const pv_raw[9] = { b1 + 1, b1, b2, b3, b4, b5, b6, b7, b8 };
static char pv_out[PV_UB];
static char p1[1], p2[2], p3[3], p4[4];
static char *const pv_plain[5] = { p1 + 1, p1, p2, p3, p4 };

static void pv_helpers(const char *raw, size_t n)
{
    size_t ol = 0, pn, *olp = Frama_C_nondet(0, 1) ? &ol : NULL;
    int esc = Frama_C_int_interval(INT32_MIN, INT32_MAX), r;
    char *plain;
    pv_key = Frama_C_interval(0, 4);
    pn = (size_t)pv_key;
    plain = pv_plain[pn];
    Frama_C_make_unknown(plain, pn);
    r = hb_mon_unescape(raw, n, esc, Frama_C_nondet(0, 1) ? pv_out : NULL,
                        Frama_C_size_t_interval(0, PV_UB), olp);
    if (r == HB_OK && olp != NULL) {
        /*@ assert ol < PV_UB; */
    }
    (void)hb_mon_id_equal(raw, n, esc, Frama_C_nondet(0, 1) ? plain : NULL, pn);
    (void)hb_mon_id_hash(raw, n, esc);
}

int main(void)
{
    char *raw;
    /* every string of 0..PV_UN bytes (one state per length) */
    pv_len = Frama_C_size_t_interval(0, PV_UN);
    raw = pv_raw[pv_len];
    Frama_C_make_unknown(raw, pv_len);
    pv_helpers(pv_len == 0 && Frama_C_nondet(0, 1) ? NULL : raw, pv_len);
    /* "\uXXXX\uXXXX", each X any byte */
    pv_len = 12;
    Frama_C_make_unknown(b12, sizeof b12);
    b12[0] = '\\'; b12[1] = 'u'; b12[6] = '\\'; b12[7] = 'u';
    pv_helpers(b12, sizeof b12);
    return 0;
}

#elif PV_CASE == 2
#ifndef PV_BB
#define PV_BB 2     /* (each payload's states multiply those before it) */
#endif
#define PV_CAP 3
static hb_mon_slot pv_slots[PV_CAP];
static hb_mon pv_m;
static char pv_pay[2];
static const char pv_min[] = "{\"device_id\":\"device01\",\"seq\":3}";
static const char *pv_pays[PV_BB];
static size_t pv_lens[PV_BB];

static int pv_verify(void *user, const hb_mon_jws *j)
{
    (void)user; (void)j;
    return Frama_C_int_interval(INT32_MIN, INT32_MAX);
}

/* every entry point on m (NULL, or storage hb_mon_init never made) */
static void pv_all(hb_mon *m)
{
    hb_mon_info in;
    hb_mon_device d;
    hb_mon_stats st;
    hb_mon_sign sg;
    uint32_t now = pv_u32();
    memset(&in, 0, sizeof in);
    memset(&sg, 0, sizeof sg);
    sg.verify = pv_verify;
    (void)hb_mon_beat(m, pv_min, sizeof pv_min - 1, now);
    (void)hb_mon_beat_batch(m, pv_pays, pv_lens, 1, now);
    (void)hb_mon_beat_signed(m, pv_min, sizeof pv_min - 1, NULL, 0, &sg, now);
    (void)hb_mon_arrival(m, &in, now);
    (void)hb_mon_poll(m, now);
    (void)hb_mon_link(m, 1, now);
    (void)hb_mon_set_wall(m, 0, now);
    (void)hb_mon_forget(m, 0);
    (void)hb_mon_get(m, "x", 1, &d);
    (void)hb_mon_get_slot(m, 0, &d);
    (void)hb_mon_get_stats(m, &st);
}

int main(void)
{
    hb_mon_config mc;
    hb_mon_device d;
    hb_mon_stats st;
    size_t i, n;
    uint32_t now = 1000u;
    int r;
    for (i = 0; i < PV_BB; i++) {
        pv_pays[i] = pv_min;
        pv_lens[i] = sizeof pv_min - 1;
    }
    /* a NULL monitor, then storage hb_mon_init never made (zeroed, as
       static storage is: any bytes could hold its magic) */
    pv_all(NULL);
    memset(&pv_m, 0, sizeof pv_m);
    pv_all(&pv_m);
    (void)hb_mon_init(&pv_m, NULL);
    /* a monitor hb_mon_init made: one fixed config (what the calls do
       with each config is mon-table's and mon-any's; the batch's own
       part is its loops over the payloads) */
    memset(&mc, 0, sizeof mc);
    mc.slots = pv_slots;
    mc.capacity = PV_CAP;
    r = hb_mon_init(&pv_m, &mc);
    //@ assert r == HB_OK;
    /* its NULL and bad arguments */
    pv_op = Frama_C_interval(0, 1);
    if (pv_op == 0) {
        (void)hb_mon_arrival(&pv_m, NULL, now);
        (void)hb_mon_beat(&pv_m, NULL, Frama_C_size_t_interval(1, SIZE_MAX), now);
        (void)hb_mon_beat_batch(&pv_m, NULL, NULL, Frama_C_size_t_interval(1, SIZE_MAX), now);
        (void)hb_mon_beat_signed(&pv_m, pv_min, sizeof pv_min - 1, NULL, 0, NULL, now);
        (void)hb_mon_get(&pv_m, NULL, Frama_C_size_t_interval(1, SIZE_MAX), &d);
        (void)hb_mon_get(&pv_m, "x", 1, NULL);
        (void)hb_mon_get_slot(&pv_m, pv_u32(), NULL);
        (void)hb_mon_get_stats(&pv_m, NULL);
        (void)hb_mon_set_wall(&pv_m, (int64_t)Frama_C_long_long_interval(INT64_MIN, INT64_MAX), now);
    } else {
        /* a batch of 0..PV_BB minimal whole beats, or of 0..PV_BB
           payloads, each the same any 0..2 bytes (pv_key) */
        pv_key = Frama_C_interval(0, 1);
        pv_n = n = Frama_C_size_t_interval(0, PV_BB);
        if (pv_key) {
            Frama_C_make_unknown(pv_pay, 2);
            pv_len = Frama_C_size_t_interval(0, 2);
            for (i = 0; i < n; i++) {
                pv_pays[i] = pv_pay;
                pv_lens[i] = pv_len;
            }
        }
        r = hb_mon_beat_batch(&pv_m, pv_pays, pv_lens, n, now);
        /*@ assert 0 <= r <= n; */
        (void)hb_mon_get_stats(&pv_m, &st);
    }
    return 0;
}

#elif PV_CASE == 3
/* Signed beats in heartbeat.h's format (header, kid "k1"), their claims
   a short beat (device "dev-1", seq 0, boot_id "b1": the reader on a
   whole beat of the writer, and on a member its fast path does not know,
   is the monitor drivers' part; here it took Eva 262 s with 50 alarms
   of its intervals, and 17 with an "exp"); the
   signatures are not real (the verify callback rejects them all):
   carrier A's compact JWS and carrier B's claims with the detached JWS,
   HS256 and ES256 */
static const char pv_hs_a[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.eyJkZXZp"
    "Y2VfaWQiOiJkZXYtMSIsInNlcSI6MCwiYm9vdF9pZCI6ImIxIn0.AAcOFRwjKjE4"
    "P0ZNVFtiaXB3foWMk5qhqK-2vcTL0tk";
static const char pv_es_a[] =
    "eyJhbGciOiJFUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.eyJkZXZp"
    "Y2VfaWQiOiJkZXYtMSIsInNlcSI6MCwiYm9vdF9pZCI6ImIxIn0.AAcOFRwjKjE4"
    "P0ZNVFtiaXB3foWMk5qhqK-2vcTL0tng5-71_AMKERgfJi00O0JJUFdeZWxzeoGI"
    "j5adpKuyuQ";
static const char pv_claims[] =
    "{\"device_id\":\"dev-1\",\"seq\":0,\"boot_id\":\"b1\"}";
static const char pv_hs_b[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0..AAcOFRw"
    "jKjE4P0ZNVFtiaXB3foWMk5qhqK-2vcTL0tk";
static const char pv_es_b[] =
    "eyJhbGciOiJFUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0..AAcOFRw"
    "jKjE4P0ZNVFtiaXB3foWMk5qhqK-2vcTL0tng5-71_AMKERgfJi00O0JJUFdeZWx"
    "zeoGIj5adpKuyuQ";

#define PV_SCR 600
static hb_mon_slot pv_slots[2];
static hb_mon pv_m;
static char pv_scr[PV_SCR];
static char pv_short[4], pv_sj[4];

/* The verify callback rejects every signature: past it (a signature
   accepted: the exp and replay checks, the arrival) Eva's intervals lose
   the relation between the claims' id and its length (5 alarms when it
   answered anything); that part is case 5's, on concrete beats */
static int pv_verify(void *user, const hb_mon_jws *j)
{
    (void)user;
    /* what the monitor hands the callback lies in the caller's strings or
       its scratch */
    /*@ assert \valid_read(j->input + (0 .. j->input_len - 1)); */
    /*@ assert \valid_read(j->sig + (0 .. j->sig_len - 1)); */
    /*@ assert \valid_read(j->kid + (0 .. j->kid_len - 1)); */
    return Frama_C_int_interval(1, INT32_MAX);
}

int main(void)
{
    hb_mon_config mc;
    hb_mon_sign sg;
    const char *pay, *jws;
    size_t plen, jlen;
    uint32_t now = pv_u32();
    int r;
    memset(&mc, 0, sizeof mc);
    mc.slots = pv_slots;
    mc.capacity = 2;
    r = hb_mon_init(&pv_m, &mc);
    //@ assert r == HB_OK;
    if (Frama_C_nondet(0, 1))   /* a wall clock, so exp is checked */
        (void)hb_mon_set_wall(&pv_m, (int64_t)Frama_C_long_long_interval(-(1ll << 53), 1ll << 53), now);
    memset(&sg, 0, sizeof sg);
    sg.verify = pv_verify;
    sg.scratch = pv_scr;
    sg.scratch_size = PV_SCR;
    sg.leeway_s = pv_u32();
    pv_op = Frama_C_interval(0, 5);
    switch (pv_op) {
    case 0: pay = pv_hs_a; plen = sizeof pv_hs_a - 1; jws = NULL; jlen = 0; break;
    case 1: pay = pv_es_a; plen = sizeof pv_es_a - 1; jws = NULL; jlen = 0; break;
    case 2: pay = pv_claims; plen = sizeof pv_claims - 1; jws = pv_hs_b; jlen = sizeof pv_hs_b - 1; break;
    case 3: pay = pv_claims; plen = sizeof pv_claims - 1; jws = pv_es_b; jlen = sizeof pv_es_b - 1; break;
    case 4:
        /* carrier A and B with no scratch, or one too small by any size */
        pay = pv_hs_a; plen = sizeof pv_hs_a - 1; jws = NULL; jlen = 0;
        pv_key = Frama_C_interval(0, 1);    /* (partitioned) */
        if (pv_key) { pay = pv_claims; plen = sizeof pv_claims - 1; jws = pv_hs_b; jlen = sizeof pv_hs_b - 1; }
        sg.scratch = Frama_C_nondet(0, 1) ? NULL : pv_scr;
        sg.scratch_size = Frama_C_size_t_interval(0, 100);
        break;
    default:
        /* any 0..4 bytes, with no jws or any 0..4 bytes of one */
        pv_len = Frama_C_size_t_interval(0, sizeof pv_short);
        Frama_C_make_unknown(pv_short, sizeof pv_short);
        Frama_C_make_unknown(pv_sj, sizeof pv_sj);
        pay = pv_short;
        plen = pv_len;
        pv_key = Frama_C_interval(0, 1);    /* (partitioned) */
        jws = pv_key ? pv_sj : NULL;
        jlen = pv_key ? Frama_C_size_t_interval(0, sizeof pv_sj) : 0;
        break;
    }
    r = hb_mon_beat_signed(&pv_m, pay, plen, jws, jlen, &sg, now);
    (void)r;
    return 0;
}
#elif PV_CASE == 4
/* one of each kind of UTF-8 sequence, valid or not: 2, 3 and 4 bytes,
   U+2028 and U+2029, the overlong and surrogate forms the decoders
   refuse, truncated ones, a bad continuation, stray bytes */
static const char *const pv_seq[] = {
    "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe2\x80\xa8",
    "\xe2\x80\xa9", "\xe0\x80\x80", "\xe0\xa0\x80", "\xed\xa0\x80",
    "\xed\x9f\xbf", "\xf0\x80\x80\x80", "\xf0\x90\x80\x80",
    "\xf4\x90\x80\x80", "\xf4\x8f\xbf\xbf", "\xc0\x80", "\xc2", "\xe2\x82",
    "\xf0\x9f\x98", "\xf0\x9f\x98\x41", "\xe2\x41\x41", "\xff", "\x80",
    "\xf5\x80\x80\x80"
};
#define PV_NSEQ ((int)(sizeof pv_seq / sizeof pv_seq[0]))
static char pv_str[64];
static char pv_out[512];

int main(void)
{
    hb_json w;
    size_t n, k, len;
    /* each sequence after an escape, at the string's end or followed by
       16 plain bytes (the escaper's runs), written and measured */
    pv_key = Frama_C_interval(0, 4 * PV_NSEQ - 1);
    memcpy(pv_str, "a\"", 2);
    k = strlen(pv_seq[pv_key % PV_NSEQ]);
    memcpy(pv_str + 2, pv_seq[pv_key % PV_NSEQ], k);
    n = 2 + k;
    if ((pv_key / PV_NSEQ) & 1) {
        memcpy(pv_str + n, "bcdefghijklmnopq", 16);
        n += 16;
    }
    hb_json_init(&w, (pv_key / PV_NSEQ) & 2 ? NULL : pv_out, sizeof pv_out);
    hb_json_string(&w, pv_str, n);
    return hb_json_finish(&w, &len);
}
#elif PV_CASE == 5
/* signed beats in the monitor past their verification: one concrete
   history (proof/gen_signed.py printed the strings; the signatures are
   not real, the verify callback accepts them) */
static const char pv_a1[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.eyJkZXZp"
    "Y2VfaWQiOiJkZXYtMSIsInNlcSI6MSwiYm9vdF9pZCI6ImIxIiwiZXhwIjo5OTk5"
    "OTk5OTk5OX0.BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY";
static const char pv_a2[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.eyJkZXZp"
    "Y2VfaWQiOiJkZXYtMSIsInNlcSI6MiwiYm9vdF9pZCI6ImIyIn0.BwgJCgsMDQ4P"
    "EBESExQVFhcYGRobHB0eHyAhIiMkJSY";
static const char pv_a3[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.eyJkZXZp"
    "Y2VfaWQiOiJkZXYtMSIsInNlcSI6MywiYm9vdF9pZCI6ImIxIn0.BwgJCgsMDQ4P"
    "EBESExQVFhcYGRobHB0eHyAhIiMkJSY";
static const char pv_aexp[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.eyJkZXZp"
    "Y2VfaWQiOiJkZXYtMSIsInNlcSI6NCwiYm9vdF9pZCI6ImIyIiwiZXhwIjoxMDAw"
    "fQ.BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY";
static const char pv_alg[] =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.eyJkZXZp"
    "Y2VfaWQiOiJkZXYtMSIsInNlcSI6NSwiYm9vdF9pZCI6ImIyIn0.BwgJCgsMDQ4P"
    "EBESExQVFhcYGRobHB0eHyAhIiMkJSY";
static const char pv_kid[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsgMSJ9.eyJkZXZ"
    "pY2VfaWQiOiJkZXYtMSIsInNlcSI6NSwiYm9vdF9pZCI6ImIyIn0.BwgJCgsMDQ4"
    "PEBESExQVFhcYGRobHB0eHyAhIiMkJSY";
static const char pv_sig[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.eyJkZXZp"
    "Y2VfaWQiOiJkZXYtMSIsInNlcSI6NSwiYm9vdF9pZCI6ImIyIn0.BwgJCgsMDQ4P"
    "EBESExQVFhcYGRobHB0eHyAhIiMkJQ";
static const char pv_sig65[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.eyJkZXZp"
    "Y2VfaWQiOiJkZXYtMSIsInNlcSI6NSwiYm9vdF9pZCI6ImIyIn0.BwgJCgsMDQ4P"
    "EBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4_"
    "QEFCQ0RFRkc";
static const char pv_nob64[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.e30*.Bwg"
    "JCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY";
static const char pv_noseq[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.eyJkZXZp"
    "Y2VfaWQiOiJkZXYtMSIsImJvb3RfaWQiOiJiMiJ9.BwgJCgsMDQ4PEBESExQVFhc"
    "YGRobHB0eHyAhIiMkJSY";
static const char pv_a4[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.eyJkZXZp"
    "Y2VfaWQiOiJkZXYtMSIsInNlcSI6NiwiYm9vdF9pZCI6ImIyIiwiZXhwIjotNX0."
    "BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY";
static const char pv_a5[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.eyJkZXZp"
    "Y2VfaWQiOiJkZXYtMSIsIlx1MDA2NXhwIjoxLCJzZXEiOjcsImJvb3RfaWQiOiJi"
    "MiIsImV4cCI6MS41fQ.BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY";
static const char pv_a6[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0.eyJkZXZp"
    "Y2VfaWQiOiJkZXYtMSIsInNlcSI6OCwiYm9vdF9pZCI6ImIyIiwiZXhwIjo5MjIz"
    "MzcyMDM2ODU0Nzc1ODA4fQ.BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJ"
    "SY";
static const char pv_bclaims[] =
    "{\"device_id\":\"dev-2\",\"seq\":1,\"boot_id\":\"c123\"}";
static const char pv_bjws[] =
    "eyJhbGciOiJFUzI1NiIsInR5cCI6ImhiK2p3dCIsImtpZCI6ImsxIn0..BwgJCgs"
    "MDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs"
    "8PT4_QEFCQ0RFRg";
static const char pv_bbad[] =
    "{\"device_id\":";


static hb_mon_slot pv_wslots[2];
static hb_mon pv_wm;
static char pv_wscr[600];
static char pv_wbig[65537];
static int pv_reenter, pv_reject, pv_inner, pv_logs;

static void pv_wlog(void *user, int level, const char *msg, int err, const char *detail)
{
    (void)user; (void)level; (void)msg; (void)err; (void)detail;
    pv_logs++;
}

static int pv_wverify(void *user, const hb_mon_jws *j)
{
    (void)user; (void)j;
    if (pv_reenter) {
        pv_reenter = 0;
        pv_inner = hb_mon_beat_signed(&pv_wm, pv_a2, sizeof pv_a2 - 1, NULL, 0,
                                      (const hb_mon_sign *)user, 1);
    }
    return pv_reject;
}


static int pv_scenario(void)
{
    hb_mon_config mc;
    hb_mon_sign sg;
    hb_mon_stats st;
    memset(&mc, 0, sizeof mc);
    mc.slots = pv_wslots;
    mc.capacity = 2;
    mc.log = pv_wlog;
    PV_EXPECT(hb_mon_init(&pv_wm, &mc), HB_OK);
    PV_EXPECT(hb_mon_set_wall(&pv_wm, 1764607000000ll, 1000), HB_OK);
    memset(&sg, 0, sizeof sg);
    sg.verify = pv_wverify;
    sg.user = &sg;
    sg.scratch = pv_wscr;
    sg.scratch_size = sizeof pv_wscr;
    sg.leeway_s = 30;
    /* accepted; the same beat again (a replay); a new boot; the old boot
       again (arrival ignores it); expired */
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_a1, sizeof pv_a1 - 1, NULL, 0, &sg, 1000), HB_OK);
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_a1, sizeof pv_a1 - 1, NULL, 0, &sg, 1100), HB_ERR_STATE);
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_a2, sizeof pv_a2 - 1, NULL, 0, &sg, 1200), HB_OK);
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_a3, sizeof pv_a3 - 1, NULL, 0, &sg, 1300), HB_ERR_STATE);
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_aexp, sizeof pv_aexp - 1, NULL, 0, &sg, 1400), HB_ERR_STATE);
    /* exp negative (expired), escaped or not an integer (ignored), over
       int64 (ignored) */
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_a4, sizeof pv_a4 - 1, NULL, 0, &sg, 1410), HB_ERR_STATE);
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_a5, sizeof pv_a5 - 1, NULL, 0, &sg, 1420), HB_OK);
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_a6, sizeof pv_a6 - 1, NULL, 0, &sg, 1430), HB_OK);
    /* carrier B, ES256, claims of 3k + 1 bytes */
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_bclaims, sizeof pv_bclaims - 1, pv_bjws,
                                 sizeof pv_bjws - 1, &sg, 1500), HB_OK);
    /* carrier B with claims that are not a beat */
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_bbad, sizeof pv_bbad - 1, pv_bjws,
                                 sizeof pv_bjws - 1, &sg, 1550), HB_ERR_ARG);
    /* refused: alg, kid, signature length (short, and past its buffer),
       claims not base64url, no seq, over 64 KiB, a rejected signature */
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_alg, sizeof pv_alg - 1, NULL, 0, &sg, 1600), HB_ERR_CRYPTO);
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_kid, sizeof pv_kid - 1, NULL, 0, &sg, 1600), HB_ERR_CRYPTO);
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_sig, sizeof pv_sig - 1, NULL, 0, &sg, 1600), HB_ERR_CRYPTO);
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_sig65, sizeof pv_sig65 - 1, NULL, 0, &sg, 1600), HB_ERR_CRYPTO);
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_nob64, sizeof pv_nob64 - 1, NULL, 0, &sg, 1600), HB_ERR_ARG);
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_noseq, sizeof pv_noseq - 1, NULL, 0, &sg, 1600), HB_ERR_ARG);
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_wbig, sizeof pv_wbig, NULL, 0, &sg, 1600), HB_ERR_ARG);
    pv_reject = 1;
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_a2, sizeof pv_a2 - 1, NULL, 0, &sg, 1700), HB_ERR_CRYPTO);
    pv_reject = 0;
    /* the verify callback calling back in: refused */
    pv_reenter = 1;
    pv_inner = -1;
    PV_EXPECT(hb_mon_beat_signed(&pv_wm, pv_a2, sizeof pv_a2 - 1, NULL, 0, &sg, 1800), HB_ERR_STATE);
    PV_EXPECT(pv_inner, HB_ERR_STATE);
    PV_EXPECT(hb_mon_get_stats(&pv_wm, &st), HB_OK);
    PV_EXPECT(st.replays, 5u);
    PV_EXPECT(pv_logs, 9);
    return 0;
}

int main(void)
{
    return pv_scenario();
}
#elif PV_CASE == 6

static hb_service pv_s1, pv_s2, pv_s3;
static hb_signing pv_g1, pv_g2;
static char pv_b1[1024], pv_b2[1024], pv_b3[512], pv_tmp[1024];
static int pv_slices, pv_sfail, pv_sstop, pv_pubs, pv_act, pv_in1, pv_in2,
    pv_in3, pv_jws_seen;
static int64_t pv_sec = 1764607000;
static const hb_user_prop pv_uprops[1] = { { "region", "eu", 2 } };

static int pv_clock(void *user, hb_time *now)
{
    (void)user;
    now->sec = pv_sec;
    now->nsec = 5;
    now->utc_offset_min = 0;
    if (pv_act == 2) hb_stop(&pv_s3, 0);       /* hb_stop from the clock */
    return 0;
}

static int pv_signer(void *user, int alg, const char *input, size_t len,
                     unsigned char *sig, int again)
{
    size_t i, sl = alg == HB_SIGN_ES256 ? 64u : 32u;
    (void)user; (void)input; (void)len; (void)again;
    if (pv_sstop) hb_stop(&pv_s1, 0);
    if (pv_sfail) return -1;
    if (pv_slices > 0) { pv_slices--; return 40; }
    for (i = 0; i < sl; i++) sig[i] = (unsigned char)(i * 7u);
    return 0;
}

static int pv_pub(void *user, const char *topic, const char *payload,
                  size_t len, int qos)
{
    (void)topic; (void)payload; (void)len; (void)qos;
    pv_pubs++;
    if (user == &pv_s2) {       /* carrier B: the detached JWS, now */
        size_t n = 0;
        const char *j = hb_beat_jws(&pv_s2, &n);
        if (j != NULL && n > 0 && hb_beat_props_get(&pv_s2) != NULL) pv_jws_seen++;
    }
    if (user == &pv_s3 && pv_act == 4) {
        pv_in1 = (int)hb_poll(&pv_s3, 0);        /* from inside: the wait */
        pv_in2 = hb_start(&pv_s3, 0);            /* refused: busy */
        pv_in3 = hb_beat_now(&pv_s3, 0);         /* refused: busy */
    }
    return 0;
}

static uint32_t pv_rand3(void *user)
{
    (void)user;
    if (pv_act == 1) {
        pv_in1 = (int)hb_poll(&pv_s3, 0);        /* busy: the wait, 0 (IMMEDIATE) */
        pv_in2 = hb_start(&pv_s3, 0);            /* busy: refused */
        hb_stop(&pv_s3, 0);                      /* hb_start then says so */
    }
    return 7;
}

/* a token with a byte to escape (the default build's fast head leaves it
   to the general writer) */
static int pv_token(void *user, const char **token, size_t *len)
{
    (void)user;
    *token = "ab\"cd";
    *len = 5;
    return 0;
}

static uint32_t pv_rand0(void *user)
{
    (void)user;
    return 0x9E3779B9u;
}

static void pv_log3(void *user, int level, const char *msg, int err, const char *detail)
{
    (void)user; (void)level; (void)msg; (void)err; (void)detail;
    if (pv_act == 3) hb_stop(&pv_s3, 0);       /* hb_stop from the log */
}

static void pv_base(hb_config *c, hb_service *user, char *buf, size_t size)
{
    memset(c, 0, sizeof *c);
    c->topic = "hb/dev-1";
    c->interval_ms = 1000;
    c->qos = 1;
    c->device_id = "dev-1";
    c->publish = pv_pub;
    c->clock = pv_clock;
    c->user = user;
    c->buf = buf;
    c->buf_size = size;
    c->rand = pv_rand0;         /* signed beats make their boot_id with it */
}

#ifndef HEARTBEAT_NO_OPTIONS
static int pv_services(void)
{
    hb_config c;
    hb_stats st;
    size_t n;
    /* 1: ES256, carrier A; a signer that answers "pending" twice */
    pv_base(&c, &pv_s1, pv_b1, sizeof pv_b1);
    c.flags = HB_OPT_SEQ;
    pv_g1.ops = hb_signed_beats;
    pv_g1.sign_alg = HB_SIGN_ES256;
    pv_g1.sign_kid = "k1";
    pv_g1.sign = pv_signer;
    pv_g1.sign_carrier = HB_CARRIER_A;
    c.signing = &pv_g1;
    PV_EXPECT(hb_init(&pv_s1, &c), HB_OK);
    PV_EXPECT(hb_start(&pv_s1, 0), HB_OK);
    pv_slices = 2;
    PV_EXPECT(hb_poll(&pv_s1, 1000), 40u);
    PV_EXPECT(hb_poll(&pv_s1, 1010), 30u);              /* early */
    PV_EXPECT(hb_beat_now(&pv_s1, 1020), HB_ERR_STATE); /* one at a time */
    PV_EXPECT(hb_offline_message(&pv_s1, 1020, pv_tmp, sizeof pv_tmp, &n), HB_ERR_STATE);
    PV_EXPECT(hb_poll(&pv_s1, 1040), 40u);
    PV_EXPECT(hb_poll(&pv_s1, 1080), 920u);             /* signed, sent */
    PV_EXPECT(pv_pubs, 1);
    pv_slices = 1;                                      /* the wait: the due point's */
    PV_EXPECT(hb_poll(&pv_s1, 1990), 10u);
    PV_EXPECT(hb_poll(&pv_s1, 2000), 40u);
    PV_EXPECT(hb_poll(&pv_s1, 2980), 20u);              /* a wait past the due point */
    PV_EXPECT(hb_poll(&pv_s1, 3000), 1000u);            /* signed, sent */
    PV_EXPECT(pv_pubs, 3);
    pv_sfail = 1;                                       /* the signer fails */
    PV_EXPECT(hb_poll(&pv_s1, 4000), 1000u);
    PV_EXPECT(hb_get_stats(&pv_s1, &st), HB_OK);
    PV_EXPECT(st.fail_token, 1u);
    pv_sfail = 0;
    /* the offline beat, signed at once; in a buffer too small for it */
    PV_EXPECT(hb_offline_message(&pv_s1, 4100, pv_tmp, sizeof pv_tmp, &n), HB_OK);
    PV_EXPECT(hb_beat_props_get(&pv_s1) != NULL, 1);    /* for the Will */
    PV_EXPECT(hb_offline_message(&pv_s1, 4100, pv_tmp, 250, &n), HB_ERR_NOSPACE);
    PV_EXPECT(hb_offline_message(&pv_s1, 4100, pv_tmp, 276, &n), HB_ERR_NOSPACE);
    /* a clock out of range: not signed, not sent */
    pv_sec = INT64_MIN / 2;
    PV_EXPECT(hb_poll(&pv_s1, 5000), 1000u);
    PV_EXPECT(hb_get_stats(&pv_s1, &st), HB_OK);
    PV_EXPECT(st.fail_serialize, 1u);
    pv_sec = 1764607000;
    /* a signer slower than the interval: the grid point that passes
       meanwhile is missed, the beat under way still goes out */
    pv_slices = 30;
    PV_EXPECT(hb_poll(&pv_s1, 6000), 40u);
    PV_EXPECT(hb_poll(&pv_s1, 7000), 40u);         /* grid point 7000 missed */
    pv_slices = 0;
    PV_EXPECT(hb_poll(&pv_s1, 7040), 960u);        /* sent; next 8000 */
    PV_EXPECT(hb_get_stats(&pv_s1, &st), HB_OK);
    PV_EXPECT(st.missed, 1u);
    PV_EXPECT(pv_pubs, 4);
    /* offline beats in buffers too small for the header, for the
       signature */
    PV_EXPECT(hb_offline_message(&pv_s1, 7100, pv_tmp, 20, &n), HB_ERR_NOSPACE);
    PV_EXPECT(hb_offline_message(&pv_s1, 7100, pv_tmp, 350, &n), HB_ERR_NOSPACE);
    pv_slices = 1;                                      /* hb_stop from the signer */
    pv_sstop = 1;
    PV_EXPECT(hb_poll(&pv_s1, 8000), HB_POLL_IDLE);
    pv_sstop = 0;
    PV_EXPECT(pv_pubs, 4);
    /* 2: HS256, carrier B: hb_beat_jws during the publish, NULL after */
    pv_base(&c, &pv_s2, pv_b2, sizeof pv_b2);
    pv_g2 = pv_g1;
    memset(&pv_g2.internal_, 0, sizeof pv_g2.internal_);
    pv_g2.sign_alg = HB_SIGN_HS256;
    pv_g2.sign_carrier = HB_CARRIER_B;
    c.signing = &pv_g2;
    c.user_props = pv_uprops;
    c.n_user_props = 1;
    PV_EXPECT(hb_init(&pv_s2, &c), HB_OK);
    PV_EXPECT(hb_start(&pv_s2, 0), HB_OK);
    PV_EXPECT(hb_poll(&pv_s2, 1000), 1000u);
    PV_EXPECT(pv_jws_seen, 1);
    PV_EXPECT(hb_beat_jws(&pv_s2, &n) == NULL, 1);
    PV_EXPECT(hb_beat_props_get(&pv_s2) == NULL, 1);    /* after the publish */
    /* 3: not signed; callbacks that call back in */
    pv_base(&c, &pv_s3, pv_b3, sizeof pv_b3);
    c.flags = HB_OPT_IMMEDIATE;
    c.jitter_ms = 10;
    c.rand = pv_rand3;
    c.log = pv_log3;
    c.poll_gap_ms = 5000;
    c.token = pv_token;
    PV_EXPECT(hb_init(&pv_s3, &c), HB_OK);
    pv_act = 1;                                         /* from rand, in hb_start */
    PV_EXPECT(hb_start(&pv_s3, 0), HB_ERR_STATE);
    PV_EXPECT(pv_in1, 0);
    PV_EXPECT(pv_in2, HB_ERR_STATE);
    pv_act = 0;
    PV_EXPECT(hb_start(&pv_s3, 0), HB_OK);
    pv_act = 4;                                         /* from publish */
    PV_EXPECT(hb_poll(&pv_s3, 1), 1006u);
    PV_EXPECT(pv_in1, 1007);                            /* the wait from tick 0 */
    PV_EXPECT(pv_in2, HB_ERR_STATE);
    PV_EXPECT(pv_in3, HB_ERR_STATE);
    pv_act = 2;                                         /* hb_stop from the clock */
    PV_EXPECT(hb_beat_now(&pv_s3, 10), HB_ERR_STATE);
    PV_EXPECT(hb_poll(&pv_s3, 20), HB_POLL_IDLE);
    pv_act = 0;
    PV_EXPECT(hb_start(&pv_s3, 100), HB_OK);
    PV_EXPECT(hb_poll(&pv_s3, 101), 1006u);
    pv_act = 3;                                         /* hb_stop from the log */
    PV_EXPECT(hb_poll(&pv_s3, 20000), HB_POLL_IDLE);
    pv_act = 0;
    return 0;
}

#else
/* one service from c, started at 0: its first beat goes out at 1000 */
static void pv_one_beat(hb_service *hb, const hb_config *c, int pubs)
{
    PV_EXPECT(hb_init(hb, c), HB_OK);
    PV_EXPECT(hb_start(hb, 0), HB_OK);
    PV_EXPECT(hb_poll(hb, 1000), 1000u);
    PV_EXPECT(pv_pubs, pubs);
}

/* the core (HEARTBEAT_NO_OPTIONS), in the buffer hb_buf_size asks for a
   5-byte token: a token, a status and an id that the fast head has no
   room to escape (the general writer does, and the beat goes out) */
static int pv_core(void)
{
    hb_config c;
    pv_base(&c, &pv_s3, pv_b3, sizeof pv_b3);
    c.rand = NULL;              /* an option: the core refuses it */
    c.token = pv_token;
    c.buf_size = hb_buf_size(&c, 5);
    pv_one_beat(&pv_s3, &c, 1);
    c.status = "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"";
    c.buf = pv_b2;
    c.buf_size = hb_buf_size(&c, 5);
    pv_one_beat(&pv_s2, &c, 2);
    c.status = NULL;
    c.device_id = "\"\"\"\"\"\"\"\"\"\"";
    c.buf = pv_b1;
    c.buf_size = hb_buf_size(&c, 5);
    pv_one_beat(&pv_s1, &c, 3);
    /* and in a roomy buffer: the fast head writes the whole beat */
    c.device_id = "dev-1";
    c.buf = pv_b3;
    c.buf_size = sizeof pv_b3;
    pv_one_beat(&pv_s3, &c, 4);
    return 0;
}
#endif

int main(void)
{
#ifdef HEARTBEAT_NO_OPTIONS
    return pv_core();
#else
    return pv_services();
#endif
}
#else
#error "PV_CASE: 0 to 6"
#endif
