/* tests/test_monitor.c — the fleet monitor (hb_mon_*): golden event logs.
   Each test plays a scripted trace of beats, polls and link changes on
   simulated time and compares the exact log of events with the expected
   text. Times in the expected logs follow from the model in the manual
   (MONITOR): with a seeded interval m and a learned jitter below m/32,
   the margin is m/8, SUSPECT comes at last + m/8 + m and DEAD at
   last + m/8 + 5m (dead_phi 10 at 1 % loss: five beats missing). */
#include <stdio.h>
#include <string.h>
#include "heartbeat.h"
#include "greatest.h"
#include "fakes.h"

#define ASSERT_ERR(exp, got) ASSERT_ENUM_EQ((exp), (got), hb_strerror)

#define CAP 64
static hb_mon_slot slots[CAP];
static hb_mon_counters counters[CAP];
static char names[CAP][32];
static hb_mon mon;
static hb_mon_config mc;
static char elog[4096];
static size_t elog_len;
static int same_calls, same_lie;

static void on_event(void *user, const hb_mon_event *ev)
{
    char line[128];
    int n;
    (void)user;
    if (ev->type == HB_MON_EV_NEW && ev->slot < CAP) {
        size_t len = 0;
        if (hb_mon_unescape(ev->info->id, ev->info->id_len,
                            (ev->info->flags & HB_MON_ID_ESCAPED) != 0,
                            names[ev->slot], sizeof names[ev->slot], &len) != HB_OK)
            strcpy(names[ev->slot], "?");
    }
    if (ev->slot < CAP)
        n = snprintf(line, sizeof line, "%u %s %s\n", (unsigned)ev->now_ms,
                     hb_mon_event_name(ev->type), names[ev->slot]);
    else
        n = snprintf(line, sizeof line, "%u %s %u\n", (unsigned)ev->now_ms,
                     hb_mon_event_name(ev->type), (unsigned)ev->count);
    if (n > 0 && elog_len + (size_t)n < sizeof elog) {
        memcpy(elog + elog_len, line, (size_t)n + 1);
        elog_len += (size_t)n;
    }
}

/* exact ids: compare with the name kept at NEW */
static int same_id(void *user, uint32_t slot, const char *id, size_t len, int esc)
{
    (void)user;
    same_calls++;
    if (same_lie) return 0;
    return hb_mon_id_equal(id, len, esc, names[slot], strlen(names[slot]));
}

static void setup(void *unused)
{
    (void)unused;
    memset(&mc, 0, sizeof mc);
    memset(names, 0, sizeof names);
    mc.slots = slots;
    mc.capacity = CAP;
    mc.counters = counters;
    mc.default_interval_ms = 1000;
    mc.event = on_event;
    mc.same = same_id;
    elog[0] = '\0';
    elog_len = 0;
    same_calls = 0;
    same_lie = 0;
}

/* A beat as heartbeat.h writes it with seq, boot_id, uptime_ms and
   interval_ms; a negative value leaves that member out. */
static int beat(const char *id, long seq, long boot, long up, long iv,
                const char *status, uint32_t now)
{
    char p[512];
    int n = snprintf(p, sizeof p,
                     "{\"device_id\":\"%s\",\"timestamp\":\"2026-11-27T19:53:22.5Z\","
                     "\"status\":\"%s\",\"jwt_token\":\"\"", id, status);
    if (seq >= 0) n += snprintf(p + n, sizeof p - (size_t)n, ",\"seq\":%ld", seq);
    if (boot >= 0) n += snprintf(p + n, sizeof p - (size_t)n, ",\"boot_id\":%ld", boot);
    if (up >= 0) n += snprintf(p + n, sizeof p - (size_t)n, ",\"uptime_ms\":%ld", up);
    if (iv >= 0) n += snprintf(p + n, sizeof p - (size_t)n, ",\"interval_ms\":%ld", iv);
    n += snprintf(p + n, sizeof p - (size_t)n, "}");
    return hb_mon_beat(&mon, p, (size_t)n, now);
}

/* Polls every ms over [from, to]: transitions come exactly when due. */
static void run(uint32_t from, uint32_t to)
{
    uint32_t t;
    for (t = from; t <= to; t++) hb_mon_poll(&mon, t);
}

static hb_mon_device dev(const char *id)
{
    hb_mon_device d;
    memset(&d, 0, sizeof d);
    hb_mon_get(&mon, id, strlen(id), &d);
    return d;
}

TEST sizes_meet_targets(void)
{
    ASSERT(sizeof(hb_mon_slot) <= 32);
    ASSERT_EQ(32, (int)sizeof(hb_mon_counters));
    PASS();
}

TEST golden_suspect_dead_alive_exact_times(void)
{
    uint32_t t;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 10000; t += 1000)
        ASSERT_ERR(HB_OK, beat("a", (long)t / 1000, 7, (long)t, 1000, "alive", t));
    /* the answer is exact: SUSPECT is due at 10000 + 125 + 1000 */
    ASSERT_EQ(1125u, hb_mon_poll(&mon, 10000));
    ASSERT_EQ(1u, hb_mon_poll(&mon, 11124));
    ASSERT_STR_EQ("0 new a\n", elog);
    /* and DEAD four intervals later, at 10000 + 125 + 5000 */
    ASSERT_EQ(4000u, hb_mon_poll(&mon, 11125));
    run(11126, 16000);
    ASSERT_ERR(HB_OK, beat("a", 16, 7, 16000, 1000, "alive", 16000));
    ASSERT_STR_EQ("0 new a\n11125 suspect a\n15125 dead a\n16000 alive a\n", elog);
    ASSERT_EQ(5u, dev("a").counters.lost);
    ASSERT_EQ(1u, dev("a").counters.deaths);
    ASSERT_EQ(1000u, dev("a").mean_ms);
    PASS();
}

TEST golden_dead_phi_sets_the_deadline(void)
{
    uint32_t t;
    /* dead_phi 600 (three beats missing, the default before 1000) and
       800: DEAD at last + 125 + 3000 and + 4000 */
    mc.dead_phi = 600;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 5000; t += 1000) beat("p", (long)t / 1000, 1, (long)t, 1000, "alive", t);
    run(5000, 12000);
    ASSERT_STR_EQ("0 new p\n6125 suspect p\n8125 dead p\n", elog);
    elog[0] = '\0';
    elog_len = 0;
    mc.dead_phi = 800;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 5000; t += 1000) beat("p", (long)t / 1000, 1, (long)t, 1000, "alive", t);
    run(5000, 12000);
    ASSERT_STR_EQ("0 new p\n6125 suspect p\n9125 dead p\n", elog);
    PASS();
}

TEST golden_phi_reading(void)
{
    hb_mon_device d;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    ASSERT_ERR(HB_OK, beat("a", 0, 1, 0, 1000, "alive", 0));
    ASSERT_ERR(HB_OK, beat("a", 1, 1, 1000, 1000, "alive", 1000));
    hb_mon_poll(&mon, 1000);
    d = dev("a");
    ASSERT_EQ(0u, d.phi);
    /* phi = 2 per mean interval of silence past the margin (1 % loss) */
    hb_mon_poll(&mon, 1000 + 250 + 1000);
    d = dev("a");
    ASSERT_EQ(HB_MON_SUSPECT, d.state);
    ASSERT(d.phi >= 200 && d.phi <= 215);
    PASS();
}

TEST golden_stale_and_duplicate_give_no_credit(void)
{
    uint32_t t;
    hb_mon_device d;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 5000; t += 1000)
        beat("q", (long)t / 1000, 3, (long)t, 1000, "alive", t);
    /* a reconnect: the broker redelivers seq 1..5 (QoS 1) */
    for (t = 1; t <= 5; t++) beat("q", (long)t, 3, (long)t * 1000, 1000, "alive", 5600);
    /* a stale seq 2 without uptime: still no credit */
    beat("q", 2, 3, -1, 1000, "alive", 5700);
    run(5600, 11000);
    ASSERT_STR_EQ("0 new q\n6125 suspect q\n10125 dead q\n", elog);
    d = dev("q");
    ASSERT_EQ(6u, d.counters.dups);
    ASSERT_EQ(0u, d.counters.lost);
    ASSERT_EQ(5u, d.seq);
    PASS();
}

TEST golden_queued_beats_of_a_dead_device_do_not_revive_it(void)
{
    uint32_t t;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 5000; t += 1000)
        beat("z", (long)t / 1000, 3, (long)t, 1000, "alive", t);
    run(5001, 11000);
    /* a bridge flushes five beats it had queued (never seen: seq 6..10),
       all at once, long after the device died (scylladb#8488) */
    for (t = 6; t <= 10; t++) beat("z", (long)t, 3, (long)t * 1000, 1000, "alive", 20000);
    run(20000, 20100);
    ASSERT_STR_EQ("0 new z\n6125 suspect z\n10125 dead z\n", elog);
    ASSERT_EQ(10u, dev("z").seq);
    PASS();
}

