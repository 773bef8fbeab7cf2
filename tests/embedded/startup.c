/* tests/embedded/startup.c - reset handler and vector table for the MPS2
   boards qemu emulates (mps2-an385 Cortex-M3, mps2-an386 Cortex-M4,
   mps2-an505 Cortex-M33), used instead of newlib's crt0 (-nostartfiles):
   newlib's rdimon crt0 asks the debugger for the heap/stack layout, which
   qemu answers in a way that leaves the program hanging.

   Reset: set VTOR, enable the FPU when the build uses it, copy .data, zero
   .bss, run constructors, open the semihosting handles, call main and pass
   its result to exit(), which newlib's rdimon turns into a semihosting
   SYS_EXIT so qemu's own exit status is main's return value. A fault
   prints its name over semihosting and exits with status 3, so a crash is
   a failed run, never a hang. */
#include <stdint.h>
#include <stdlib.h>

int main(int argc, char **argv);
void initialise_monitor_handles(void);
void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);
void SysTick_Handler(void);

/* Symbols from the linker script. */
extern uint32_t __stack_top;
extern uint32_t __data_load, __data_start, __data_end;
extern uint32_t __bss_start, __bss_end;
typedef void (*startup_fn)(void);
extern startup_fn __preinit_array_start[], __preinit_array_end[];
extern startup_fn __init_array_start[], __init_array_end[];

#define SCB_VTOR   (*(volatile uint32_t *)0xE000ED08u)
#define SCB_CPACR  (*(volatile uint32_t *)0xE000ED88u)

/* A semihosting call (BKPT 0xAB in Thumb state). */
static uint32_t semihost(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile ("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* Print and leave with status 3 without touching newlib (which may be the
   thing that broke). SYS_EXIT_EXTENDED (0x20) carries the status on
   32-bit targets; qemu supports it. */
static void fault_exit(const char *what)
{
    uint32_t block[2];
    semihost(0x04u, what);                /* SYS_WRITE0 */
    block[0] = 0x20026u;                  /* ADP_Stopped_ApplicationExit */
    block[1] = 3u;
    semihost(0x20u, block);
    for (;;) { }
}

void HardFault_Handler(void) { fault_exit("\n*** HardFault\n"); }
void Default_Handler(void)   { fault_exit("\n*** unexpected exception\n"); }

/* newlib's __libc_init_array/__libc_fini_array call these; crti.o would
   supply them, but -nostartfiles leaves it out. Nothing to do here. */
void _init(void);
void _fini(void);
void _init(void) { }
void _fini(void) { }

/* A program may define its own SysTick_Handler (the bare-metal example). */
void SysTick_Handler(void) __attribute__((weak, alias("Default_Handler")));

void Reset_Handler(void)
{
    static char arg0[] = "qemu";
    static char *argv[] = { arg0, 0 };
    const uint32_t *src = &__data_load;
    uint32_t *dst;
    startup_fn *fn;
    extern const uint32_t mps2_vectors[];

    SCB_VTOR = (uint32_t)mps2_vectors;
#if defined(__ARM_FP)
    SCB_CPACR |= 0xFu << 20;              /* CP10, CP11: full access */
    __asm__ volatile ("dsb\n\tisb" ::: "memory");
#endif
    for (dst = &__data_start; dst < &__data_end; )
        *dst++ = *src++;
    for (dst = &__bss_start; dst < &__bss_end; )
        *dst++ = 0;
    for (fn = __preinit_array_start; fn < __preinit_array_end; fn++)
        (*fn)();
    for (fn = __init_array_start; fn < __init_array_end; fn++)
        (*fn)();
    initialise_monitor_handles();
    exit(main(1, argv));
}

/* The core exceptions only: no peripheral interrupt is enabled. */
__attribute__((section(".vectors"), used))
const uint32_t mps2_vectors[16] = {
    (uint32_t)&__stack_top,
    (uint32_t)Reset_Handler,
    (uint32_t)Default_Handler,   /* NMI */
    (uint32_t)HardFault_Handler,
    (uint32_t)Default_Handler,   /* MemManage */
    (uint32_t)Default_Handler,   /* BusFault */
    (uint32_t)Default_Handler,   /* UsageFault */
    (uint32_t)Default_Handler,   /* SecureFault (v8-M) */
    0, 0, 0,
    (uint32_t)Default_Handler,   /* SVCall */
    (uint32_t)Default_Handler,   /* DebugMonitor */
    0,
    (uint32_t)Default_Handler,   /* PendSV */
    (uint32_t)SysTick_Handler,
};
