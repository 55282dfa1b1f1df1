obj-y += xen/common/console.o
obj-y += xen/common/setup.o
obj-y += xen/common/version.o
obj-y += xen/common/cmdline.o
obj-y += xen/common/boot_info.o
obj-y += xen/common/page_alloc.o
obj-y += xen/common/xmalloc.o
obj-y += xen/common/softirq.o
obj-y += xen/common/timer.o
obj-y += xen/common/smp.o
obj-y += xen/common/domain.o
obj-y += xen/common/sched/core.o
obj-y += xen/common/sched/credit.o

# Hypercall handlers (xen_version, console_io, sched_op, vcpu_op, hvm_op
# parameters) and the -ENOSYS stubs for the ones not written yet.
-include xen/common/hypercall.mk

# Event channels (2-level and FIFO port ops) and the memory ops.
-include xen/common/evtchn.mk
-include xen/common/memory.mk
# Grant tables; domctl, sysctl and multicall; the security hooks.
-include xen/common/grant_table.mk
-include xen/common/control.mk
-include xen/xsm/xsm.mk
# 32-bit x86 guests: argument translation (CONFIG_COMPAT).
-include xen/common/compat/compat.mk
