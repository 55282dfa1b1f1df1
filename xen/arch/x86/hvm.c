/*
 * What an HVM/PVH guest's exits mean, independent of the SVM mechanics
 * (svm.c): hypercalls (VMMCALL), the MSRs we emulate (EFER, PAT, TSC and
 * Xen's hypercall-page MSR 0x40000000), port I/O, the event-channel
 * upcall vector, and crashing a misbehaving domain.
 *
 * Hypercalls follow Xen's hvm_hypercall(): a 64-bit guest (EFER.LMA and a
 * 64-bit code segment) passes the number in rax and arguments in rdi, rsi,
 * rdx, r10, r8 and goes through the hvm64 column; any other protected-mode
 * guest passes eax, ebx, ecx, edx, esi, edi and goes through hvm32 (the
 * result replaces eax only).  Outside real mode the guest must be at CPL 0,
 * else -EPERM; virtual-8086 mode always gets -EPERM.
 *
 * Also here: what the compat handlers need from the arch (xen/compat.h),
 * Xen's HVM filters in front of memory_op and grant_table_op, x86's own
 * memory_op sub-op (XENMEM_memory_map) and HVMOP_set_evtchn_upcall_vector.
 */
#include <xen/arch.h>
#include <xen/atomic.h>
#include <xen/compat.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <public/xen.h>
#include <public/event_channel.h>
#include <public/physdev.h>
#include <public/platform.h>
#include <public/sysctl.h>
#include <public/domctl.h>
#include <public/sched.h>
#include <public/memory.h>
#include <public/grant_table.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <asm/domain.h>
#include <asm/hvm.h>
#include <asm/processor.h>
#include <asm/svm.h>

/*
 * Handle types the generated prototypes name and no public header of
 * ours declares yet (their handlers are stubs: incomplete types do).
 */
#if __has_include(<public/pmu.h>)
#include <public/pmu.h>
#else
typedef struct xen_pmu_params xen_pmu_params_t;
__DEFINE_XEN_GUEST_HANDLE(xen_pmu_params_t, xen_pmu_params_t);
#endif
typedef struct compat_multicall_entry multicall_entry_compat_t;
typedef struct compat_platform_op compat_platform_op_t;
__DEFINE_XEN_GUEST_HANDLE(multicall_entry_compat_t, multicall_entry_compat_t);
__DEFINE_XEN_GUEST_HANDLE(compat_platform_op_t, compat_platform_op_t);
#ifdef CONFIG_IOREQ_SERVER
#if __has_include(<public/hvm/dm_op.h>)
#include <public/hvm/dm_op.h>
#else
typedef struct xen_dm_op_buf xen_dm_op_buf_t;
__DEFINE_XEN_GUEST_HANDLE(xen_dm_op_buf_t, xen_dm_op_buf_t);
#endif
#endif

#include <generated/hypercall-defs.h>

/* Byte copies through an untyped handle; true when every byte moved. */
#define hc_copy_to(hnd, off, src, len) \
    (arch_copy_to_guest(guest_handle_va(hnd) + (off), (src), (len)) == 0)
#define hc_copy_from(dst, hnd, off, len) \
    (arch_copy_from_guest((dst), guest_handle_va(hnd) + (off), (len)) == 0)

#define MEMOP_CMD_MASK      ((1UL << 6) - 1)   /* cmd = op | (progress << 6) */

long arch_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long arch_do_hvm_op(unsigned long op, XEN_GUEST_HANDLE_PARAM(void) arg);

#define X86_EFLAGS_VM       (1u << 17)

#define MSR_TSC             0x00000010
#define MSR_XEN_HYPERCALL   0x40000000  /* Xen's hypercall-page MSR (CPUID 0x40000002 EBX) */
#define EFER_FFXSR          (1u << 14)
#define CPUIDX1_EDX_FFXSR   (1u << 25)

#define DEBUGCON_PORT       0xe9

/* ------------------------------------------------------------ mode */

unsigned int hvm_guest_mode(const struct vcpu *v)
{
    const struct vmcb *vmcb = v->arch->vmcb;

    if (!(vmcb->cr0 & X86_CR0_PE))
        return 0;
    if (vmcb->rflags & X86_EFLAGS_VM)
        return 1;
    if ((vmcb->efer & EFER_LMA) && (vmcb->cs.attr & SEG_ATTR_L))
        return 8;
    return (vmcb->cs.attr & SEG_ATTR_DB) ? 4 : 2;
}

