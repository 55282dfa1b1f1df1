# Hypercall handlers in common code (see docs/hypercalls.md), included by
# xen/common/build.mk.
#
# The stubs build everywhere: they are self-contained, and compiling them
# checks every prototype the configuration's hypercall table declares.
# The real handlers call into the domain/scheduler code and the arch's
# guest-memory access (arch_copy_to/from_guest, p2m_lookup,
# arch_vcpu_kick), which only the arm64 port provides so far; the x86 port
# adds them to its image when it starts dispatching hypercalls.
obj-y += xen/common/hypercall_stubs.o
obj-$(CONFIG_ARM) += xen/common/kernel.o
obj-$(CONFIG_ARM) += xen/common/console_io.o
obj-$(CONFIG_ARM) += xen/common/sched_op.o
obj-$(CONFIG_ARM) += xen/common/vcpu_op.o
obj-$(CONFIG_ARM) += xen/common/hvm_param.o
