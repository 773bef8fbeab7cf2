/* fuzz/fuzz_monitor.c — the fleet monitor: hb_mon_parse on arbitrary bytes
   and hb_mon_beat/poll/link/forget in arbitrary order on a small table.
   The input's first byte picks the mode:
   - even: the rest is one payload (an exact-size heap copy, so ASan sees
     any read past it). When it parses: id and status lie inside it, the
     id decodes, its hash is that of the decoded bytes, a parse of the
     same bytes gives the same result, and so does the general reader alone
     (the same bytes after a space). Then the detector takes it.
   - odd: a script of operations, each one byte (op), two (ms to advance)
     and, for a beat, a two-byte length and that many payload bytes.
   Every event's beat (ev->info) reads as hb_mon_parse reads its bytes:
   hb_mon_beat keeps the latest date in the monitor, hb_mon_parse not.
   After every operation: the per-state counts add up to the devices in
   the table, every event names a valid slot and state, hb_mon_poll's
   answer never lies in the past, and each device reads back.
   Seeds: fuzz/corpus/monitor, the writer's own output in many option
   combinations (fuzz/seed_monitor.c made them). */
#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"
#include "fuzz_input.h"

#define CAP 16

static hb_mon_slot slots[CAP];
static hb_mon_counters counters[CAP];
static hb_mon mon;
static uint32_t events;
/* the payload hb_mon_beat is reading, for its events' info */
static const char *cur_p;
static size_t cur_n;

/* hb_mon_beat reads through the monitor (its date cache, kept from the
   beats before): the info behind an event is what hb_mon_parse, which
   has no cache, reads from the same bytes */
static void check_info(const hb_mon_info *in)
{
    hb_mon_info x;
    if (in == NULL || cur_p == NULL) return;
    FZ_CHECK(hb_mon_parse(cur_p, cur_n, &x) == HB_OK);
    FZ_CHECK(x.id == in->id && x.id_len == in->id_len && x.flags == in->flags &&
             x.seq == in->seq && x.uptime_ms == in->uptime_ms &&
             x.interval_ms == in->interval_ms && x.boot_hash == in->boot_hash &&
             x.time_ms == in->time_ms && x.status_len == in->status_len);
}

static int beat(const char *p, size_t n, uint32_t now)
{
    int rc;
    cur_p = p;
    cur_n = n;
    rc = hb_mon_beat(&mon, p, n, now);
    cur_p = NULL;
    return rc;
}

static void on_event(void *user, const hb_mon_event *ev)
{
    hb_mon_device d;
    (void)user;
    events++;
    FZ_CHECK(ev->type >= HB_MON_EV_NEW && ev->type <= HB_MON_EV_FULL);
    check_info(ev->info);
    if (ev->type == HB_MON_EV_OUTAGE || ev->type == HB_MON_EV_OUTAGE_END ||
        ev->type == HB_MON_EV_FULL) {
        FZ_CHECK(ev->slot == UINT32_MAX);
        return;
    }
    FZ_CHECK(ev->slot < CAP);
    FZ_CHECK(ev->state >= HB_MON_ALIVE && ev->state <= HB_MON_OFFLINE);
    FZ_CHECK(ev->prev >= HB_MON_NONE && ev->prev <= HB_MON_OFFLINE);
    FZ_CHECK(ev->prev != ev->state || ev->type == HB_MON_EV_REBOOT);
    /* reading from inside the callback is allowed, re-entry is not */
    FZ_CHECK(hb_mon_get_slot(&mon, ev->slot, &d) == HB_OK);
    FZ_CHECK(hb_mon_beat(&mon, "{\"device_id\":\"x\"}", 16, 0) == HB_ERR_STATE);
}