/* ------------------------------------------------------------ crashing */

void hvm_crash_domain(struct vcpu *v, const char *fmt, ...)
{
    const struct vmcb *vmcb = v->arch->vmcb;
    const struct svm_gprs *r = &v->arch->regs;
    struct domain *d = v->domain;
    char msg[192];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    printk("d%uv%u: %s: domain crashed\n", d->domain_id, v->vcpu_id, msg);
    printk("d%uv%u: rip %04x:%016llx  rflags %08llx  cpl %u  mode %u\n",
           d->domain_id, v->vcpu_id, vmcb->cs.sel, (unsigned long long)vmcb->rip,
           (unsigned long long)vmcb->rflags, vmcb->cpl, hvm_guest_mode(v));
    printk("d%uv%u: cr0 %08llx cr2 %016llx cr3 %016llx cr4 %08llx efer %08llx\n",
           d->domain_id, v->vcpu_id, (unsigned long long)vmcb->cr0,
           (unsigned long long)vmcb->cr2, (unsigned long long)vmcb->cr3,
           (unsigned long long)vmcb->cr4, (unsigned long long)vmcb->efer);
    printk("d%uv%u: rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
           d->domain_id, v->vcpu_id, (unsigned long long)vmcb->rax,
           (unsigned long long)r->rbx, (unsigned long long)r->rcx,
           (unsigned long long)r->rdx);
    printk("d%uv%u: rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n",
           d->domain_id, v->vcpu_id, (unsigned long long)r->rsi,
           (unsigned long long)r->rdi, (unsigned long long)r->rbp,
           (unsigned long long)vmcb->rsp);
    printk("d%uv%u: exit %#llx info %#llx %#llx\n", d->domain_id, v->vcpu_id,
           (unsigned long long)vmcb->exitcode, (unsigned long long)vmcb->exitinfo1,
           (unsigned long long)vmcb->exitinfo2);
    domain_shutdown(d, SHUTDOWN_crash);
}

/* ------------------------------------------------------------ hypercalls */

void hvm_hypercall(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;
    struct vmcb *vmcb = a->vmcb;
    unsigned int mode = hvm_guest_mode(v);
    long ret = -ENOSYS;

    a->hcall_preempted = false;
    if (mode == 1 || (mode != 0 && vmcb->cpl != 0)) {
        vmcb->rax = (uint64_t)(long)-EPERM;
        return;
    }

    if (mode == 8) {
        call_handlers_hvm64(vmcb->rax, ret, a->regs.rdi, a->regs.rsi, a->regs.rdx,
                            a->regs.r10, a->regs.r8);
        if (!a->hcall_preempted)
            vmcb->rax = (uint64_t)ret;
    } else {
        /* Compat handlers may now hand native ones the translation area. */
        a->hcall_compat = true;
        call_handlers_hvm32((uint32_t)vmcb->rax, ret, (uint32_t)a->regs.rbx,
                            (uint32_t)a->regs.rcx, (uint32_t)a->regs.rdx,
                            (uint32_t)a->regs.rsi, (uint32_t)a->regs.rdi);
        a->hcall_compat = false;
        if (!a->hcall_preempted)
            vmcb->rax = (vmcb->rax & ~0xffffffffULL) | (uint32_t)ret;
    }
}

unsigned long hypercall_create_continuation(unsigned int op, const char *format, ...)
{
    struct vcpu *v = current;
    struct arch_vcpu *a = v->arch;
    bool wide = hvm_guest_mode(v) == 8;
    uint64_t *slots64[5] = { &a->regs.rdi, &a->regs.rsi, &a->regs.rdx,
                             &a->regs.r10, &a->regs.r8 };
    uint64_t *slots32[5] = { &a->regs.rbx, &a->regs.rcx, &a->regs.rdx,
                             &a->regs.rsi, &a->regs.rdi };
    va_list ap;

    va_start(ap, format);
    for (unsigned int i = 0; format[i] && i < 5; i++) {
        uint64_t val;

        switch (format[i]) {
        case 'i': val = va_arg(ap, unsigned int); break;
        case 'h': val = (uint64_t)(uintptr_t)va_arg(ap, void *); break;
        default:  val = va_arg(ap, unsigned long); break;
        }
        /* Kept whole for compat handlers that map pointers back. */
        a->cont_args[i] = val;
        if (wide)
            *slots64[i] = val;
        else
            *slots32[i] = (uint32_t)val;
    }
    va_end(ap);
    a->vmcb->rax = op;
    a->hcall_preempted = true;
    return op;
}

