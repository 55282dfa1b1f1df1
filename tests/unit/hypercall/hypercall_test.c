/*
 * Runtime checks of the generated hypercall dispatchers against an
 * independent copy of Xen 4.17's table (which handler serves which number
 * for which guest kind).  Built twice: -DTEST_X86 with every x86 feature on
 * (columns pv32 pv64 hvm32 hvm64) and -DTEST_ARM (arm32 arm64), each against
 * a header generated from the real xen/include/hypercall-defs.txt and the
 * fakes mkfakes.py wrote for its prototypes.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_env.h"
#include "handles.h"
#include "hypercall-defs.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define STR_(x) #x
#define STR(x) STR_(x)

/* ------------------------------------------------------------------ spec */

enum { PV32, PV64, HVM32, HVM64, ARM32, ARM64, NR_KINDS };
static const char *const kind_name[NR_KINDS] = {
    "pv32", "pv64", "hvm32", "hvm64", "arm32", "arm64",
};

/* Xen 4.17: per guest kind, "prefix", "prefix:priority" or "-". */
static const struct {
    unsigned int nr;
    const char *name;
    const char *cell[NR_KINDS];
} spec[] = {
    /*  nr  name                             pv32        pv64    hvm32       hvm64   arm32     arm64 */
    {  0, "set_trap_table",                { "compat",   "do",   "-",        "-",    "-",      "-" } },
    {  1, "mmu_update",                    { "do:1",     "do:1", "-",        "-",    "-",      "-" } },
    {  2, "set_gdt",                       { "compat",   "do",   "-",        "-",    "-",      "-" } },
    {  3, "stack_switch",                  { "do:2",     "do:2", "-",        "-",    "-",      "-" } },
    {  4, "set_callbacks",                 { "compat",   "do",   "-",        "-",    "-",      "-" } },
    {  5, "fpu_taskswitch",                { "do",       "do",   "-",        "-",    "-",      "-" } },
    {  6, "sched_op_compat",               { "do",       "do",   "-",        "-",    "dep",    "dep" } },
    {  7, "platform_op",                   { "compat",   "do",   "compat",   "do",   "do",     "do" } },
    {  8, "set_debugreg",                  { "do",       "do",   "-",        "-",    "-",      "-" } },
    {  9, "get_debugreg",                  { "do",       "do",   "-",        "-",    "-",      "-" } },
    { 10, "update_descriptor",             { "compat",   "do",   "-",        "-",    "-",      "-" } },
    { 12, "memory_op",                     { "compat",   "do",   "hvm",      "hvm",  "arm32",  "do" } },
    { 13, "multicall",                     { "compat:2", "do:2", "compat",   "do",   "do",     "do" } },
    { 14, "update_va_mapping",             { "compat",   "do",   "-",        "-",    "-",      "-" } },
    { 15, "set_timer_op",                  { "compat",   "do",   "compat",   "do",   "-",      "-" } },
    { 16, "event_channel_op_compat",       { "do",       "do",   "-",        "-",    "dep",    "dep" } },
    { 17, "xen_version",                   { "compat",   "do",   "compat",   "do",   "do",     "do" } },
    { 18, "console_io",                    { "do",       "do",   "do",       "do",   "do",     "do" } },
    { 19, "physdev_op_compat",             { "compat",   "do",   "-",        "-",    "dep",    "dep" } },
    { 20, "grant_table_op",                { "compat",   "do",   "hvm",      "hvm",  "do",     "do" } },
    { 21, "vm_assist",                     { "do",       "do",   "do",       "do",   "do",     "do" } },
    { 22, "update_va_mapping_otherdomain", { "compat",   "do",   "-",        "-",    "-",      "-" } },
    { 23, "iret",                          { "compat:1", "do:1", "-",        "-",    "-",      "-" } },
    { 24, "vcpu_op",                       { "compat",   "do",   "compat:1", "do:1", "do",     "do" } },
    { 25, "set_segment_base",              { "do:2",     "do:2", "-",        "-",    "-",      "-" } },
    { 26, "mmuext_op",                     { "compat:2", "do:2", "compat",   "do",   "-",      "-" } },
    { 27, "xsm_op",                        { "compat",   "do",   "compat",   "do",   "do",     "do" } },
    { 28, "nmi_op",                        { "compat",   "do",   "-",        "-",    "-",      "-" } },
    { 29, "sched_op",                      { "compat",   "do",   "compat",   "do",   "do",     "do" } },
    { 30, "callback_op",                   { "compat",   "do",   "-",        "-",    "-",      "-" } },
    { 31, "xenoprof_op",                   { "compat",   "do",   "-",        "-",    "-",      "-" } },
    { 32, "event_channel_op",              { "do",       "do",   "do:1",     "do:1", "do:1",   "do:1" } },
    { 33, "physdev_op",                    { "compat",   "do",   "hvm",      "hvm",  "do_arm", "do_arm" } },
    { 34, "hvm_op",                        { "do",       "do",   "do",       "do",   "do",     "do" } },
    { 35, "sysctl",                        { "do",       "do",   "do",       "do",   "do",     "do" } },
    { 36, "domctl",                        { "do",       "do",   "do",       "do",   "do",     "do" } },
    { 37, "kexec_op",                      { "compat",   "do",   "-",        "-",    "-",      "-" } },
    { 38, "tmem_op",                       { "-",        "-",    "-",        "-",    "-",      "-" } },
    { 39, "argo_op",                       { "compat",   "do",   "compat",   "do",   "do",     "do" } },
    { 40, "xenpmu_op",                     { "do",       "do",   "do",       "do",   "-",      "-" } },
    { 41, "dm_op",                         { "compat",   "do",   "compat",   "do",   "do",     "do" } },
    { 42, "hypfs_op",                      { "do",       "do",   "do",       "do",   "do",     "do" } },
    { 48, "mca",                           { "do",       "do",   "-",        "-",    "-",      "-" } },
    { 49, "paging_domctl_cont",            { "do",       "do",   "do",       "do",   "-",      "-" } },
};

