/*
 * Start-of-day exception handling: an IDT whose 32 exception vectors all
 * report what happened on the console and halt.  Vectors above 31 are
 * outside the IDT limit, so a stray interrupt arrives as a #GP naming it
 * (interrupts stay disabled anyway until there is something to handle them).
 */
#include <xen/console.h>
#include <xen/arch.h>
#include <xen/lib.h>
#include <asm/layout.h>
#include <asm/processor.h>
#include <asm/setup.h>

#define NR_EXCEPTIONS    32
#define STUB_SIZE        16     /* entry.S aligns each stub to 16 bytes */
#define IDT_TYPE_INTGATE 0x8e   /* present, DPL 0, 64-bit interrupt gate */

struct idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};
BUILD_BUG_ON(sizeof(struct idt_entry) != 16);

struct __packed idt_pointer {
    uint16_t limit;
    uint64_t base;
};

/* Layout pushed by entry.S, lowest address first. */
struct cpu_exception_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    /* pushed by the CPU */
    uint64_t rip, cs, rflags, rsp, ss;
};

extern const char x86_exception_stubs[];

static struct idt_entry idt[NR_EXCEPTIONS] __aligned(16);

static const char *const exception_names[NR_EXCEPTIONS] = {
    [0] = "divide error (#DE)",          [1] = "debug (#DB)",
    [2] = "NMI",                         [3] = "breakpoint (#BP)",
    [4] = "overflow (#OF)",              [5] = "bound range (#BR)",
    [6] = "invalid opcode (#UD)",        [7] = "device not available (#NM)",
    [8] = "double fault (#DF)",          [10] = "invalid TSS (#TS)",
    [11] = "segment not present (#NP)",  [12] = "stack fault (#SS)",
    [13] = "general protection (#GP)",   [14] = "page fault (#PF)",
    [16] = "x87 error (#MF)",            [17] = "alignment check (#AC)",
    [18] = "machine check (#MC)",        [19] = "SIMD error (#XM)",
    [20] = "virtualisation (#VE)",       [21] = "control protection (#CP)",
    [29] = "VMM communication (#VC)",    [30] = "security (#SX)",
};

void x86_traps_init(void)
{
    struct idt_pointer ptr;

    for (unsigned int v = 0; v < NR_EXCEPTIONS; v++) {
        uint64_t handler = (uint64_t)(uintptr_t)(x86_exception_stubs + v * STUB_SIZE);

        idt[v] = (struct idt_entry){
            .offset_low = (uint16_t)handler,
            .selector = GDT_SEL_CODE64,
            .type_attr = IDT_TYPE_INTGATE,
            .offset_mid = (uint16_t)(handler >> 16),
            .offset_high = (uint32_t)(handler >> 32),
        };
    }
    ptr.limit = sizeof(idt) - 1;
    ptr.base = (uint64_t)(uintptr_t)idt;
    asm volatile ("lidt %0" : : "m" (ptr));
}

void x86_exception(const struct cpu_exception_frame *f);

void x86_exception(const struct cpu_exception_frame *f)
{
    static bool in_exception;
    const char *name = f->vector < NR_EXCEPTIONS ? exception_names[f->vector] : NULL;

    /* A fault while reporting a fault: printing is what broke, so stop. */
    if (in_exception)
        arch_halt();
    in_exception = true;

    printk("\n*** Unexpected exception %llu: %s, error code %#llx\n",
           (unsigned long long)f->vector, name ? name : "reserved",
           (unsigned long long)f->error_code);
    printk("rip %016llx  cs %04llx  rflags %016llx\n",
           (unsigned long long)f->rip, (unsigned long long)f->cs,
           (unsigned long long)f->rflags);
    printk("rsp %016llx  ss %04llx  cr2 %016llx  cr3 %016llx\n",
           (unsigned long long)f->rsp, (unsigned long long)f->ss,
           (unsigned long long)read_cr2(), (unsigned long long)read_cr3());
    printk("rax %016llx  rbx %016llx  rcx %016llx\n",
           (unsigned long long)f->rax, (unsigned long long)f->rbx,
           (unsigned long long)f->rcx);
    printk("rdx %016llx  rsi %016llx  rdi %016llx\n",
           (unsigned long long)f->rdx, (unsigned long long)f->rsi,
           (unsigned long long)f->rdi);
    printk("rbp %016llx  r8  %016llx  r9  %016llx\n",
           (unsigned long long)f->rbp, (unsigned long long)f->r8,
           (unsigned long long)f->r9);
    printk("r10 %016llx  r11 %016llx  r12 %016llx\n",
           (unsigned long long)f->r10, (unsigned long long)f->r11,
           (unsigned long long)f->r12);
    printk("r13 %016llx  r14 %016llx  r15 %016llx\n",
           (unsigned long long)f->r13, (unsigned long long)f->r14,
           (unsigned long long)f->r15);
    panic("unexpected exception %llu in the hypervisor",
          (unsigned long long)f->vector);
}
