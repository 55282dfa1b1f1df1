obj-y += xen/common/console.o
obj-y += xen/common/setup.o
obj-y += xen/common/version.o
obj-y += xen/common/boot_info.o
