/*
 * One trip into an SVM guest and back (called from svm.c's VMRUN loop).
 *
 *   void svm_vmrun(struct svm_gprs *regs, paddr_t vmcb_pa, paddr_t host_pa)
 *
 * Called with interrupts off.  GIF is cleared first so that nothing can be
 * taken between here and the guest; IF is then set, because VMRUN records
 * the host's IF and with V_INTR_MASKING it decides whether a physical
 * interrupt stops the guest (it does: #VMEXIT(INTR)).
 *
 * VMRUN switches only part of the state.  VMLOAD/VMSAVE move the rest (FS,
 * GS, TR and LDTR with their hidden parts, KernelGSBase, the SYSCALL and
 * SYSENTER MSRs): the guest's are loaded from its VMCB before VMRUN and
 * saved there after it, then the host's come back from host_pa, which
 * svm_cpu_init() filled with VMSAVE (our %gs base lives there).  The VMCB
 * holds rax, rsp, rip and rflags; the other general registers are swapped
 * here with *regs.
 *
 * After #VMEXIT the host state (rsp, rflags with IF set) is back, GIF is
 * clear: STGI lets the interrupt that caused the exit, if any, be taken
 * right here, in hypervisor context, before we return.
 */

/* struct svm_gprs (asm/domain.h); checked in svm.c. */
#define SVM_GPR_RBX     0x00
#define SVM_GPR_RCX     0x08
#define SVM_GPR_RDX     0x10
#define SVM_GPR_RSI     0x18
#define SVM_GPR_RDI     0x20
#define SVM_GPR_RBP     0x28
#define SVM_GPR_R8      0x30
#define SVM_GPR_R9      0x38
#define SVM_GPR_R10     0x40
#define SVM_GPR_R11     0x48
#define SVM_GPR_R12     0x50
#define SVM_GPR_R13     0x58
#define SVM_GPR_R14     0x60
#define SVM_GPR_R15     0x68

        .text
        .globl  svm_vmrun
        .type   svm_vmrun, @function
svm_vmrun:
        /* Callee-saved registers of the C caller, then our two arguments. */
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        push    %rdi                    /* regs */
        push    %rdx                    /* host_pa */

        mov     %rsi, %rax              /* VMCB for vmload/vmrun/vmsave */
        clgi
        sti

        mov     SVM_GPR_RBX(%rdi), %rbx
        mov     SVM_GPR_RCX(%rdi), %rcx
        mov     SVM_GPR_RDX(%rdi), %rdx
        mov     SVM_GPR_RSI(%rdi), %rsi
        mov     SVM_GPR_RBP(%rdi), %rbp
        mov     SVM_GPR_R8(%rdi), %r8
        mov     SVM_GPR_R9(%rdi), %r9
        mov     SVM_GPR_R10(%rdi), %r10
        mov     SVM_GPR_R11(%rdi), %r11
        mov     SVM_GPR_R12(%rdi), %r12
        mov     SVM_GPR_R13(%rdi), %r13
        mov     SVM_GPR_R14(%rdi), %r14
        mov     SVM_GPR_R15(%rdi), %r15
        mov     SVM_GPR_RDI(%rdi), %rdi

        vmload  %rax
        vmrun   %rax
        /* #VMEXIT: rax is the VMCB address again (host rax), rsp ours. */
        vmsave  %rax

        push    %rdi                    /* guest rdi */
        mov     16(%rsp), %rdi          /* regs */
        mov     %rbx, SVM_GPR_RBX(%rdi)
        mov     %rcx, SVM_GPR_RCX(%rdi)
        mov     %rdx, SVM_GPR_RDX(%rdi)
        mov     %rsi, SVM_GPR_RSI(%rdi)
        mov     %rbp, SVM_GPR_RBP(%rdi)
        mov     %r8, SVM_GPR_R8(%rdi)
        mov     %r9, SVM_GPR_R9(%rdi)
        mov     %r10, SVM_GPR_R10(%rdi)
        mov     %r11, SVM_GPR_R11(%rdi)
        mov     %r12, SVM_GPR_R12(%rdi)
        mov     %r13, SVM_GPR_R13(%rdi)
        mov     %r14, SVM_GPR_R14(%rdi)
        mov     %r15, SVM_GPR_R15(%rdi)
        popq    SVM_GPR_RDI(%rdi)

        pop     %rax                    /* host_pa */
        vmload  %rax
        stgi

        pop     %rdi                    /* regs, no longer needed */
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
        .size   svm_vmrun, . - svm_vmrun

/*
 * noreturn void x86_switch_stack_and_call(uint64_t stack_top, void (*fn)(void))
 *
 * Abandon the current stack: fn starts on an empty one (the call keeps
 * the ABI's alignment).  fn must not return.
 */
        .globl  x86_switch_stack_and_call
        .type   x86_switch_stack_and_call, @function
x86_switch_stack_and_call:
        mov     %rdi, %rsp
        xor     %ebp, %ebp
        call    *%rsi
        ud2
        .size   x86_switch_stack_and_call, . - x86_switch_stack_and_call

        .section .note.GNU-stack, "", @progbits
