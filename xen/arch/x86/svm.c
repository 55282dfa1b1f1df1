/*
 * AMD SVM: turning it on, one VMCB per vCPU, the VMRUN loop and the
 * dispatch of guest exits (docs/x86_64-svm.md).
 *
 * Execution model (xen/sched.h): each CPU has one hypervisor stack.  The
 * idle loop calls arch_enter_guest() once the scheduler made a guest vCPU
 * current; that restarts the stack in svm_run_loop(), which forever:
 *   - with interrupts off, runs pending softirqs (with them on) until
 *     there are none; if the idle vCPU is current now, restarts the stack
 *     in idle_loop();
 *   - prepares the current vCPU's VMCB (ASID, events to inject) and
 *     VMRUNs it (svm-entry.S); a physical interrupt stops the guest with
 *     #VMEXIT(INTR) and is taken right after, in hypervisor context;
 *   - handles the exit with interrupts on.  Interrupts taken while a guest
 *     vCPU is current never run softirqs (traps.c), so `current` cannot
 *     change under an exit handler; the loop runs them before the next
 *     VMRUN.
 *
 * A guest that does something we cannot handle (an unknown exit, a
 * physical address with nothing behind it, a triple fault, a VMCB the CPU
 * refuses) crashes its own domain, never the hypervisor.
 */
#include <xen/arch.h>
#include <xen/atomic.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <public/sched.h>
#include <public/hvm/hvm_vcpu.h>
#include <asm/cpu.h>
#include <asm/domain.h>
#include <asm/hvm.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/svm.h>

#define X86_CR4_OSFXSR      (1u << 9)
#define X86_CR4_OSXMMEXCPT  (1u << 10)
#define CPUID1_EDX_FXSR     (1u << 24)

#define X86_EFLAGS_RSVD1    (1u << 1)
#define X86_EXC_DB          1
#define X86_EXC_UD          6
#define X86_EXC_AC          17

/* Sizes of the permission maps (APM 15.10, 15.11). */
#define IOPM_ORDER          2           /* 12 KiB used */
#define MSRPM_ORDER         1           /* 8 KiB */

/* svm-entry.S's view of struct svm_gprs. */
BUILD_BUG_ON(__builtin_offsetof(struct svm_gprs, rbx) != 0x00);
BUILD_BUG_ON(__builtin_offsetof(struct svm_gprs, rdi) != 0x20);
BUILD_BUG_ON(__builtin_offsetof(struct svm_gprs, rbp) != 0x28);
BUILD_BUG_ON(__builtin_offsetof(struct svm_gprs, r8) != 0x30);
BUILD_BUG_ON(__builtin_offsetof(struct svm_gprs, r15) != 0x68);

noreturn void x86_switch_stack_and_call(uint64_t stack_top, void (*fn)(void));
extern char boot_stack_top[];

struct svm_cpu {
    bool on;
    paddr_t hsave_pa;           /* VM_HSAVE_PA: what VMRUN keeps of the host */
    paddr_t host_pa;            /* VMSAVE image of the host's other state */
    uint64_t asid_gen;          /* ASIDs handed out since the last full flush */
    uint32_t next_asid;
};

static struct svm_cpu svm_cpus[NR_CPUS];

static bool svm_ok;             /* SVM + NPT usable (boot CPU decided) */
static bool svm_checked;
static bool have_nrips;
static uint32_t nr_asids;
static paddr_t iopm_pa, msrpm_pa;

/* ------------------------------------------------------------ set-up */

static bool svm_probe(void)
{
    struct cpuid_regs r;

    if (cpuid(CPUID_EXT_LEAF_MAX).eax < CPUID_SVM_LEAF)
        return false;
    if (!(cpuid(CPUID_EXT_FEATURES).ecx & CPUIDX1_ECX_SVM))
        return false;
    if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
        printk("HVM: SVM is disabled by the firmware\n");
        return false;
    }
    r = cpuid(CPUID_SVM_LEAF);
    if (!(r.edx & SVM_FEAT_NPT)) {
        printk("HVM: SVM without nested paging: no guests\n");
        return false;
    }
    if (!(cpuid(1).edx & CPUID1_EDX_FXSR)) {
        printk("HVM: no FXSAVE: no guests\n");
        return false;
    }
    nr_asids = r.ebx;
    if (nr_asids < 2) {
        printk("HVM: SVM reports %u ASIDs: no guests\n", nr_asids);
        return false;
    }
    have_nrips = r.edx & SVM_FEAT_NRIPS;
    return true;
}

bool svm_usable(void)
{
    return svm_ok;
}