/* Split a spec cell into handler name and priority (100 = unmarked). */
static bool expected_handler(unsigned int nr, int kind, char *buf, size_t len,
                             int *prio)
{
    for (size_t i = 0; i < ARRAY_SIZE(spec); i++) {
        if (spec[i].nr != nr)
            continue;
        const char *cell = spec[i].cell[kind];
        if (strcmp(cell, "-") == 0)
            return false;
        const char *colon = strchr(cell, ':');
        size_t plen = colon ? (size_t)(colon - cell) : strlen(cell);
        snprintf(buf, len, "%.*s_%s", (int)plen, cell, spec[i].name);
        *prio = colon ? atoi(colon + 1) : 100;
        return true;
    }
    return false;
}

static bool spec_has_row(unsigned int nr, int kind)
{
    for (size_t i = 0; i < ARRAY_SIZE(spec); i++)
        if (spec[i].nr == nr)
            return strcmp(spec[i].cell[kind], "-") != 0;
    return false;
}

/* ------------------------------------------------------------ recording */

static struct call_record last_call;
static unsigned int call_count;
static unsigned int *fake_hits;

long test_record(struct call_record *r)
{
    for (unsigned int i = 0; i < test_nr_fakes; i++) {
        if (strcmp(test_fakes[i].handler, r->handler) == 0) {
            fake_hits[i]++;
            r->ret = 1000 + (long)i;    /* unique per handler, fits an int */
            break;
        }
    }
    last_call = *r;
    call_count++;
    return r->ret;
}

/* -------------------------------------------------------------- columns */

#define RET_UNSET 0x5eedL

