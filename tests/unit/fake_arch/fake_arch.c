/* The fake architecture (see fake_arch.h). */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/arch.h>
#include <xen/console.h>
#include "fake_arch.h"

static unsigned char *arena;
static uint64_t arena_base;
static size_t arena_size;

static __thread unsigned int cur_cpu;
static bool irq_on[CONFIG_NR_CPUS];
static uint64_t clock_ns;
static uint64_t deadlines[CONFIG_NR_CPUS];
static unsigned long programs[CONFIG_NR_CPUS];
static unsigned long ipis[CONFIG_NR_CPUS];

__thread jmp_buf *fake_panic_jmp;
__thread char fake_panic_msg[256];
unsigned long fake_panics;

static char **printk_log;          /* every line printed, for counting */
static unsigned long printk_lines;
static bool printk_quiet;
static pthread_mutex_t printk_mutex = PTHREAD_MUTEX_INITIALIZER;

/* ------------------------------------------------------------ memory */

void fake_mem_init(uint64_t base, size_t size)
{
    fake_mem_release();
    if (posix_memalign((void **)&arena, 4096, size)) {
        fprintf(stderr, "fake_mem_init: cannot allocate %zu bytes\n", size);
        abort();
    }
    arena_base = base;
    arena_size = size;
}

void fake_mem_release(void)
{
    free(arena);
    arena = NULL;
    arena_size = 0;
}

void *fake_mem_arena(void) { return arena; }
uint64_t fake_mem_base(void) { return arena_base; }
size_t fake_mem_size(void) { return arena_size; }

void *arch_maddr_to_virt(paddr_t ma)
{
    if (ma < arena_base || ma - arena_base >= arena_size) {
        fprintf(stderr, "arch_maddr_to_virt(%#llx): outside fake RAM [%#llx, +%#zx)\n",
                (unsigned long long)ma, (unsigned long long)arena_base, arena_size);
        abort();
    }
    return arena + (ma - arena_base);
}

paddr_t arch_virt_to_maddr(const void *va)
{
    const unsigned char *p = va;

    /* Not in the direct map: an address no RAM can have. */
    if (!arena || p < arena || (size_t)(p - arena) >= arena_size)
        return 0xfff0000000000000ULL | ((uintptr_t)va & 0xfff);
    return arena_base + (uint64_t)(p - arena);
}

void arch_heap_prepare(struct boot_info *bi)
{
    (void)bi;
}

/* ------------------------------------------------------------ CPUs, IRQs */

void fake_set_cpu(unsigned int cpu)
{
    if (cpu >= CONFIG_NR_CPUS)
        abort();
    cur_cpu = cpu;
}

unsigned int fake_get_cpu(void) { return cur_cpu; }
unsigned int arch_smp_processor_id(void) { return cur_cpu; }

bool fake_irqs_enabled(unsigned int cpu) { return __atomic_load_n(&irq_on[cpu], __ATOMIC_RELAXED); }
void fake_set_irqs(unsigned int cpu, bool on) { __atomic_store_n(&irq_on[cpu], on, __ATOMIC_RELAXED); }

unsigned long arch_irq_save(void)
{
    unsigned long was = fake_irqs_enabled(cur_cpu);

    fake_set_irqs(cur_cpu, false);
    return was;
}

void arch_irq_restore(unsigned long flags) { fake_set_irqs(cur_cpu, flags != 0); }
void arch_irq_enable(void) { fake_set_irqs(cur_cpu, true); }
void arch_irq_disable(void) { fake_set_irqs(cur_cpu, false); }
bool arch_irqs_enabled(void) { return fake_irqs_enabled(cur_cpu); }

void (*fake_relax_hook)(void);

void arch_cpu_relax(void)
{
    if (fake_relax_hook)
        fake_relax_hook();
    else
        sched_yield();
}
void arch_idle_wait(void) { sched_yield(); }

