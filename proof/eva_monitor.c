/* proof/eva_monitor.c - Eva drivers for the monitor's beat parser,
   hb_mon_parse, run by proof/run.sh with the option set "monitor", one
   frama-c process per PV_CASE. In each, the payload is an object of
   exactly its length (one array per length, below): a read one byte
   before or past it is an alarm, not a read of a neighbour. Eva keeps
   one state per length (pv_len) and per prefix (pv_key).

   PV_CASE 0 (tag mon-parse): hb_mon_parse on EVERY payload of 0..PV_MN
     bytes (default 8), each byte any value (-128..127); the payload
     pointer NULL or not, the info pointer NULL or not. This is the
     complete input space up to that length: every path of the general
     reader that such a payload takes ("{}", "{\"\":1}", "[", blanks,
     "{\"a\":[]}", a truncated string or literal, ...). Eva's time
     doubles with each byte (8 bytes: about 25 s on this 2-core
     machine, 9 bytes over a minute), which is why the cases below exist.

   PV_CASE 1 (tag mon-keys): hb_mon_parse on a payload that starts with
     one of the prefixes pv_pre (an object opened on each member the
     reader knows, and one it does not), followed by 0..PV_MH bytes
     (default 2; 3 takes three times as long), each any value. So each
     member's value reader (the integers with their bounds, boot_id as
     a string or an integer, clock_synced, status, the id, the
     timestamp's string, an unknown member's value skipped) meets any
     0..2 bytes, and the fast path (hbi_mon_fast, "{\"device_id\":")
     its first string. NOT covered: longer values, a second member,
     whole beats.

   PV_CASE 2 (tag mon-time): the two time readers hb_mon_parse calls,
     alone: hbi_mon_time_end (the general reader's, and the fast path's
     fallback) and hbi_mon_ftime (the fast path's, 8 bytes at a time) on
     EVERY string of 0..PV_TN bytes (default 36: the writer's longest
     timestamp is 35), each byte any value, with no day cache or one
     holding any value. That hb_mon_parse passes them a pointer and
     length inside the payload is not part of this case (the string
     reader's result, checked in cases 0 and 1 only for short payloads).

   PV_CASE 3 (tag mon-table): the monitor's own functions, from
     hb_mon_init to one call of each of the others on the table it made.
     hb_mon_init first on ANY config (every field any value, the table
     NULL or not, the monitor NULL or not: its checks), then on any
     config it accepts: capacity 1..PV_CAP (3) over an array of exactly
     PV_CAP slots (counters too, or none), every number in its accepted
     range (dead_phi: 0 or not below suspect_phi, split two ways: see
     main), the event, same and log callbacks present or not. Then ONE
     of: hb_mon_arrival with any info (id and status any 0..4 bytes or
     a NULL id of length 0, every number and flag any value),
     hb_mon_beat (any 0..2 bytes, or a minimal whole beat), hb_mon_poll,
     hb_mon_link, hb_mon_set_wall (any int64), hb_mon_forget (any slot),
     or hb_mon_get_slot, hb_mon_get and hb_mon_get_stats, each at any
     tick. The event callback reads the event and the device, and
     checks that hb_mon_arrival, hb_mon_beat, hb_mon_beat_batch,
     hb_mon_link and hb_mon_forget answer HB_ERR_STATE from inside it and
     hb_mon_poll 0.
     A second call on a table with devices in it is case 4 (a tried
     prefix of concrete calls left 3 to 10 alarms: their slot, seq and
     interval would have to stay related to the input's, which Eva's
     non-relational state loses).

   PV_CASE 4 (tag mon-any): as case 3, but with the capacity exactly
     PV_CAP (the array), and between hb_mon_init and the one call the
     table is put in ANY state: every byte of every slot
     and counter any value (whatever id hash, tick, seq, learned mean,
     deviation, state bits and boot hashes), and every field of the
     monitor that calls change after hb_mon_init any value too (the
     latest tick, the silence floor and freeze, the OUTAGE bookkeeping,
     the sweep cursor, slices and their due ticks, the link flag, the
     epoch, the stats, the wall clock as hb_mon_set_wall allows and the date
     cache); the config, and what hb_mon_init derived from it (slice
     length, the phi factors), stay as hb_mon_init made them. Every
     state a sequence of calls can reach is one of these (and many that
     no sequence reaches), so each call is shown free of runtime errors
     after ANY history: the sweep over a full table in any states, the
     detector's transitions, a reboot, an OUTAGE starting or ending.
     What this does not show is that the calls compute the right
     states: that is what the unit tests and the golden logs check.

   PV_CASE 5 (tag mon-whole, option set "whole"): hb_mon_parse on whole
     beats, each concrete (pv_beats: the writer's beat with every extra
     member; unsynced, offline, signed, the largest numbers; the general
     reader's members in another order, twice, out of range, escaped;
     and one payload for each place the fast path gives up), and on a
     payload over the reader's limit. Each is one concrete run (the
     builtins' contracts give the byte index of a 64-bit scan exactly,
     proof/pv_builtins.h), so this shows those runs free of runtime
     errors and reaches the reader's statements past mon-parse's 8 bytes;
     it does not generalise to other beats (every prefix of each, tried,
     took Eva over 10 minutes).

   The monitor's C code is the same in the default and the
   HEARTBEAT_COMPACT builds (only inline attributes differ); -U__SSE2__
   (run.sh) leaves the SSE2 id scan out, the 8-byte SWAR code in
   (HBI_MON_SWAR, a 64-bit host). */
