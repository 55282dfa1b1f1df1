/*
 * Arm PrimeCell PL011 UART, the hypervisor console (QEMU virt has one at
 * 0x09000000; the device tree tells us where, setup.c maps it with
 * ioremap()).  Output is polled; input arrives by the receive interrupt
 * when the device tree names one, and goes to the console input ring that
 * CONSOLEIO_read serves.
 *
 * The loader already programmed the baud rate and line format for its own
 * output, and the divisors depend on a reference clock we do not parse, so
 * we leave them alone and only make sure the transmitter is enabled.
 */
#include <xen/console.h>
#include <xen/compiler.h>
#include <asm/io.h>
#include <asm/pl011.h>

/* Register offsets. */
#define UART_DR     0x00    /* data */
#define UART_FR     0x18    /* flags */
#define UART_LCRH   0x2c    /* line control */
#define UART_CR     0x30    /* control */
#define UART_IMSC   0x38    /* interrupt mask set/clear */
#define UART_ICR    0x44    /* interrupt clear */

#define FR_RXFE     (1U << 4)   /* receive FIFO empty */
#define FR_TXFF     (1U << 5)   /* transmit FIFO full */
#define INT_RX      (1U << 4)   /* receive: FIFO at its trigger level */
#define INT_RT      (1U << 6)   /* receive timeout: data waiting below it */
#define LCRH_FEN    (1U << 4)   /* FIFOs enabled */
#define LCRH_WLEN_8 (3U << 5)   /* 8 data bits */
#define CR_UARTEN   (1U << 0)
#define CR_TXE      (1U << 8)
#define CR_RXE      (1U << 9)
#define ICR_ALL     0x7ffU

/*
 * Characters taken per interrupt at most: a line stuck in "data ready"
 * (a broken or hostile device model) must not keep the CPU here.
 */
#define RX_BURST_LIMIT 256

/*
 * How long to wait for FIFO space before dropping a character: a wedged
 * UART must not hang the hypervisor.  Generous next to a character time.
 */
#define TX_SPIN_LIMIT 1000000

struct pl011 {
    struct console_driver drv;
    uintptr_t base;
    unsigned int rx_intid;      /* 0: input not enabled */
};

static struct pl011 pl011_port;

static void pl011_putc(struct console_driver *drv, char c)
{
    const struct pl011 *uart = (const struct pl011 *)drv;

    for (unsigned int spins = 0; mmio_read32(uart->base + UART_FR) & FR_TXFF; spins++)
        if (spins >= TX_SPIN_LIMIT)
            return;
    mmio_write32(uart->base + UART_DR, (uint8_t)c);
}

void pl011_console_init(void *regs)
{
    uint32_t cr, lcrh;

    pl011_port.base = (uintptr_t)regs;

    /* Polled: no interrupts, and none left pending from the loader. */
    mmio_write32(pl011_port.base + UART_IMSC, 0);
    mmio_write32(pl011_port.base + UART_ICR, ICR_ALL);

    /*
     * A UART nobody enabled gets 8 data bits and FIFOs; the line control
     * of one already in use (and its baud rate) are left as they are.
     */
    cr = mmio_read32(pl011_port.base + UART_CR);
    if (!(cr & CR_UARTEN)) {
        lcrh = mmio_read32(pl011_port.base + UART_LCRH);
        mmio_write32(pl011_port.base + UART_LCRH, lcrh | LCRH_FEN | LCRH_WLEN_8);
    }
    mmio_write32(pl011_port.base + UART_CR, cr | CR_UARTEN | CR_TXE | CR_RXE);

    pl011_port.drv.name = "pl011";
    pl011_port.drv.putc = pl011_putc;
    console_register(&pl011_port.drv);
}

bool pl011_console_enable_rx(unsigned int intid)
{
    if (!pl011_port.base || !intid)
        return false;
    pl011_port.rx_intid = intid;
    mmio_write32(pl011_port.base + UART_ICR, INT_RX | INT_RT);
    mmio_write32(pl011_port.base + UART_IMSC, INT_RX | INT_RT);
    return true;
}

bool pl011_handle_irq(unsigned int intid)
{
    unsigned int n = 0;

    if (!pl011_port.rx_intid || intid != pl011_port.rx_intid)
        return false;
    while (n++ < RX_BURST_LIMIT && !(mmio_read32(pl011_port.base + UART_FR) & FR_RXFE))
        console_rx_char((char)(mmio_read32(pl011_port.base + UART_DR) & 0xff));
    /* Level-triggered: clear only after the FIFO is drained. */
    mmio_write32(pl011_port.base + UART_ICR, INT_RX | INT_RT);
    return true;
}