/* Let the guest reach an MSR directly (its value lives in the VMCB). */
static void msrpm_allow(uint8_t *pm, uint32_t msr)
{
    uint32_t bit;

    if (msr <= 0x1fff)
        bit = msr * 2;
    else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
        bit = 0x4000 + (msr - 0xc0000000) * 2;
    else if (msr >= 0xc0010000 && msr <= 0xc0011fff)
        bit = 0x8000 + (msr - 0xc0010000) * 2;
    else
        return;
    pm[bit / 8] &= (uint8_t)~(3u << (bit % 8));     /* read and write */
}

static bool maps_init(void)
{
    static const uint32_t direct[] = {
        MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
        0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,    /* STAR, LSTAR, CSTAR, SFMASK */
        0x174, 0x175, 0x176,                                /* SYSENTER_CS/ESP/EIP */
    };
    mfn_t io = alloc_pages(IOPM_ORDER), msr = alloc_pages(MSRPM_ORDER);
    uint8_t *pm;

    if (mfn_eq(io, INVALID_MFN) || mfn_eq(msr, INVALID_MFN))
        return false;
    /* Every port and every other MSR exits to us. */
    memset(mfn_to_virt(io), 0xff, PAGE_SIZE << IOPM_ORDER);
    pm = mfn_to_virt(msr);
    memset(pm, 0xff, PAGE_SIZE << MSRPM_ORDER);
    for (unsigned int i = 0; i < ARRAY_SIZE(direct); i++)
        msrpm_allow(pm, direct[i]);
    /* The TSC may be read directly; writes move the offset (hvm.c). */
    pm[0x10 * 2 / 8] &= (uint8_t)~(1u << ((0x10 * 2) % 8));
    iopm_pa = mfn_to_maddr(io);
    msrpm_pa = mfn_to_maddr(msr);
    return true;
}

void svm_cpu_init(void)
{
    unsigned int cpu = smp_processor_id();
    struct svm_cpu *c = &svm_cpus[cpu];
    mfn_t hsave, host;

    if (!svm_checked) {
        svm_checked = true;
        svm_ok = svm_probe() && maps_init();
        if (svm_ok)
            printk("HVM: SVM enabled, nested paging, %u ASIDs%s\n", nr_asids,
                   have_nrips ? ", next-RIP" : ", no next-RIP (RIP advanced by us)");
    }
    if (!svm_ok || c->on)
        return;

    hsave = alloc_pages(0);
    host = alloc_pages(0);
    if (mfn_eq(hsave, INVALID_MFN) || mfn_eq(host, INVALID_MFN))
        panic("HVM: no memory for CPU %u's SVM host areas", cpu);
    memset(mfn_to_virt(hsave), 0, PAGE_SIZE);
    memset(mfn_to_virt(host), 0, PAGE_SIZE);
    c->hsave_pa = mfn_to_maddr(hsave);
    c->host_pa = mfn_to_maddr(host);

    /* FXSAVE must include the SSE registers of the guests we switch. */
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, c->hsave_pa);
    /* Our FS/GS/TR/LDTR and syscall MSRs never change: save them once. */
    asm volatile ("vmsave %%rax" : : "a" (c->host_pa) : "memory");

    /* The first ASID handed out starts a generation, with a full flush. */
    c->next_asid = nr_asids;
    c->asid_gen = 0;
    c->on = true;
}

/* ------------------------------------------------------------ VMCBs */

static void seg_set(struct vmcb_seg *s, uint16_t attr, uint32_t limit)
{
    s->sel = 0;
    s->attr = attr;
    s->limit = limit;
    s->base = 0;
}

