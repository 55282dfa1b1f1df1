/* 16550-compatible UART console (xen/drivers/char/ns16550.c). */
#ifndef ASM_X86_NS16550_H
#define ASM_X86_NS16550_H

#include <xen/types.h>

#define NS16550_COM1_PORT  0x3f8

/*
 * Program the UART at an I/O port for <baud> 8n1, polled (no interrupts),
 * and register it as a console driver.  Returns false, and registers
 * nothing, when no UART answers at that port.
 */
bool ns16550_console_init(uint16_t io_port, unsigned int baud);

/* Take console input by the UART's receive interrupt (routed by the caller). */
void ns16550_console_enable_rx(void);
/* The receive interrupt's handler: drains the UART into the console ring. */
void ns16550_rx_interrupt(void);

#endif /* ASM_X86_NS16550_H */
