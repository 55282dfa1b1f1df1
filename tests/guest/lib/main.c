/* SPDX-License-Identifier: MIT */
/*
 * main.c - the guest test runner: reads the command line from the device
 * tree (Arm) or the PVH start info (x86), runs every registered test,
 * prints one verdict line per test and a summary, then performs the final
 * act (a SCHEDOP_shutdown).
 *
 * Output grammar (docs/conformance.md):
 *   GT: <free text>
 *   TEST <name>: PASS | FAIL (<why>) | SKIP (<why>) | XFAIL-OURS (<reason>)
 *   SUMMARY <arch> <hv>: <n> tests, <n> passed, <n> failed, <n> skipped, <n> xfail-ours
 *   FINAL <name> reason=<n>
 */
#include "gt-xen.h"

struct gt_jmpbuf {
    unsigned long r[16];
};

int gt_setjmp(struct gt_jmpbuf *jb) __attribute__((returns_twice));
void gt_longjmp(struct gt_jmpbuf *jb, long val) __attribute__((noreturn));

extern const struct gt_test __gt_tests_start[], __gt_tests_end[];

struct gt_config gt_cfg;

/* ---- the current test ---------------------------------------------------- */

enum { OUT_RUNNING, OUT_SKIP };

static struct {
    const struct gt_test *test;      /* NULL outside a test */
    struct gt_jmpbuf jb;             /* leaves the test: abort, skip, trap */
    unsigned int failures;
    int outcome;
    char why[160];                   /* first failure, or the skip reason */
} cur;

static struct {
    bool active;
    struct gt_jmpbuf jb;
    struct gt_trap *trap;
} catcher;

static unsigned int trap_depth;

static void record_failure(const char *file, int line, const char *fmt, va_list ap)
{
    char msg[200];
    const char *base = file;

    for (const char *p = file; *p; p++)
        if (*p == '/')
            base = p + 1;
    gt_vsnprintf(msg, sizeof(msg), fmt, ap);
    gt_printf("  %s:%d: %s\n", base, line, msg);
    if (cur.failures++ == 0)
        gt_snprintf(cur.why, sizeof(cur.why), "%s:%d: %s", base, line, msg);
}

void gt_fail_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    record_failure(file, line, fmt, ap);
    va_end(ap);
}

void gt_abort_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    record_failure(file, line, fmt, ap);
    va_end(ap);
    if (cur.test)
        gt_longjmp(&cur.jb, 1);
    gt_printf("GT: assertion outside a test; stopping\n");
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

void gt_skip(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    gt_vsnprintf(cur.why, sizeof(cur.why), fmt, ap);
    va_end(ap);
    cur.outcome = OUT_SKIP;
    gt_longjmp(&cur.jb, 1);
}

bool gt_check_int(const char *file, int line, const char *op, const char *ta,
                  const char *tb, int64_t a, int64_t b, bool fatal)
{
    bool ok;

    if (op[0] == '=')
        ok = a == b;
    else if (op[0] == '!')
        ok = a != b;
    else if (op[0] == '<')
        ok = op[1] == '=' ? a <= b : a < b;
    else
        ok = op[1] == '=' ? a >= b : a > b;
    if (ok)
        return true;
    gt_fail_at(file, line, "expected %s %s %s: %lld (0x%llx) vs %lld (0x%llx)", ta, op,
               tb, (long long)a, (unsigned long long)a, (long long)b,
               (unsigned long long)b);
    if (fatal && cur.test)
        gt_longjmp(&cur.jb, 1);
    return false;
}

bool gt_check_uint(const char *file, int line, const char *op, const char *ta,
                   const char *tb, uint64_t a, uint64_t b, bool fatal)
{
    bool ok = op[0] == '=' ? a == b : a != b;

    if (ok)
        return true;
    gt_fail_at(file, line, "expected %s %s %s: 0x%llx vs 0x%llx", ta, op, tb,
               (unsigned long long)a, (unsigned long long)b);
    if (fatal && cur.test)
        gt_longjmp(&cur.jb, 1);
    return false;
}

bool gt_check_str(const char *file, int line, const char *ta, const char *tb,
                  const char *a, const char *b, bool fatal)
{
    if (strcmp(a, b) == 0)
        return true;
    gt_fail_at(file, line, "expected %s == %s: \"%.60s\" vs \"%.60s\"", ta, tb, a, b);
    if (fatal && cur.test)
        gt_longjmp(&cur.jb, 1);
    return false;
}

/* ---- exceptions ---------------------------------------------------------- */

