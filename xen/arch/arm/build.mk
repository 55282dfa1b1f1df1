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
# `make run`: boot $(O)/xen.bin on QEMU virt at EL2 with a dom0.
#   ARM_LOADER=kernel (default)  QEMU's own loader: -kernel/-append, dom0
#                                through QEMU's guest-loader
#   ARM_LOADER=uboot             U-Boot (u-boot-qemu) from a virtio disk:
#                                boot.scr loads both, writes dom0's
#                                /chosen module node (`fdt`) and runs booti
#   ARM_DOM0=FILE                dom0 kernel (default: the demo dom0 of
#                                tools/demo-dom0, built here); empty: none
#   ARM_DOM0_ARGS="..."          dom0's command line (no '"'; commas doubled
#                                for guest-loader)
#   ARM_RUN_TIMEOUT=S            stop QEMU after S seconds (0: never)
# QEMU runs under scripts/qemu-arm64-run.sh, whose exit status says how dom0
# ended: 0 powered off, 1 reboot/crash (machine reset), other: no dom0
# shutdown, QEMU failure or timeout.  make itself only reports 0 or 2.
ARM_LOADER ?= kernel
ARM_CMDLINE ?= console=dtuart loglvl=all dom0_mem=128M
ARM_UBOOT ?= /usr/lib/u-boot/qemu_arm64/u-boot.bin
ARM_SMP ?= 4
ARM_DEMO_DOM0 := build/demo-dom0/arm64/Image
ARM_DOM0 ?= $(ARM_DEMO_DOM0)
ARM_DOM0_ARGS ?= demo.shutdown=poweroff
ARM_DOM0_ADDR := 0x49000000
ARM_UBOOT_FDT_ADDR := 0x48000000
ARM_RUN_TIMEOUT ?= 120
ARM_GUEST_LOADER = -device "guest-loader,addr=$(ARM_DOM0_ADDR),kernel=$(ARM_DOM0),bootargs=$(ARM_DOM0_ARGS)"
QEMU_ARM64 := scripts/qemu-arm64-run.sh -t $(ARM_RUN_TIMEOUT) -- \
              -machine virt,virtualization=on,gic-version=3 \
              -cpu cortex-a57 -smp $(ARM_SMP) -m 1024 -nographic -no-reboot -nic none

# The demo dom0 has its own Makefile (and dependency tracking).
.PHONY: demo-dom0
demo-dom0:
	$(MAKE) -C tools/demo-dom0 O=$(TOP)/build/demo-dom0/arm64

# U-Boot: the script uboot-disk.sh writes boots the hypervisor alone; with a
# dom0 this one replaces it.  U-Boot's own device tree is copied to free RAM
# (with room to grow) and given the module node guest-loader would write.
define ARM_UBOOT_DOM0_SCRIPT
echo "boot.scr: loading xen.bin and dom0.img from $${devtype} $${devnum}:$${distro_bootpart}"
load $${devtype} $${devnum}:$${distro_bootpart} $${kernel_addr_r} xen.bin
load $${devtype} $${devnum}:$${distro_bootpart} $(ARM_DOM0_ADDR) dom0.img
fdt addr $${fdtcontroladdr}
fdt header get dt_size totalsize
setexpr dt_size $${dt_size} + 0x10000
fdt move $${fdtcontroladdr} $(ARM_UBOOT_FDT_ADDR) $${dt_size}
fdt set /chosen "#address-cells" <2>
fdt set /chosen "#size-cells" <2>
fdt mknode /chosen module@$(ARM_DOM0_ADDR:0x%=%)
fdt set /chosen/module@$(ARM_DOM0_ADDR:0x%=%) compatible "multiboot,kernel" "multiboot,module"
fdt set /chosen/module@$(ARM_DOM0_ADDR:0x%=%) reg <0x0 $(ARM_DOM0_ADDR) 0x0 0x$${filesize}>
fdt set /chosen/module@$(ARM_DOM0_ADDR:0x%=%) bootargs "$(ARM_DOM0_ARGS)"
setenv bootargs "$(ARM_CMDLINE)"
booti $${kernel_addr_r} - $(ARM_UBOOT_FDT_ADDR)
echo "boot.scr: booti returned"
reset
endef

.PHONY: arch-run
arch-run: $(O)/xen.bin $(if $(filter $(ARM_DEMO_DOM0),$(ARM_DOM0)),demo-dom0)
ifeq ($(ARM_LOADER),uboot)
	xen/arch/arm/scripts/uboot-disk.sh $(O)/uboot $< "$(ARM_CMDLINE)"
ifneq ($(ARM_DOM0),)
	@# The FAT partition starts 1 MiB into the disk (uboot-disk.sh's layout).
	$(file >$(O)/uboot-dom0.cmd,$(ARM_UBOOT_DOM0_SCRIPT))
	mkimage -A arm64 -O linux -T script -C none -n "hypervisor and dom0 boot script" \
	    -d $(O)/uboot-dom0.cmd $(O)/uboot/boot-dom0.scr >/dev/null
	mcopy -o -i $(O)/uboot/disk.img@@1M $(O)/uboot/boot-dom0.scr ::boot.scr
	mcopy -o -i $(O)/uboot/disk.img@@1M $(ARM_DOM0) ::dom0.img
endif
	$(QEMU_ARM64) -bios $(ARM_UBOOT) \
	    -drive if=none,file=$(O)/uboot/disk.img,format=raw,id=hd0 \
	    -device virtio-blk-device,drive=hd0
else
	$(QEMU_ARM64) -kernel $< -append "$(ARM_CMDLINE)" $(if $(ARM_DOM0),$(ARM_GUEST_LOADER))
endif

# Fragments owned by separate subsystems (virtual GIC and timer; domain 0
# builder; event-channel upcalls), each appending to obj-y.
-include xen/arch/arm/vgic.mk
-include xen/arch/arm/dom0.mk
-include xen/arch/arm/evtchn.mk
-include xen/arch/arm/domctl.mk