#define DISPATCHER(kind)                                                     \
    static long dispatch_##kind(unsigned long nr, const uint64_t a[5])      \
    {                                                                        \
        long ret = RET_UNSET;                                                \
        call_handlers_##kind(nr, ret, a[0], a[1], a[2], a[3], a[4]);         \
        return ret;                                                          \
    }                                                                        \
    static const unsigned char args_##kind[] = hypercall_args_##kind;       \
    static const char expansion_##kind[] =                                   \
        STR(call_handlers_##kind(nr, ret, a1, a2, a3, a4, a5));

struct column {
    int kind;
    long (*dispatch)(unsigned long nr, const uint64_t a[5]);
    const unsigned char *args;
    size_t args_len;
    const char *expansion;
};

#define COLUMN(kind, KIND) \
    { KIND, dispatch_##kind, args_##kind, sizeof(args_##kind), expansion_##kind }

#if defined(TEST_X86)
DISPATCHER(pv32)
DISPATCHER(pv64)
DISPATCHER(hvm32)
DISPATCHER(hvm64)
static const struct column columns[] = {
    COLUMN(pv32, PV32), COLUMN(pv64, PV64), COLUMN(hvm32, HVM32), COLUMN(hvm64, HVM64),
};
/* The negative numbers go straight into the macro, as a plain int would. */
static long direct_negative(int nr, const uint64_t a[5])
{
    long ret = RET_UNSET;
    call_handlers_pv64(nr, ret, a[0], a[1], a[2], a[3], a[4]);
    return ret;
}
#elif defined(TEST_ARM)
DISPATCHER(arm32)
DISPATCHER(arm64)
static const struct column columns[] = {
    COLUMN(arm32, ARM32), COLUMN(arm64, ARM64),
};
static long direct_negative(int nr, const uint64_t a[5])
{
    long ret = RET_UNSET;
    call_handlers_arm64(nr, ret, a[0], a[1], a[2], a[3], a[4]);
    return ret;
}
#else
#error "build with -DTEST_X86 or -DTEST_ARM"
#endif

/* --------------------------------------------------------------- checks */

static unsigned int failures;
static unsigned int group_failures;

#define FAIL(...) do {                                  \
    failures++;                                         \
    group_failures++;                                   \
    if (group_failures <= 20) {                         \
        printf("    FAIL: ");                           \
        printf(__VA_ARGS__);                            \
        printf("\n");                                   \
    }                                                   \
} while (0)

static void group_start(void)
{
    group_failures = 0;
}

static void group_end(const char *what, unsigned int checked)
{
    printf("%s %s (%u checks)\n", group_failures ? "FAIL" : "ok  ", what, checked);
}

static unsigned int args_for(const struct column *c, unsigned long nr)
{
    return nr < c->args_len ? c->args[nr] : 0;
}

/* The value a parameter of the recorded size/signedness must have seen. */
static uint64_t converted(uint64_t raw, unsigned int size, bool is_signed)
{
    if (size == 0 || size >= 8)
        return raw;
    uint64_t mask = (1ULL << (size * 8)) - 1;
    uint64_t v = raw & mask;
    if (is_signed && (v >> (size * 8 - 1)))
        v |= ~mask;
    return v;
}

/* Input sets: small values survive every conversion; the others have high
 * bits set so truncation and sign extension show. */
static const uint64_t inputs[][5] = {
    { 0x11, 0x22, 0x33, 0x44, 0x55 },
    { 0x8123456789abcdefULL, 0xfedcba9876543210ULL, 0x00000000fffffffeULL,
      0x7fffffff80000001ULL, 0xa5a5a5a5a5a5a5a5ULL },
};

static void check_routing(const struct column *c)
{
    char want[96];
    int prio;
    unsigned int checked = 0;
    char what[64];

    group_start();
    for (unsigned int nr = 0; nr < 64; nr++) {
        if (!expected_handler(nr, c->kind, want, sizeof(want), &prio))
            continue;
        for (size_t in = 0; in < ARRAY_SIZE(inputs); in++) {
            unsigned int before = call_count;
            long ret = c->dispatch(nr, inputs[in]);
            checked++;
            if (call_count != before + 1) {
                FAIL("%s nr %u: %u handler calls, expected 1 (%s)",
                     kind_name[c->kind], nr, call_count - before, want);
                continue;
            }
            if (strcmp(last_call.handler, want) != 0) {
                FAIL("%s nr %u reached %s, expected %s",
                     kind_name[c->kind], nr, last_call.handler, want);
                continue;
            }
            if (ret != last_call.ret)
                FAIL("%s nr %u: ret %ld, handler returned %ld",
                     kind_name[c->kind], nr, ret, last_call.ret);
            for (unsigned int i = 0; i < last_call.nargs; i++) {
                uint64_t exp = converted(inputs[in][i], last_call.size[i],
                                         last_call.is_signed[i]);
                if (last_call.args[i] != exp)
                    FAIL("%s %s arg %u: got %#llx, expected %#llx",
                         kind_name[c->kind], want, i + 1,
                         (unsigned long long)last_call.args[i],
                         (unsigned long long)exp);
            }
        }
    }
    snprintf(what, sizeof(what), "routing %s: right handler, arguments, result",
             kind_name[c->kind]);
    group_end(what, checked);
}

static void expect_enosys(const struct column *c, unsigned long nr,
                          const char *why, unsigned int *checked)
{
    unsigned int before = call_count;
    long ret = c->dispatch(nr, inputs[1]);
    (*checked)++;
    if (ret != -ENOSYS || call_count != before)
        FAIL("%s nr %#lx (%s): ret %ld after %u handler calls, expected -ENOSYS",
             kind_name[c->kind], nr, why, ret, call_count - before);
}

static void check_unsupported(const struct column *c)
{
    unsigned int checked = 0;
    char what[80];

    group_start();
    /* '-' cells and numbers without a row. */
    for (unsigned int nr = 0; nr < 64; nr++)
        if (!spec_has_row(nr, c->kind))
            expect_enosys(c, nr, "unsupported", &checked);
    /* Beyond the table, including values whose low bits name a hypercall. */
    static const unsigned long big[] = {
        64, 65, 100, 127, 128, 255, 256, 1000, 0xffff, 0x10000,
        0x100000001UL, 0x100000020UL, 0x8000000000000018UL,
        (unsigned long)LONG_MAX, ULONG_MAX, ULONG_MAX - 31,
    };
    for (size_t i = 0; i < ARRAY_SIZE(big); i++)
        expect_enosys(c, big[i], "out of range", &checked);
    /* Negative numbers through an unsigned long. */
    static const long negative[] = { -1, -2, -32, -64, LONG_MIN, INT_MIN };
    for (size_t i = 0; i < ARRAY_SIZE(negative); i++)
        expect_enosys(c, (unsigned long)negative[i], "negative", &checked);
    snprintf(what, sizeof(what), "unknown/unsupported %s: '-', >63, negative give -ENOSYS",
             kind_name[c->kind]);
    group_end(what, checked);
}

static void check_negative_int(void)
{
    static const int nrs[] = { -1, -32, -33, INT_MIN, INT_MAX };
    unsigned int checked = 0;

    group_start();
    for (size_t i = 0; i < ARRAY_SIZE(nrs); i++) {
        unsigned int before = call_count;
        long ret = direct_negative(nrs[i], inputs[0]);
        checked++;
        if (ret != -ENOSYS || call_count != before)
            FAIL("int number %d: ret %ld, expected -ENOSYS", nrs[i], ret);
    }
    group_end("negative int numbers passed straight to the macro give -ENOSYS", checked);
}

static void check_arg_counts(const struct column *c)
{
    char want[96];
    int prio;
    unsigned int checked = 0;
    char what[64];

    group_start();
    for (unsigned int nr = 0; nr < 64; nr++) {
        checked++;
        if (!expected_handler(nr, c->kind, want, sizeof(want), &prio)) {
            if (args_for(c, nr) != 0)
                FAIL("%s: hypercall_args[%u] = %u for an unsupported number",
                     kind_name[c->kind], nr, args_for(c, nr));
            continue;
        }
        bool found = false;
        for (unsigned int f = 0; f < test_nr_fakes; f++) {
            if (strcmp(test_fakes[f].handler, want) == 0) {
                found = true;
                if (args_for(c, nr) != test_fakes[f].nargs)
                    FAIL("%s: hypercall_args[%u] = %u, but %s takes %u",
                         kind_name[c->kind], nr, args_for(c, nr), want,
                         test_fakes[f].nargs);
            }
        }
        if (!found)
            FAIL("%s: no prototype for %s", kind_name[c->kind], want);
    }
    if (c->args_len > 64)
        FAIL("%s: hypercall_args has %zu entries", kind_name[c->kind], c->args_len);
    snprintf(what, sizeof(what), "argument counts %s match the prototypes",
             kind_name[c->kind]);
    group_end(what, checked);
}

/* Position of "= handler(" in the macro's expansion, or -1. */
static long call_position(const char *expansion, const char *handler)
{
    char needle[112];
    snprintf(needle, sizeof(needle), "= %s(", handler);
    const char *p = strstr(expansion, needle);
    return p ? p - expansion : -1;
}

static void check_priorities(const struct column *c)
{
    char a[96], b[96];
    int pa, pb;
    unsigned int checked = 0;
    char what[64];

    group_start();
    for (unsigned int x = 0; x < 64; x++) {
        if (!expected_handler(x, c->kind, a, sizeof(a), &pa))
            continue;
        long pos_a = call_position(c->expansion, a);
        if (pos_a < 0) {
            FAIL("%s: %s not in the expansion", kind_name[c->kind], a);
            continue;
        }
        for (unsigned int y = 0; y < 64; y++) {
            if (!expected_handler(y, c->kind, b, sizeof(b), &pb) || pa >= pb)
                continue;
            checked++;
            long pos_b = call_position(c->expansion, b);
            if (pos_b >= 0 && pos_a > pos_b)
                FAIL("%s: %s (priority %d) is tested after %s (priority %d)",
                     kind_name[c->kind], a, pa, b, pb);
        }
    }
    snprintf(what, sizeof(what), "priorities %s order the tests", kind_name[c->kind]);
    group_end(what, checked);
}

static void check_all_reached(void)
{
    group_start();
    for (unsigned int f = 0; f < test_nr_fakes; f++)
        if (!fake_hits[f])
            FAIL("prototype %s is declared but no column dispatches to it",
                 test_fakes[f].handler);
    group_end("every declared handler is reachable from some column", test_nr_fakes);
}

int main(void)
{
    fake_hits = calloc(test_nr_fakes, sizeof(*fake_hits));
    if (!fake_hits)
        return 2;

    for (size_t i = 0; i < ARRAY_SIZE(columns); i++) {
        check_routing(&columns[i]);
        check_unsupported(&columns[i]);
        check_arg_counts(&columns[i]);
        check_priorities(&columns[i]);
    }
    check_negative_int();
    check_all_reached();

    free(fake_hits);
    if (failures) {
        printf("%u failure(s)\n", failures);
        return 1;
    }
    return 0;
}
