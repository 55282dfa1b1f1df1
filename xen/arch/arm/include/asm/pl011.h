/* Arm PrimeCell PL011 UART as a polled hypervisor console. */
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

#endif /* ASM_ARM_PL011_H */
