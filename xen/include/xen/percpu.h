/*
 * Per-CPU variables, as plain arrays with one slot per possible CPU
 * (CONFIG_NR_CPUS), indexed by the number arch_smp_processor_id() gives.
 *
 *   DEFINE_PER_CPU(unsigned long, counter);      (static allowed in front)
 *   this_cpu(counter)++;  per_cpu(counter, 3) = 0;
 *
 * Slots of neighbouring CPUs share cache lines unless the type itself is
 * cache-line aligned: use an __aligned(SMP_CACHE_BYTES) struct for hot data.
 */
#ifndef XEN_PERCPU_H
#define XEN_PERCPU_H

#include <xen/arch.h>

#ifndef CONFIG_NR_CPUS
#error "CONFIG_NR_CPUS must come from the configuration"
#endif

#define NR_CPUS          CONFIG_NR_CPUS
#define SMP_CACHE_BYTES  64

#define DEFINE_PER_CPU(type, name)  __typeof__(type) per_cpu__##name[NR_CPUS]
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) per_cpu__##name[NR_CPUS]

#define per_cpu(name, cpu)  (per_cpu__##name[(cpu)])
#define this_cpu(name)      per_cpu(name, arch_smp_processor_id())

#endif /* XEN_PERCPU_H */
