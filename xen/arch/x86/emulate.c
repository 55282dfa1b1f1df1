/*
 * Completing a guest access to guest-physical memory that nothing backs.
 *
 * With no device model (ioreq server) to forward it to, Xen lets such an
 * access go nowhere: loads read all ones, stores are dropped, and the
 * guest carries on.  SVM tells us the faulting address but (without
 * decode assists, as under QEMU's TCG) not the instruction, so we fetch
 * it from the guest and decode just enough of the plain data moves that
 * touch memory - MOV to or from a register, MOV of an immediate, MOVZX and
 * MOVSX - to know its length and which register a load fills.  Anything
 * else is refused (the caller crashes the domain).
 */
#include <xen/lib.h>
#include <xen/guest_access.h>
#include <xen/sched.h>
#include <asm/domain.h>
#include <asm/hvm.h>
#include <asm/svm.h>

#define MAX_INSN_LEN    15

struct insn {
    uint8_t bytes[MAX_INSN_LEN];
    unsigned int avail;         /* bytes fetched */
    unsigned int pos;           /* next byte to decode */
    bool bad;                   /* ran past what could be fetched */
};

static uint8_t next_byte(struct insn *in)
{
    if (in->pos >= in->avail || in->pos >= MAX_INSN_LEN) {
        in->bad = true;
        return 0;
    }
    return in->bytes[in->pos++];
}

static void skip(struct insn *in, unsigned int n)
{
    while (n--)
        next_byte(in);
}

/* Fetch up to 15 bytes at CS:RIP through the guest's page tables. */
static unsigned int fetch(struct vcpu *v, unsigned int mode, uint8_t *buf)
{
    const struct vmcb *vmcb = v->arch->vmcb;
    uint64_t la = vmcb->rip + (mode == 8 ? 0 : vmcb->cs.base);
    unsigned int got = 0;

    while (got < MAX_INSN_LEN) {
        uint64_t gpa;
        unsigned int n;

        if (mode != 8)
            la = (uint32_t)la;
        n = (unsigned int)(PAGE_SIZE - (la & (PAGE_SIZE - 1)));
        if (n > MAX_INSN_LEN - got)
            n = MAX_INSN_LEN - got;
        if (!hvm_linear_to_gpa(v, la, false, &gpa) ||
            copy_from_guest_phys(v->domain, buf + got, gpa, n))
            break;
        got += n;
        la += n;
    }
    return got;
}

/* Skip a ModRM memory operand (and SIB, displacement); false for a register operand. */
static bool skip_modrm(struct insn *in, uint8_t modrm, unsigned int addr_size)
{
    unsigned int mod = modrm >> 6, rm = modrm & 7;

    if (mod == 3)
        return false;
    if (addr_size == 2) {
        if (mod == 1)
            skip(in, 1);
        else if (mod == 2 || (mod == 0 && rm == 6))
            skip(in, 2);
        return true;
    }
    if (rm == 4) {
        uint8_t sib = next_byte(in);

        if (mod == 0 && (sib & 7) == 5)
            skip(in, 4);
    }
    if (mod == 1)
        skip(in, 1);
    else if (mod == 2 || (mod == 0 && rm == 5))
        skip(in, 4);
    return true;
}