void arch_send_softirq_ipi(unsigned int cpu)
{
    __atomic_fetch_add(&ipis[cpu], 1, __ATOMIC_RELAXED);
}

unsigned long fake_ipis(unsigned int cpu) { return __atomic_load_n(&ipis[cpu], __ATOMIC_RELAXED); }

void arch_init_late(struct boot_info *bi) { (void)bi; }

noreturn void arch_halt(void)
{
    fprintf(stderr, "arch_halt() called\n");
    abort();
}

/* ------------------------------------------------------------ time */

void fake_clock_set(uint64_t ns) { __atomic_store_n(&clock_ns, ns, __ATOMIC_SEQ_CST); }
void fake_clock_advance(uint64_t ns) { __atomic_fetch_add(&clock_ns, ns, __ATOMIC_SEQ_CST); }
uint64_t fake_clock(void) { return __atomic_load_n(&clock_ns, __ATOMIC_SEQ_CST); }
uint64_t arch_now_ns(void) { return fake_clock(); }

void arch_timer_program(uint64_t deadline_ns)
{
    __atomic_store_n(&deadlines[cur_cpu], deadline_ns, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&programs[cur_cpu], 1, __ATOMIC_RELAXED);
}

uint64_t fake_timer_deadline(unsigned int cpu) { return __atomic_load_n(&deadlines[cpu], __ATOMIC_SEQ_CST); }
unsigned long fake_timer_programs(unsigned int cpu) { return __atomic_load_n(&programs[cpu], __ATOMIC_RELAXED); }

void fake_reset(void)
{
    cur_cpu = 0;
    for (unsigned int i = 0; i < CONFIG_NR_CPUS; i++) {
        irq_on[i] = true;
        deadlines[i] = 0;
        programs[i] = 0;
        ipis[i] = 0;
    }
    clock_ns = 0;
}

/* ------------------------------------------------------------ console */

int vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    pthread_mutex_lock(&printk_mutex);
    printk_log = realloc(printk_log, (printk_lines + 1) * sizeof(*printk_log));
    if (!printk_log || !(printk_log[printk_lines] = strdup(buf)))
        abort();
    printk_lines++;
    if (!printk_quiet)
        printf("[printk] %s", buf);
    pthread_mutex_unlock(&printk_mutex);
    return n;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

unsigned long fake_printk_count(const char *prefix)
{
    unsigned long n = 0;

    if (!prefix)
        return printk_lines;
    for (unsigned long i = 0; i < printk_lines; i++)
        if (!strncmp(printk_log[i], prefix, strlen(prefix)))
            n++;
    return n;
}

void fake_printk_quiet(bool quiet) { printk_quiet = quiet; }

noreturn void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(fake_panic_msg, sizeof(fake_panic_msg), fmt, ap);
    va_end(ap);
    __atomic_fetch_add(&fake_panics, 1, __ATOMIC_RELAXED);
    if (fake_panic_jmp)
        longjmp(*fake_panic_jmp, 1);
    fprintf(stderr, "unexpected panic: %s\n", fake_panic_msg);
    abort();
}

/* ------------------------------------------------------------ continuations */

struct fake_continuation fake_cont;

__attribute__((weak))
unsigned long hypercall_create_continuation(unsigned int op, const char *format, ...)
{
    va_list ap;

    fake_cont.count++;
    fake_cont.op = op;
    fake_cont.nargs = 0;
    va_start(ap, format);
    for (; *format && fake_cont.nargs < 5; format++) {
        uint64_t v;

        switch (*format) {
        case 'i': v = va_arg(ap, unsigned int); break;
        case 'h': v = (uint64_t)(uintptr_t)va_arg(ap, void *); break;
        case 'l': v = va_arg(ap, unsigned long); break;
        default: abort();
        }
        fake_cont.args[fake_cont.nargs++] = v;
    }
    va_end(ap);
    return op;
}