static void reset_pvh(struct vcpu *v, uint32_t entry, uint32_t ebx)
{
    struct arch_vcpu *a = v->arch;
    struct vmcb *vmcb = a->vmcb;

    memset(&a->regs, 0, sizeof(a->regs));
    a->regs.rbx = ebx;

    /* The PVH boot ABI: flat 4 GiB code and data, a busy 32-bit TSS. */
    seg_set(&vmcb->cs, 0xc9b, 0xffffffff);
    seg_set(&vmcb->ds, 0xc93, 0xffffffff);
    seg_set(&vmcb->es, 0xc93, 0xffffffff);
    seg_set(&vmcb->ss, 0xc93, 0xffffffff);
    seg_set(&vmcb->fs, 0x093, 0xffff);
    seg_set(&vmcb->gs, 0x093, 0xffff);
    seg_set(&vmcb->tr, 0x08b, 0x67);
    seg_set(&vmcb->ldtr, 0x082, 0xffff);
    seg_set(&vmcb->gdtr, 0, 0xffff);
    seg_set(&vmcb->idtr, 0, 0xffff);
    vmcb->cpl = 0;

    vmcb->cr0 = X86_CR0_PE | X86_CR0_ET;
    vmcb->cr2 = 0;
    vmcb->cr3 = 0;
    vmcb->cr4 = 0;
    vmcb->efer = EFER_SVME;             /* required by VMRUN, hidden from the guest */
    vmcb->dr6 = 0xffff0ff0;
    vmcb->dr7 = 0x400;
    vmcb->rflags = X86_EFLAGS_RSVD1;
    vmcb->rip = entry;
    vmcb->rsp = 0;
    vmcb->rax = 0;
    vmcb->g_pat = PAT_POWER_ON;
    vmcb->star = vmcb->lstar = vmcb->cstar = vmcb->sfmask = 0;
    vmcb->kernel_gs_base = 0;
    vmcb->sysenter_cs = vmcb->sysenter_esp = vmcb->sysenter_eip = 0;
    vmcb->tsc_offset = 0;

    vmcb->eventinj = 0;
    vmcb->int_state = 0;
    vmcb->vintr = VINTR_MASKING;
    vmcb->intercepts1 &= ~ICPT1_VINTR;
    a->hcall_preempted = false;
}

void svm_vcpu_reset_pvh(struct vcpu *v, uint32_t entry, uint32_t ebx)
{
    reset_pvh(v, entry, ebx);
    v->arch->initialised = true;
    write_atomic(&v->is_initialised, true);     /* VCPUOP_up may start it */
}

/* ------------------------------------------------------------ VCPUOP_initialise */

#define SEG_ATTR_RSVD       0xf000u
#define SEG_TYPE_ACCESSED   0x1u
#define SEG_TYPE_TSS_BUSY   0x2u
#define SEG_TYPE_CODE       0x8u
#define SEG_TYPE_RW         0x2u        /* writable data / readable code */
#define SYS_TYPE_TSS32_BUSY 0xbu
#define EFER_FFXSR_BIT      (1u << 14)

/*
 * The CR4 bits v may set: those whose features v's CPUID (cpuid.c)
 * offers, PCE always, as Xen's hvm_cr4_guest_valid_bits().
 */
static uint64_t cr4_guest_ok(const struct vcpu *v)
{
    struct cpuid_regs l1, l7;
    uint64_t ok = 1u << 8;                                  /* PCE */

    hvm_cpuid(v, 1, 0, &l1);
    hvm_cpuid(v, 7, 0, &l7);
    if (l1.edx & (1u << 1))
        ok |= (1u << 0) | (1u << 1);                        /* VME: VME PVI */
    if (l1.edx & (1u << 2))
        ok |= 1u << 3;                                      /* DE */
    if (l1.edx & (1u << 3))
        ok |= X86_CR4_PSE;
    if (l1.edx & (1u << 4))
        ok |= 1u << 2;                                      /* TSC: TSD */
    if (l1.edx & (1u << 6))
        ok |= X86_CR4_PAE;
    if (l1.edx & ((1u << 7) | (1u << 14)))
        ok |= 1u << 6;                                      /* MCE or MCA: MCE */
    if (l1.edx & (1u << 13))
        ok |= X86_CR4_PGE;
    if (l1.edx & (1u << 24))
        ok |= X86_CR4_OSFXSR;
    if (l1.edx & (1u << 25))
        ok |= X86_CR4_OSXMMEXCPT;                           /* SSE */
    if (l1.ecx & (1u << 17))
        ok |= 1u << 17;                                     /* PCID: PCIDE */
    if (l1.ecx & (1u << 26))
        ok |= 1u << 18;                                     /* XSAVE: OSXSAVE */
    if (l7.ebx & (1u << 0))
        ok |= 1u << 16;                                     /* FSGSBASE */
    if (l7.ebx & (1u << 7))
        ok |= 1u << 20;                                     /* SMEP */
    if (l7.ebx & (1u << 20))
        ok |= 1u << 21;                                     /* SMAP */
    if (l7.ecx & (1u << 2))
        ok |= 1u << 11;                                     /* UMIP */
    if (l7.ecx & (1u << 3))
        ok |= 1u << 22;                                     /* PKU: PKE */
    return ok;
}

enum hvm_seg { HSEG_CS, HSEG_DS, HSEG_SS, HSEG_ES, HSEG_TR };

static unsigned int seg_dpl(uint16_t attr)
{
    return (attr >> SEG_ATTR_DPL_SHIFT) & 3;
}

