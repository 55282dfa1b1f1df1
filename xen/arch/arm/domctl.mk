# The arm64 half of domctl/sysctl/multicall (vCPU contexts, Arm domctls,
# multicall entries), included by xen/arch/arm/build.mk.
obj-y += xen/arch/arm/domctl.o
