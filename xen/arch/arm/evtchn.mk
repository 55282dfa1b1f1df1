# Event-channel upcall through the virtual GIC (the /hypervisor node's
# PPI), included by xen/arch/arm/build.mk.
obj-y += xen/arch/arm/evtchn.o