const char *gt_trap_kind_name(unsigned int kind)
{
    static const char *const x86[32] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "vector 9",
        "#TS", "#NP", "#SS", "#GP", "#PF", "vector 15", "#MF", "#AC", "#MC", "#XM",
        "#VE", "#CP", "vector 22", "vector 23", "vector 24", "vector 25",
        "vector 26", "vector 27", "#HV", "#VC", "#SX", "vector 31",
    };
    static const char *const names[] = {
        [GT_TRAP_SYNC] = "synchronous", [GT_TRAP_IRQ] = "IRQ",
        [GT_TRAP_FIQ] = "FIQ", [GT_TRAP_SERROR] = "SError",
        [GT_TRAP_UNDEF] = "undefined instruction", [GT_TRAP_SVC] = "SVC",
        [GT_TRAP_PABT] = "prefetch abort", [GT_TRAP_DABT] = "data abort",
        [GT_TRAP_OTHER] = "unexpected vector",
    };

    if (kind >= GT_TRAP_X86_BASE && kind < GT_TRAP_X86_BASE + 32)
        return x86[kind - GT_TRAP_X86_BASE];
    return kind < GT_ARRAY_SIZE(names) && names[kind] ? names[kind] : "?";
}

bool gt_catch(void (*fn)(void *), void *arg, struct gt_trap *trap)
{
    memset(trap, 0, sizeof(*trap));
    catcher.trap = trap;
    if (gt_setjmp(&catcher.jb) == 0) {
        catcher.active = true;
        fn(arg);
        catcher.active = false;
        return false;
    }
    catcher.active = false;
    trap_depth = 0;
    return true;
}

struct gt_jmpbuf *gt_trap_taken(const struct gt_trap *t)
{
    if (catcher.active) {
        catcher.active = false;
        *catcher.trap = *t;
        return &catcher.jb;
    }
    if (++trap_depth > 1) {
        /* An exception while reporting one: give up quietly. */
        struct sched_shutdown sd = { .reason = SHUTDOWN_crash };

        HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
        return NULL;
    }
    gt_printf("GT: unexpected %s exception: syndrome 0x%llx addr 0x%llx pc 0x%llx "
              "spsr 0x%llx\n", gt_trap_kind_name(t->kind),
              (unsigned long long)t->syndrome, (unsigned long long)t->addr,
              (unsigned long long)t->pc, (unsigned long long)t->spsr);
    if (cur.test) {
        if (cur.failures++ == 0)
            gt_snprintf(cur.why, sizeof(cur.why),
                        "unexpected %s exception at pc 0x%llx",
                        gt_trap_kind_name(t->kind), (unsigned long long)t->pc);
        trap_depth = 0;
        return &cur.jb;
    }
    gt_printf("GT: exception outside any test; crashing the domain\n");
    gt_flush();
    {
        struct sched_shutdown sd = { .reason = SHUTDOWN_crash };

        HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
    }
    return NULL;
}

/* ---- command line -------------------------------------------------------- */

bool gt_bootarg(const char *key, char *val, size_t size)
{
    const char *p = gt_cfg.bootargs;
    size_t klen = strlen(key);

    while (p && *p) {
        size_t n;

        while (*p == ' ')
            p++;
        n = 0;
        while (p[n] && p[n] != ' ')
            n++;
        if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t vlen = n - klen - 1;

            if (vlen >= size)
                vlen = size - 1;
            memcpy(val, p + klen + 1, vlen);
            val[vlen] = '\0';
            return true;
        }
        p += n;
    }
    return false;
}

static bool selected(const char *name)
{
    const char *p = gt_cfg.only;

    if (!p || !*p)
        return true;
    while (*p) {
        size_t n = 0;

        while (p[n] && p[n] != ',' && p[n] != '+')
            n++;
        if (n && strncmp(name, p, n) == 0)
            return true;
        p += n;
        if (*p == ',' || *p == '+')
            p++;
    }
    return false;
}

/* ---- the final act -------------------------------------------------------- */

