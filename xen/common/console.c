/*
 * The hypervisor console.
 *
 * Output goes to every registered driver and into a ring buffer that keeps
 * the most recent text (what XEN_SYSCTL_readconsole will hand to dom0).
 * Input from the UART drivers waits in a small ring for CONSOLEIO_read.
 */
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/arch.h>
#include <xen/atomic.h>
#include <xen/spinlock.h>

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

/*
 * One writer at a time, so lines from different CPUs do not interleave.
 * Recursive, so that a fault or interrupt while this CPU prints can still
 * print; and panic() stops using it altogether, so that a CPU stopped
 * while holding it cannot silence the crash report.
 */
static DEFINE_SPINLOCK(console_lock);
static bool console_lock_abandoned;

void console_write(const char *s, size_t len)
{
    unsigned long flags = arch_irq_save();
    bool locked = !read_atomic(&console_lock_abandoned);

    if (locked)
        spin_lock_recursive(&console_lock);
    for (size_t i = 0; i < len; i++) {
        console_ring[console_ring_head++ % CONSOLE_RING_SIZE] = s[i];
        /* Serial terminals want CR LF. */
        if (s[i] == '\n')
            console_putc_all('\r');
        console_putc_all(s[i]);
    }
    if (locked)
        spin_unlock_recursive(&console_lock);
    arch_irq_restore(flags);
}

/*
 * Input: characters the UART drivers receive, kept for the hardware domain
 * to read with CONSOLEIO_read.  A small ring as on Xen; when it is full
 * new characters are dropped.  Producers (driver interrupt handlers, on
 * any CPU) serialise on rx_lock; the single reader (console_io.c holds
 * its own lock) only moves rx_cons, so it needs no lock against them.
 */
#define CONSOLE_RX_SIZE 128             /* a power of two */

static char console_rx_ring[CONSOLE_RX_SIZE];
static unsigned int console_rx_prod;    /* free-running counters */
static unsigned int console_rx_cons;
static DEFINE_SPINLOCK(console_rx_lock);

void console_rx_char(char c)
{
    unsigned long flags;
    unsigned int prod;

    spin_lock_irqsave(&console_rx_lock, flags);
    prod = console_rx_prod;
    if (prod - load_acquire(&console_rx_cons) < CONSOLE_RX_SIZE) {
        console_rx_ring[prod % CONSOLE_RX_SIZE] = c;
        /* The character is in place before the reader can see it. */
        store_release(&console_rx_prod, prod + 1);
    }
    spin_unlock_irqrestore(&console_rx_lock, flags);
}

unsigned int console_rx_peek(char *buf, unsigned int max)
{
    unsigned int cons = read_atomic(&console_rx_cons);
    unsigned int avail = load_acquire(&console_rx_prod) - cons;
    unsigned int n = avail < max ? avail : max;

    for (unsigned int i = 0; i < n; i++)
        buf[i] = console_rx_ring[(cons + i) % CONSOLE_RX_SIZE];
    return n;
}

void console_rx_consume(unsigned int n)
{
    unsigned int cons = read_atomic(&console_rx_cons);
    unsigned int avail = load_acquire(&console_rx_prod) - cons;

    if (n > avail)
        n = avail;
    /* Our reads of the slots are done before producers may reuse them. */
    store_release(&console_rx_cons, cons + n);
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

    write_atomic(&console_lock_abandoned, true);
    printk("\n**** PANIC: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n**** System halted.\n");
    arch_halt();
}