/* Xen's checks of one segment of a 32-bit state (attr already has A/busy set). */
static bool seg_ok(uint16_t attr, enum hvm_seg which)
{
    unsigned int type = attr & SEG_ATTR_TYPE_MASK;

    if (attr & SEG_ATTR_RSVD)
        return false;
    if (!attr)                          /* only DS and ES may be null */
        return which == HSEG_DS || which == HSEG_ES;
    if (which == HSEG_TR) {
        if ((attr & SEG_ATTR_S) || type != SYS_TYPE_TSS32_BUSY)
            return false;
    } else if (!(attr & SEG_ATTR_S)) {
        return false;
    }
    if (!(attr & SEG_ATTR_P))
        return false;
    switch (which) {
    case HSEG_CS:
        return type & SEG_TYPE_CODE;
    case HSEG_SS:
        return !(type & SEG_TYPE_CODE) && (type & SEG_TYPE_RW);
    case HSEG_DS:
    case HSEG_ES:
        return !(type & SEG_TYPE_CODE) || (type & SEG_TYPE_RW);
    default:
        return true;
    }
}

static void seg_load(struct vmcb_seg *s, uint16_t attr, uint32_t limit, uint32_t base)
{
    s->sel = 0;
    s->attr = attr;
    s->limit = limit;
    s->base = base;
}

/* A present segment is loaded as if used: accessed, or busy for a TSS. */
static uint16_t seg_touched(uint16_t attr, enum hvm_seg which)
{
    if (attr & SEG_ATTR_P)
        attr |= which == HSEG_TR ? SEG_TYPE_TSS_BUSY : SEG_TYPE_ACCESSED;
    return attr;
}

/* As Xen's hvm_efer_valid() with CR0.PG taken as set, against v's CPUID. */
static bool efer_ok(const struct vcpu *v, uint64_t efer)
{
    struct cpuid_regs x1;
    uint64_t ok = 0;

    hvm_cpuid(v, CPUID_EXT_FEATURES, 0, &x1);
    if (x1.edx & (1u << 11))
        ok |= EFER_SCE;                                     /* SYSCALL */
    if (x1.edx & (1u << 29))
        ok |= EFER_LME | EFER_LMA;                          /* LM */
    if (x1.edx & CPUIDX1_EDX_NX)
        ok |= EFER_NXE;
    if (x1.edx & (1u << 25))
        ok |= EFER_FFXSR_BIT;
    /* SVME is refused too: guests get no nested virtualisation. */
    if (efer & ~ok)
        return false;
    return !(efer & EFER_LMA) || (efer & EFER_LME);
}

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

