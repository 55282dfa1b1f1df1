/*
 * console_io (hypercall 18): guests' text to the hypervisor console, and
 * the console's input to the hardware domain.
 *
 * Who may call it follows Xen 4.17's default policy (xsm_console_io):
 * the control domain always; with CONFIG_DEBUG (Xen: VERBOSE_DEBUG, on in
 * debug builds) every domain may write.  The hardware domain's text goes
 * to the console unchanged; anybody else's is cleaned of control
 * characters, collected into lines and printed as "(dN) text".
 */
#include "hypercall_env.h"
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/spinlock.h>

/* Bytes taken from the guest per step (Xen's 128-byte buffer, minus its NUL). */
#define WRITE_CHUNK     127

/* Line buffers for domains other than the hardware domain. */
#define PBUF_SIZE       200             /* Xen's DOMAIN_PBUF_SIZE */
#define PBUF_SLOTS      8               /* domains with a partial line at once */

struct line_buf {
    bool used;
    domid_t domid;
    unsigned int len;
    char text[PBUF_SIZE];
};

static struct line_buf line_bufs[PBUF_SLOTS];
static unsigned int line_evict;         /* next slot to recycle when all are taken */
static DEFINE_SPINLOCK(line_lock);

/* One reader of the input ring at a time: peek, copy out, then consume. */
static DEFINE_SPINLOCK(rx_reader_lock);

static int console_io_allowed(const struct domain *d, unsigned int cmd)
{
#ifdef CONFIG_DEBUG
    if (cmd == CONSOLEIO_write)
        return 0;
#else
    (void)cmd;
#endif
    return hc_xsm_priv(d);
}

static void line_flush(struct line_buf *lb, const char *tail)
{
    lb->text[lb->len] = '\0';
    printk("(d%u) %s%s\n", lb->domid, lb->text, tail);
    lb->len = 0;
}

/* The line buffer of domid, recycling the oldest slot if none is free. */
static struct line_buf *line_buf_of(domid_t domid)
{
    struct line_buf *free_lb = NULL, *lb;

    for (unsigned int i = 0; i < PBUF_SLOTS; i++) {
        if (line_bufs[i].used && line_bufs[i].domid == domid)
            return &line_bufs[i];
        if (!line_bufs[i].used && !free_lb)
            free_lb = &line_bufs[i];
    }
    if (!free_lb) {
        free_lb = &line_bufs[line_evict++ % PBUF_SLOTS];
        if (free_lb->len)
            line_flush(free_lb, "");
    }
    lb = free_lb;
    lb->used = true;
    lb->domid = domid;
    lb->len = 0;
    return lb;
}

/*
 * Text from a domain other than the hardware domain: keep printable
 * characters and tabs up to the first newline, buffer them until a newline
 * comes or the line is full, then print it with the domain's prefix.
 * Returns how many input bytes were used (through the newline, if any).
 */
static unsigned int guest_text(const struct domain *d, const char *in, unsigned int n)
{
    char clean[WRITE_CHUNK + 1];
    unsigned int used = 0, len = 0;
    bool newline = false;
    struct line_buf *lb;

    while (used < n) {
        char c = in[used++];

        if (c == '\n') {
            newline = true;
            break;
        }
        if ((c >= 0x20 && c < 0x7f) || c == '\t')
            clean[len++] = c;
    }
    clean[len] = '\0';

    spin_lock(&line_lock);
    lb = line_buf_of(d->domain_id);
    if (!newline && lb->len + len < PBUF_SIZE - 1) {
        memcpy(lb->text + lb->len, clean, len);
        lb->len += len;
    } else {
        line_flush(lb, clean);
    }
    spin_unlock(&line_lock);
    return used;
}

static long console_write_guest(XEN_GUEST_HANDLE_PARAM(char) buffer, unsigned int count)
{
    const struct domain *d = current->domain;
    uint64_t start = guest_handle_va(buffer), va = start;
    char chunk[WRITE_CHUNK];

    while (count > 0) {
        unsigned int n = count < WRITE_CHUNK ? count : WRITE_CHUNK;

        /* After each chunk, give way to pending work and resume later. */
        if (va != start && hc_preempt_check())
            return (long)hypercall_create_continuation(__HYPERVISOR_console_io, "iih",
                                                       CONSOLEIO_write, count,
                                                       (void *)(uintptr_t)va);

        if (arch_copy_from_guest(chunk, va, n))
            return -EFAULT;
        if (is_hardware_domain(d))
            console_write(chunk, n);
        else
            n = guest_text(d, chunk, n);
        va += n;
        count -= n;
    }
    return 0;
}

static long console_read_guest(XEN_GUEST_HANDLE_PARAM(char) buffer, unsigned int count)
{
    uint64_t va = guest_handle_va(buffer);
    char chunk[64];
    long done = 0;

    /* The result is a count or an errno: keep the two apart. */
    if (count > INT_MAX)
        return -E2BIG;

    spin_lock(&rx_reader_lock);
    while ((unsigned long)done < count) {
        unsigned long left = count - (unsigned long)done;
        unsigned int n = console_rx_peek(chunk, left < sizeof(chunk) ? (unsigned int)left
                                                                     : sizeof(chunk));

        if (n == 0)
            break;
        if (arch_copy_to_guest(va + (uint64_t)done, chunk, n)) {
            done = -EFAULT;
            break;
        }
        console_rx_consume(n);
        done += n;
    }
    spin_unlock(&rx_reader_lock);
    return done;
}

long do_console_io(unsigned int cmd, unsigned int count, XEN_GUEST_HANDLE_PARAM(char) buffer)
{
    int rc = console_io_allowed(current->domain, cmd);     /* xsm_console_io */

    if (rc)
        return rc;

    switch (cmd) {
    case CONSOLEIO_write:
        return console_write_guest(buffer, count);
    case CONSOLEIO_read:
        return console_read_guest(buffer, count);
    default:
        return -ENOSYS;
    }
}
