/* Arm PrimeCell PL011 UART as a polled hypervisor console. */
#ifndef ASM_ARM_PL011_H
#define ASM_ARM_PL011_H

#include <xen/types.h>

/* Bytes of register space the driver touches (the PrimeCell window is 4K). */
#define PL011_REGS_SIZE 0x1000

/*
 * Register a PL011 at physical address @base as a console.  The loader has
 * programmed the baud rate; we keep it and only make sure the transmitter
 * is on.  @base must already be mapped as device memory.
 */
void pl011_console_init(paddr_t base);

#endif /* ASM_ARM_PL011_H */