TEST golden_flushed_queue_is_not_a_new_session(void)
{
    uint32_t t;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 21000; t += 1000) {
        beat("w", (long)t / 1000, 5, (long)t, 1000, "alive", t);
        beat("v", (long)t / 1000, 6, (long)t, 1000, "alive", t);
    }
    /* w dies after seq 21; at 23000 a bridge flushes its last 20 beats
       (seq 2..21, their uptimes 2000..21000). The oldest "started" after
       the latest credit (23000 - 2000 > 21000), as a new session would,
       but its uptime is its place in the old session: stale, no credit */
    for (t = 2; t <= 21; t++)
        beat("w", (long)t, 5, (long)t * 1000, 1000, "alive", 23000 + 2 * (t - 2));
    /* v is restarted (hb_stop + hb_start) at 21500 and its seq 0 is lost:
       seq 1, uptime 1000 is a new session's second beat, full credit */
    beat("v", 1, 6, 1000, 1000, "alive", 22500);
    beat("v", 2, 6, 2000, 1000, "alive", 23500);
    run(21000, 27000);
    /* v: credited at 21500 + 2000, SUSPECT 1125 after that, no sooner */
    ASSERT_STR_EQ("0 new w\n0 new v\n22125 suspect w\n24625 suspect v\n"
                  "26125 dead w\n", elog);
    ASSERT_EQ(21u, dev("w").seq);
    ASSERT_EQ(2u, dev("v").seq);
    ASSERT_EQ(HB_MON_SUSPECT, dev("v").state);
    ASSERT_EQ(0u, dev("v").counters.stale + dev("v").counters.dups);
    PASS();
}

TEST golden_burst_of_bare_beats_does_not_teach_a_short_interval(void)
{
    uint32_t t;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 10000; t += 1000) beat("k", -1, -1, -1, -1, "alive", t);
    /* a reconnect: the broker delivers four queued beats 2 ms apart
       (no seq: nothing tells them apart, each is credited on arrival),
       then the device falls silent */
    for (t = 11000; t <= 11006; t += 2) beat("k", -1, -1, -1, -1, "alive", t);
    ASSERT_EQ(1000u, dev("k").mean_ms);
    run(11006, 17000);
    ASSERT_STR_EQ("0 new k\n12131 suspect k\n16131 dead k\n", elog);
    PASS();
}

TEST golden_reorder_is_not_lost(void)
{
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    beat("r", 0, 1, 0, 1000, "alive", 0);
    beat("r", 1, 1, 1000, 1000, "alive", 1000);
    beat("r", 3, 1, 3000, 1000, "alive", 3000);
    ASSERT_EQ(1u, dev("r").counters.lost);
    beat("r", 2, 1, 2000, 1000, "alive", 3010);   /* late, within the window */
    ASSERT_EQ(0u, dev("r").counters.lost);
    beat("r", 2, 1, 2000, 1000, "alive", 3020);   /* and now a duplicate */
    ASSERT_EQ(1u, dev("r").counters.dups);
    beat("r", 7, 1, 7000, 1000, "alive", 7000);
    ASSERT_EQ(3u, dev("r").counters.lost);
    PASS();
}

TEST golden_reboot_and_late_beat_of_the_old_boot(void)
{
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    beat("b", 40, 111, 40000, 1000, "alive", 0);
    beat("b", 41, 111, 41000, 1000, "alive", 1000);
    beat("b", 0, 222, 0, 1000, "alive", 1500);           /* rebooted */
    beat("b", 42, 111, 42000, 1000, "alive", 1600);      /* late, old boot */
    beat("b", 1, 222, 1000, 1000, "alive", 2500);
    run(2500, 3000);
    ASSERT_STR_EQ("0 new b\n1500 reboot b\n", elog);
    ASSERT_EQ(1u, dev("b").counters.reboots);
    ASSERT_EQ(1u, dev("b").seq);
    ASSERT_EQ(HB_MON_ALIVE, dev("b").state);
    PASS();
}

TEST golden_reboot_of_a_dead_device(void)
{
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    beat("b", 5, 111, 5000, 1000, "alive", 0);
    run(0, 6000);
    beat("b", 0, 222, 0, 1000, "alive", 6000);
    /* one beat only: the jitter allowance is still the initial 1/16 of
       the interval, times four (248 ms) */
    ASSERT_STR_EQ("0 new b\n1248 suspect b\n5248 dead b\n6000 reboot b\n", elog);
    ASSERT_EQ(HB_MON_ALIVE, dev("b").state);
    PASS();
}

TEST golden_session_restart_in_one_boot_is_not_stale(void)
{
    uint32_t t;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 50000; t += 1000)
        beat("s", (long)t / 1000, 9, (long)t, 1000, "alive", t);
    /* hb_stop + hb_start in the same boot: seq and uptime from 0 again */
    for (t = 50500; t <= 60500; t += 1000)
        beat("s", (long)(t - 50500) / 1000, 9, (long)(t - 50500), 1000, "alive", t);
    run(50000, 61000);
    ASSERT_STR_EQ("0 new s\n", elog);
    ASSERT_EQ(10u, dev("s").seq);
    ASSERT_EQ(0u, dev("s").counters.reboots);
    ASSERT_EQ(0u, dev("s").counters.stale + dev("s").counters.dups);
    PASS();
}

TEST golden_restart_without_boot_id_is_a_reboot(void)
{
    uint32_t t;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 10000; t += 1000) beat("n", (long)t / 1000, -1, -1, -1, "alive", t);
    beat("n", 0, -1, -1, -1, "alive", 10300);   /* the process restarted */
    beat("n", 1, -1, -1, -1, "alive", 11300);
    ASSERT_STR_EQ("0 new n\n10300 reboot n\n", elog);
    ASSERT_EQ(1u, dev("n").seq);
    PASS();
}

TEST golden_offline_and_the_will(void)
{
    uint32_t t;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    /* the Will is built at connect time: seq 0, uptime 0, boot 5 */
    for (t = 0; t <= 10000; t += 1000)
        beat("w", (long)t / 1000, 5, (long)t, 1000, "alive", t);
    beat("w", 0, 5, 0, 1000, "offline", 10200);    /* the Will fires */
    run(10200, 20000);                              /* no SUSPECT, no DEAD */
    beat("w", 0, 6, 0, 1000, "alive", 20000);       /* back, new boot */
    beat("w", 0, 5, 0, 1000, "offline", 20100);    /* late Will, old boot */
    beat("w", 0, 7, 0, 1000, "offline", 20200);    /* Will of an unseen boot */
    beat("w", 1, 6, 1000, 1000, "alive", 21000);
    beat("w", 2, 6, 1500, 1000, "offline", 21500); /* hb_stop: at once */
    ASSERT_STR_EQ("0 new w\n10200 offline w\n20000 reboot w\n21500 offline w\n", elog);
    ASSERT_EQ(2u, dev("w").counters.stale);
    PASS();
}

TEST golden_offline_of_an_earlier_session_is_ignored(void)
{
    uint32_t t;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 10000; t += 1000)
        beat("o", (long)t / 1000, 5, (long)t, 1000, "alive", t);
    beat("o", 11, 5, 10500, 1000, "offline", 10500);      /* hb_stop */
    for (t = 11000; t <= 15000; t += 1000)                 /* hb_start */
        beat("o", (long)(t - 11000) / 1000, 5, (long)(t - 11000), 1000, "alive", t);
    beat("o", 11, 5, 10500, 1000, "offline", 15100);      /* redelivered */
    run(15100, 16000);
    ASSERT_STR_EQ("0 new o\n10500 offline o\n11000 alive o\n", elog);
    PASS();
}

TEST golden_link_down_convicts_nobody(void)
{
    uint32_t t;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 5000; t += 1000) {
        beat("l1", (long)t / 1000, 1, (long)t, 1000, "alive", t);
        beat("l2", (long)t / 1000, 1, (long)t, 1000, "alive", t + 10);
    }
    ASSERT_ERR(HB_OK, hb_mon_link(&mon, 0, 5500));
    ASSERT_EQ(HB_POLL_IDLE, hb_mon_poll(&mon, 9000));
    run(5500, 25000);
    /* up at 25000 after 19.5 s down, grace as long, capped at
       outage_max_ms (10 x 1000): silence does not count from 5500 to
       35000. l2 (last heard at 5010) keeps the 490 ms it had been silent
       before; l1, heard at 25100, counts from 35000 */
    ASSERT_ERR(HB_OK, hb_mon_link(&mon, 1, 25000));
    beat("l1", 25, 1, 25000, 1000, "alive", 25100);
    run(25000, 48000);
    ASSERT_STR_EQ("0 new l1\n10 new l2\n"
                  "35635 suspect l2\n36125 suspect l1\n"
                  "39635 dead l2\n40125 dead l1\n", elog);
    PASS();
}

TEST golden_outage_instead_of_many_deaths(void)
{
    char id[16];
    uint32_t t;
    int i;
    hb_mon_stats st;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 5000; t += 1000)
        for (i = 0; i < 20; i++) {
            snprintf(id, sizeof id, "d%02d", i);
            beat(id, (long)t / 1000, 1, (long)t, 1000, "alive", t + (uint32_t)i);
        }
    /* after 5000 the first 10 fall silent together, the rest go on; at
       12000 they are back */
    for (t = 5001; t <= 25000; t++) {
        i = (int)(t % 1000);
        if (i < 20 && t >= 6000 && (i >= 10 || t >= 12000)) {
            snprintf(id, sizeof id, "d%02d", i);
            beat(id, (long)t / 1000, 1, (long)(t - (uint32_t)i), 1000, "alive", t);
        }
        hb_mon_poll(&mon, t);
    }
    ASSERT_ERR(HB_OK, hb_mon_get_stats(&mon, &st));
    ASSERT_EQ(1u, st.outages);
    ASSERT_EQ(0u, st.dead);
    /* 6 of 20 silent is over 25 %: one OUTAGE, no SUSPECT after it, and
       the end when 15 (75 % of the 20 live at its start) beat again */
    ASSERT_STR_EQ("19 new d19\n6125 suspect d00\n6126 suspect d01\n"
                  "6127 suspect d02\n6128 suspect d03\n6129 suspect d04\n"
                  "6130 suspect d05\n6130 outage 6\n12000 alive d00\n"
                  "12001 alive d01\n12002 alive d02\n12003 alive d03\n"
                  "12004 alive d04\n12004 outage_end 15\n12005 alive d05\n",
                  strstr(elog, "19 new d19"));
    PASS();
}