/* ------------------------------------------------------------ compat support */

void *compat_xlat_area(void)
{
    struct vcpu *v = current;

    if (!x86_vcpu_is_guest(v) || !v->arch->hcall_compat)
        return NULL;
    return v->arch->xlat;
}

bool compat_continued(void)
{
    return current->arch->hcall_preempted;
}

unsigned long compat_cont_arg(unsigned int i)
{
    return i < 5 ? current->arch->cont_args[i] : 0;
}

void compat_cont_set_arg(unsigned int i, unsigned long val)
{
    struct arch_vcpu *a = current->arch;
    uint64_t *slots32[5] = { &a->regs.rbx, &a->regs.rcx, &a->regs.rdx,
                             &a->regs.rsi, &a->regs.rdi };

    if (i >= 5 || !a->hcall_preempted)
        return;
    a->cont_args[i] = val;
    *slots32[i] = (uint32_t)val;
}

/* ------------------------------------------------------------ HVM filters */

/*
 * What an HVM guest may do of memory_op and grant_table_op, as Xen 4.17's
 * hvm_memory_op() / hvm_grant_table_op(): the host's memory map and the
 * PV machine-to-phys table are not theirs; of the grant operations only
 * those audited for translated guests.  32-bit guests go on to the compat
 * handlers, which translate.
 */
long hvm_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch (cmd & MEMOP_CMD_MASK) {
    case XENMEM_machine_memory_map:
    case XENMEM_machphys_mapping:
        return -ENOSYS;
    }
    if (current->arch->hcall_compat)
        return compat_memory_op((unsigned int)cmd, arg);
    return do_memory_op(cmd, arg);
}

#ifdef CONFIG_GRANT_TABLE
long hvm_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count)
{
    switch (cmd) {
    case GNTTABOP_query_size:
    case GNTTABOP_setup_table:
    case GNTTABOP_set_version:
    case GNTTABOP_get_version:
    case GNTTABOP_copy:
    case GNTTABOP_map_grant_ref:
    case GNTTABOP_unmap_grant_ref:
    case GNTTABOP_swap_grant_ref:
        break;
    default:
        return -ENOSYS;
    }
    if (current->arch->hcall_compat)
        return compat_grant_table_op(cmd, uop, count);
    return do_grant_table_op(cmd, uop, count);
}
#endif

/* ------------------------------------------------------------ x86 memory ops */

/*
 * XENMEM_memory_map: the map the domain's builder recorded (dom0-pvh.c).
 * The whole cmd is the sub-op here, so continuation bits make it unknown.
 */
long arch_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;

    switch (cmd) {
    case XENMEM_memory_map: {
        struct e820_entry map[HVM_E820_MAX];
        struct xen_memory_map m;
        unsigned int n;

        if (!hc_copy_from(&m, arg, 0, sizeof(m)))
            return -EFAULT;
        n = x86_domain_memory_map(d, map, HVM_E820_MAX);
        if (!n)
            return -ENOSYS;             /* no map set: as a pre-map Xen */
        if (n > HVM_E820_MAX)
            n = HVM_E820_MAX;
        if (m.nr_entries > n)
            m.nr_entries = n;
        if (arch_copy_to_guest(guest_handle_va(m.buffer), map,
                               m.nr_entries * sizeof(map[0])) ||
            !hc_copy_to(arg, 0, &m, sizeof(m)))
            return -EFAULT;
        return 0;
    }
    default:
        return -ENOSYS;
    }
}

/* ------------------------------------------------------------ hvm_op */

/*
 * HVMOP_set_evtchn_upcall_vector: a vector of a vCPU's own for its event
 * upcalls (Xen 4.17 delivers it through the local APIC; we inject it as
 * we do the callback vector).  A domain created without it
 * (XEN_DOMCTL_CDF_no_upcall_vector) sees the operation as absent.
 */
