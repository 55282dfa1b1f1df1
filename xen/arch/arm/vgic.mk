# Virtual GICv3 and virtual timer (docs/arm64-vgic.md).  Included by
# xen/arch/arm/build.mk.
obj-y += xen/arch/arm/vgic.o
obj-y += xen/arch/arm/vgic-v3-dist.o
obj-y += xen/arch/arm/vgic-lr.o
obj-y += xen/arch/arm/vtimer.o