TEST golden_outage_ends_and_real_deaths_are_then_convicted(void)
{
    char id[16];
    int i;
    mc.outage_max_ms = 4000;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (i = 0; i < 10; i++) {
        snprintf(id, sizeof id, "d%d", i);
        beat(id, 0, 1, 0, 1000, "alive", 0);
    }
    run(0, 30000);   /* all silent for good: one OUTAGE, then the deaths */
    /* 3 of 10 silent: OUTAGE; it ends after outage_max_ms (4000) with
       none back, plus a grace as long as it lasted (4000): silence does
       not count from 1248 to 9248, so SUSPECT comes at 1248 + 8000 and
       DEAD at 5248 + 8000, and no second OUTAGE: these devices have not
       been heard since the first */
    ASSERT_STR_EQ("1248 suspect d3\n1248 suspect d5\n1248 suspect d8\n"
                  "1248 outage 3\n5248 outage_end 0\n"
                  "9248 suspect d0\n9248 suspect d2\n9248 suspect d6\n"
                  "9248 suspect d7\n9248 suspect d9\n9248 suspect d4\n"
                  "9248 suspect d1\n13248 dead d3\n13248 dead d5\n"
                  "13248 dead d8\n13248 dead d0\n13248 dead d2\n13248 dead d6\n"
                  "13248 dead d7\n13248 dead d9\n13248 dead d4\n13248 dead d1\n",
                  strstr(elog, "1248 suspect"));
    PASS();
}

TEST golden_full_table(void)
{
    hb_mon_stats st;
    mc.capacity = 4;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    ASSERT_ERR(HB_OK, beat("f1", 0, -1, -1, -1, "alive", 0));
    ASSERT_ERR(HB_OK, beat("f2", 0, -1, -1, -1, "alive", 0));
    ASSERT_ERR(HB_OK, beat("f3", 0, -1, -1, -1, "alive", 0));
    ASSERT_ERR(HB_OK, beat("f4", 0, -1, -1, -1, "alive", 0));
    ASSERT_ERR(HB_ERR_NOSPACE, beat("f5", 0, -1, -1, -1, "alive", 7));
    ASSERT_ERR(HB_OK, beat("f1", 1, -1, -1, -1, "alive", 8));
    ASSERT(strstr(elog, "7 full 0\n") != NULL);
    hb_mon_get_stats(&mon, &st);
    ASSERT_EQ(1u, st.full);
    ASSERT_EQ(4u, st.devices);
    PASS();
}

TEST golden_no_seq_beats_learn_from_arrivals(void)
{
    uint32_t t;
    mc.default_interval_ms = 30000;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 20000; t += 2000) beat("g", -1, -1, -1, -1, "alive", t);
    ASSERT_EQ(2000u, dev("g").mean_ms);
    run(20000, 31000);
    /* 2000 + 250 after the last beat, 10000 + 250 for DEAD */
    ASSERT_STR_EQ("0 new g\n22250 suspect g\n30250 dead g\n", elog);
    PASS();
}

TEST golden_one_outage_does_not_teach_a_long_interval(void)
{
    uint32_t t;
    mc.default_interval_ms = 1000;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (t = 0; t <= 10000; t += 1000) beat("x", (long)t / 1000, -1, -1, -1, "alive", t);
    beat("x", 60, -1, -1, -1, "alive", 60000);   /* seq shows 49 lost */
    ASSERT_EQ(1000u, dev("x").mean_ms);
    beat("x", -1, -1, -1, -1, "alive", 61000);
    beat("x", -1, -1, -1, -1, "alive", 121000);  /* no seq: an outlier */
    ASSERT(dev("x").mean_ms <= 1100u);
    PASS();
}

TEST golden_bounded_poll_slices(void)
{
    static hb_mon_slot big[4096];
    char id[16];
    int i;
    uint32_t r;
    hb_mon_stats st;
    mc.slots = big;
    mc.capacity = 4096;
    mc.counters = NULL;
    mc.same = NULL;
    mc.event = NULL;
    mc.poll_budget = 64;          /* one slice of 64 slots per call */
    mc.outage_permille = 1000;    /* never an outage */
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (i = 0; i < 2000; i++) {
        snprintf(id, sizeof id, "dev-%d", i);
        beat(id, 0, -1, -1, 1000, "alive", 0);
    }
    /* every device past its DEAD time (248 + 5 x 1000) */
    r = hb_mon_poll(&mon, 6000);
    ASSERT_EQ(0u, r);              /* work left */
    hb_mon_get_stats(&mon, &st);
    ASSERT_EQ(1u, st.sweeps);
    for (i = 0; i < 200 && r == 0; i++) r = hb_mon_poll(&mon, 6000);
    hb_mon_get_stats(&mon, &st);
    ASSERT_EQ(HB_POLL_IDLE, r);
    ASSERT_EQ(2000u, st.dead);
    ASSERT(st.sweeps <= 64u + 1u);
    PASS();
}

/* With resolution_ms a slice is swept at most that often: every
   transition comes at or after its exact time and at most resolution_ms
   later, with fewer sweeps. */
static uint32_t ev_at[2][512];
static int ev_run;
static void on_time(void *user, const hb_mon_event *ev)
{
    (void)user;
    if (ev->slot < 512 && ev->type == HB_MON_EV_DEAD) ev_at[ev_run][ev->slot] = ev->now_ms;
}

TEST golden_resolution_limits_sweeps(void)
{
    static hb_mon_slot big[512];
    char id[16];
    hb_mon_stats st[2];
    uint32_t t;
    int i;
    mc.slots = big;
    mc.capacity = 512;
    mc.counters = NULL;
    mc.same = NULL;
    mc.event = on_time;
    mc.outage_permille = 1000;
    for (ev_run = 0; ev_run < 2; ev_run++) {
        mc.resolution_ms = ev_run ? 500 : 0;
        ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
        for (t = 0; t < 20000; t++) {
            if (t < 5000 && t % 10 == 0) {
                snprintf(id, sizeof id, "dev-%u", (unsigned)(t / 10) % 300);
                beat(id, -1, -1, -1, 1000, "alive", t);
            }
            hb_mon_poll(&mon, t);
        }
        hb_mon_get_stats(&mon, &st[ev_run]);
        ASSERT_EQ(300u, st[ev_run].dead);
    }
    for (i = 0; i < 512; i++) {
        ASSERT(ev_at[1][i] >= ev_at[0][i]);
        ASSERT(ev_at[1][i] <= ev_at[0][i] + 500u);
    }
    ASSERT(st[1].sweeps < st[0].sweeps);
    PASS();
}

TEST exact_ids_with_same_callback(void)
{
    hb_mon_stats st;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    beat("c", 0, -1, -1, -1, "alive", 0);
    ASSERT_EQ(0, same_calls);
    beat("c", 1, -1, -1, -1, "alive", 100);
    ASSERT_EQ(1, same_calls);
    /* a callback that says "another device": treated as a hash collision,
       the beat goes to a slot of its own */
    same_lie = 1;
    beat("c", 2, -1, -1, -1, "alive", 200);
    hb_mon_get_stats(&mon, &st);
    ASSERT_EQ(1u, st.collisions);
    ASSERT_EQ(2u, st.devices);
    PASS();
}

TEST escaped_ids_hash_as_decoded(void)
{
    static const char p[] =
        "{\"device_id\":\"a\\u003cb\\u003e\\u0026\\\"\\u2028\",\"status\":\"alive\",\"jwt_token\":\"\"}";
    hb_mon_device d;
    const char plain[] = "a<b>&\"\xe2\x80\xa8";
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    ASSERT_ERR(HB_OK, hb_mon_beat(&mon, p, sizeof p - 1, 0));
    ASSERT_ERR(HB_OK, hb_mon_get(&mon, plain, sizeof plain - 1, &d));
    ASSERT_STR_EQ(plain, names[d.slot]);
    ASSERT_EQ(hb_mon_id_hash(plain, sizeof plain - 1, 0),
              hb_mon_id_hash(p + 14, strlen("a\\u003cb\\u003e\\u0026\\\"\\u2028"), 1));
    PASS();
}

TEST clock_offset_is_recorded_not_used(void)
{
    hb_mon_device d;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    /* the beat's timestamp is 2026-11-27T19:53:22.5Z = 1795809202500 ms;
       the receiver's wall clock reads 1795809202000 at tick 2000 */
    ASSERT_ERR(HB_OK, hb_mon_set_wall(&mon, INT64_C(1795809201000), 1000));
    beat("k", 0, 1, 0, 1000, "alive", 1000);
    beat("k", 1, 1, 1000, 1000, "alive", 2000);
    d = dev("k");
    ASSERT_EQ(500, d.counters.clock_offset_ms);
    PASS();
}