static long set_upcall_vector(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;
    struct xen_hvm_evtchn_upcall_vector op;
    struct vcpu *v;

    if (!evtchn_upcall_vector_offered(d))
        return -ENOSYS;
    if (!hc_copy_from(&op, arg, 0, sizeof(op)))
        return -EFAULT;
    if (op.vector < 0x10)
        return -EINVAL;
    if (op.vcpu >= d->max_vcpus || !d->vcpu || !(v = d->vcpu[op.vcpu]))
        return -ENOENT;
    printk("d%uv%u: upcall vector %02x\n", d->domain_id, v->vcpu_id, op.vector);
    write_atomic(&v->arch->upcall_vector, op.vector);
    if (v->vcpu_info && read_atomic(&v->vcpu_info->evtchn_upcall_pending))
        arch_vcpu_kick(v);
    return 0;
}

long arch_do_hvm_op(unsigned long op, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch (op) {
    case HVMOP_set_evtchn_upcall_vector:
        return set_upcall_vector(arg);
    default:
        return -ENOSYS;
    }
}

/* Xen's HVM hypercall page: 32-byte stubs "mov $nr, %eax; vmmcall; ret". */
void hvm_init_hypercall_page(void *page)
{
    uint8_t *p = page;

    memset(p, 0xcc, PAGE_SIZE);                 /* int3 between the stubs */
    for (unsigned int nr = 0; nr < PAGE_SIZE / 32; nr++, p += 32) {
        if (nr == __HYPERVISOR_iret) {
            p[0] = 0x0f;                        /* ud2: no iret for HVM */
            p[1] = 0x0b;
            continue;
        }
        p[0] = 0xb8;                            /* mov $nr, %eax */
        p[1] = (uint8_t)nr;
        p[2] = (uint8_t)(nr >> 8);
        p[3] = 0;
        p[4] = 0;
        p[5] = 0x0f;                            /* vmmcall */
        p[6] = 0x01;
        p[7] = 0xd9;
        p[8] = 0xc3;                            /* ret */
    }
}

/* ------------------------------------------------------------ MSRs */

static bool host_has(uint32_t leaf_edx_bit)
{
    return cpuid_ext(CPUID_EXT_FEATURES).edx & leaf_edx_bit;
}

static int write_efer(struct vcpu *v, uint64_t val)
{
    struct vmcb *vmcb = v->arch->vmcb;
    uint64_t allowed = EFER_SCE | EFER_LME | EFER_LMA;

    if (host_has(CPUIDX1_EDX_NX))
        allowed |= EFER_NXE;
    if (host_has(CPUIDX1_EDX_FFXSR))
        allowed |= EFER_FFXSR;
    if (val & ~allowed)
        return -1;
    /* Long mode cannot be switched on or off with paging on. */
    if (((val ^ vmcb->efer) & EFER_LME) && (vmcb->cr0 & X86_CR0_PG))
        return -1;
    /* LMA is the CPU's to set (it follows CR0.PG); SVME stays for VMRUN. */
    vmcb->efer = (val & ~EFER_LMA) | (vmcb->efer & EFER_LMA) | EFER_SVME;
    return 0;
}

static bool pat_valid(uint64_t pat)
{
    for (unsigned int i = 0; i < 8; i++) {
        uint8_t t = (uint8_t)(pat >> (i * 8));

        /* UC, WC, WT, WP, WB, UC-: 0, 1, 4, 5, 6, 7. */
        if (t > 7 || t == 2 || t == 3)
            return false;
    }
    return true;
}

/*
 * Set which shared_info/vcpu_info layout d's events use from the mode its
 * own vCPU is in now, as Xen does when a guest sets up its hypercall page
 * or its callback: among the first things PV drivers do.
 */
void arch_latch_shinfo_size(struct domain *d)
{
    if (current->domain == d)
        write_atomic(&d->shinfo_32bit, hvm_guest_mode(current) != 8);
}

static int write_hypercall_page(struct vcpu *v, uint64_t val)
{
    struct domain *d = v->domain;
    uint64_t gfn = val >> PAGE_SHIFT;
    p2m_type_t t;
    mfn_t m;

    if (val & (PAGE_SIZE - 1)) {
        printk("d%u: hypercall page index %#llx: only one page exists\n", d->domain_id,
               (unsigned long long)(val & (PAGE_SIZE - 1)));
        return -1;
    }
    m = p2m_lookup(d, _gfn(gfn), &t);
    if (mfn_eq(m, INVALID_MFN) || t != p2m_ram_rw) {
        printk("d%u: hypercall page at gfn %#llx: not writable RAM\n", d->domain_id,
               (unsigned long long)gfn);
        return -1;
    }
    arch_latch_shinfo_size(d);
    hvm_init_hypercall_page(mfn_to_virt(m));
    return 0;
}