#include "__fc_builtin.h"
#include "pv_builtins.h"
/* heartbeat.h's own choice on a 64-bit host (machdep x86_64), made here
   so that the driver sees it too (heartbeat.h #undefs it at its end);
   -DHBI_MON_SWAR=0 gives the byte-at-a-time code of 32-bit hosts (not
   with run.sh's option set, which names functions it does not have) */
#ifndef HBI_MON_SWAR
#define HBI_MON_SWAR 1
#endif
#if HBI_MON_SWAR
#define PV_SWAR 1
#else
#define PV_SWAR 0
#endif
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#ifndef PV_CASE
#define PV_CASE 0
#endif
#ifndef PV_MN
#define PV_MN 8
#endif
#ifndef PV_MH
#define PV_MH 2
#endif
#ifndef PV_TN
#define PV_TN 36
#endif

/* one object of exactly n bytes per length n (length 0: one past the
   end of a 1-byte array, a valid pointer that may not be read) */
#define PV_W(n) static char b##n[n];
#define PV_W10(t) PV_W(t##0) PV_W(t##1) PV_W(t##2) PV_W(t##3) PV_W(t##4) \
    PV_W(t##5) PV_W(t##6) PV_W(t##7) PV_W(t##8) PV_W(t##9)
PV_W(1) PV_W(2) PV_W(3) PV_W(4) PV_W(5) PV_W(6) PV_W(7) PV_W(8) PV_W(9)
PV_W10(1) PV_W10(2) PV_W10(3) PV_W10(4) PV_W10(5) PV_W10(6) PV_W10(7)
PV_W10(8) PV_W10(9) PV_W10(10) PV_W10(11) PV_W10(12) PV_W10(13)
PV_W10(14) PV_W10(15) PV_W10(16) PV_W10(17) PV_W10(18) PV_W10(19)
#define PV_P10(t) b##t##0, b##t##1, b##t##2, b##t##3, b##t##4, b##t##5, \
    b##t##6, b##t##7, b##t##8, b##t##9,
#define PV_BUFS 200
static char *const pv_buf[PV_BUFS] = { b1 + 1, b1, b2, b3, b4, b5, b6, b7,
    b8, b9, PV_P10(1) PV_P10(2) PV_P10(3) PV_P10(4) PV_P10(5) PV_P10(6)
    PV_P10(7) PV_P10(8) PV_P10(9) PV_P10(10) PV_P10(11) PV_P10(12)
    PV_P10(13) PV_P10(14) PV_P10(15) PV_P10(16) PV_P10(17) PV_P10(18)
    PV_P10(19) };
size_t pv_len;   /* partitioned: one Eva state per length */
int pv_key;      /* partitioned: one per prefix (case 1), per reader (2),
                    per beat (5) */

#if PV_CASE == 0
#if PV_MN > PV_BUFS - 1
#error "PV_MN: at most 199"
#endif
int main(void)
{
    hb_mon_info info;
    char *p;
    pv_len = Frama_C_size_t_interval(0, PV_MN);
    p = pv_buf[pv_len];
    Frama_C_make_unknown(p, pv_len);
    return hb_mon_parse(Frama_C_nondet(0, 1) ? p : NULL, pv_len,
                        Frama_C_nondet(0, 1) ? &info : NULL);
}
#elif PV_CASE == 1
static const char *const pv_pre[] = {
    "{\"seq\":", "{\"uptime_ms\":", "{\"interval_ms\":", "{\"boot_id\":",
    "{\"clock_synced\":", "{\"status\":", "{\"device_id\":",
    "{\"timestamp\":", "{\"x\":"
};
#define PV_NPRE ((int)(sizeof pv_pre / sizeof pv_pre[0]))
#if PV_MH > PV_BUFS - 1 - 17
#error "PV_MH: at most 182 (the longest prefix is 17 bytes)"
#endif
int main(void)
{
    hb_mon_info info;
    char *p;
    size_t n, h;
    pv_key = Frama_C_interval(0, PV_NPRE - 1);
    n = strlen(pv_pre[pv_key]);
    h = Frama_C_size_t_interval(0, PV_MH);
    pv_len = n + h;
    p = pv_buf[pv_len];
    memcpy(p, pv_pre[pv_key], n);
    Frama_C_make_unknown(p + n, h);
    return hb_mon_parse(p, pv_len, &info);
}
#elif PV_CASE == 2
#if PV_TN > PV_BUFS - 1
#error "PV_TN: at most 199"
#endif
int main(void)
{
    char *p;
    int64_t ms;
    size_t end;
    hbi_mon_day dc;
    pv_len = Frama_C_size_t_interval(0, PV_TN);
    p = pv_buf[pv_len];
    Frama_C_make_unknown(p, pv_len);
    Frama_C_make_unknown((char *)&dc, sizeof dc);
    pv_key = Frama_C_interval(0, 1);
    if (pv_key == 0)
        return hbi_mon_time_end(p, pv_len, &ms, &end,
                                Frama_C_nondet(0, 1) ? &dc : NULL);
#if PV_SWAR
    return hbi_mon_ftime(p, p + pv_len, Frama_C_nondet(0, 1) ? &dc : NULL,
                         &ms) != NULL;
#else
    return 0;
#endif
}
#elif PV_CASE == 3 || PV_CASE == 4
/* the table: capacity any of 1..PV_CAP over an array of exactly PV_CAP
   slots (and counters, or none) */
#ifndef PV_CAP
#define PV_CAP 3
#endif
static hb_mon_slot pv_slots[PV_CAP];
static hb_mon_counters pv_counters[PV_CAP];
static hb_mon pv_m, pv_m2;
static char pv_id[4], pv_st[4];
int pv_op;       /* which operation (main's states keep them apart) */

static void pv_log(void *user, int level, const char *msg, int err,
                   const char *detail)
{
    (void)user; (void)level; (void)err;
    (void)strlen(msg);
    if (detail != NULL) (void)strlen(detail);
}

/* The event callback: reads the event and, as a user may, the device
   (hb_mon_get_slot is allowed here); the calls that are not allowed
   from inside must answer HB_ERR_STATE (checked) */
static const char pv_x[] = "{\"device_id\":\"x\"}";
static const char *const pv_xp = pv_x;
static const size_t pv_xl = sizeof pv_x - 1;
static void pv_event(void *user, const hb_mon_event *ev)
{
    hb_mon_device d;
    hb_mon *m = (hb_mon *)user;
    hb_mon_info again;
    int r;
    (void)hb_mon_get_slot(m, ev->slot, &d);
    if (ev->info != NULL) (void)ev->info->id_len;
    (void)hb_mon_event_name(ev->type);
    (void)hb_mon_state_name(ev->state);
    memset(&again, 0, sizeof again);
    again.id = "x";
    again.id_len = 1;
    again.flags = (uint32_t)Frama_C_interval(0, 0x1FF);
    r = hb_mon_arrival(m, &again, Frama_C_unsigned_int_interval(0, UINT32_MAX));
    //@ assert r == HB_ERR_STATE;
    r = hb_mon_beat(m, pv_x, sizeof pv_x - 1, 0);
    //@ assert r == HB_ERR_STATE;
    r = hb_mon_link(m, 0, 0);
    //@ assert r == HB_ERR_STATE;
    r = hb_mon_forget(m, 0);
    //@ assert r == HB_ERR_STATE;
    r = hb_mon_beat_batch(m, &pv_xp, &pv_xl, 1, 0);
    //@ assert r == HB_ERR_STATE;
    r = (int)hb_mon_poll(m, 0);
    //@ assert r == 0;
}

static int pv_same(void *user, uint32_t slot, const char *id, size_t len,
                   int escaped)
{
    (void)user; (void)escaped;
    //@ assert slot < PV_CAP;
    if (len != 0) (void)id[len - 1];
    return Frama_C_nondet(0, 1);
}

static uint32_t pv_u32(void) { return Frama_C_unsigned_int_interval(0, UINT32_MAX); }

/* any info hb_mon_arrival may be given: id and status any 0..4 bytes
   (or a NULL id of length 0), every number any value, any flags */
static void pv_info(hb_mon_info *in)
{
    size_t n = Frama_C_size_t_interval(0, sizeof pv_id);
    pv_len = n;
    Frama_C_make_unknown(pv_id, sizeof pv_id);
    Frama_C_make_unknown(pv_st, sizeof pv_st);
    in->id = n == 0 && Frama_C_nondet(0, 1) ? NULL : pv_id;
    in->id_len = n;
    in->status = pv_st;
    in->status_len = Frama_C_size_t_interval(0, sizeof pv_st);
    in->time_ms = (int64_t)Frama_C_long_long_interval(INT64_MIN, INT64_MAX);
    in->uptime_ms = (uint64_t)Frama_C_unsigned_long_long_interval(0, UINT64_MAX);
    in->seq = pv_u32();
    in->interval_ms = pv_u32();
    in->boot_hash = pv_u32();
    in->flags = pv_u32();
    in->why = NULL;
}

/* hb_mon_beat's own part (the reader is cases 0 to 2): a payload of
   0..PV_BN bytes, each any value, or one whole minimal beat */
#ifndef PV_BN
#define PV_BN 2
#endif
static char pv_pay[PV_BN];
static const char pv_min[] = "{\"device_id\":\"device01\",\"seq\":3}";
#ifndef PV_OPS
#define PV_OPS 6
#endif

#if PV_CASE == 4
static uint32_t pv_bit(void) { return (uint32_t)Frama_C_nondet(0, 1); }

/* any state a history of calls could have left (and more): see case 4 */
static void pv_any_table(hb_mon *m)
{
    struct hb_mon_internal *s = &m->internal_;
    Frama_C_make_unknown((char *)pv_slots, sizeof pv_slots);
    Frama_C_make_unknown((char *)pv_counters, sizeof pv_counters);
    Frama_C_make_unknown((char *)&s->st, sizeof s->st);
    s->now = pv_u32();
    s->floor = pv_u32();
    s->freeze = pv_u32();
    s->outage_start = pv_u32();
    s->outage_live = pv_u32();
    s->outage_back = pv_u32();
    s->cursor = pv_u32();
    s->link_down_at = pv_u32();
    s->epoch = pv_u32();
    s->fresh_suspect = pv_u32();
    s->active = Frama_C_unsigned_long_long_interval(0, UINT64_MAX);
    Frama_C_make_unknown((char *)s->slice_due, sizeof s->slice_due);
    Frama_C_make_unknown((char *)s->slice_swept, sizeof s->slice_swept);
    s->day.key = Frama_C_unsigned_long_long_interval(0, UINT64_MAX);
    s->day.key2 = pv_u32();
    s->day.days = (int32_t)Frama_C_interval(INT32_MIN, INT32_MAX);
    s->has_wall = (uint8_t)pv_bit();
    /* hb_mon_set_wall: unix_ms within +-2^53, minus any tick */
    s->wall_base = (int64_t)Frama_C_long_long_interval(-(1ll << 53) - 0xFFFFFFFFll, 1ll << 53);
    s->link_up = (uint8_t)pv_bit();
    s->has_floor = (uint8_t)pv_bit();
    s->outage = (uint8_t)pv_bit();
    s->has_epoch = (uint8_t)pv_bit();
}
#endif

int main(void)
{
    hb_mon_config mc;
    hb_mon_info in;
    hb_mon_device d;
    hb_mon_stats st;
    int r;
    /* any config at all: hb_mon_init's checks (on a monitor of its own) */
    memset(&mc, 0, sizeof mc);
    mc.slots = Frama_C_nondet(0, 1) ? pv_slots : NULL;
    mc.capacity = pv_u32();
    mc.counters = Frama_C_nondet(0, 1) ? pv_counters : NULL;
    mc.default_interval_ms = pv_u32();
    mc.suspect_phi = pv_u32();
    mc.dead_phi = pv_u32();
    mc.loss_ppm = pv_u32();
    mc.pause_ms = pv_u32();
    mc.outage_permille = pv_u32();
    mc.outage_min = pv_u32();
    mc.outage_max_ms = pv_u32();
    mc.reconnect_ms = pv_u32();
    mc.resolution_ms = pv_u32();
    mc.poll_budget = pv_u32();
    mc.log = Frama_C_nondet(0, 1) ? pv_log : NULL;
    if (mc.capacity <= PV_CAP || mc.slots == NULL)
        (void)hb_mon_init(Frama_C_nondet(0, 1) ? &pv_m2 : NULL, &mc);
    /* then any config it accepts, drawn from the accepted ranges (Eva
       joins hb_mon_init's states before its return, so an accepted and a
       refused config are kept apart here, where they are made): any
       table size that fits the array, every number in its range */
    memset(&mc, 0, sizeof mc);
    mc.slots = pv_slots;
#if PV_CASE == 4
    mc.capacity = PV_CAP;   /* exactly the array (see case 4) */
#else
    mc.capacity = Frama_C_unsigned_int_interval(1, PV_CAP);
#endif
    mc.counters = Frama_C_nondet(0, 1) ? pv_counters : NULL;
    mc.default_interval_ms = Frama_C_unsigned_int_interval(0, 1u << 28);
    /* dead_phi 0 or not below suspect_phi (200 when 0), split so that
       Eva sees the order: any suspect_phi up to 200 with 0 or any dead_phi
       from 200; a higher suspect_phi with dead_phi 0 or 100000 */
    if (Frama_C_nondet(0, 1)) {
        mc.suspect_phi = Frama_C_unsigned_int_interval(0, 200u);
        mc.dead_phi = Frama_C_nondet(0, 1) ? 0u : Frama_C_unsigned_int_interval(200u, 100000u);
    } else {
        mc.suspect_phi = Frama_C_unsigned_int_interval(200u, 100000u);
        mc.dead_phi = Frama_C_nondet(0, 1) ? 0u : 100000u;
    }
    mc.loss_ppm = Frama_C_unsigned_int_interval(0, 999999u);
    mc.pause_ms = Frama_C_unsigned_int_interval(0, 1u << 28);
    mc.outage_permille = Frama_C_unsigned_int_interval(0, 1000u);
    mc.outage_min = pv_u32();
    mc.outage_max_ms = Frama_C_unsigned_int_interval(0, 0x3FFFFFFFu);
    mc.reconnect_ms = Frama_C_unsigned_int_interval(0, 0x3FFFFFFFu);
    mc.resolution_ms = Frama_C_unsigned_int_interval(0, 0x3FFFFFFFu);
    mc.poll_budget = pv_u32();
#ifndef PV_NOEVENT
    mc.event = Frama_C_nondet(0, 1) ? pv_event : NULL;
#endif
    mc.same = Frama_C_nondet(0, 1) ? pv_same : NULL;
    mc.log = Frama_C_nondet(0, 1) ? pv_log : NULL;
    mc.user = &pv_m;
    r = hb_mon_init(&pv_m, &mc);
    //@ assert r == HB_OK;
#if PV_CASE == 4
    pv_any_table(&pv_m);
#endif
    {
        uint32_t now = pv_u32();
        pv_op = Frama_C_interval(0, PV_OPS);
        switch (pv_op) {
        case 0:
            pv_info(&in);
            r = hb_mon_arrival(&pv_m, &in, now);
            break;
        case 1:
            if (Frama_C_nondet(0, 1)) {
                pv_key = 0;
                r = hb_mon_beat(&pv_m, pv_min, sizeof pv_min - 1, now);
            } else {
                pv_key = 1;
                pv_len = Frama_C_size_t_interval(0, PV_BN);
                Frama_C_make_unknown(pv_pay, PV_BN);
                r = hb_mon_beat(&pv_m, pv_pay, pv_len, now);
            }
            break;
        case 2:
            r = (int)(hb_mon_poll(&pv_m, now) & 1u);
            break;
        case 3:
            r = hb_mon_link(&pv_m, Frama_C_nondet(0, 1), now);
            break;
        case 4:
            r = hb_mon_set_wall(&pv_m, (int64_t)Frama_C_long_long_interval(INT64_MIN, INT64_MAX), now);
            break;
        case 5:
            r = hb_mon_forget(&pv_m, pv_u32());
            break;
        default:
            r = hb_mon_get_slot(&pv_m, pv_u32(), &d);
            pv_len = Frama_C_size_t_interval(0, sizeof pv_id);
            Frama_C_make_unknown(pv_id, sizeof pv_id);
            r |= hb_mon_get(&pv_m, pv_id, pv_len, &d);
            r |= hb_mon_get_stats(&pv_m, &st);
            break;
        }
        (void)r;
    }
    return 0;
}
#elif PV_CASE == 5
/* whole beats (see the top) */
static const char *const pv_beats[] = {
    /* the writer's beat with every extra member */
    "{\"device_id\":\"dev-0001\",\"timestamp\":\"2026-12-01T16:54:01.123456789Z\","
    "\"status\":\"alive\",\"jwt_token\":\"\",\"seq\":42,\"boot_id\":\"0123456789abcdef\","
    "\"uptime_ms\":123456,\"interval_ms\":30000}",
    /* unsynced, offline, a token, the largest numbers, a short integer boot_id */
    "{\"device_id\":\"d\\u00e9\",\"clock_synced\":false,\"status\":\"offline\","
    "\"jwt_token\":\"h.p.s\",\"seq\":4294967295,\"boot_id\":1234567,"
    "\"uptime_ms\":18446744073709551615,\"interval_ms\":2147483647}",
    /* "alive" with a token, a long integer boot_id, a millisecond time */
    "{\"device_id\":\"a-much-longer-device-id-0001\",\"timestamp\":\"2026-12-01T16:54:01.5Z\","
    "\"status\":\"alive\",\"jwt_token\":\"t\",\"boot_id\":12345678901,\"interval_ms\":0}",
    /* the general reader: members in another order, twice, bad values */
    "{\"seq\":1,\"device_id\":\"a\",\"device_id\":\"b\"}",
    "{\"timestamp\":\"2026-12-01T16:54:01Z\",\"seq\":1,\"seq\":2}",
    "{\"status\":\"offline\",\"timestamp\":\"x\",\"device_id\":\"a\"}",
    "{\"device_id\":\"a\",\"boot_id\":\"a\\u0041b\",\"clock_synced\":false,\"uptime_ms\":123}",
    "{\"boot_id\":\"\\u12\"}",
    "{\"x\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}",
    "{\"seq\":99999999999999999999,\"uptime_ms\":18446744073709551616}",
    "{\"seq\":4294967296}",
    "{\"seq\":123456789012345678901}",
    "{\"status\":\"a\",\"status\":\"b\"}",
    "{\"timestamp\":\"2026-12-01T16:54:01Z\",\"timestamp\":\"x\"}",
    "{\"timestamp\":\"2026\\u002d12-01T16:54:01Z\"}",
    "{\"uptime_ms\":1,\"uptime_ms\":1}",
    "{\"interval_ms\":1,\"interval_ms\":1}",
    "{\"boot_id\":1,\"boot_id\":1}",
    "{\"boot_id\":\"\\ud800\"}",
    "{\"statuz\":1,\"interval_mz\":1,\"boot_iz\":1,\"clock_syncez\":1}",
    /* the fast path: a time only the general time reader takes, a status
       other than "alive" with no token, a leading zero */
    "{\"device_id\":\"d\",\"timestamp\":\"2026-12-01T16:54:01.5+01:00\","
    "\"status\":\"x\",\"jwt_token\":\"\",\"seq\":01}",
    /* ... and where it gives up: a bad time, status, token or boot_id,
       no token, a seq over 32 bits */
    "{\"device_id\":\"d\",\"timestamp\":\"2026-13-01T16:54:01Z\",\"status\":\"alive\"}",
    "{\"device_id\":\"d\",\"clock_synced\":false,\"status\":\"a\\q\"}",
    "{\"device_id\":\"d\",\"clock_synced\":false,\"status\":\"a\",\"jwt\":\"\"}",
    "{\"device_id\":\"d\",\"clock_synced\":false,\"x\":1}",
    "{\"device_id\":\"d\",\"clock_synced\":false,\"status\":\"a\",\"jwt_token\":\"\\q\"}",
    "{\"device_id\":\"d\",\"clock_synced\":false,\"status\":\"alive\",\"jwt_token\":\"\",\"boot_id\":\"\\q\"}",
    "{\"device_id\":\"d\",\"clock_synced\":false,\"status\":\"alive\",\"jwt_token\":\"\",\"boot_id\":x}",
    "{\"device_id\":\"d\",\"clock_synced\":false,\"status\":\"alive\",\"jwt_token\":\"\",\"seq\":4294967296}",
    "{\"device_id\":\"d\",\"clock_synced\":false,\"status\":\"alive\",\"jwt_token\":\"\",\"seq\":012345678}",
    "{\"device_id\":\"d\",\"clock_synced\":false,\"status\":\"alive\",\"jwt_token\":\"\",\"uptime_ms\":123456789012345678901}",
    "{\"device_id\":\"d\",\"clock_synced\":false,\"status\":\"alive\",\"jwt_token\":\"\",\"seq\":"
};
static char pv_big[65537];   /* over the reader's limit */
static hb_mon_slot pv_wslots[2];
static hb_mon pv_wm;
#define PV_NBEATS ((int)(sizeof pv_beats / sizeof pv_beats[0]))
int main(void)
{
    hb_mon_info info;
    char *p;
    pv_key = Frama_C_interval(0, PV_NBEATS - 1);
    pv_len = strlen(pv_beats[pv_key]);
    p = pv_buf[pv_len];
    memcpy(p, pv_beats[pv_key], pv_len);
    if (pv_key == 0) {
        int r = hb_mon_parse(pv_big, sizeof pv_big, &info);
        //@ assert r == HB_ERR_ARG;
    }
    if (pv_key == 1) {          /* an escaped id, read into a table */
        hb_mon_config mc;
        int r;
        memset(&mc, 0, sizeof mc);
        mc.slots = pv_wslots;
        mc.capacity = 2;
        r = hb_mon_init(&pv_wm, &mc);
        //@ assert r == HB_OK;
        r = hb_mon_beat(&pv_wm, p, pv_len, 1000);
        //@ assert r == HB_OK;
    }
    return hb_mon_parse(p, pv_len, &info);
}
#else
#error "PV_CASE: 0 to 5"
#endif
