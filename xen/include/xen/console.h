/*
 * Hypervisor console: printk() formats into a buffer and hands the text
 * to every registered output driver (UARTs today).
 */
#ifndef XEN_CONSOLE_H
#define XEN_CONSOLE_H

#include <stdarg.h>
#include <xen/types.h>
#include <xen/compiler.h>

struct console_driver {
    const char *name;
    /* Write one character; must work with interrupts off, before SMP. */
    void (*putc)(struct console_driver *drv, char c);
    struct console_driver *next;
};

/* Attach an output driver; text printed earlier is not replayed. */
void console_register(struct console_driver *drv);

/* Write raw bytes to every driver ("\n" becomes "\r\n"). */
void console_write(const char *s, size_t len);

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

/* Print a message and halt the machine; for our own broken invariants. */
noreturn void panic(const char *fmt, ...) __printf(1, 2);

/*
 * Console input (CONSOLEIO_read): UART drivers feed received characters
 * from their interrupt handlers; the reader peeks, copies out, then
 * consumes what the guest actually received.
 */
void console_rx_char(char c);
unsigned int console_rx_peek(char *buf, unsigned int max);
void console_rx_consume(unsigned int n);

/*
 * The output ring (XEN_SYSCTL_readconsole).  Positions count the bytes
 * ever written, modulo 2^32; the ring keeps the last console_ring_size()
 * of them.  console_ring_fetch() copies up to len bytes from *pos on,
 * first moving *pos up to the oldest byte still held if it is older, and
 * returns how many it copied (0 when *pos is the tail).
 */
unsigned int console_ring_size(void);
uint32_t console_ring_tail(void);
unsigned int console_ring_fetch(uint32_t *pos, char *buf, unsigned int len);

#endif /* XEN_CONSOLE_H */
