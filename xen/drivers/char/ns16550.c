/*
 * 16550-compatible UART on x86 I/O ports, the hypervisor console (COM1 at
 * 0x3f8 on PCs and in QEMU).  Output is polled; input arrives by the
 * receive interrupt once ns16550_console_enable_rx() is called, and goes
 * to the console input ring that CONSOLEIO_read serves.
 */
#include <xen/console.h>
#include <xen/compiler.h>
#include <asm/io.h>
#include <asm/ns16550.h>

/* Register offsets from the base port. */
#define UART_RBR    0   /* receive buffer (read) */
#define UART_THR    0   /* transmit holding (write) */
#define UART_DLL    0   /* divisor latch low (DLAB = 1) */
#define UART_IER    1   /* interrupt enable */
#define UART_DLM    1   /* divisor latch high (DLAB = 1) */
#define UART_IIR    2   /* interrupt identification (read) */
#define UART_FCR    2   /* FIFO control (write) */
#define UART_LCR    3   /* line control */
#define UART_MCR    4   /* modem control */
#define UART_LSR    5   /* line status */
#define UART_SCR    7   /* scratch */

#define LCR_8N1     0x03
#define LCR_DLAB    0x80
#define FCR_ENABLE  0x01
#define FCR_CLEAR   0x06    /* clear both FIFOs */
#define MCR_DTR_RTS 0x03
#define MCR_OUT2    0x08    /* gates the UART's interrupt line on PCs */
#define IER_RDA     0x01    /* received data available */
#define IIR_NONE    0x01    /* no interrupt pending */
#define LSR_DR      0x01    /* data ready */
#define LSR_THRE    0x20    /* transmit holding register empty */

/*
 * Characters taken per interrupt at most: a line stuck in "data ready"
 * (a broken or hostile device model) must not keep the CPU here.
 */
#define RX_BURST_LIMIT 256

#define UART_CLOCK_HZ 1843200   /* the standard PC crystal: 115200 * 16 */

/*
 * How long to wait for the transmitter before dropping a character: a
 * wedged or absent UART must not hang the hypervisor.  At 115200 baud a
 * character takes ~87 us; this allows far more.
 */
#define TX_SPIN_LIMIT 1000000

struct ns16550 {
    struct console_driver drv;
    uint16_t io_base;
};

static struct ns16550 com_port;

static void ns16550_putc(struct console_driver *drv, char c)
{
    const struct ns16550 *uart = (const struct ns16550 *)drv;

    for (unsigned int spins = 0; !(inb(uart->io_base + UART_LSR) & LSR_THRE); spins++)
        if (spins >= TX_SPIN_LIMIT)
            return;
    outb((uint8_t)c, uart->io_base + UART_THR);
}

/* A UART keeps what we write to its scratch register; an empty bus does not. */
static bool ns16550_present(uint16_t base)
{
    outb(0x5a, base + UART_SCR);
    if (inb(base + UART_SCR) != 0x5a)
        return false;
    outb(0xa5, base + UART_SCR);
    return inb(base + UART_SCR) == 0xa5;
}

bool ns16550_console_init(uint16_t io_port, unsigned int baud)
{
    unsigned int divisor;

    BUILD_BUG_ON(offsetof(struct ns16550, drv) != 0);

    if (!ns16550_present(io_port))
        return false;

    divisor = baud ? UART_CLOCK_HZ / 16 / baud : 1;
    if (divisor == 0)
        divisor = 1;

    outb(0, io_port + UART_IER);                  /* polled: no interrupts */
    outb(LCR_DLAB, io_port + UART_LCR);
    outb((uint8_t)divisor, io_port + UART_DLL);
    outb((uint8_t)(divisor >> 8), io_port + UART_DLM);
    outb(LCR_8N1, io_port + UART_LCR);
    outb(FCR_ENABLE | FCR_CLEAR, io_port + UART_FCR);
    outb(MCR_DTR_RTS, io_port + UART_MCR);

    com_port.io_base = io_port;
    com_port.drv.name = "ns16550";
    com_port.drv.putc = ns16550_putc;
    console_register(&com_port.drv);
    return true;
}

void ns16550_console_enable_rx(void)
{
    uint16_t base = com_port.io_base;

    if (!base)
        return;
    outb(MCR_DTR_RTS | MCR_OUT2, base + UART_MCR);
    outb(IER_RDA, base + UART_IER);
}

void ns16550_rx_interrupt(void)
{
    uint16_t base = com_port.io_base;
    unsigned int n = 0;

    if (!base)
        return;
    /*
     * The line is edge-triggered through the I/O APIC: leave only when
     * the UART has nothing more to say, or a character arriving now would
     * never raise a new edge.
     */
    while (n < RX_BURST_LIMIT && !(inb(base + UART_IIR) & IIR_NONE))
        while (n < RX_BURST_LIMIT && (inb(base + UART_LSR) & LSR_DR)) {
            console_rx_char((char)inb(base + UART_RBR));
            n++;
        }
}
