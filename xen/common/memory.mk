# memory_op (see docs/memory-ops.md), included by xen/common/build.mk.
# Built for both architectures: arm64 guests reach do_memory_op() through
# the arm64 and arm32 columns; on x86 the HVM columns still go to the
# hvm_memory_op() stub, so the object only proves it compiles there.
obj-y += xen/common/memory.o
