# The control hypercalls (docs/domain-control.md), included by
# xen/common/build.mk: domctl, sysctl and multicall, for both
# architectures.  Their arch halves are xen/arch/<arch>/domctl.c.
obj-y += xen/common/domctl.o
obj-y += xen/common/sysctl.o
obj-y += xen/common/multicall.o
