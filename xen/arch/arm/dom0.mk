# Domain 0 builder (arm64): kernel probing and placement, device tree
# generation, and arch_build_hardware_domain().  Included by build.mk.
obj-y += xen/arch/arm/kernel.o
obj-y += xen/arch/arm/dom0_fdt.o
obj-y += xen/arch/arm/domain_build.o