static int wall_logs;
static void wall_log(void *user, int level, const char *msg, int err,
                     const char *detail)
{
    (void)user; (void)detail;
    if (level == HB_LOG_ERROR && err == HB_ERR_ARG && strstr(msg, "wall") != NULL)
        wall_logs++;
}

/* Any int64 from either clock: the wall clock is refused beyond 2^53 ms
   (logged), and a device's timestamp anywhere in int64 clamps the offset
   (UBSan would flag an overflowing subtraction here) */
TEST clock_offset_clamps_any_time(void)
{
    hb_mon_info in;
    hb_mon_device d;
    mc.log = wall_log;
    wall_logs = 0;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    ASSERT_ERR(HB_ERR_ARG, hb_mon_set_wall(&mon, INT64_MIN, 0));
    ASSERT_ERR(HB_ERR_ARG, hb_mon_set_wall(&mon, INT64_MAX, 0xFFFFFFFFu));
    ASSERT_ERR(HB_ERR_ARG, hb_mon_set_wall(&mon, (INT64_C(1) << 53) + 1, 0));
    ASSERT_EQ(3, wall_logs);
    ASSERT_ERR(HB_OK, hb_mon_set_wall(&mon, INT64_C(1) << 53, 0));
    memset(&in, 0, sizeof in);
    in.id = "w";
    in.id_len = 1;
    ASSERT_ERR(HB_OK, hb_mon_arrival(&mon, &in, 0));   /* NEW: no offset yet */
    in.flags = HB_MON_HAS_TIME;
    in.time_ms = INT64_MIN;
    ASSERT_ERR(HB_OK, hb_mon_arrival(&mon, &in, 0));
    d = dev("w");
    ASSERT_EQ(INT32_MIN, d.counters.clock_offset_ms);
    ASSERT_ERR(HB_OK, hb_mon_set_wall(&mon, -(INT64_C(1) << 53), 0xFFFFFFFFu));
    in.time_ms = INT64_MAX;
    ASSERT_ERR(HB_OK, hb_mon_arrival(&mon, &in, 1));
    ASSERT_EQ(INT32_MAX, hb_mon_get(&mon, "w", 1, &d) == HB_OK
                             ? d.counters.clock_offset_ms : 0);
    /* just inside the clamp: exact */
    ASSERT_ERR(HB_OK, hb_mon_set_wall(&mon, 1000, 0));
    in.time_ms = 1002 + (int64_t)INT32_MAX - 1;
    ASSERT_ERR(HB_OK, hb_mon_arrival(&mon, &in, 2));
    d = dev("w");
    ASSERT_EQ(INT32_MAX - 1, d.counters.clock_offset_ms);
    in.time_ms = 1003 + (int64_t)INT32_MIN + 1;
    ASSERT_ERR(HB_OK, hb_mon_arrival(&mon, &in, 3));
    d = dev("w");
    ASSERT_EQ(INT32_MIN + 1, d.counters.clock_offset_ms);
    mc.log = NULL;
    PASS();
}

/* ---- the reader against the writer, every option combination ---------- */

static fake wf;
static char wbuf[1024];

static void boot_fields(void *user, hb_json *w)
{
    (void)user;
    hb_json_key(w, "extra", 5);
    hb_json_begin_object(w);
    hb_json_key(w, "seq", 3);            /* nested: not the beat's seq */
    hb_json_uint(w, 999);
    hb_json_key(w, "list", 4);
    hb_json_begin_array(w);
    hb_json_null(w); hb_json_bool(w, 1); hb_json_int(w, -5);
    hb_json_string(w, "x\"y", 3);
    hb_json_end_array(w);
    hb_json_end_object(w);
}

TEST parse_reads_every_writer_option(void)
{
    uint32_t flags;
    int with_str, sync, fields, checked = 0;
    for (flags = 0; flags < 0x200u; flags++)
        for (with_str = 0; with_str < 2; with_str++)
            for (sync = 0; sync < 2; sync++)
                for (fields = 0; fields < 2; fields++) {
        hb_config c;
        hb_service s;
        hb_mon_info in;
        char id[64];
        size_t len;
        fake_config(&c, &wf, wbuf, sizeof wbuf);
        c.flags = flags;
        c.device_id = "dev<7>&\"\x01\xff";
        c.boot_id = 123456u;
        c.boot_id_str = with_str ? "b<oot>" : NULL;
        c.fields = fields ? boot_fields : NULL;
        wf.clock_fail = !sync;
        if (!sync) c.flags |= HB_OPT_SEND_UNSYNCED;
        if (hb_init(&s, &c) != HB_OK) FAILm("hb_init");
        hb_start(&s, 100);
        wf.now = 5100;
        hb_poll(&s, 5100);
        if (wf.pub_calls == 0) continue;
        ASSERT_ERR(HB_OK, hb_mon_parse(wf.last, wf.last_len, &in));
        ASSERT(in.flags & HB_MON_ID_ESCAPED);
        ASSERT_ERR(HB_OK, hb_mon_unescape(in.id, in.id_len, 1, id, sizeof id, &len));
        ASSERT_MEM_EQ("dev<7>&\"\x01\xef\xbf\xbd", id, len);
        ASSERT_EQ(!!(c.flags & HB_OPT_SEQ), !!(in.flags & HB_MON_HAS_SEQ));
        ASSERT_EQ(!!(c.flags & HB_OPT_BOOT_ID), !!(in.flags & HB_MON_HAS_BOOT));
        ASSERT_EQ(!!(c.flags & HB_OPT_UPTIME), !!(in.flags & HB_MON_HAS_UPTIME));
        ASSERT_EQ(!!(c.flags & HB_OPT_INTERVAL), !!(in.flags & HB_MON_HAS_INTERVAL));
        ASSERT_EQ(sync, !!(in.flags & HB_MON_HAS_TIME));
        ASSERT_EQ(!sync, !!(in.flags & HB_MON_UNSYNCED));
        if (in.flags & HB_MON_HAS_SEQ) ASSERT_EQ(0u, in.seq);
        if (in.flags & HB_MON_HAS_UPTIME) ASSERT_EQ(5000u, (uint32_t)in.uptime_ms);
        if (in.flags & HB_MON_HAS_INTERVAL) ASSERT_EQ(c.interval_ms, in.interval_ms);
        if (in.flags & HB_MON_HAS_BOOT)
            ASSERT_EQ(with_str ? (uint32_t)(hb_mon_id_hash("b<oot>", 6, 0) ^
                                            (hb_mon_id_hash("b<oot>", 6, 0) >> 32))
                               : (uint32_t)(hb_mon_id_hash("123456", 6, 0) ^
                                            (hb_mon_id_hash("123456", 6, 0) >> 32)),
                      in.boot_hash);
        if (sync) {
            /* fake clock: the writer's time, as Unix ms */
            ASSERT_EQ((int64_t)wf.t.sec * 1000 + wf.t.nsec / 1000000, in.time_ms);
        }
        ASSERT_EQ(0, !!(in.flags & HB_MON_OFFLINE_STATUS));
        checked++;
    }
    ASSERT(checked >= 4 * 0x200);
    PASS();
}

TEST parse_offline_message_of_the_writer(void)
{
    hb_config c;
    hb_service s;
    hb_mon_info in;
    char will[512];
    size_t len;
    fake_config(&c, &wf, wbuf, sizeof wbuf);
    c.flags = HB_OPT_SEQ | HB_OPT_BOOT_ID | HB_OPT_UPTIME;
    ASSERT_ERR(HB_OK, hb_init(&s, &c));
    ASSERT_ERR(HB_OK, hb_offline_message(&s, 0, will, sizeof will, &len));
    ASSERT_ERR(HB_OK, hb_mon_parse(will, len, &in));
    ASSERT(in.flags & HB_MON_OFFLINE_STATUS);
    ASSERT(in.flags & HB_MON_HAS_SEQ);
    PASS();
}

TEST parse_times_with_offsets(void)
{
    hb_mon_info in;
    static const char a[] = "{\"device_id\":\"x\",\"timestamp\":\"1970-01-01T05:30:00+05:30\"}";
    static const char b[] = "{\"device_id\":\"x\",\"timestamp\":\"2000-02-29T00:00:00.1-01:00\"}";
    static const char c[] = "{\"device_id\":\"x\",\"timestamp\":\"0000-01-01T00:00:00Z\"}";
    ASSERT_ERR(HB_OK, hb_mon_parse(a, sizeof a - 1, &in));
    ASSERT_EQ(0, in.time_ms);
    ASSERT_ERR(HB_OK, hb_mon_parse(b, sizeof b - 1, &in));
    ASSERT_EQ(INT64_C(951786000100), in.time_ms);
    ASSERT_ERR(HB_OK, hb_mon_parse(c, sizeof c - 1, &in));
    ASSERT_EQ(INT64_C(-62167219200000), in.time_ms);
    PASS();
}

/* hb_mon_beat keeps the latest date in the monitor (the writer's layout):
   every beat reads as hb_mon_parse (no cache) reads it, on the same day,
   the next, after a refused time on a cached day and a refused date. */
static int64_t cache_time;
static int cache_events;
static void on_date_event(void *user, const hb_mon_event *ev)
{
    (void)user;
    if (ev->type == HB_MON_EV_NEW && ev->info != NULL) {
        cache_time = ev->info->time_ms;
        cache_events++;
    }
}

