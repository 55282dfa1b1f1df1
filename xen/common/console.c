/*
 * The hypervisor console.
 *
 * Output goes to every registered driver and into a ring buffer that keeps
 * the most recent text (what XEN_SYSCTL_readconsole will hand to dom0).
 */
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/arch.h>

#define CONSOLE_RING_SIZE (16 * 1024)

static struct console_driver *console_drivers;
static char console_ring[CONSOLE_RING_SIZE];
static size_t console_ring_head;    /* total bytes ever written */

void console_register(struct console_driver *drv)
{
    struct console_driver **p = &console_drivers;

    /* Append, so drivers see text in registration order; ignore repeats. */
    for (; *p; p = &(*p)->next)
        if (*p == drv)
            return;
    drv->next = NULL;
    *p = drv;
}

static void console_putc_all(char c)
{
    for (struct console_driver *d = console_drivers; d; d = d->next)
        d->putc(d, c);
}

void console_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        console_ring[console_ring_head++ % CONSOLE_RING_SIZE] = s[i];
        /* Serial terminals want CR LF. */
        if (s[i] == '\n')
            console_putc_all('\r');
        console_putc_all(s[i]);
    }
}

int vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

    console_write(buf, len);
    return (int)len;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

noreturn void panic(const char *fmt, ...)
{
    va_list ap;

    printk("\n**** PANIC: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n**** System halted.\n");
    arch_halt();
}