int arch_set_info_hvm_guest(struct vcpu *v, const struct vcpu_hvm_context *ctx)
{
    struct arch_vcpu *a = v->arch;
    struct vmcb *vmcb = a->vmcb;
    struct svm_gprs gprs = { 0 };
    uint16_t attr[5];
    uint32_t limit[5], base[5] = { 0 };
    uint64_t rax, rsp, rip, rflags, cr0, cr3, cr4, efer;

    if (ctx->pad)
        return -EINVAL;
    switch (ctx->mode) {
    case VCPU_HVM_MODE_32B: {
        const struct vcpu_hvm_x86_32 *r = &ctx->cpu_regs.x86_32;
        uint32_t cs_max;

        if (r->pad1 || r->pad2[0] || r->pad2[1] || r->pad2[2])
            return -EINVAL;
        attr[HSEG_CS] = r->cs_ar; limit[HSEG_CS] = r->cs_limit; base[HSEG_CS] = r->cs_base;
        attr[HSEG_DS] = r->ds_ar; limit[HSEG_DS] = r->ds_limit; base[HSEG_DS] = r->ds_base;
        attr[HSEG_SS] = r->ss_ar; limit[HSEG_SS] = r->ss_limit; base[HSEG_SS] = r->ss_base;
        attr[HSEG_ES] = r->es_ar; limit[HSEG_ES] = r->es_limit; base[HSEG_ES] = r->es_base;
        attr[HSEG_TR] = r->tr_ar; limit[HSEG_TR] = r->tr_limit; base[HSEG_TR] = r->tr_base;
        for (unsigned int i = 0; i < 5; i++) {
            attr[i] = seg_touched(attr[i], i);
            if (!seg_ok(attr[i], i))
                return -EINVAL;
        }
        cs_max = limit[HSEG_CS];
        if (attr[HSEG_CS] & SEG_ATTR_G)
            cs_max = (cs_max << 12) | 0xfff;
        if (r->eip > cs_max)
            return -EINVAL;
        if (seg_dpl(attr[HSEG_SS]) != seg_dpl(attr[HSEG_CS]))
            return -EINVAL;
        if ((attr[HSEG_DS] & SEG_ATTR_P) && seg_dpl(attr[HSEG_DS]) > seg_dpl(attr[HSEG_CS]))
            return -EINVAL;
        if ((attr[HSEG_ES] & SEG_ATTR_P) && seg_dpl(attr[HSEG_ES]) > seg_dpl(attr[HSEG_CS]))
            return -EINVAL;
        if ((r->efer & EFER_LMA) && !(r->efer & EFER_LME))
            return -EINVAL;
        gprs.rbx = r->ebx; gprs.rcx = r->ecx; gprs.rdx = r->edx;
        gprs.rsi = r->esi; gprs.rdi = r->edi; gprs.rbp = r->ebp;
        rax = r->eax; rsp = r->esp; rip = r->eip; rflags = r->eflags;
        cr0 = r->cr0; cr3 = r->cr3; cr4 = r->cr4; efer = r->efer;
        break;
    }
    case VCPU_HVM_MODE_64B: {
        const struct vcpu_hvm_x86_64 *r = &ctx->cpu_regs.x86_64;

        if (!canonical(r->rip) || !(r->cr0 & X86_CR0_PG) || !(r->cr4 & X86_CR4_PAE) ||
            !(r->efer & EFER_LME))
            return -EINVAL;
        /* Flat long-mode segments and a busy 64-bit TSS. */
        attr[HSEG_CS] = 0xa9b; limit[HSEG_CS] = ~0u;
        attr[HSEG_DS] = attr[HSEG_SS] = attr[HSEG_ES] = 0xc93;
        limit[HSEG_DS] = limit[HSEG_SS] = limit[HSEG_ES] = ~0u;
        attr[HSEG_TR] = 0x08b; limit[HSEG_TR] = 0x67;
        gprs.rbx = r->rbx; gprs.rcx = r->rcx; gprs.rdx = r->rdx;
        gprs.rsi = r->rsi; gprs.rdi = r->rdi; gprs.rbp = r->rbp;
        rax = r->rax; rsp = r->rsp; rip = r->rip; rflags = r->rflags;
        cr0 = r->cr0; cr3 = r->cr3; cr4 = r->cr4; efer = r->efer;
        break;
    }
    default:
        return -EINVAL;
    }

    /* As Xen: LME alone means the vCPU starts with long mode active. */
    if (efer & EFER_LME)
        efer |= EFER_LMA;
    if ((cr4 & ~cr4_guest_ok(v)) || !efer_ok(v, efer))
        return -EINVAL;

    /* From the power-on state (FS, GS, LDTR, descriptor tables...), then ours. */
    reset_pvh(v, 0, 0);
    a->regs = gprs;
    seg_load(&vmcb->cs, attr[HSEG_CS], limit[HSEG_CS], base[HSEG_CS]);
    seg_load(&vmcb->ds, attr[HSEG_DS], limit[HSEG_DS], base[HSEG_DS]);
    seg_load(&vmcb->ss, attr[HSEG_SS], limit[HSEG_SS], base[HSEG_SS]);
    seg_load(&vmcb->es, attr[HSEG_ES], limit[HSEG_ES], base[HSEG_ES]);
    seg_load(&vmcb->tr, attr[HSEG_TR], limit[HSEG_TR], base[HSEG_TR]);
    vmcb->cpl = seg_dpl(attr[HSEG_SS]);
    /* A bad CR0/CR3 makes VMRUN fail: that crashes this domain only. */
    vmcb->cr0 = cr0;
    vmcb->cr3 = cr3;
    vmcb->cr4 = cr4;
    vmcb->efer = efer | EFER_SVME;
    vmcb->rax = rax;
    vmcb->rsp = rsp;
    vmcb->rip = rip;
    vmcb->rflags = rflags | X86_EFLAGS_RSVD1;
    /* One TSC across the domain's vCPUs. */
    if (v->domain->vcpu[0] && v->domain->vcpu[0] != v && v->domain->vcpu[0]->arch)
        vmcb->tsc_offset = v->domain->vcpu[0]->arch->vmcb->tsc_offset;
    /* The state is complete before anything may run it. */
    smp_wmb();
    a->initialised = true;
    write_atomic(&v->is_initialised, true);     /* still down: VCPUOP_up starts it */
    return 0;
}

/* FNINIT state with SSE exceptions masked. */
static void fpu_reset(struct fxsave_area *f)
{
    memset(f, 0, sizeof(*f));
    f->bytes[0] = 0x7f;                 /* FCW 0x037f */
    f->bytes[1] = 0x03;
    f->bytes[24] = 0x80;                /* MXCSR 0x1f80 */
    f->bytes[25] = 0x1f;
}