TEST beat_date_cache_reads_as_parse(void)
{
    static const char *const t[] = {
        "2026-11-27T19:53:22.5Z", "2026-11-27T23:59:59.999999999Z",
        "2026-11-28T00:00:00Z", "2026-11-28T24:00:00Z", "2026-11-28T00:60:00Z",
        "2026-11-28T00:00:5Z", "2026-11-28T0:00:00Z", "2024-02-29T12:00:00+05:30",
        "2026-02-29T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-28T00:00:00Z",
        "2026-11-28T00:00:00-00:30", "1999-12-31T23:59:59.9Z", "2026-11-28X00:00:00Z",
    };
    size_t i;
    mc.event = on_date_event;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        char p[160];
        hb_mon_info in;
        int n = snprintf(p, sizeof p, "{\"device_id\":\"t%u\",\"timestamp\":\"%s\","
                         "\"status\":\"alive\",\"jwt_token\":\"\",\"seq\":1}",
                         (unsigned)i, t[i]);
        int rc = hb_mon_parse(p, (size_t)n, &in), before = cache_events;
        ASSERT_ERR(rc, hb_mon_beat(&mon, p, (size_t)n, 0));
        if (rc == HB_OK) {
            ASSERT_EQ(before + 1, cache_events);
            ASSERT_EQ(in.time_ms, cache_time);
        } else {
            ASSERT_EQ(before, cache_events);
        }
    }
    /* what the list holds: 7 good times, 7 refused */
    ASSERT_EQ(7, cache_events);
    PASS();
}

/* hb_mon_beat hashes a plain id while it scans it (the writer's layout),
   hb_mon_get with hb_mon_id_hash: every length finds its device, on
   both sides of each 8-byte word, and so does an escaped id */
TEST beat_hashes_ids_as_get_does(void)
{
    static const char abc[] = "abcdefghijklmnopqrstuvwxyz";
    hb_mon_device d;
    hb_mon_stats st;
    size_t len;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (len = 0; len <= 24; len++) {
        char p[160];
        int n = snprintf(p, sizeof p, "{\"device_id\":\"%.*s\",\"timestamp\":"
                         "\"2026-11-27T19:53:22Z\",\"status\":\"alive\","
                         "\"jwt_token\":\"\",\"seq\":1}", (int)len, abc);
        ASSERT_ERR(HB_OK, hb_mon_beat(&mon, p, (size_t)n, 0));
    }
    {
        static const char e[] = "{\"device_id\":\"\\u0041bcdefghij\",\"timestamp\":"
                                "\"2026-11-27T19:53:22Z\",\"status\":\"alive\","
                                "\"jwt_token\":\"\",\"seq\":1}";
        ASSERT_ERR(HB_OK, hb_mon_beat(&mon, e, sizeof e - 1, 0));
        ASSERT_ERR(HB_OK, hb_mon_get(&mon, "Abcdefghij", 10, &d));
    }
    hb_mon_get_stats(&mon, &st);
    ASSERT_EQ(26u, st.devices);
    for (len = 0; len <= 24; len++) {
        /* the table matches the 64-bit hash first, then the name */
        ASSERT_ERR(HB_OK, hb_mon_get(&mon, abc, len, &d));
        ASSERT_EQ(1u, d.seq);
    }
    PASS();
}

/* The last member's integer has fewer than 8 bytes after it: the fast
   path reads the word that ends the payload. Every length reads as the
   general reader (the same bytes after a space) reads it. */
TEST parse_last_integer_as_the_general_reader(void)
{
    static const char *const iv[] = {
        "1", "12", "123456", "1234567", "12345678", "2147483647",
        "2147483648", "0", "01", "1x", "-1", "",
    };
    size_t i;
    for (i = 0; i < sizeof iv / sizeof iv[0]; i++) {
        char p[160];
        hb_mon_info a, b;
        int n = snprintf(p, sizeof p, " {\"device_id\":\"abcdefghijk\",\"timestamp\":"
                         "\"2026-11-27T19:53:22Z\",\"status\":\"alive\","
                         "\"jwt_token\":\"\",\"seq\":1,\"interval_ms\":%s}", iv[i]);
        int ra = hb_mon_parse(p + 1, (size_t)n - 1u, &a);
        int rb = hb_mon_parse(p, (size_t)n, &b);
        ASSERT_ERR(rb, ra);
        ASSERT_EQ(b.interval_ms, a.interval_ms);
        ASSERT_EQ(b.flags, a.flags);
        ASSERT_EQ(i < 6 ? HB_OK : HB_ERR_ARG, ra);
    }
    PASS();
}

TEST parse_refuses_bad_input(void)
{
    static const char *const bad[] = {
        "", "[]", "{", "{}", "{\"device_id\":1}", "{\"device_id\":\"a\"",
        "{\"device_id\":\"a\"} x", "{\"device_id\":\"a\",\"seq\":-1}",
        "{\"device_id\":\"a\",\"seq\":1.5}", "{\"device_id\":\"a\",\"seq\":4294967296}",
        "{\"device_id\":\"a\",\"seq\":01}", "{\"device_id\":\"a\",\"interval_ms\":0}",
        "{\"device_id\":\"a\",\"timestamp\":\"2026-13-01T00:00:00Z\"}",
        "{\"device_id\":\"a\",\"timestamp\":\"2026-02-29T00:00:00Z\"}",
        "{\"device_id\":\"a\",\"timestamp\":\"2026-01-01 00:00:00Z\"}",
        "{\"device_id\":\"a\\x\"}", "{\"device_id\":\"a\\u12\"}",
        "{\"device_id\":\"a\",\"device_id\":\"b\"}", "{\"device_id\":\"a\",\"seq\":1,\"seq\":2}",
        "{\"device_id\":\"a\",\"x\":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}",
        "{\"device_id\":\"a\",\"x\":tru}", "{\"device_id\":\"a\",\"x\":1e}",
        "{\"device_id\":\"a\",\"clock_synced\":0}", "{\"device_id\":\"a\" \"x\":1}",
        "{\"device_id\":\"a\tb\"}", "{\"device_id\":\"a\",}",
        "{\"device_id\":\"a\",\"clock_synced\":falsy,\"status\":\"alive\",\"jwt_token\":\"\"}",
        "{\"device_id\":\"a\",\"timestamp\":\"2026-11-27T19:53:22Z\",\"status\":\"alive\",\"jwt_token\":\"\",\"seq\":1}x",
    };
    size_t i;
    hb_mon_stats st;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hb_mon_info in;
        if (hb_mon_parse(bad[i], strlen(bad[i]), &in) != HB_ERR_ARG) {
            fprintf(stderr, "accepted: %s\n", bad[i]);
            FAIL();
        }
        ASSERT(in.why != NULL);
        ASSERT_ERR(HB_ERR_ARG, hb_mon_beat(&mon, bad[i], strlen(bad[i]), 0));
    }
    hb_mon_get_stats(&mon, &st);
    ASSERT_EQ((uint32_t)(sizeof bad / sizeof bad[0]), st.bad);
    ASSERT_EQ(0u, st.devices);
    PASS();
}

TEST parse_skips_unknown_members(void)
{
    static const char p[] = " { \"x\" : { \"a\" : [ 1 , -2.5e+3 , true , null , \"s\\n\" ] } ,"
                            " \"device_id\" : \"d\" , \"status\" : \"offline\" , \"y\" : false } ";
    hb_mon_info in;
    ASSERT_ERR(HB_OK, hb_mon_parse(p, sizeof p - 1, &in));
    ASSERT_EQ(1u, (unsigned)in.id_len);
    ASSERT(in.flags & HB_MON_OFFLINE_STATUS);
    PASS();
}

TEST config_is_validated(void)
{
    hb_mon_config c = mc;
    ASSERT_ERR(HB_ERR_ARG, hb_mon_init(&mon, NULL));
    c.slots = NULL;
    ASSERT_ERR(HB_ERR_ARG, hb_mon_init(&mon, &c));
    c = mc; c.capacity = 0;
    ASSERT_ERR(HB_ERR_ARG, hb_mon_init(&mon, &c));
    c = mc; c.loss_ppm = 1000000;
    ASSERT_ERR(HB_ERR_ARG, hb_mon_init(&mon, &c));
    c = mc; c.suspect_phi = 700; c.dead_phi = 600;
    ASSERT_ERR(HB_ERR_ARG, hb_mon_init(&mon, &c));
    c = mc; c.outage_permille = 1001;
    ASSERT_ERR(HB_ERR_ARG, hb_mon_init(&mon, &c));
    memset(&mon, 0, sizeof mon);
    ASSERT_ERR(HB_ERR_ARG, hb_mon_beat(&mon, "{}", 2, 0));
    ASSERT_EQ(HB_POLL_IDLE, hb_mon_poll(&mon, 0));
    PASS();
}

/* bad beats logged into the event log, so their order shows */
static void log_into_elog(void *user, int level, const char *msg, int err,
                          const char *detail)
{
    int n;
    (void)user; (void)level; (void)msg;
    n = snprintf(elog + elog_len, sizeof elog - elog_len, "bad %d %s\n", err,
                 detail != NULL ? detail : "");
    if (n > 0 && elog_len + (size_t)n < sizeof elog) elog_len += (size_t)n;
}

/* hb_mon_beat_batch is hb_mon_beat n times: the same event log (bad beats
   included, in order), stats, counters and return codes, across several
   HB_MON_BATCH chunks, with a table that fills up. */
