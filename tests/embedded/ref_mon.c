/* tests/embedded/ref_mon.c - a small user of the fleet monitor (hb_mon_*):
   a table of 64 devices fed with beats, polled, told about its link and
   asked about one device. tools/size.sh counts the bytes from core.o that
   this program keeps: the monitor's own size, which no device build pays
   (ref_min.c and ref_all.c never reference it). */
#include "heartbeat.h"

void ref_main(void);

static hb_mon mon;
static hb_mon_slot slots[64];
static volatile uint32_t ticks;
static volatile int sink;
static const char beat[] =
    "{\"device_id\":\"d1\",\"timestamp\":\"2026-11-27T19:53:22Z\","
    "\"status\":\"alive\",\"jwt_token\":\"\",\"seq\":1}";

static void on_event(void *user, const hb_mon_event *ev)
{
    (void)user;
    sink = ev->type;
}

void ref_main(void)
{
    static hb_mon_config mc;
    hb_mon_device d;
    mc.slots = slots;
    mc.capacity = 64;
    mc.event = on_event;
    if (hb_mon_init(&mon, &mc) != HB_OK) return;
    for (;;) {
        hb_mon_beat(&mon, beat, sizeof beat - 1, ticks);
        hb_mon_link(&mon, (int)(ticks & 1), ticks);
        sink = (int)hb_mon_poll(&mon, ticks);
        if (hb_mon_get(&mon, "d1", 2, &d) == HB_OK) sink = d.state;
    }
}
