/* Arm PrimeCell PL011 UART as the hypervisor console. */
#ifndef ASM_ARM_PL011_H
#define ASM_ARM_PL011_H

#include <xen/types.h>

/* Bytes of register space the driver touches (the PrimeCell window is 4K). */
#define PL011_REGS_SIZE 0x1000

/*
 * Register the PL011 whose registers are mapped (as device memory) at
 * @regs as a console.  The loader has programmed the baud rate; we keep it
 * and only make sure the transmitter is on.
 */
void pl011_console_init(void *regs);

#ifdef CONFIG_PL011
/*
 * Take console input by the receive interrupt @intid (an SPI the caller
 * has routed and will enable).  False (and nothing done) without a
 * console UART.
 */
bool pl011_console_enable_rx(unsigned int intid);
/* The interrupt handler: true when @intid was the UART's (now handled). */
bool pl011_handle_irq(unsigned int intid);
#else
static inline bool pl011_console_enable_rx(unsigned int intid) { (void)intid; return false; }
static inline bool pl011_handle_irq(unsigned int intid) { (void)intid; return false; }
#endif

#endif /* ASM_ARM_PL011_H */