TEST batch_is_beat_n_times(void)
{
    static char pay[48][160];
    const char *ptr[48];
    size_t len[48];
    char log1[4096];
    hb_mon_stats a, b;
    hb_mon_counters c1[CAP];
    int i, ok = 0, n = 0, rc;
    for (i = 0; i < 48; i++) {
        int dev = i % 11, k = i / 11;
        if (i % 13 == 5)
            len[n] = (size_t)snprintf(pay[n], sizeof pay[n], "{\"device_id\":\"d%d\",\"seq\":-1}", dev);
        else if (i % 17 == 3)
            len[n] = (size_t)snprintf(pay[n], sizeof pay[n], "{\"device_id\":\"d%d\",\"status\":\"offline\",\"seq\":%d,\"boot_id\":7}", dev, k);
        else
            len[n] = (size_t)snprintf(pay[n], sizeof pay[n],
                "{\"device_id\":\"d%d\",\"timestamp\":\"2026-11-27T19:53:22.5Z\","
                "\"status\":\"alive\",\"jwt_token\":\"\",\"seq\":%d,\"boot_id\":%d,"
                "\"uptime_ms\":%d,\"interval_ms\":1000}",
                dev, i % 7 == 6 ? 0 : k, i % 19 == 4 ? 8 : 7, k * 1000);
        ptr[n] = pay[n];
        n++;
    }
    mc.capacity = 10;                 /* 11 devices: FULL events too */
    mc.log = log_into_elog;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (i = 0; i < n; i++) {
        rc = hb_mon_beat(&mon, ptr[i], len[i], 500);
        if (rc == HB_OK) ok++;
    }
    hb_mon_get_stats(&mon, &a);
    memcpy(log1, elog, elog_len + 1);
    memcpy(c1, counters, sizeof c1);
    ASSERT(strstr(log1, "full") != NULL && strstr(log1, "bad ") != NULL &&
           strstr(log1, "offline") != NULL);

    setup(NULL);
    mc.capacity = 10;
    mc.log = log_into_elog;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    ASSERT_EQ(ok, hb_mon_beat_batch(&mon, ptr, len, (size_t)n, 500));
    hb_mon_get_stats(&mon, &b);
    ASSERT_STR_EQ(log1, elog);
    ASSERT_MEM_EQ(&a, &b, sizeof a);
    ASSERT_MEM_EQ(c1, counters, sizeof c1);
    ASSERT_EQ(0, hb_mon_beat_batch(&mon, NULL, NULL, 0, 600));
    ASSERT_ERR(HB_ERR_ARG, hb_mon_beat_batch(&mon, NULL, len, 1, 600));
    ASSERT_ERR(HB_ERR_ARG, hb_mon_beat_batch(NULL, ptr, len, 1, 600));
    PASS();
}

static void reenter(void *user, const hb_mon_event *ev)
{
    (void)ev;
    *(int *)user = hb_mon_beat(&mon, "{\"device_id\":\"r\"}", 16, 0);
}

static void reenter_batch(void *user, const hb_mon_event *ev)
{
    static const char *const one[1] = { "{\"device_id\":\"r\"}" };
    static const size_t one_len[1] = { 16 };
    (void)ev;
    *(int *)user = hb_mon_beat_batch(&mon, one, one_len, 1, 0);
}

TEST no_reentry_from_the_event_callback(void)
{
    int rc = 0;
    mc.event = reenter;
    mc.user = &rc;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    ASSERT_ERR(HB_OK, hb_mon_beat(&mon, "{\"device_id\":\"q\"}", 17, 0));
    ASSERT_ERR(HB_ERR_STATE, rc);
    /* nor through the batch call */
    rc = 0;
    mc.event = reenter_batch;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    ASSERT_ERR(HB_OK, hb_mon_beat(&mon, "{\"device_id\":\"q\"}", 17, 0));
    ASSERT_ERR(HB_ERR_STATE, rc);
    PASS();
}

/* ---- the fast paths against the general reader ----------------------------
   hb_mon_beat reads the writer's layout with word-at-a-time code (SSE2
   where the compiler has it, else 8 bytes at a time): the id scanned and
   hashed in one pass, the UTC time from the day cache, integers eight
   digits at a time, a short numeric boot_id hashed inline. Each case here
   goes three ways: hb_mon_beat (the info its NEW event carries),
   hb_mon_parse (the fast layout without a monitor) and hb_mon_parse on
   the same bytes after a space (the general reader): all three must
   agree, field by field, or all refuse. */
static hb_mon_info fp_info;
static char fp_id[128], fp_status[64];
static int fp_events;
static void on_fp_event(void *user, const hb_mon_event *ev)
{
    (void)user;
    if (ev->type == HB_MON_EV_NEW && ev->info != NULL) {
        fp_info = *ev->info;
        if (fp_info.id_len <= sizeof fp_id) memcpy(fp_id, fp_info.id, fp_info.id_len);
        if (fp_info.status_len <= sizeof fp_status)
            memcpy(fp_status, fp_info.status, fp_info.status_len);
        fp_events++;
    }
}

static int fp_same(const hb_mon_info *a, const char *aid, const char *ast,
                   const hb_mon_info *b)
{
    return a->id_len == b->id_len && a->id_len <= sizeof fp_id &&
           memcmp(aid, b->id, a->id_len) == 0 && a->status_len == b->status_len &&
           a->status_len <= sizeof fp_status &&
           memcmp(ast, b->status, a->status_len) == 0 && a->flags == b->flags &&
           a->time_ms == b->time_ms && a->uptime_ms == b->uptime_ms &&
           a->seq == b->seq && a->interval_ms == b->interval_ms &&
           a->boot_hash == b->boot_hash;
}

/* p (n bytes, with room for one more before it at p[-1]) three ways;
   prime: a payload with a good time of the same date, beaten first so
   that the day cache holds the date. Returns 0 when all agree. */
static int fp_check(char *p, size_t n, const char *prime)
{
    hb_mon_info g, f;
    hb_mon_device d;
    int rg, rf, rb;
    mc.event = on_fp_event;
    mc.same = NULL;   /* the table finds the device by its hash alone */
    if (hb_mon_init(&mon, &mc) != HB_OK) return 1;
    if (prime != NULL && hb_mon_beat(&mon, prime, strlen(prime), 0) != HB_OK) return 2;
    p[-1] = ' ';
    rg = hb_mon_parse(p - 1, n + 1u, &g);
    rf = hb_mon_parse(p, n, &f);
    fp_events = 0;
    rb = hb_mon_beat(&mon, p, n, 0);
    if (rg != rf || rg != rb) return 3;
    if (rg != HB_OK) return fp_events != 0 ? 4 : 0;
    if (fp_events != 1) return 5;
    if (!fp_same(&f, f.id, f.status, &g)) return 6;
    if (!fp_same(&fp_info, fp_id, fp_status, &g)) return 7;
    /* the hash of the scan is hb_mon_id_hash's: hb_mon_get finds it */
    if (!(g.flags & HB_MON_ID_ESCAPED) &&
        hb_mon_get(&mon, g.id, g.id_len, &d) != HB_OK)
        return 8;
    return 0;
}

#define FP_PRIME "{\"device_id\":\"prime\",\"timestamp\":\"2026-11-27T00:00:00Z\"," \
                 "\"status\":\"alive\",\"jwt_token\":\"\"}"

/* one beat of the writer's layout with these member texts (NULL: left
   out) into buf + 1; returns its length */
static size_t fp_beat(char *buf, size_t size, const char *id, const char *ts,
                      const char *seq, const char *boot, const char *up,
                      const char *iv)
{
    char *p = buf + 1;
    size_t cap = size - 1u;
    int n = snprintf(p, cap, "{\"device_id\":\"%s\",\"timestamp\":\"%s\","
                     "\"status\":\"alive\",\"jwt_token\":\"\"", id, ts);
    if (seq) n += snprintf(p + n, cap - (size_t)n, ",\"seq\":%s", seq);
    if (boot) n += snprintf(p + n, cap - (size_t)n, ",\"boot_id\":%s", boot);
    if (up) n += snprintf(p + n, cap - (size_t)n, ",\"uptime_ms\":%s", up);
    if (iv) n += snprintf(p + n, cap - (size_t)n, ",\"interval_ms\":%s", iv);
    n += snprintf(p + n, cap - (size_t)n, "}");
    return (size_t)n;
}

/* Ids of 0 to 40 bytes with a quote, a backslash (escapes good and bad),
   a control byte, DEL, a space or a UTF-8 byte at each position: on
   both sides of every 8- and 16-byte boundary of the scan. */
TEST fast_id_scan_reads_as_the_general_reader(void)
{
    static const char *const ins[] = {
        "\\\"", "\\\\", "\\n", "\\u0041", "\\u00e9", "\\x", "\\", "\x01", "\x1f",
        "\t", " ", "\x7f", "\xc3\xa9", "\"", "/",
    };
    char buf[256], id[96];
    size_t len, pos, k;
    int rc;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (len = 0; len <= 40; len++) {
        for (k = 0; k < len; k++) id[k] = (char)('a' + k % 26);
        id[len] = '\0';
        rc = fp_check(buf + 1, fp_beat(buf, sizeof buf, id, "2026-11-27T19:53:22Z",
                                       "1", NULL, NULL, NULL), NULL);
        if (rc != 0) { fprintf(stderr, "id length %u: %d\n", (unsigned)len, rc); FAIL(); }
        for (pos = 0; pos < len; pos++) {
            for (k = 0; k < sizeof ins / sizeof ins[0]; k++) {
                size_t il = strlen(ins[k]);
                memcpy(id + pos, ins[k], il);
                memset(id + pos + il, 'z', len + 2u);
                id[len + il] = '\0';
                rc = fp_check(buf + 1, fp_beat(buf, sizeof buf, id,
                                               "2026-11-27T19:53:22Z", "1", NULL,
                                               NULL, NULL), NULL);
                if (rc != 0) {
                    fprintf(stderr, "id %u bytes, insert %u at %u: %d\n",
                            (unsigned)len, (unsigned)k, (unsigned)pos, rc);
                    FAIL();
                }
            }
            id[pos] = (char)('a' + pos % 26);
        }
    }
    PASS();
}

