/* SPDX-License-Identifier: MIT */
/*
 * boot.c - x86 start-up shared by both PVH kernels: the IDT, finding the
 * hypervisor's CPUID leaves, installing the hypercall page, and reading
 * the command line and the number of vCPUs from what the domain builder
 * left us (struct hvm_start_info, the ACPI MADT).
 */
#include "gt-xen.h"
#include <public/arch-x86/hvm/start_info.h>

struct gt_x86_info gt_x86;
/* Written before the bss is cleared: must not live there. */
struct gt_x86_entry_state gt_x86_entry = { ~0u, ~0u, ~0u, ~0u, ~0u };
uint8_t gt_x86_hcall_page[4096] __attribute__((aligned(4096)));
/* Read by head.S. */
uint8_t gt_x86_hcall_ready, gt_x86_use_vmmcall;

void gt_x86_main(uintptr_t start_info, uintptr_t load);
void gt_main(uintptr_t boot, uintptr_t load);
extern const char gt_x86_vector_stubs[];

/* ---- before there is a console: Xen's debug port 0xe9 ------------------- */

static void early_puts(const char *s)
{
    for (; *s; s++)
        __asm__ volatile("outb %0, %1" : : "a"(*s), "Nd"((uint16_t)0xe9));
}

static void __attribute__((noreturn)) early_die(const char *why)
{
    early_puts("GT: ");
    early_puts(why);
    early_puts("\n");
    for (;;)
        __asm__ volatile("pause");
}

/* ---- IDT ------------------------------------------------------------------ */

#if GT_ARCH_BITS == 64
struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
};
#define GT_X86_CODE GT_X86_CS64
#else
struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t zero, type;
    uint16_t off_mid;
};
#define GT_X86_CODE GT_X86_CS32
#endif

static struct idt_gate idt[32] __attribute__((aligned(16)));

static void idt_init(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uintptr_t base;
    } desc = { sizeof(idt) - 1, (uintptr_t)idt };

    for (unsigned int v = 0; v < GT_ARRAY_SIZE(idt); v++) {
        uintptr_t stub = (uintptr_t)gt_x86_vector_stubs + 16 * v;

        memset(&idt[v], 0, sizeof(idt[v]));
        idt[v].off_lo = (uint16_t)stub;
        idt[v].off_mid = (uint16_t)(stub >> 16);
#if GT_ARCH_BITS == 64
        idt[v].off_hi = (uint32_t)(stub >> 32);
#endif
        idt[v].sel = GT_X86_CODE;
        idt[v].type = 0x8e;          /* present, DPL 0, interrupt gate */
    }
    __asm__ volatile("lidt %0" : : "m"(desc));
}

/* ---- the hypervisor's CPUID leaves and the hypercall page ----------------- */

#define XEN_SIG_EBX 0x566e6558u   /* "XenV" */
#define XEN_SIG_ECX 0x65584d4du   /* "MMXe" */
#define XEN_SIG_EDX 0x4d4d566eu   /* "nVMM" */

static bool find_hypervisor(void)
{
    /* Xen sits at 0x40000000, or 0x40000100 when it also offers Viridian. */
    for (uint32_t base = 0x40000000u; base < 0x40010000u; base += 0x100) {
        struct gt_cpuid r = gt_x86_cpuid(base, 0);

        if (r.b == XEN_SIG_EBX && r.c == XEN_SIG_ECX && r.d == XEN_SIG_EDX &&
            r.a >= base + 2) {
            gt_x86.hv_base = base;
            gt_x86.hv_max_leaf = r.a;
            return true;
        }
    }
    return false;
}

static void vendor_init(void)
{
    struct gt_cpuid r = gt_x86_cpuid(0, 0);

    /* "AuthenticAMD" and "HygonGenuine" use VMMCALL, Intel VMCALL. */
    gt_x86.vendor_amd = (r.b == 0x68747541u && r.d == 0x69746e65u && r.c == 0x444d4163u) ||
                        (r.b == 0x6f677948u && r.d == 0x6e65476eu && r.c == 0x656e6975u);
    gt_x86_use_vmmcall = (uint8_t)gt_x86.vendor_amd;
}