int svm_vcpu_init(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;
    struct vmcb *vmcb;
    mfn_t m;

    if (!svm_ok)
        return -EOPNOTSUPP;
    m = alloc_pages(0);
    if (mfn_eq(m, INVALID_MFN))
        return -ENOMEM;
    vmcb = mfn_to_virt(m);
    memset(vmcb, 0, PAGE_SIZE);
    a->vmcb = vmcb;
    a->vmcb_pa = mfn_to_maddr(m);

    vmcb->intercepts1 = ICPT1_INTR | ICPT1_NMI | ICPT1_CPUID | ICPT1_INVD |
                        ICPT1_HLT | ICPT1_INVLPGA | ICPT1_IOIO | ICPT1_MSR |
                        ICPT1_SHUTDOWN;
    /* The guest's EFER.SVME is set (VMRUN wants it): every SVM instruction must exit. */
    vmcb->intercepts2 = ICPT2_VMRUN | ICPT2_VMMCALL | ICPT2_VMLOAD | ICPT2_VMSAVE |
                        ICPT2_STGI | ICPT2_CLGI | ICPT2_SKINIT | ICPT2_XSETBV;
    /* #DB and #AC: a guest must not be able to wedge the CPU delivering them. */
    vmcb->exception_intercepts = (1u << X86_EXC_DB) | (1u << X86_EXC_AC);
    vmcb->iopm_base_pa = iopm_pa;
    vmcb->msrpm_base_pa = msrpm_pa;
    vmcb->np_control = NP_ENABLE;
    vmcb->n_cr3 = p2m_root(v->domain);
    vmcb->clean_bits = 0;               /* we never tell the CPU what it may keep */

    a->asid = 0;
    a->asid_cpu = ~0U;
    fpu_reset(&a->fpu);
    reset_pvh(v, 0, 0);
    a->initialised = false;
    return 0;
}

void svm_vcpu_destroy(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;

    if (a->vmcb)
        free_pages(maddr_to_mfn(a->vmcb_pa), 0);
    a->vmcb = NULL;
}

/* ------------------------------------------------------------ events */

void svm_inject_exception(struct vcpu *v, unsigned int vector, bool has_ec, uint32_t ec)
{
    uint64_t e = (vector & EVT_VECTOR_MASK) | EVT_TYPE_EXCEPTION | EVT_VALID;

    if (has_ec)
        e |= EVT_ERROR_VALID | ((uint64_t)ec << EVT_ERROR_SHIFT);
    v->arch->vmcb->eventinj = e;
}

/*
 * An event the exit interrupted on its way into the guest is delivered
 * again.  Software interrupts and #BP/#OF come back by themselves when
 * the instruction runs again (RIP still points at it).
 */
static void requeue_interrupted_event(struct vmcb *vmcb)
{
    uint64_t ii = vmcb->exitintinfo;
    uint64_t type = ii & EVT_TYPE_MASK, vec = ii & EVT_VECTOR_MASK;

    vmcb->eventinj = 0;
    if (!(ii & EVT_VALID))
        return;
    if (type == EVT_TYPE_SOFT_INT || (type == EVT_TYPE_EXCEPTION && (vec == 3 || vec == 4)))
        return;
    vmcb->eventinj = ii & (EVT_VECTOR_MASK | EVT_TYPE_MASK | EVT_ERROR_VALID | EVT_VALID |
                           (0xffffffffULL << EVT_ERROR_SHIFT));
}

/*
 * The event-channel upcall (HVM_PARAM_CALLBACK_IRQ, vector method) is an
 * interrupt that stays pending as long as vcpu_info's upcall_pending is
 * set.  Inject it when the guest can take it; otherwise ask for an exit
 * as soon as it can (a virtual interrupt whose delivery is intercepted).
 */
static void inject_upcall(struct vcpu *v)
{
    struct vmcb *vmcb = v->arch->vmcb;
    unsigned int vec = hvm_upcall_vector(v);

    vmcb->vintr &= ~(VINTR_IRQ | VINTR_IGN_TPR | (0xfULL << VINTR_PRIO_SHIFT) |
                     (0xffULL << VINTR_VECTOR_SHIFT));
    vmcb->intercepts1 &= ~ICPT1_VINTR;
    if (!vec || !v->vcpu_info || !read_atomic(&v->vcpu_info->evtchn_upcall_pending))
        return;
    if (!(vmcb->eventinj & EVT_VALID) && (vmcb->rflags & X86_EFLAGS_IF) &&
        !(vmcb->int_state & INTSTATE_SHADOW)) {
        vmcb->eventinj = vec | EVT_TYPE_INTR | EVT_VALID;
        return;
    }
    vmcb->vintr |= VINTR_IRQ | VINTR_IGN_TPR | (0xfULL << VINTR_PRIO_SHIFT) |
                   ((uint64_t)vec << VINTR_VECTOR_SHIFT);
    vmcb->intercepts1 |= ICPT1_VINTR;
}