/* Every member integer with 1 to 21 digits, the limits and one past
   them, leading zeros and what may follow a digit, in the middle of the
   beat and as its last member (fewer than 8 bytes after it). */
TEST fast_integers_read_as_the_general_reader(void)
{
    static const char *const odd[] = {
        "0", "00", "01", "0x1", "1.5", "1e3", "-1", "+1", "1 ", "", "\"1\"",
        "4294967295", "4294967296", "2147483647", "2147483648",
        "18446744073709551615", "18446744073709551616", "99999999999999999999",
        "9999999", "10000000", "12345678", "123456789",
    };
    char buf[256], num[32];
    size_t nd, k, m;
    int rc;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (m = 0; m < 4; m++) {
        for (nd = 1; nd <= 21 + sizeof odd / sizeof odd[0]; nd++) {
            const char *v[4] = { "7", "123", "5000", "60000" };
            const char *x;
            if (nd <= 21) {
                for (k = 0; k < nd; k++) num[k] = (char)('1' + (k * 7 + m) % 9);
                num[nd] = '\0';
                x = num;
            } else {
                x = odd[nd - 22];
            }
            v[m] = x;
            /* in the middle (the members after it present), then last */
            rc = fp_check(buf + 1, fp_beat(buf, sizeof buf, "dev-0000123",
                                           "2026-11-27T19:53:22Z", v[0], v[1], v[2],
                                           v[3]), FP_PRIME);
            if (rc == 0)
                rc = fp_check(buf + 1, fp_beat(buf, sizeof buf, "dev-0000123",
                                               "2026-11-27T19:53:22Z", v[0],
                                               m >= 1 ? v[1] : NULL,
                                               m >= 2 ? v[2] : NULL,
                                               m >= 3 ? v[3] : NULL), FP_PRIME);
            if (rc != 0) {
                fprintf(stderr, "member %u = \"%s\": %d\n", (unsigned)m, x, rc);
                FAIL();
            }
        }
    }
    /* a string boot_id, plain and escaped */
    ASSERT_EQ(0, fp_check(buf + 1, fp_beat(buf, sizeof buf, "d", "2026-11-27T19:53:22Z",
                                           "1", "\"b-1\"", "1", "1"), FP_PRIME));
    ASSERT_EQ(0, fp_check(buf + 1, fp_beat(buf, sizeof buf, "d", "2026-11-27T19:53:22Z",
                                           "1", "\"\\u0062-1\"", "1", "1"), FP_PRIME));
    PASS();
}

/* The UTC times the writer gives (0 to 9 fraction digits) and ones it
   does not (10 digits, offsets, a bad byte at each position, the last
   second, hour and minute and one past them, dates that do not exist),
   with the date in the day cache and without. */
TEST fast_times_read_as_the_general_reader(void)
{
    static const char *const good[] = {
        "2026-11-27T19:53:22Z", "2026-11-27T19:53:22.1Z", "2026-11-27T19:53:22.12Z",
        "2026-11-27T19:53:22.123Z", "2026-11-27T19:53:22.1234Z",
        "2026-11-27T19:53:22.12345Z", "2026-11-27T19:53:22.123456Z",
        "2026-11-27T19:53:22.1234567Z", "2026-11-27T19:53:22.12345678Z",
        "2026-11-27T19:53:22.123456789Z", "2026-11-27T19:53:22.1234567891Z",
        "2026-11-27T19:53:22.Z", "2026-11-27T23:59:59.999999999Z",
        "2026-11-27T00:00:00.000000001Z", "2026-11-27T24:00:00Z",
        "2026-11-27T23:60:00Z", "2026-11-27T23:00:60Z", "2026-11-27T19:53:22+05:30",
        "2026-11-27T19:53:22.5-00:30", "2026-11-27T19:53:22z", "2026-11-27T19:53:22",
        "2026-11-27T19:53:22.123456789", "2026-11-28T19:53:22Z",
        /* dates: leap days, the ends of months and years, none */
        "2024-02-29T00:00:00Z", "2026-02-29T00:00:00Z", "2000-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z", "2026-02-28T23:59:59.9Z", "2026-01-31T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-12-31T00:00:00Z", "2026-00-10T00:00:00Z",
        "2026-13-10T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-32T00:00:00Z",
        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z", "2026-1-27T19:53:22Z", "2026-11-27t19:53:22Z",
    };
    char buf[256], ts[64];
    size_t i, pos, k;
    int rc, pr;
    ASSERT_ERR(HB_OK, hb_mon_init(&mon, &mc));
    for (pr = 0; pr < 2; pr++) {
        for (i = 0; i < sizeof good / sizeof good[0]; i++) {
            rc = fp_check(buf + 1, fp_beat(buf, sizeof buf, "dev-1", good[i], "1",
                                           "2", "3", "4"), pr ? FP_PRIME : NULL);
            if (rc != 0) { fprintf(stderr, "time %s: %d\n", good[i], rc); FAIL(); }
            /* and with nothing after the time but the status: the shortest
               tail the fast path can meet */
            rc = fp_check(buf + 1, fp_beat(buf, sizeof buf, "dev-1", good[i], NULL,
                                           NULL, NULL, NULL), pr ? FP_PRIME : NULL);
            if (rc != 0) { fprintf(stderr, "time %s, last: %d\n", good[i], rc); FAIL(); }
        }
        for (pos = 0; pos < 31; pos++) {
            static const char bad[] = { 'x', '/', ':', '.', '"', '9', '0', 'Z', '\\' };
            for (k = 0; k < sizeof bad; k++) {
                strcpy(ts, "2026-11-27T19:53:22.123456789Z");
                ts[pos] = bad[k];
                if (pos == 30) ts[31] = '\0';
                rc = fp_check(buf + 1, fp_beat(buf, sizeof buf, "dev-1", ts, "1",
                                               "2", "3", "4"), pr ? FP_PRIME : NULL);
                if (rc != 0) { fprintf(stderr, "time %s: %d\n", ts, rc); FAIL(); }
            }
        }
    }
    PASS();
}

/* hb_mon_arrival's ordinary beat (the same boot, a later seq, the same
   interval, an ALIVE device, no OUTAGE) has a short path of its own.
   Monitor A gets every beat with its boot_id and takes it; monitor B
   gets the boot_id only in each device's first beat, which sends every
   later beat the general way with the same meaning (the boot never
   changes). A random trace of ordinary beats, duplicates, gaps, stale
   and late beats and polls must leave both tables identical byte for
   byte, with the same events. */
typedef struct { char text[16384]; size_t len; } ord_log;
static void on_ord_event(void *user, const hb_mon_event *ev)
{
    ord_log *l = (ord_log *)user;
    int n = snprintf(l->text + l->len, sizeof l->text - l->len, "%u %d %u %d %d\n",
                     (unsigned)ev->now_ms, ev->type, (unsigned)ev->slot, ev->prev,
                     ev->state);
    if (n > 0 && l->len + (size_t)n < sizeof l->text) l->len += (size_t)n;
}

