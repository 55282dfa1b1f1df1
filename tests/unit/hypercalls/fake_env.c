/* Fakes for the hypercall handlers' surroundings (see fake_env.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/sched.h>
#include <xen/p2m.h>
#include <xen/mm.h>
#include <xen/guest_access.h>
#include <xen/version.h>
#include <xen/arch.h>
#include "fake_arch.h"
#include "fake_env.h"

/* ------------------------------------------------------------ guest memory */

#define MAX_RANGES 16

static struct {
    uint64_t gva;
    unsigned char *host;
    size_t len;
    bool writable;
} ranges[MAX_RANGES];
static unsigned int nr_ranges;

void fake_guest_map(uint64_t gva, void *host, size_t len, bool writable)
{
    if (nr_ranges == MAX_RANGES)
        abort();
    ranges[nr_ranges].gva = gva;
    ranges[nr_ranges].host = host;
    ranges[nr_ranges].len = len;
    ranges[nr_ranges].writable = writable;
    nr_ranges++;
}

void fake_guest_unmap_all(void)
{
    nr_ranges = 0;
}

/* Host address of guest byte gva, or NULL if unmapped (or read-only for a write). */
static unsigned char *guest_byte(uint64_t gva, bool write)
{
    for (unsigned int i = 0; i < nr_ranges; i++)
        if (gva >= ranges[i].gva && gva - ranges[i].gva < ranges[i].len)
            return (write && !ranges[i].writable) ? NULL : ranges[i].host + (gva - ranges[i].gva);
    return NULL;
}

/* Byte by byte, like a copy that stops at the first page it cannot reach. */
unsigned long arch_copy_to_guest(uint64_t guest_va, const void *src, unsigned long len)
{
    const unsigned char *s = src;

    for (unsigned long i = 0; i < len; i++) {
        unsigned char *p = guest_byte(guest_va + i, true);

        if (!p)
            return len - i;
        *p = s[i];
    }
    return 0;
}

unsigned long arch_copy_from_guest(void *dst, uint64_t guest_va, unsigned long len)
{
    unsigned char *d = dst;

    for (unsigned long i = 0; i < len; i++) {
        unsigned char *p = guest_byte(guest_va + i, false);

        if (!p)
            return len - i;
        d[i] = *p;
    }
    return 0;
}

unsigned long arch_clear_guest(uint64_t guest_va, unsigned long len)
{
    for (unsigned long i = 0; i < len; i++) {
        unsigned char *p = guest_byte(guest_va + i, true);

        if (!p)
            return len - i;
        *p = 0;
    }
    return 0;
}

/* ------------------------------------------------------------ p2m */

static struct {
    struct domain *d;
    uint64_t gfn, mfn;
    unsigned long nr;
    p2m_type_t t;
} p2m[MAX_RANGES];
static unsigned int nr_p2m;

void fake_p2m_add(struct domain *d, uint64_t gfn, uint64_t mfn, unsigned long nr, p2m_type_t t)
{
    if (nr_p2m == MAX_RANGES)
        abort();
    p2m[nr_p2m].d = d;
    p2m[nr_p2m].gfn = gfn;
    p2m[nr_p2m].mfn = mfn;
    p2m[nr_p2m].nr = nr;
    p2m[nr_p2m].t = t;
    nr_p2m++;
}

void fake_p2m_clear(void)
{
    nr_p2m = 0;
}

mfn_t p2m_lookup(struct domain *d, gfn_t gfn, p2m_type_t *t)
{
    for (unsigned int i = 0; i < nr_p2m; i++)
        if (p2m[i].d == d && gfn_x(gfn) >= p2m[i].gfn && gfn_x(gfn) - p2m[i].gfn < p2m[i].nr) {
            *t = p2m[i].t;
            return _mfn(p2m[i].mfn + (gfn_x(gfn) - p2m[i].gfn));
        }
    *t = p2m_invalid;
    return INVALID_MFN;
}

/*
 * Page references (vcpu_op.c holds one on a registered vcpu_info frame):
 * every mapped frame counts as the domain's here; the balance is kept.
 */
static struct page_info fake_page;
long fake_page_refs;

struct page_info *mfn_to_page(mfn_t mfn)
{
    (void)mfn;
    return &fake_page;
}

bool get_page(struct page_info *pg, const struct domain *d)
{
    (void)pg;
    (void)d;
    fake_page_refs++;
    return true;
}

void put_page(struct page_info *pg)
{
    (void)pg;
    fake_page_refs--;
}

/* ------------------------------------------------------------ domains */

DEFINE_PER_CPU(struct vcpu *, curr_vcpu);
struct domain *hardware_domain;
struct domain *idle_domain;

static struct domain *domains[8];
static unsigned int nr_domains;
long fake_refs_taken, fake_refs_dropped;

void fake_domain_register(struct domain *d)
{
    if (nr_domains == ARRAY_SIZE(domains))
        abort();
    domains[nr_domains++] = d;
}

void fake_domains_clear(void)
{
    nr_domains = 0;
    hardware_domain = NULL;
}

void fake_set_current(struct vcpu *v)
{
    this_cpu(curr_vcpu) = v;
}

struct domain *get_domain_by_id(domid_t domid)
{
    for (unsigned int i = 0; i < nr_domains; i++)
        if (domains[i]->domain_id == domid && !domains[i]->is_dying) {
            atomic_inc(&domains[i]->refcnt);
            fake_refs_taken++;
            return domains[i];
        }
    return NULL;
}

void put_domain(struct domain *d)
{
    atomic_dec(&d->refcnt);
    fake_refs_dropped++;
}

/* ------------------------------------------------------------ scheduler */

struct fake_calls fake_calls;

void fake_calls_reset(void)
{
    memset(&fake_calls, 0, sizeof(fake_calls));
    memset(&fake_cont, 0, sizeof(fake_cont));
}

void vcpu_block(void)
{
    fake_calls.block++;
}

void vcpu_yield(void)
{
    fake_calls.yield++;
}

void vcpu_up(struct vcpu *v)
{
    fake_calls.up++;
    fake_calls.last_up = v;
    clear_bit(VPF_DOWN, &v->pause_flags);
}

void vcpu_down(struct vcpu *v)
{
    fake_calls.down++;
    fake_calls.last_down = v;
    set_bit(VPF_DOWN, &v->pause_flags);
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    fake_calls.shutdowns++;
    fake_calls.shutdown_domain = d;
    fake_calls.shutdown_reason = reason;
    if (!d->is_shutting_down) {
        d->is_shutting_down = true;
        d->shutdown_code = reason;
    }
}

void arch_vcpu_kick(struct vcpu *v)
{
    fake_calls.kick++;
    fake_calls.last_kick = v;
}

/* ------------------------------------------------------------ continuations */


/* ------------------------------------------------------------ version */

const char *fake_abi_version = "4.17";
bool fake_have_build_id = true;
uint8_t fake_build_id[20];

const char *hv_version_string(void) { return "0.1.0"; }
const char *hv_abi_version_string(void) { return fake_abi_version; }
const char *hv_compiler_string(void) { return "gcc (test) 1.2.3"; }

bool hv_build_id(const uint8_t **id, unsigned int *len)
{
    if (!fake_have_build_id)
        return false;
    *id = fake_build_id;
    *len = sizeof(fake_build_id);
    return true;
}
