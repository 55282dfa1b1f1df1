/*
 * What the hypercall handlers call outside themselves, faked for host
 * tests (on top of tests/unit/fake_arch for CPUs, time and machine
 * memory):
 *
 *   guest memory  guest virtual ranges backed by host buffers, read-only
 *                 or writable; anything else fails to copy, as a bad
 *                 guest pointer would;
 *   p2m           guest frame ranges of a domain mapped to fake machine
 *                 frames with a p2m type;
 *   domains       test-built struct domain/vcpu, looked up by id with
 *                 reference counting checked;
 *   scheduler     vcpu_block/yield/up/down and domain_shutdown record
 *                 what they were asked to do;
 *   version       version strings and a build id the test controls.
 */
#ifndef HC_FAKE_ENV_H
#define HC_FAKE_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/sched.h>
#include <xen/p2m.h>

/* Guest memory: map [gva, gva + len) onto host memory. */
void fake_guest_map(uint64_t gva, void *host, size_t len, bool writable);
void fake_guest_unmap_all(void);

/* p2m: gfn .. gfn + nr - 1 of d -> mfn .. with type t. */
void fake_p2m_add(struct domain *d, uint64_t gfn, uint64_t mfn, unsigned long nr, p2m_type_t t);
void fake_p2m_clear(void);

/* Domains the test built, found by get_domain_by_id(). */
void fake_domain_register(struct domain *d);
void fake_domains_clear(void);
extern long fake_refs_taken, fake_refs_dropped;

/* The running vCPU on the current (fake) CPU. */
void fake_set_current(struct vcpu *v);

/* What the scheduler and domain code were asked to do. */
struct fake_calls {
    unsigned long block, yield, up, down, kick;
    unsigned long shutdowns;
    struct domain *shutdown_domain;
    unsigned int shutdown_reason;
    struct vcpu *last_up, *last_down, *last_kick;
};
extern struct fake_calls fake_calls;
void fake_calls_reset(void);

/* hypercall_create_continuation() records into fake_cont (fake_arch.h). */

/* Version information handed out by the fake xen/version.h. */
extern const char *fake_abi_version;
extern bool fake_have_build_id;
extern uint8_t fake_build_id[20];

#endif