TEST ordinary_beat_path_matches_the_general_one(void)
{
    static hb_mon_slot sa[CAP], sb[CAP];
    static hb_mon_counters ca[CAP], cb[CAP];
    static ord_log la, lb;
    static hb_mon ma, mb;
    hb_mon_config c;
    uint32_t seed = 12345u, now = 1000u, seqs[8] = {0}, start[8], i;
    int seen[8] = {0};
    char id[8][8];
    la.len = lb.len = 0;
    la.text[0] = lb.text[0] = '\0';
    memset(&c, 0, sizeof c);
    c.capacity = CAP;
    c.default_interval_ms = 1000;
    c.event = on_ord_event;
    c.slots = sa; c.counters = ca; c.user = &la;
    ASSERT_ERR(HB_OK, hb_mon_init(&ma, &c));
    c.slots = sb; c.counters = cb; c.user = &lb;
    ASSERT_ERR(HB_OK, hb_mon_init(&mb, &c));
    for (i = 0; i < 8; i++) {
        snprintf(id[i], sizeof id[i], "d%u", (unsigned)i);
        start[i] = 0;
    }
    for (i = 0; i < 20000; i++) {
        uint32_t r, d, kind;
        hb_mon_info in;
        int ra, rb;
        uint32_t back = 0;
        seed = seed * 1103515245u + 12345u; r = seed >> 8;
        d = r % 8u;
        kind = (r >> 3) % 32u;
        now += (r >> 8) % 300u;
        if (kind == 0) {                 /* a poll */
            hb_mon_poll(&ma, now);
            hb_mon_poll(&mb, now);
        } else {
            memset(&in, 0, sizeof in);
            in.id = id[d];
            in.id_len = strlen(id[d]);
            if (!seen[d]) { start[d] = now - 5000u; seen[d] = 1; }
            if (kind == 1) { /* a duplicate */ }
            else if (kind == 2) seqs[d] += 2u + (r >> 17) % 4u;   /* lost */
            else if (kind == 3 && seqs[d] > 3) { seqs[d] -= 3u; back = 3u; }  /* stale */
            else seqs[d]++;
            in.seq = seqs[d];
            in.uptime_ms = now - start[d];
            if (kind == 4) in.uptime_ms += 2000u;       /* an earlier session's */
            else if (kind == 5) in.uptime_ms += 40u;    /* jitter */
            else if (kind == 7) in.uptime_ms -= 2000u;  /* queued, sent late */
            else if (kind == 8) in.uptime_ms -= 30u;
            in.interval_ms = kind == 6 ? 1500u : 1000u;
            in.boot_hash = 0xB007u + d;
            in.flags = HB_MON_HAS_SEQ | HB_MON_HAS_UPTIME | HB_MON_HAS_INTERVAL |
                       HB_MON_HAS_BOOT;
            ra = hb_mon_arrival(&ma, &in, now);
            if (seen[d] == 2) in.flags &= ~(uint32_t)HB_MON_HAS_BOOT;
            seen[d] = 2;
            rb = hb_mon_arrival(&mb, &in, now);
            ASSERT_ERR(ra, rb);
            seqs[d] += back;   /* back to the latest */
        }
        if (memcmp(sa, sb, sizeof sa) != 0 || memcmp(ca, cb, sizeof ca) != 0) {
            fprintf(stderr, "step %u (kind %u): the tables differ\n", (unsigned)i,
                    (unsigned)kind);
            FAIL();
        }
    }
    ASSERT_STR_EQ(lb.text, la.text);
    /* the trace leaves the ordinary path too: devices turn SUSPECT and
       come back ALIVE */
    {
        const char *q = la.text;
        int n[8] = {0};
        unsigned t, ty;
        while (sscanf(q, "%u %u", &t, &ty) == 2) {
            if (ty < 8u) n[ty]++;
            q = strchr(q, '\n');
            if (q == NULL) break;
            q++;
        }
        ASSERT(n[HB_MON_EV_SUSPECT] > 0);
        ASSERT(n[HB_MON_EV_ALIVE] > 0);
    }
    PASS();
}

/* hb_mon_unescape and hb_mon_id_equal at their edges: empty and NULL
   input (no memcpy from a NULL pointer, which C leaves undefined even for
   0 bytes: UBSan's nonnull-attribute check), the output's exact room, every
   refused escape, a surrogate pair and a lone surrogate */
TEST id_helpers_edges(void)
{
    char b[8];
    size_t n = 99;
    ASSERT_ERR(HB_OK, hb_mon_unescape(NULL, 0, 0, b, sizeof b, &n));
    ASSERT_EQ(0u, n);
    ASSERT_EQ('\0', b[0]);
    ASSERT_ERR(HB_OK, hb_mon_unescape(NULL, 0, 1, b, sizeof b, &n));
    ASSERT_EQ(0u, n);
    ASSERT_ERR(HB_ERR_ARG, hb_mon_unescape(NULL, 1, 0, b, sizeof b, &n));
    ASSERT_ERR(HB_ERR_ARG, hb_mon_unescape("a", 1, 0, NULL, 8, &n));
    ASSERT_ERR(HB_ERR_ARG, hb_mon_unescape("a", 1, 0, b, 0, &n));
    /* room: 7 bytes and the NUL fit in 8, 8 do not (escaped or not) */
    ASSERT_ERR(HB_OK, hb_mon_unescape("abcdefg", 7, 0, b, sizeof b, &n));
    ASSERT_EQ(7u, n);
    ASSERT_STR_EQ("abcdefg", b);
    ASSERT_ERR(HB_ERR_NOSPACE, hb_mon_unescape("abcdefgh", 8, 0, b, sizeof b, &n));
    ASSERT_EQ(0u, n);
    ASSERT_EQ('\0', b[0]);
    ASSERT_ERR(HB_OK, hb_mon_unescape("ab\\ncdef", 8, 1, b, sizeof b, &n));
    ASSERT_EQ(7u, n);
    ASSERT_ERR(HB_ERR_NOSPACE, hb_mon_unescape("ab\\ncdefg", 9, 1, b, sizeof b, &n));
    /* refused escapes */
    ASSERT_ERR(HB_ERR_ARG, hb_mon_unescape("a\\", 2, 1, b, sizeof b, &n));
    ASSERT_ERR(HB_ERR_ARG, hb_mon_unescape("\\x", 2, 1, b, sizeof b, &n));
    ASSERT_ERR(HB_ERR_ARG, hb_mon_unescape("\\u12", 4, 1, b, sizeof b, &n));
    ASSERT_ERR(HB_ERR_ARG, hb_mon_unescape("\\u12G4", 6, 1, b, sizeof b, &n));
    ASSERT_EQ('\0', b[0]);
    /* U+1F600 as a pair; a lone high and a lone low surrogate: U+FFFD */
    ASSERT_ERR(HB_OK, hb_mon_unescape("\\ud83D\\uDE00", 12, 1, b, sizeof b, &n));
    ASSERT_MEM_EQ("\xf0\x9f\x98\x80", b, 4);
    ASSERT_EQ(4u, n);
    ASSERT_ERR(HB_OK, hb_mon_unescape("\\ud83dx\\udc00", 13, 1, b, sizeof b, &n));
    ASSERT_MEM_EQ("\xef\xbf\xbdx\xef\xbf\xbd", b, 7);
    /* id_equal: raw or escaped against plain, and the NULL cases */
    ASSERT_EQ(1, hb_mon_id_equal(NULL, 0, 0, NULL, 0));
    ASSERT_EQ(1, hb_mon_id_equal(NULL, 0, 1, "", 0));
    ASSERT_EQ(0, hb_mon_id_equal(NULL, 1, 0, "a", 1));
    ASSERT_EQ(0, hb_mon_id_equal("a", 1, 0, NULL, 1));
    ASSERT_EQ(1, hb_mon_id_equal("a\\\"b", 4, 1, "a\"b", 3));
    ASSERT_EQ(0, hb_mon_id_equal("a\\\"b", 4, 1, "a\"", 2));
    ASSERT_EQ(0, hb_mon_id_equal("a\\\"b", 4, 1, "a\"bc", 4));
    ASSERT_EQ(0, hb_mon_id_equal("a\\\"b", 4, 0, "a\"b", 3));
    ASSERT_EQ(0, hb_mon_id_equal("a\\q", 3, 1, "aq", 2));
    PASS();
}

SUITE(monitor)
{
    SET_SETUP(setup, NULL);
    RUN_TEST(sizes_meet_targets);
    RUN_TEST(golden_suspect_dead_alive_exact_times);
    RUN_TEST(golden_dead_phi_sets_the_deadline);
    RUN_TEST(golden_phi_reading);
    RUN_TEST(golden_stale_and_duplicate_give_no_credit);
    RUN_TEST(golden_queued_beats_of_a_dead_device_do_not_revive_it);
    RUN_TEST(golden_flushed_queue_is_not_a_new_session);
    RUN_TEST(golden_burst_of_bare_beats_does_not_teach_a_short_interval);
    RUN_TEST(golden_reorder_is_not_lost);
    RUN_TEST(golden_reboot_and_late_beat_of_the_old_boot);
    RUN_TEST(golden_reboot_of_a_dead_device);
    RUN_TEST(golden_session_restart_in_one_boot_is_not_stale);
    RUN_TEST(golden_restart_without_boot_id_is_a_reboot);
    RUN_TEST(golden_offline_and_the_will);
    RUN_TEST(golden_offline_of_an_earlier_session_is_ignored);
    RUN_TEST(golden_link_down_convicts_nobody);
    RUN_TEST(golden_outage_instead_of_many_deaths);
    RUN_TEST(golden_outage_ends_and_real_deaths_are_then_convicted);
    RUN_TEST(golden_full_table);
    RUN_TEST(golden_no_seq_beats_learn_from_arrivals);
    RUN_TEST(golden_one_outage_does_not_teach_a_long_interval);
    RUN_TEST(golden_bounded_poll_slices);
    RUN_TEST(golden_resolution_limits_sweeps);
    RUN_TEST(exact_ids_with_same_callback);
    RUN_TEST(escaped_ids_hash_as_decoded);
    RUN_TEST(clock_offset_is_recorded_not_used);
    RUN_TEST(clock_offset_clamps_any_time);
    RUN_TEST(parse_reads_every_writer_option);
    RUN_TEST(parse_offline_message_of_the_writer);
    RUN_TEST(parse_times_with_offsets);
    RUN_TEST(parse_refuses_bad_input);
    RUN_TEST(beat_date_cache_reads_as_parse);
    RUN_TEST(beat_hashes_ids_as_get_does);
    RUN_TEST(parse_last_integer_as_the_general_reader);
    RUN_TEST(parse_skips_unknown_members);
    RUN_TEST(config_is_validated);
    RUN_TEST(no_reentry_from_the_event_callback);
    RUN_TEST(batch_is_beat_n_times);
    RUN_TEST(fast_id_scan_reads_as_the_general_reader);
    RUN_TEST(fast_integers_read_as_the_general_reader);
    RUN_TEST(fast_times_read_as_the_general_reader);
    RUN_TEST(ordinary_beat_path_matches_the_general_one);
    RUN_TEST(id_helpers_edges);
}