/* ------------------------------------------------------------ exits */

static void advance_rip(struct vcpu *v, unsigned int len)
{
    struct vmcb *vmcb = v->arch->vmcb;
    uint64_t rip = have_nrips && vmcb->next_rip ? vmcb->next_rip : vmcb->rip + len;

    if (hvm_guest_mode(v) != 8)
        rip = (uint32_t)rip;
    vmcb->rip = rip;
    vmcb->int_state &= ~INTSTATE_SHADOW;
}

static void do_cpuid(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;
    struct cpuid_regs r;

    hvm_cpuid(v, (uint32_t)a->vmcb->rax, (uint32_t)a->regs.rcx, &r);
    a->vmcb->rax = r.eax;
    a->regs.rbx = r.ebx;
    a->regs.rcx = r.ecx;
    a->regs.rdx = r.edx;
    advance_rip(v, 2);
}

static void do_msr(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;
    struct vmcb *vmcb = a->vmcb;
    uint32_t msr = (uint32_t)a->regs.rcx;
    uint64_t val;

    if (vmcb->exitinfo1) {
        val = ((a->regs.rdx & 0xffffffffULL) << 32) | (vmcb->rax & 0xffffffffULL);
        if (hvm_msr_write(v, msr, val)) {
            svm_inject_exception(v, 13, true, 0);
            return;
        }
    } else {
        if (hvm_msr_read(v, msr, &val)) {
            svm_inject_exception(v, 13, true, 0);
            return;
        }
        vmcb->rax = (uint32_t)val;
        a->regs.rdx = val >> 32;
    }
    advance_rip(v, 2);
}

/* HLT: sleep until an event; with interrupts off, the vCPU is done. */
static void do_hlt(struct vcpu *v)
{
    struct vmcb *vmcb = v->arch->vmcb;
    struct domain *d = v->domain;
    struct vcpu *o;
    bool any_up = false;

    advance_rip(v, 1);
    if (vmcb->eventinj & EVT_VALID)
        return;                         /* something to deliver already */
    if (vmcb->rflags & X86_EFLAGS_IF) {
        vcpu_block();
        return;
    }
    /* As Xen: nothing but an NMI could wake it; once all are down, power off. */
    vcpu_down(v);
    for_each_vcpu(d, o)
        if (!test_bit(VPF_DOWN, &o->pause_flags))
            any_up = true;
    if (!any_up) {
        printk("d%u: every vCPU halted with interrupts off: powering off\n", d->domain_id);
        domain_shutdown(d, SHUTDOWN_poweroff);
    }
}

static void do_npf(struct vcpu *v)
{
    struct vmcb *vmcb = v->arch->vmcb;
    uint64_t ec = vmcb->exitinfo1, gpa = vmcb->exitinfo2;
    bool write;

    /*
     * A data access where nothing is mapped: no device model exists to
     * take it, so it goes nowhere (emulate.c), as on Xen.  Fetching code
     * or walking page tables there, or an access the mapping forbids, is
     * a guest bug we cannot paper over.
     */
    if (!(ec & (NPF_PRESENT | NPF_FETCH | NPF_GUEST_TABLE)) &&
        hvm_emulate_null_mmio(v, &write))
        return;
    hvm_crash_domain(v, "%s of guest physical %#llx (%s%s)",
                     ec & NPF_FETCH ? "instruction fetch" : ec & NPF_WRITE ? "write" : "read",
                     (unsigned long long)gpa,
                     ec & NPF_PRESENT ? "not allowed" : "nothing there, instruction not emulated",
                     ec & NPF_GUEST_TABLE ? ", walking the guest's page tables" : "");
}

