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
     batch_is_beat_n_times runs 48. Eva proves that it answers 0..n. */
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
   answered anything), so that part is tested, not proved
   (proof/unreached.txt) */
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
#else
#error "PV_CASE: 0, 1, 2 or 3"
#endif
