# arm64 build fragment, included by the top-level Makefile before the
# common fragments.  Produces:
#   $(O)/xen       ELF, linked at 0 as a static PIE with debug information
#                  (gdb: add-symbol-file with the load address as offset)
#   $(O)/xen.bin   the raw Linux arm64 "Image" that loaders boot
#                  (qemu -kernel, U-Boot booti), see docs/boot-arm64.md
# and the phony `arch-run` used by `make run`.

CROSS_COMPILE ?= aarch64-linux-gnu-

# The first C code runs with the MMU off, where every access is Device
# memory: no unaligned accesses, no FP/SIMD registers in our code (which
# also keeps guests' FP state intact across our exception handlers).  No
# unwind tables, no branch protection notes, no outline atomics (they
# would need libgcc).  Frame pointers for the backtrace of fatal
# exceptions; stack-clash probes every 4 KiB so that no frame can step
# over a stack's guard page.  libfdt's headers sit in /usr/include next to
# libc's, which we must not see: include/libfdt/ forwards to just those.
ARCH_CFLAGS := -mgeneral-regs-only -mstrict-align -fno-pic \
               -mbranch-protection=none -mno-outline-atomics \
               -fno-asynchronous-unwind-tables -fno-unwind-tables \
               -fno-omit-frame-pointer -fstack-clash-protection \
               --param stack-clash-protection-guard-size=12 \
               -Ixen/arch/arm/include/libfdt
ARCH_AFLAGS :=

obj-y += xen/arch/arm/head.o
obj-y += xen/arch/arm/entry.o
obj-y += xen/arch/arm/setup.o
obj-y += xen/arch/arm/mm.o
obj-y += xen/arch/arm/bootfdt.o
obj-y += xen/arch/arm/psci.o
obj-y += xen/arch/arm/traps.o
obj-y += xen/arch/arm/irq.o
obj-y += xen/arch/arm/gic-v3.o
obj-y += xen/arch/arm/time.o
obj-y += xen/arch/arm/smp.o
obj-y += xen/arch/arm/p2m.o
obj-y += xen/arch/arm/domain.o
obj-y += xen/arch/arm/vpsci.o
obj-y += xen/arch/arm/guestcopy.o
obj-$(CONFIG_PL011) += xen/drivers/char/pl011.o

# Debian's libfdt-dev:arm64 (built for user space: stack protector, NEON).
ARM_LIBFDT ?= /usr/lib/aarch64-linux-gnu/libfdt.a

ARM_LDS := $(O)/xen.lds

# The linker script shares constants with the code: run it through cpp.
$(ARM_LDS): xen/arch/arm/xen.lds.S $(O)/include/generated/autoconf.h
	@mkdir -p $(dir $@)
	$(CC) -E -P -undef -x c -D__ASSEMBLY__ $(CPPFLAGS) -MMD -MP -MT $@ -MF $@.d -o $@ $<

-include $(ARM_LDS).d

# obj-y is complete only once the common fragments are read (after this
# one), so the image's prerequisites are expanded in the second phase.
.SECONDEXPANSION:

# A static PIE at 0: head.S applies the R_AARCH64_RELATIVE entries itself.
ARM_LDFLAGS := -m aarch64elf -nostdlib -static -pie --no-dynamic-linker \
               -z notext -z max-page-size=0x1000 -z noexecstack \
               --hash-style=sysv --build-id=sha1 --no-warn-rwx-segments

$(O)/xen: $$(OBJS) $(ARM_LDS) $(ARM_LIBFDT)
	$(LD) $(ARM_LDFLAGS) -T $(ARM_LDS) -o $@ $(OBJS) $(ARM_LIBFDT)
	@# Only relative relocations (and empty NONE slots) may remain: head.S applies no others.
	@if $(CROSS_COMPILE)readelf -rW $@ | grep -E '^[0-9a-f]+ +[0-9a-f]+ R_' | \
	    grep -vE 'R_AARCH64_(RELATIVE|NONE)'; then \
	    echo "$@: relocations other than R_AARCH64_RELATIVE"; rm -f $@; exit 1; fi

$(O)/xen.bin: $(O)/xen
	$(OBJCOPY) -O binary $< $@

ARCH_IMAGES := $(O)/xen $(O)/xen.bin

# ---------------------------------------------------------------- run
# `make run`: boot $(O)/xen.bin on QEMU virt at EL2.
#   ARM_LOADER=kernel (default)  QEMU's own loader: -kernel/-append
#   ARM_LOADER=uboot             U-Boot (u-boot-qemu) from a virtio disk,
#                                boot.scr running booti
ARM_LOADER ?= kernel
ARM_CMDLINE ?= console=dtuart loglvl=all
ARM_UBOOT ?= /usr/lib/u-boot/qemu_arm64/u-boot.bin
ARM_SMP ?= 2
QEMU_ARM64 := qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 \
              -cpu cortex-a57 -smp $(ARM_SMP) -m 1024 -nographic -no-reboot -nic none

.PHONY: arch-run
arch-run: $(O)/xen.bin
ifeq ($(ARM_LOADER),uboot)
	xen/arch/arm/scripts/uboot-disk.sh $(O)/uboot $< "$(ARM_CMDLINE)"
	$(QEMU_ARM64) -bios $(ARM_UBOOT) \
	    -drive if=none,file=$(O)/uboot/disk.img,format=raw,id=hd0 \
	    -device virtio-blk-device,drive=hd0
else
	$(QEMU_ARM64) -kernel $< -append "$(ARM_CMDLINE)"
endif

# Fragments owned by separate subsystems (virtual GIC and timer; domain 0
# builder; event-channel upcalls), each appending to obj-y.
-include xen/arch/arm/vgic.mk
-include xen/arch/arm/dom0.mk
-include xen/arch/arm/evtchn.mk
