# Compat (32-bit x86 guest) translation of the hypercalls whose argument
# layouts differ (docs/compat.md), and the compile-time checks of those
# served natively (checks.c); included by xen/common/build.mk.
obj-$(CONFIG_COMPAT) += xen/common/compat/memory.o
obj-$(CONFIG_COMPAT) += xen/common/compat/grant_table.o
obj-$(CONFIG_COMPAT) += xen/common/compat/checks.o