static bool msr_relaxed(const struct vcpu *v)
{
    return v->domain->arch->misc_flags & XEN_X86_MSR_RELAXED;
}

int hvm_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    const struct vmcb *vmcb = v->arch->vmcb;

    switch (msr) {
    case MSR_EFER:
        *val = vmcb->efer & ~(uint64_t)EFER_SVME;
        return 0;
    case MSR_PAT:
        *val = vmcb->g_pat;
        return 0;
    case MSR_TSC:
        *val = rdtsc() + vmcb->tsc_offset;
        return 0;
    case MSR_XEN_HYPERCALL:
        *val = 0;                       /* write-only: reads as zero */
        return 0;
    default:
        if (msr_relaxed(v)) {
            *val = 0;
            return 0;
        }
        return -1;
    }
}

int hvm_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    struct vmcb *vmcb = v->arch->vmcb;

    switch (msr) {
    case MSR_EFER:
        return write_efer(v, val);
    case MSR_PAT:
        if (!pat_valid(val))
            return -1;
        vmcb->g_pat = val;
        return 0;
    case MSR_TSC:
        vmcb->tsc_offset = val - rdtsc();
        return 0;
    case MSR_XEN_HYPERCALL:
        return write_hypercall_page(v, val);
    default:
        return msr_relaxed(v) ? 0 : -1;
    }
}

/* ------------------------------------------------------------ port I/O */

/* Port 0xe9, Xen's HVM debug console: one "(dN) ..." line per newline. */
static void debugcon_put(struct domain *d, char c)
{
    struct arch_domain *a = d->arch;

    spin_lock(&a->debugcon_lock);
    if (c != '\n') {
        if ((unsigned char)c < 0x20 && c != '\t')
            c = '.';
        a->debugcon[a->debugcon_len++] = c;
    }
    if (c == '\n' || a->debugcon_len == HVM_DEBUGCON_MAX - 1) {
        a->debugcon[a->debugcon_len] = '\0';
        printk("(d%u) %s\n", d->domain_id, a->debugcon);
        a->debugcon_len = 0;
    }
    spin_unlock(&a->debugcon_lock);
}

/*
 * No device model: ports read as all ones and writes go nowhere, as on
 * Xen for a port no ioreq server claims.  String I/O is not emulated.
 */
bool hvm_portio(struct vcpu *v, uint64_t info)
{
    struct vmcb *vmcb = v->arch->vmcb;
    unsigned int port = (unsigned int)(info >> IOIO_PORT_SHIFT) & 0xffff;
    unsigned int size = (unsigned int)(info & IOIO_SZ_MASK) >> IOIO_SZ_SHIFT;

    if (info & IOIO_STR) {
        hvm_crash_domain(v, "string port I/O (%s) on port %#x is not emulated",
                         info & IOIO_IN ? "ins" : "outs", port);
        return false;
    }
    if (!(info & IOIO_IN)) {
        if (port == DEBUGCON_PORT && size == 1)
            debugcon_put(v->domain, (char)vmcb->rax);
        return true;
    }
    switch (size) {
    case 1:
        vmcb->rax |= 0xff;
        break;
    case 2:
        vmcb->rax |= 0xffff;
        break;
    default:
        vmcb->rax = 0xffffffffULL;      /* 32-bit results zero-extend */
        break;
    }
    return true;
}

/* ------------------------------------------------------------ events */

unsigned int hvm_upcall_vector(const struct vcpu *v)
{
    uint64_t p = read_atomic(&v->domain->hvm_params[HVM_PARAM_CALLBACK_IRQ]);
    unsigned int vec = read_atomic(&v->arch->upcall_vector);

    /* A vCPU's own vector wins over the domain's callback. */
    if (vec)
        return vec;
    vec = (unsigned int)(p & 0xff);

    if ((p >> 56) != HVM_PARAM_CALLBACK_TYPE_VECTOR || vec < 0x10)
        return 0;
    return vec;
}