static uint64_t *gpr(struct vcpu *v, unsigned int n)
{
    struct svm_gprs *r = &v->arch->regs;
    uint64_t *const map[16] = {
        &v->arch->vmcb->rax, &r->rcx, &r->rdx, &r->rbx,
        &v->arch->vmcb->rsp, &r->rbp, &r->rsi, &r->rdi,
        &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return map[n & 15];
}

/*
 * Write all-ones `src` bytes wide into register `reg` as an instruction of
 * `size` bytes would (zero or sign extended first for MOVZX/MOVSX).
 */
static void load_ones(struct vcpu *v, unsigned int reg, unsigned int size,
                      unsigned int src, bool sign, bool rex, bool long_mode)
{
    uint64_t val = sign ? ~0ULL : (src >= 8 ? ~0ULL : (1ULL << (src * 8)) - 1);
    uint64_t *r;

    if (size == 1 && !rex && reg >= 4 && reg < 8) {
        /* AH, CH, DH, BH: bits 15-8 of the first four registers. */
        r = gpr(v, reg - 4);
        *r |= 0xff00;
        return;
    }
    r = gpr(v, reg);
    switch (size) {
    case 1:
        *r = (*r & ~0xffULL) | (val & 0xff);
        break;
    case 2:
        *r = (*r & ~0xffffULL) | (val & 0xffff);
        break;
    case 4:
        /* A 32-bit result clears the upper half in 64-bit mode. */
        *r = long_mode ? (uint32_t)val : (*r & ~0xffffffffULL) | (uint32_t)val;
        break;
    default:
        *r = val;
        break;
    }
}

bool hvm_emulate_null_mmio(struct vcpu *v, bool *is_write)
{
    struct vmcb *vmcb = v->arch->vmcb;
    unsigned int mode = hvm_guest_mode(v);
    bool long_mode = mode == 8, rex = false, opsize16 = false, addrsize_pfx = false;
    unsigned int rex_bits = 0, size, addr_size, reg = 0, src = 0;
    bool load, sign = false;
    struct insn in = { .pos = 0 };
    uint8_t op, modrm;

    if (mode == 1)
        return false;                   /* virtual-8086: not ours to guess */
    in.avail = fetch(v, mode, in.bytes);

    /* Legacy prefixes, then REX (64-bit mode, right before the opcode). */
    for (;;) {
        op = next_byte(&in);
        if (in.bad)
            return false;
        if (op == 0x66)
            opsize16 = true;
        else if (op == 0x67)
            addrsize_pfx = true;
        else if (op == 0x2e || op == 0x36 || op == 0x3e || op == 0x26 ||
                 op == 0x64 || op == 0x65)
            continue;                   /* segment: the fault gave the address */
        else if (op == 0xf0 || op == 0xf2 || op == 0xf3)
            return false;               /* locked or string forms: not a plain move */
        else
            break;
    }
    if (long_mode && (op & 0xf0) == 0x40) {
        rex = true;
        rex_bits = op & 0xf;
        op = next_byte(&in);
    }

    if (mode == 8)
        addr_size = addrsize_pfx ? 4 : 8;
    else if (mode == 4)
        addr_size = addrsize_pfx ? 2 : 4;
    else
        addr_size = addrsize_pfx ? 4 : 2;
    if (rex_bits & 8)
        size = 8;
    else if (mode == 4 || mode == 8)
        size = opsize16 ? 2 : 4;
    else
        size = opsize16 ? 4 : 2;

    switch (op) {
    case 0x88: case 0x89: case 0x8a: case 0x8b:         /* MOV r/m <-> r */
        load = op & 2;
        if (!(op & 1))
            size = 1;
        modrm = next_byte(&in);
        reg = ((modrm >> 3) & 7) | ((rex_bits & 4) << 1);
        src = size;
        if (!skip_modrm(&in, modrm, addr_size))
            return false;
        break;
    case 0xc6: case 0xc7:                               /* MOV r/m, imm */
        load = false;
        if (op == 0xc6)
            size = 1;
        modrm = next_byte(&in);
        if ((modrm >> 3) & 7)
            return false;
        if (!skip_modrm(&in, modrm, addr_size))
            return false;
        skip(&in, size == 1 ? 1 : size == 2 ? 2 : 4);
        break;
    case 0xa0: case 0xa1: case 0xa2: case 0xa3:         /* MOV AL/eAX <-> moffs */
        load = !(op & 2);
        if (!(op & 1))
            size = 1;
        reg = 0;
        src = size;
        skip(&in, addr_size);
        break;
    case 0x0f:
        op = next_byte(&in);
        if (op != 0xb6 && op != 0xb7 && op != 0xbe && op != 0xbf)
            return false;
        load = true;                                    /* MOVZX / MOVSX */
        src = (op & 1) ? 2 : 1;
        sign = op >= 0xbe;
        modrm = next_byte(&in);
        reg = ((modrm >> 3) & 7) | ((rex_bits & 4) << 1);
        if (!skip_modrm(&in, modrm, addr_size))
            return false;
        break;
    default:
        return false;
    }
    if (in.bad)
        return false;

    *is_write = !load;
    if (load)
        load_ones(v, reg, size, src, sign, rex, long_mode);
    if (long_mode)
        vmcb->rip += in.pos;
    else if (mode == 4)
        vmcb->rip = (uint32_t)(vmcb->rip + in.pos);
    else
        vmcb->rip = (uint16_t)(vmcb->rip + in.pos);
    vmcb->int_state &= ~INTSTATE_SHADOW;
    return true;
}
