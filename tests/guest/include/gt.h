/* SPDX-License-Identifier: MIT */
/*
 * gt.h - the guest test framework: test registration, expectations,
 * verdicts, console output and exception catching.
 *
 * Every test kernel is built from the same sources for arm64 (Linux Image,
 * AArch64 EL1) and arm32 (zImage, AArch32 SVC mode).  Tests include this
 * header and gt-xen.h, and nothing else.
 */
#ifndef GT_H
#define GT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- registration ------------------------------------------------------ */

struct gt_test {
    const char *name;        /* "area.what", printed in the verdict line */
    void (*fn)(void);
    const char *xfail_ours;  /* non-NULL: known to fail on our hypervisor */
};

#define GT_TEST_ENTRY_(id, tname, why)                                       \
    static void gt_fn_##id(void);                                            \
    static const struct gt_test gt_entry_##id                                \
        __attribute__((used, section(".gt_tests"),                           \
                       aligned(sizeof(void *)))) = { tname, gt_fn_##id, why }; \
    static void gt_fn_##id(void)

/* GT_TEST(c_identifier, "printed.name") { body } */
#define GT_TEST(id, tname) GT_TEST_ENTRY_(id, tname, NULL)

/*
 * A test that real Xen passes but our hypervisor does not (yet): on ours
 * a failure is reported as XFAIL-OURS (why) instead of FAIL.  On real Xen
 * it must pass like any other test.
 */
#define GT_TEST_XFAIL_OURS(id, tname, why) GT_TEST_ENTRY_(id, tname, why)

/* ---- expectations ------------------------------------------------------ */

/* Record a failure and go on with the test. */
void gt_fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Record a failure and leave the test now. */
void gt_abort_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
/* Leave the test now with SKIP (why). */
void gt_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

bool gt_check_int(const char *file, int line, const char *op, const char *ta,
                  const char *tb, int64_t a, int64_t b, bool fatal);
bool gt_check_uint(const char *file, int line, const char *op, const char *ta,
                   const char *tb, uint64_t a, uint64_t b, bool fatal);
bool gt_check_str(const char *file, int line, const char *ta, const char *tb,
                  const char *a, const char *b, bool fatal);

/* Signed comparisons: hypercall results, errno values. */
#define GT_CMP_(op, a, b, fatal) \
    gt_check_int(__FILE__, __LINE__, #op, #a, #b, (int64_t)(a), (int64_t)(b), fatal)
#define EXPECT_EQ(a, b) GT_CMP_(==, a, b, false)
#define EXPECT_NE(a, b) GT_CMP_(!=, a, b, false)
#define EXPECT_LT(a, b) GT_CMP_(<, a, b, false)
#define EXPECT_LE(a, b) GT_CMP_(<=, a, b, false)
#define EXPECT_GT(a, b) GT_CMP_(>, a, b, false)
#define EXPECT_GE(a, b) GT_CMP_(>=, a, b, false)
#define ASSERT_EQ(a, b) GT_CMP_(==, a, b, true)
#define ASSERT_GE(a, b) GT_CMP_(>=, a, b, true)

/* Unsigned comparisons, printed in hex: masks, addresses, register values. */
#define GT_UCMP_(op, a, b, fatal) \
    gt_check_uint(__FILE__, __LINE__, #op, #a, #b, (uint64_t)(a), (uint64_t)(b), fatal)
#define EXPECT_XEQ(a, b) GT_UCMP_(==, a, b, false)
#define EXPECT_XNE(a, b) GT_UCMP_(!=, a, b, false)
#define ASSERT_XEQ(a, b) GT_UCMP_(==, a, b, true)

#define EXPECT_TRUE(c) \
    ((c) ? true : (gt_fail_at(__FILE__, __LINE__, "EXPECT_TRUE(%s) failed", #c), false))
#define ASSERT_TRUE(c) \
    ((c) ? (void)0 : gt_abort_at(__FILE__, __LINE__, "ASSERT_TRUE(%s) failed", #c))
#define EXPECT_STREQ(a, b) gt_check_str(__FILE__, __LINE__, #a, #b, a, b, false)

/* ---- output ------------------------------------------------------------ */

int gt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int gt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Line-buffered output through HYPERVISOR_console_io(CONSOLEIO_write). */
void gt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gt_puts_raw(const char *s, size_t len);
void gt_flush(void);
/* Print up to max bytes of a string from the hypervisor, escaped. */
void gt_print_field(const char *label, const char *s, size_t max);

/* ---- small library ----------------------------------------------------- */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Unsigned 64-bit division without a libgcc helper (arm32 has none). */
uint64_t gt_udiv64(uint64_t n, uint64_t d, uint64_t *rem);

/* ---- the run ----------------------------------------------------------- */

enum gt_hv { GT_HV_UNKNOWN, GT_HV_XEN, GT_HV_OURS };

struct gt_config {
    enum gt_hv hv;           /* gt.hv=xen|ours on the dom0 command line */
    const char *only;        /* gt.only=PREFIX[+PREFIX...]; "none" = no tests */
    const char *final;       /* gt.final=poweroff|reboot|... */
    const char *bootargs;    /* the whole /chosen/bootargs (x86: the PVH
                                start info's command line) */
    unsigned int nr_cpus;    /* Arm: /cpus/cpu@N nodes in the device tree;
                                x86: enabled CPUs in the ACPI MADT */
    uintptr_t dtb;           /* Arm: physical address of the device tree */
    uintptr_t start_info;    /* x86: physical address of struct hvm_start_info */
    uintptr_t load;          /* where the image runs */
    volatile void *shared_info;  /* where a test mapped dom0's shared_info
                                    (Xen on Arm maps it only once), else NULL */
    volatile void *vcpu0_info;   /* where a test registered vCPU 0's vcpu_info
                                    (Xen updates only that one), else NULL */
};
extern struct gt_config gt_cfg;

/* Look a "key=value" up on the command line; copies value, NUL-terminated. */
bool gt_bootarg(const char *key, char *val, size_t size);

/* The device tree: returns a property of a node given by path, or NULL. */
const void *gt_fdt_getprop(const void *fdt, const char *path, const char *prop,
                           uint32_t *len);
unsigned int gt_fdt_count_cpus(const void *fdt);

/* ---- exceptions -------------------------------------------------------- */

enum gt_trap_kind {
    GT_TRAP_SYNC,        /* arm64: synchronous; ESR says what */
    GT_TRAP_IRQ,
    GT_TRAP_FIQ,
    GT_TRAP_SERROR,
    GT_TRAP_UNDEF,       /* arm32: undefined instruction */
    GT_TRAP_SVC,         /* arm32: supervisor call */
    GT_TRAP_PABT,        /* arm32: prefetch abort */
    GT_TRAP_DABT,        /* arm32: data abort */
    GT_TRAP_OTHER,
    GT_TRAP_X86_BASE = 32,   /* x86: GT_TRAP_X86_BASE + the exception vector */
};

struct gt_trap {
    unsigned int kind;   /* enum gt_trap_kind */
    uint64_t syndrome;   /* arm64: ESR_EL1; arm32: DFSR/IFSR (0 for undef);
                            x86: the error code (0 if the vector has none) */
    uint64_t addr;       /* arm64: FAR_EL1; arm32: DFAR/IFAR (0 for undef);
                            x86: CR2 for #PF, else 0 */
    uint64_t pc;         /* arm64: ELR_EL1; arm32: the exception mode's LR;
                            x86: the saved RIP/EIP */
    uint64_t spsr;       /* saved program status (x86: RFLAGS/EFLAGS) */
};

/*
 * Run fn(arg); if it takes an exception, record it in *trap and return
 * true: execution resumes here, past the faulting instruction and whatever
 * fn had left to do.  Returns false if fn returned normally.
 */
bool gt_catch(void (*fn)(void *), void *arg, struct gt_trap *trap);
const char *gt_trap_kind_name(unsigned int kind);

/* Called by the architecture's exception entry: where to resume, or NULL. */
struct gt_jmpbuf;
struct gt_jmpbuf *gt_trap_taken(const struct gt_trap *t);

#endif /* GT_H */
