obj-y += xen/lib/string.o
obj-y += xen/lib/vsnprintf.o
obj-y += xen/lib/strtoul.o
