/*
 * The hypervisor console.
 *
 * Output goes to every registered driver and into a ring buffer that keeps
 * the most recent text (what XEN_SYSCTL_readconsole will hand to dom0).
 * Input from the UART drivers waits in a small ring for CONSOLEIO_read;
 * each character raises VIRQ_CONSOLE in its handler (the hardware domain).
 */
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/arch.h>
#include <xen/atomic.h>
#include <xen/spinlock.h>
#include <xen/event.h>

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

/*
 * event_channel.c raises VIRQ_CONSOLE; this weak stand-in serves builds
 * without event channels (the host tests of the hypercall handlers).
 */
__attribute__((__weak__)) void send_global_virq(uint32_t virq)
{
    (void)virq;
}

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
    /* Even when the ring was full, as Xen: the reader must not miss the wake-up. */
    send_global_virq(VIRQ_CONSOLE);
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

/*
 * Take the console for good (we never give it back: the machine halts), so
 * the report is not interleaved with other CPUs' output.  If another CPU
 * holds it and does not let go - it may be stopped, or the one that broke -
 * stop locking at all rather than lose the report.
 */
static void console_lock_for_panic(void)
{
    uint16_t me = (uint16_t)arch_smp_processor_id();

    arch_irq_disable();
    if (read_atomic(&console_lock.recurse_cpu) == me)
        return;                 /* we are the holder: recursion covers us */
    for (unsigned long tries = 0; tries < 10000000; tries++) {
        if (spin_trylock(&console_lock)) {
            write_atomic(&console_lock.recurse_cpu, me);
            console_lock.recurse_cnt = 1;
            return;
        }
        arch_cpu_relax();
    }
    write_atomic(&console_lock_abandoned, true);
}

noreturn void panic(const char *fmt, ...)
{
    va_list ap;

    console_lock_for_panic();
    printk("\n**** PANIC: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n**** System halted.\n");
    arch_halt();
}

/*
 * The output ring for XEN_SYSCTL_readconsole (xen/common/sysctl.c).
 * Positions count every byte ever written, modulo 2^32.
 */
unsigned int console_ring_size(void)
{
    return CONSOLE_RING_SIZE;
}

uint32_t console_ring_tail(void)
{
    return (uint32_t)read_atomic(&console_ring_head);
}

unsigned int console_ring_fetch(uint32_t *pos, char *buf, unsigned int len)
{
    unsigned long flags = arch_irq_save();
    bool locked = !read_atomic(&console_lock_abandoned);
    uint32_t head, avail;
    unsigned int n;

    if (locked)
        spin_lock_recursive(&console_lock);
    head = (uint32_t)console_ring_head;
    avail = head - *pos;
    /* Older than what the ring still holds: start at the oldest byte it has. */
    if (avail > CONSOLE_RING_SIZE) {
        *pos = head - CONSOLE_RING_SIZE;
        avail = CONSOLE_RING_SIZE;
    }
    n = avail < len ? avail : len;
    for (unsigned int i = 0; i < n; i++)
        buf[i] = console_ring[(*pos + i) % CONSOLE_RING_SIZE];
    if (locked)
        spin_unlock_recursive(&console_lock);
    arch_irq_restore(flags);
    return n;
}
