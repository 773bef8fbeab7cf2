/* examples/bare_metal/main.c - heartbeat.h in a Cortex-M superloop.

   No RTOS, no heap, no printf: a SysTick millisecond counter drives
   hb_poll, a "transport" writes each message to the CMSDK UART (where an
   MQTT client would publish it), and a fake RTC supplies the wall clock.
   The RTC is not synced for the first 300 ms, so the beats at 0 ms (the
   immediate one) and 200 ms fail with HB_ERR_CLOCK and are logged; from
   400 ms on they go out every 200 ms. After five beats the loop stops the service, which publishes
   one "offline" message, and the program ends.

   Runs on qemu's MPS2 AN385 board (Cortex-M3, 25 MHz, UART0 at
   0x40004000); `make check-bare-metal` builds it with
   tests/embedded/startup.c and mps2.ld.in and runs it:

     qemu-system-arm -M mps2-an385 -nographic \
         -semihosting-config enable=on,target=native -kernel bare_metal.elf

   On real hardware keep main() and the callbacks; replace the register
   addresses, CPU_HZ and the end of main (exit() here ends the emulator
   through semihosting). */
#include <stdint.h>
#include <stdlib.h>

#define HEARTBEAT_IMPLEMENTATION
#include "heartbeat.h"

#define CPU_HZ 25000000u           /* MPS2 FPGA images run at 25 MHz */

/* ---- SysTick: the millisecond tick hb_poll wants ------------------------ */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)

static volatile uint32_t ms_ticks;

void SysTick_Handler(void);        /* named in startup.c's vector table */
void SysTick_Handler(void)
{
    ms_ticks++;
}

static void systick_init(void)
{
    SYST_RVR = CPU_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u;                 /* processor clock, interrupt, enable */
}

static uint32_t millis(void)
{
    return ms_ticks;               /* one aligned 32-bit read: atomic */
}

/* ---- UART0 (ARM CMSDK APB UART): the console and the fake transport ---- */
#define UART0_DATA    (*(volatile uint32_t *)0x40004000u)
#define UART0_STATE   (*(volatile uint32_t *)0x40004004u)
#define UART0_CTRL    (*(volatile uint32_t *)0x40004008u)
#define UART0_BAUDDIV (*(volatile uint32_t *)0x40004010u)

static void uart_init(void)
{
    UART0_BAUDDIV = CPU_HZ / 115200u;
    UART0_CTRL = 1u;               /* TX enable */
}

static void uart_write(const char *s, size_t n)
{
    while (n--) {
        while (UART0_STATE & 1u) { }   /* TX buffer full */
        UART0_DATA = (uint8_t)*s++;
    }
}

static void uart_puts(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    uart_write(s, n);
}

static void uart_dec(uint32_t v)
{
    char tmp[10];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    uart_write(tmp + i, sizeof tmp - i);
}

/* ---- the callbacks ------------------------------------------------------ */

/* The "transport": where an MQTT client's publish would go. */
static uint32_t published;

static int uart_publish(void *user, const char *topic, const char *payload,
                        size_t len, int qos)
{
    (void)user;
    uart_puts("[");
    uart_dec(millis());
    uart_puts(" ms] PUBLISH ");
    uart_puts(topic);
    uart_puts(" qos ");
    uart_dec((uint32_t)qos);
    uart_puts(": ");
    uart_write(payload, len);
    uart_puts("\r\n");
    published++;
    return 0;
}

/* A fake RTC: synced 300 ms after boot (as if by SNTP or a GPS fix), then
   the time of that sync plus the milliseconds since. */
#define RTC_SYNC_MS   300u
#define RTC_SYNC_UNIX 1795809202      /* 2026-11-27T19:53:22Z */

static int fake_rtc(void *user, hb_time *now)
{
    uint32_t ms = millis();
    (void)user;
    if (ms < RTC_SYNC_MS)
        return -1;                 /* not synced: the beat fails, is logged */
    ms -= RTC_SYNC_MS;
    now->sec = RTC_SYNC_UNIX + (int64_t)(ms / 1000u);
    now->nsec = (ms % 1000u) * 1000000u;
    now->utc_offset_min = 0;
    return 0;
}

/* A token source: a real device signs a JWT; this one hands out a fixed
   string. */
static int fake_token(void *user, const char **token, size_t *len)
{
    static const char jwt[] = "eyJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJkZW1vIn0.c2lnbmF0dXJl";
    (void)user;
    *token = jwt;
    *len = sizeof jwt - 1;
    return 0;
}

static void uart_log(void *user, int level, const char *msg, int err,
                     const char *detail)
{
    static const char *const names[] = { "error", "warn", "info", "debug" };
    (void)user;
    uart_puts("[");
    uart_dec(millis());
    uart_puts(" ms] ");
    uart_puts(level >= 0 && level <= 3 ? names[level] : "?");
    uart_puts(": ");
    uart_puts(msg);
    if (err != 0) {
        uart_puts(" (");
        uart_puts(hb_strerror(err));
        uart_puts(")");
    }
    if (detail != NULL) {
        uart_puts(": ");
        uart_puts(detail);
    }
    uart_puts("\r\n");
}

/* ---- the superloop ------------------------------------------------------ */
#define BEATS 5u

static hb_service heartbeat;       /* all state: static, no heap */
static char payload[384];

int main(void)
{
    hb_config cfg = { 0 };
    uint32_t wait, start;

    uart_init();
    systick_init();
    uart_puts("bare_metal: heartbeat.h " HEARTBEAT_VERSION_STRING
              " on a Cortex-M superloop\r\n");

    cfg.topic = "devices/mps2-an385/heartbeat";
    cfg.interval_ms = 200;
    cfg.qos = 1;
    cfg.device_id = "mps2-an385";
    cfg.publish = uart_publish;
    cfg.token = fake_token;
    cfg.clock = fake_rtc;
    cfg.log = uart_log;
    cfg.buf = payload;
    cfg.buf_size = sizeof payload;
    cfg.flags = HB_OPT_IMMEDIATE | HB_OPT_SEQ | HB_OPT_UPTIME |
                HB_OPT_OFFLINE_ON_STOP;
    if (hb_init(&heartbeat, &cfg) != HB_OK ||
        hb_start(&heartbeat, millis()) != HB_OK) {
        uart_puts("bare_metal: bad config\r\n");
        exit(2);
    }

    start = millis();
    while (published < BEATS) {
        uint32_t now = millis();
        wait = hb_poll(&heartbeat, now);
        /* Other work of the superloop goes here. Then sleep until the
           next beat is due: any interrupt (here only SysTick) wakes us. */
        while (millis() - now < wait && published < BEATS)
            __asm__ volatile ("wfi");
        if (millis() - start > 5000u) {
            uart_puts("bare_metal: too slow, giving up\r\n");
            exit(1);
        }
    }
    hb_stop(&heartbeat, millis());     /* publishes "offline" */
    uart_puts("bare_metal: done after ");
    uart_dec(published);
    uart_puts(" messages\r\n");
    exit(0);
}