static void hypercall_page_init(void)
{
    struct gt_cpuid r = gt_x86_cpuid(gt_x86.hv_base + 2, 0);

    gt_x86.hcall_pages = r.a;
    gt_x86.hcall_msr = r.b;
    if (r.a < 1)
        early_die("CPUID leaf base+2 offers no hypercall page");
    gt_x86_wrmsr(r.b, (uintptr_t)gt_x86_hcall_page);
    gt_x86_hcall_ready = 1;
}

/* ---- what the domain builder tells us -------------------------------------- */

static const struct hvm_start_info *start_info(void)
{
    return (const struct hvm_start_info *)gt_x86.start_info;
}

const char *gt_x86_cmdline(void);
unsigned int gt_x86_count_cpus(void);

const char *gt_x86_cmdline(void)
{
    const struct hvm_start_info *si = start_info();

    if (!si || si->magic != XEN_HVM_START_MAGIC_VALUE || !si->cmdline_paddr ||
        si->cmdline_paddr >= (1ull << 32))
        return "";
    return (const char *)(uintptr_t)si->cmdline_paddr;
}

struct acpi_header {
    char sig[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static bool checksum_ok(const void *p, uint32_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while (len--)
        sum = (uint8_t)(sum + *b++);
    return sum == 0;
}

static const struct acpi_header *acpi_table(uint64_t addr)
{
    const struct acpi_header *h;

    if (!addr || addr >= (1ull << 32))
        return NULL;
    h = (const struct acpi_header *)(uintptr_t)addr;
    if (h->length < sizeof(*h) || h->length > (1u << 20) || !checksum_ok(h, h->length))
        return NULL;
    return h;
}

static const struct acpi_header *find_madt(uint64_t rsdp_addr)
{
    const uint8_t *rsdp;
    const struct acpi_header *root;
    unsigned int width;
    uint64_t root_addr;

    if (!rsdp_addr || rsdp_addr >= (1ull << 32))
        return NULL;
    rsdp = (const uint8_t *)(uintptr_t)rsdp_addr;
    if (memcmp(rsdp, "RSD PTR ", 8) != 0 || !checksum_ok(rsdp, 20))
        return NULL;
    if (rsdp[15] >= 2) {
        memcpy(&root_addr, rsdp + 24, 8);           /* XSDT */
        width = 8;
    } else {
        uint32_t a;

        memcpy(&a, rsdp + 16, 4);                   /* RSDT */
        root_addr = a;
        width = 4;
    }
    root = acpi_table(root_addr);
    if (!root)
        return NULL;
    for (uint32_t off = sizeof(*root); off + width <= root->length; off += width) {
        uint64_t a = 0;
        const struct acpi_header *t;

        memcpy(&a, (const uint8_t *)root + off, width);
        t = acpi_table(a);
        if (t && memcmp(t->sig, "APIC", 4) == 0)
            return t;
    }
    return NULL;
}

/* Enabled local APIC (type 0) and x2APIC (type 9) entries of the MADT. */
unsigned int gt_x86_count_cpus(void)
{
    const struct hvm_start_info *si = start_info();
    const struct acpi_header *madt;
    const uint8_t *p, *end;
    unsigned int n = 0;

    if (!si || si->magic != XEN_HVM_START_MAGIC_VALUE)
        return 0;
    madt = find_madt(si->rsdp_paddr);
    if (!madt)
        return 0;
    p = (const uint8_t *)madt + sizeof(*madt) + 8;
    end = (const uint8_t *)madt + madt->length;
    while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
        uint32_t flags;

        if (p[0] == 0 && p[1] >= 8) {
            memcpy(&flags, p + 4, 4);
            n += flags & 1;
        } else if (p[0] == 9 && p[1] >= 16) {
            memcpy(&flags, p + 8, 4);
            n += flags & 1;
        }
        p += p[1];
    }
    return n;
}

/* ---- entry from head.S ------------------------------------------------------ */

void gt_x86_main(uintptr_t si, uintptr_t load)
{
    gt_x86.start_info = si;
    idt_init();
    vendor_init();
    if (!find_hypervisor())
        early_die("no \"XenVMMXenVMM\" CPUID leaves: cannot make hypercalls");
    hypercall_page_init();
    gt_main(si, load);
}