const char *gt_shutdown_reason_name(unsigned int reason)
{
    static const char *const names[] = {
        [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
        [SHUTDOWN_suspend] = "suspend", [SHUTDOWN_crash] = "crash",
        [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
    };

    return reason < GT_ARRAY_SIZE(names) ? names[reason] : NULL;
}

static unsigned long parse_ulong(const char *s)
{
    unsigned long v = 0;

    if (s[0] == '0' && s[1] == 'x') {
        for (s += 2; *s; s++) {
            unsigned int d = *s >= 'a' ? (unsigned int)(*s - 'a' + 10)
                                       : (unsigned int)(*s - '0');
            v = v * 16 + d;
        }
    } else {
        for (; *s >= '0' && *s <= '9'; s++)
            v = v * 10 + (unsigned long)(*s - '0');
    }
    return v;
}

/*
 * gt.final=NAME: a SHUTDOWN_* name, "raw:N" for any reason value, or
 * "code:NAME" for SCHEDOP_shutdown_code(NAME) followed by a poweroff.
 */
static void final_act(const char *final)
{
    struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };
    long rc;

    if (strncmp(final, "raw:", 4) == 0) {
        sd.reason = (unsigned int)parse_ulong(final + 4);
    } else if (strncmp(final, "code:", 5) == 0) {
        struct sched_shutdown code = { .reason = ~0u };

        for (unsigned int r = 0; gt_shutdown_reason_name(r); r++)
            if (strcmp(final + 5, gt_shutdown_reason_name(r)) == 0)
                code.reason = r;
        rc = HYPERVISOR_sched_op(SCHEDOP_shutdown_code, &code);
        gt_printf("GT: SCHEDOP_shutdown_code(%u) returned %ld\n", code.reason, rc);
    } else {
        for (unsigned int r = 0; gt_shutdown_reason_name(r); r++)
            if (strcmp(final, gt_shutdown_reason_name(r)) == 0)
                sd.reason = r;
    }
    gt_printf("FINAL %s reason=%u\n", final, sd.reason);
    gt_flush();
    rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);

    /* Still here: the hypervisor refused or ignored the shutdown. */
    gt_printf("GT: SCHEDOP_shutdown(%u) returned %ld\n", sd.reason, rc);
    sd.reason = SHUTDOWN_poweroff;
    HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
    gt_printf("GT: SCHEDOP_shutdown(poweroff) returned too; spinning\n");
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

/* ---- main ---------------------------------------------------------------- */

static const char *hv_name(enum gt_hv hv)
{
    return hv == GT_HV_XEN ? "xen" : hv == GT_HV_OURS ? "ours" : "unknown";
}

void gt_main(uintptr_t boot, uintptr_t load);
#if GT_ARCH_X86
const char *gt_x86_cmdline(void);
unsigned int gt_x86_count_cpus(void);
#endif

/* Run one test; afterwards cur holds its outcome.  Kept apart from the
 * loop so that no counter lives across the setjmp. */
static void __attribute__((noinline)) run_one(const struct gt_test *t)
{
    memset(&cur, 0, sizeof(cur));
    cur.test = t;
    if (gt_setjmp(&cur.jb) == 0)
        t->fn();
    cur.test = NULL;
    catcher.active = false;
    trap_depth = 0;
}

/* boot: the device tree (Arm) or struct hvm_start_info (x86). */
void gt_main(uintptr_t boot, uintptr_t load)
{
    static char hv[16], only[128], final[32];
    unsigned int total = 0, passed = 0, failed = 0, skipped = 0, xfailed = 0;

    gt_cfg.load = load;
#if GT_ARCH_X86
    gt_cfg.start_info = boot;
    gt_printf("GT: %s guest test kernel running at %p, start info at %p\n",
              GT_ARCH_NAME, (void *)load, (void *)boot);
    gt_cfg.bootargs = gt_x86_cmdline();
    gt_cfg.nr_cpus = gt_x86_count_cpus();
    gt_printf("GT: bootargs \"%s\", %u cpu(s) in the MADT\n", gt_cfg.bootargs,
              gt_cfg.nr_cpus);
#else
    {
        uint32_t len = 0;
        const char *args;

        gt_cfg.dtb = boot;
        gt_printf("GT: %s guest test kernel running at %p, device tree at %p\n",
                  GT_ARCH_NAME, (void *)load, (void *)boot);
        args = gt_fdt_getprop((const void *)boot, "/chosen", "bootargs", &len);
        if (args && len && args[len - 1] == '\0')
            gt_cfg.bootargs = args;
        else
            gt_cfg.bootargs = "";
        gt_cfg.nr_cpus = gt_fdt_count_cpus((const void *)boot);
        gt_printf("GT: bootargs \"%s\", %u cpu node(s)\n", gt_cfg.bootargs,
                  gt_cfg.nr_cpus);
    }
#endif

    if (gt_bootarg("gt.hv", hv, sizeof(hv)))
        gt_cfg.hv = strcmp(hv, "xen") == 0 ? GT_HV_XEN
                  : strcmp(hv, "ours") == 0 ? GT_HV_OURS : GT_HV_UNKNOWN;
    if (gt_bootarg("gt.only", only, sizeof(only)))
        gt_cfg.only = only;
    gt_cfg.final = gt_bootarg("gt.final", final, sizeof(final)) ? final : "poweroff";

    for (const struct gt_test *t = __gt_tests_start; t < __gt_tests_end; t++) {
        if (!selected(t->name))
            continue;
        total++;
        run_one(t);

        if (cur.outcome == OUT_SKIP) {
            skipped++;
            gt_printf("TEST %s: SKIP (%s)\n", t->name, cur.why);
        } else if (cur.failures == 0) {
            passed++;
            gt_printf("TEST %s: PASS\n", t->name);
            if (t->xfail_ours && gt_cfg.hv == GT_HV_OURS)
                gt_printf("GT: note: %s passes on ours; drop its XFAIL-OURS mark\n",
                          t->name);
        } else if (t->xfail_ours && gt_cfg.hv == GT_HV_OURS) {
            xfailed++;
            gt_printf("TEST %s: XFAIL-OURS (%s)\n", t->name, t->xfail_ours);
        } else {
            failed++;
            if (cur.failures > 1)
                gt_printf("TEST %s: FAIL (%s; %u failures)\n", t->name, cur.why,
                          cur.failures);
            else
                gt_printf("TEST %s: FAIL (%s)\n", t->name, cur.why);
        }
    }

    gt_printf("SUMMARY %s %s: %u tests, %u passed, %u failed, %u skipped, %u xfail-ours\n",
              GT_ARCH_NAME, hv_name(gt_cfg.hv), total, passed, failed, skipped, xfailed);
    final_act(gt_cfg.final);
}