static void check_parse(const char *p, size_t n)
{
    hb_mon_info a, b;
    int rc = hb_mon_parse(p, n, &a);
    FZ_CHECK(rc == HB_OK || rc == HB_ERR_ARG);
    FZ_CHECK(hb_mon_parse(p, n, &b) == rc);
    if (rc != HB_OK) {
        FZ_CHECK(a.why != NULL && a.id == NULL && a.flags == 0);
        return;
    }
    FZ_CHECK(a.why == NULL);
    FZ_CHECK(a.id >= p && a.id + a.id_len <= p + n);
    FZ_CHECK(a.status == NULL || (a.status >= p && a.status + a.status_len <= p + n));
    FZ_CHECK(a.id == b.id && a.id_len == b.id_len && a.flags == b.flags &&
             a.seq == b.seq && a.uptime_ms == b.uptime_ms &&
             a.boot_hash == b.boot_hash && a.time_ms == b.time_ms);
    {
        /* the same bytes after a space: the writer's-layout fast path
           never applies, the general reader alone must agree with it */
        char *sp = (char *)malloc(n + 1);
        hb_mon_info c;
        FZ_CHECK(sp != NULL);
        sp[0] = ' ';
        memcpy(sp + 1, p, n);
        FZ_CHECK(hb_mon_parse(sp, n + 1, &c) == HB_OK);
        FZ_CHECK(c.id == sp + 1 + (a.id - p) && c.id_len == a.id_len &&
                 c.flags == a.flags && c.seq == a.seq &&
                 c.uptime_ms == a.uptime_ms && c.interval_ms == a.interval_ms &&
                 c.boot_hash == a.boot_hash && c.time_ms == a.time_ms &&
                 c.status_len == a.status_len &&
                 (a.status == NULL ? c.status == NULL
                                   : c.status == sp + 1 + (a.status - p)));
        free(sp);
    }
    {
        char *plain = (char *)malloc(a.id_len + 1);
        size_t len = 0;
        int esc = (a.flags & HB_MON_ID_ESCAPED) != 0;
        FZ_CHECK(plain != NULL);
        /* decoding never grows: \uXXXX (6 bytes) gives at most 3, a pair
           (12) at most 4 */
        FZ_CHECK(hb_mon_unescape(a.id, a.id_len, esc, plain, a.id_len + 1, &len) == HB_OK);
        FZ_CHECK(len <= a.id_len);
        FZ_CHECK(hb_mon_id_hash(plain, len, 0) == hb_mon_id_hash(a.id, a.id_len, esc));
        FZ_CHECK(hb_mon_id_equal(a.id, a.id_len, esc, plain, len));
        free(plain);
    }
}

static void check_table(uint32_t now)
{
    hb_mon_stats st;
    uint32_t i, used = 0;
    FZ_CHECK(hb_mon_get_stats(&mon, &st) == HB_OK);
    FZ_CHECK(st.alive + st.suspect + st.dead + st.offline == st.devices);
    FZ_CHECK(st.devices <= CAP);
    for (i = 0; i < CAP; i++) {
        hb_mon_device d;
        if (hb_mon_get_slot(&mon, i, &d) != HB_OK) continue;
        used++;
        FZ_CHECK(d.state >= HB_MON_ALIVE && d.state <= HB_MON_OFFLINE);
        FZ_CHECK(d.mean_ms >= 1 && d.mean_ms <= (1u << 28) + (1u << 17));
        FZ_CHECK(d.counters.beats >= 1);
    }
    FZ_CHECK(used == st.devices);
    (void)now;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hb_mon_config mc;
    fz_in in;
    uint32_t now;
    uint8_t mode;
    memset(&mc, 0, sizeof mc);
    mc.slots = slots;
    mc.capacity = CAP;
    mc.counters = counters;
    mc.default_interval_ms = 1000;
    mc.event = on_event;
    in.p = data;
    in.n = size;
    mode = fz_u8(&in);
    mc.outage_min = (mode >> 1) & 7;          /* 0 = default 8 */
    mc.resolution_ms = (mode & 0x10) ? 100 : 0;
    mc.poll_budget = (mode & 0x20) ? 1 : 0;
    mc.pause_ms = (mode & 0x40) ? 300 : 0;
    FZ_CHECK(hb_mon_init(&mon, &mc) == HB_OK);
    events = 0;
    now = fz_u32(&in);
    if (!(mode & 1)) {
        char *p = (char *)malloc(in.n ? in.n : 1);
        FZ_CHECK(p != NULL);
        memcpy(p, in.p, in.n);
        check_parse(p, in.n);
        beat(p, in.n, now);
        beat(p, in.n, now + 10);
        check_table(now);
        free(p);
        return 0;
    }
    while (in.n > 0) {
        uint8_t op = fz_u8(&in);
        uint32_t r;
        now += fz_u16(&in);
        switch (op % 6) {
        case 0: case 1: case 2: {
            size_t n = fz_u16(&in) % 1024u;
            char *p;
            if (n > in.n) n = in.n;
            p = (char *)malloc(n ? n : 1);
            FZ_CHECK(p != NULL);
            memcpy(p, in.p, n);
            in.p += n;
            in.n -= n;
            check_parse(p, n);
            r = (uint32_t)beat(p, n, now);
            free(p);
            break;
        }
        case 3:
            r = hb_mon_poll(&mon, now);
            /* nothing can be due before the answer: polling again at the
               same tick reports nothing new unless work was left (0) */
            if (r != 0) {
                uint32_t before = events;
                uint32_t r2 = hb_mon_poll(&mon, now);
                FZ_CHECK(events == before);
                FZ_CHECK(r2 == r || r == HB_POLL_IDLE || r2 != 0);
            }
            break;
        case 4:
            r = (uint32_t)hb_mon_link(&mon, op & 0x80 ? 1 : 0, now);
            FZ_CHECK(r == HB_OK);
            break;
        default:
            hb_mon_forget(&mon, (uint32_t)(op >> 3) % CAP);
            break;
        }
        check_table(now);
    }
    return 0;
}