static void handle_exit(struct vcpu *v)
{
    struct vmcb *vmcb = v->arch->vmcb;
    uint64_t code = vmcb->exitcode;

    requeue_interrupted_event(vmcb);

    switch (code) {
    case VMEXIT_INTR:
    case VMEXIT_NMI:
        /* Already taken by the host's handler when STGI let it in. */
        break;
    case VMEXIT_VINTR:
        /* The guest can take interrupts now: inject_upcall() does it. */
        break;
    case VMEXIT_VMMCALL:
        hvm_hypercall(v);
        if (!v->arch->hcall_preempted)
            advance_rip(v, 3);
        break;
    case VMEXIT_CPUID:
        do_cpuid(v);
        break;
    case VMEXIT_MSR:
        do_msr(v);
        break;
    case VMEXIT_HLT:
        do_hlt(v);
        break;
    case VMEXIT_IOIO:
        if (hvm_portio(v, vmcb->exitinfo1)) {
            vmcb->rip = vmcb->exitinfo2;
            vmcb->int_state &= ~INTSTATE_SHADOW;
        }
        break;
    case VMEXIT_INVD:
        /* Dropping dirty cache lines is not the guest's to do: a no-op. */
        advance_rip(v, 2);
        break;
    case VMEXIT_VMRUN:
    case VMEXIT_VMLOAD:
    case VMEXIT_VMSAVE:
    case VMEXIT_STGI:
    case VMEXIT_CLGI:
    case VMEXIT_SKINIT:
    case VMEXIT_INVLPGA:
    case VMEXIT_XSETBV:
        /* SVM and XSAVE are not offered to guests (CPUID says so). */
        svm_inject_exception(v, X86_EXC_UD, false, 0);
        break;
    case VMEXIT_EXCP_BASE + X86_EXC_DB:
        svm_inject_exception(v, X86_EXC_DB, false, 0);
        break;
    case VMEXIT_EXCP_BASE + X86_EXC_AC:
        svm_inject_exception(v, X86_EXC_AC, true, (uint32_t)vmcb->exitinfo1);
        break;
    case VMEXIT_NPF:
        do_npf(v);
        break;
    case VMEXIT_SHUTDOWN:
        hvm_crash_domain(v, "triple fault");
        break;
    case VMEXIT_INVALID:
        hvm_crash_domain(v, "VMRUN refused the vCPU's state");
        break;
    default:
        hvm_crash_domain(v, "unexpected exit %#llx (info %#llx %#llx)",
                         (unsigned long long)code, (unsigned long long)vmcb->exitinfo1,
                         (unsigned long long)vmcb->exitinfo2);
        break;
    }
}

/* ------------------------------------------------------------ the loop */

/* A fresh ASID when this vCPU's TLB entries may be stale or not ours. */
static void assign_asid(struct vcpu *v, struct svm_cpu *c, unsigned int cpu)
{
    struct arch_vcpu *a = v->arch;
    struct vmcb *vmcb = a->vmcb;
    uint64_t pgen = read_atomic(&v->domain->arch->p2m.flush_gen);

    vmcb->tlb_control = TLB_CTRL_NONE;
    if (a->asid && a->asid_cpu == cpu && a->asid_gen == c->asid_gen && a->p2m_gen == pgen)
        return;
    if (c->next_asid >= nr_asids) {
        /* Out of ASIDs: start over, with every old translation flushed. */
        c->asid_gen++;
        c->next_asid = 1;
        vmcb->tlb_control = TLB_CTRL_FLUSH_ALL;
    }
    a->asid = c->next_asid++;
    a->asid_cpu = cpu;
    a->asid_gen = c->asid_gen;
    a->p2m_gen = pgen;
    vmcb->guest_asid = a->asid;
}

static uint64_t stack_top(unsigned int cpu)
{
    uint64_t slot = x86_cpus[cpu].stack_slot;

    return slot ? slot + STACK_SLOT_SIZE : (uint64_t)(uintptr_t)boot_stack_top;
}

noreturn void x86_reset_stack_and_call(void (*fn)(void))
{
    x86_switch_stack_and_call(stack_top(smp_processor_id()), fn);
}

static void enter_idle(void)
{
    idle_loop();
}

noreturn void svm_run_loop(void)
{
    for (;;) {
        unsigned int cpu;
        struct svm_cpu *c;
        struct vcpu *v;

        local_irq_disable();
        cpu = smp_processor_id();
        if (softirq_pending(cpu)) {
            local_irq_enable();
            do_softirq();
            continue;
        }
        v = current;
        if (!x86_vcpu_is_guest(v))
            x86_reset_stack_and_call(enter_idle);
        if (!v->arch->initialised) {
            /* Brought up with no state to start from: it stays down. */
            printk("d%uv%u: brought up without a register state: kept down\n",
                   v->domain->domain_id, v->vcpu_id);
            vcpu_down(v);
            continue;
        }

        c = &svm_cpus[cpu];
        assign_asid(v, c, cpu);
        inject_upcall(v);
        svm_vmrun(&v->arch->regs, v->arch->vmcb_pa, c->host_pa);
        handle_exit(v);
    }
}

noreturn void arch_enter_guest(void)
{
    x86_reset_stack_and_call(svm_run_loop);
}
