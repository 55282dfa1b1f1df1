# The security hooks (xsm/xsm.h): the active-module switch and the default
# policy.  Included by xen/common/build.mk.  SILO and Flask will add their
# objects here, each registering its table at boot.
obj-y += xen/xsm/xsm_core.o
obj-y += xen/xsm/dummy.o
