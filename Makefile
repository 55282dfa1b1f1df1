# Top-level build for the hypervisor.
#
#   make [ARCH=arm64|x86_64]            build build/$(ARCH)/ images (defconfig if unconfigured)
#   make ARCH=... defconfig|menuconfig  configure (python3-kconfiglib)
#   make run [ARCH=...]                 boot the image in QEMU with the demo dom0; the exit
#                                       status says how dom0 ended (0: it powered off)
#   make check                          build both architectures and run every test
#   make bench [ARCH=...]               real Xen 4.17 and ours side by side under QEMU icount
#   make fuzz [FUZZ_TIME=s]             libFuzzer over every boot-input parser
#   make clean | distclean
#
# Outputs never go into the source tree: everything lands under build/.

ARCH ?= arm64

ifeq ($(ARCH),arm64)
SRCARCH := arm
else ifeq ($(ARCH),x86_64)
SRCARCH := x86
else
$(error ARCH must be arm64 or x86_64, not '$(ARCH)')
endif

TOP    := $(CURDIR)
O      := build/$(ARCH)
PYTHON := /usr/bin/python3

HV_VERSION := 0.1.0
XEN_ABI_VERSION := 4.17

export ARCH SRCARCH

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

# Targets that must not pull in (or create) a configuration.
NOCONFIG_GOALS := defconfig menuconfig olddefconfig savedefconfig clean distclean check deps help run bench fuzz
CONFIG_NEEDED := $(if $(MAKECMDGOALS),$(filter-out $(NOCONFIG_GOALS),$(MAKECMDGOALS)),all)

# ---------------------------------------------------------------- Kconfig
KCONFIG_ENV = SRCARCH=$(SRCARCH) ARCH=$(ARCH) KCONFIG_CONFIG=$(O)/.config
KCONFIG_FILES := Kconfig $(shell find xen -name Kconfig)
DEFCONFIG_FILE := xen/arch/$(SRCARCH)/configs/$(ARCH)_defconfig

.PHONY: defconfig menuconfig olddefconfig savedefconfig
defconfig: deps
	@mkdir -p $(O)
	$(KCONFIG_ENV) $(PYTHON) -m defconfig --kconfig Kconfig $(DEFCONFIG_FILE)

menuconfig: deps
	@mkdir -p $(O)
	$(KCONFIG_ENV) $(PYTHON) -m menuconfig Kconfig

olddefconfig:
	$(KCONFIG_ENV) $(PYTHON) -m olddefconfig Kconfig

savedefconfig:
	$(KCONFIG_ENV) $(PYTHON) -m savedefconfig --kconfig Kconfig --out $(O)/defconfig
	@echo "minimal configuration written to $(O)/defconfig"

# An unconfigured tree builds from the architecture's defconfig.
$(O)/.config:
	@mkdir -p $(O)
	$(KCONFIG_ENV) $(PYTHON) -m defconfig --kconfig Kconfig $(DEFCONFIG_FILE)

$(O)/include/generated/autoconf.h: $(O)/.config $(KCONFIG_FILES)
	@mkdir -p $(dir $@)
	$(KCONFIG_ENV) $(PYTHON) -m olddefconfig Kconfig >/dev/null
	$(KCONFIG_ENV) $(PYTHON) -m genconfig --header-path $@ Kconfig

ifneq ($(CONFIG_NEEDED),)
include $(O)/.config
endif

# ---------------------------------------------------------------- toolchain
obj-y :=
ARCH_IMAGES :=
GENERATED_HEADERS := $(O)/include/generated/autoconf.h

include xen/arch/$(SRCARCH)/build.mk
include xen/common/build.mk
include xen/lib/build.mk
-include xen/tools/hypercalls.mk
ifeq ($(ARCH),x86_64)
-include xen/tools/compat.mk
endif

CC      = $(CROSS_COMPILE)gcc
LD      = $(CROSS_COMPILE)ld
OBJCOPY = $(CROSS_COMPILE)objcopy
NM      = $(CROSS_COMPILE)nm
GCC_INCLUDE = $(shell $(CC) -print-file-name=include)

# Hypervisor code sees no libc: GCC's freestanding headers (stdint.h,
# stddef.h, stdarg.h) plus our own small libc-shaped headers for the few
# declarations third-party code (libfdt) expects.
CPPFLAGS = -nostdinc -isystem $(GCC_INCLUDE) -Ixen/include/libc -Ixen/include \
           -I$(O)/include -Ixen/arch/$(SRCARCH)/include \
           -include $(O)/include/generated/autoconf.h -D__XEN__ \
           -DHV_VERSION='"$(HV_VERSION)"' -DXEN_ABI_VERSION='"$(XEN_ABI_VERSION)"'
CFLAGS  = -std=gnu11 -Wall -Wextra -Werror -O2 -g -ffreestanding -fno-common \
          -fno-strict-aliasing -fno-pie -fno-stack-protector -MMD -MP \
          $(CPPFLAGS) $(ARCH_CFLAGS)
AFLAGS  = -D__ASSEMBLY__ -MMD -MP -g $(CPPFLAGS) $(ARCH_AFLAGS)

# The compiler that built us is part of the banner.  Defined before the
# pattern rules: their prerequisite lists are expanded where they stand.
$(O)/include/generated/compile.h: FORCE
	@mkdir -p $(dir $@)
	@# A private temporary: several makes (parallel `make run`s) may do this at once.
	@t=$@.$$$$.tmp; printf '#define HV_COMPILER "%s"\n' "$$($(CC) --version | head -n1)" > $$t && \
	    { cmp -s $$t $@ && rm -f $$t || mv $$t $@; }
GENERATED_HEADERS += $(O)/include/generated/compile.h

$(O)/obj/%.o: %.c $(GENERATED_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CFLAGS_$(notdir $*)) -c $< -o $@

$(O)/obj/%.o: %.S $(GENERATED_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(AFLAGS) -c $< -o $@

OBJS = $(addprefix $(O)/obj/,$(obj-y))
-include $(OBJS:.o=.d)


# ---------------------------------------------------------------- top targets
.PHONY: all run check deps clean distclean help FORCE
FORCE:

all: $(ARCH_IMAGES) $(GENERATED_HEADERS)

deps:
	@sh scripts/deps.sh

# arm64: QEMU's loader or U-Boot (xen/arch/arm/build.mk); x86_64: GRUB 2 on
# SeaBIOS or OVMF (xen/arch/x86/build.mk, X86_FIRMWARE=uefi).
run: deps
	$(MAKE) ARCH=$(ARCH) all
	$(MAKE) ARCH=$(ARCH) arch-run

# Both architectures are built, then every *.t under tests/ runs.
check: deps
	$(MAKE) ARCH=arm64 all
	$(MAKE) ARCH=x86_64 all
	tests/run.sh

# make bench [ARCH=...]: real Xen 4.17 against ours under QEMU icount, side by
# side (docs/benchmarks.md); slow-ish, never part of check.
.PHONY: bench
bench: deps
	$(MAKE) ARCH=$(ARCH) all
	tests/bench/run-bench.sh $(ARCH)

clean:
	rm -rf build/arm64 build/x86_64 build/tests

# ---------------------------------------------------------------- fuzzing
# libFuzzer over the parsers of boot input (docs/fuzzing.md): FUZZ_TIME
# seconds per target, the corpus growing in build/fuzz/corpus, crashing
# inputs in build/fuzz/artifacts.  FUZZ_TARGETS picks some of
# bootfdt dom0fdt mb2 acpi pvh kernel; FUZZ_JOBS runs several at once.
FUZZ_TIME ?= 60
FUZZ_JOBS ?= 1
FUZZ_TARGETS ?=
.PHONY: fuzz
fuzz:
	tests/fuzz/fuzz.sh -t $(FUZZ_TIME) -j $(FUZZ_JOBS) $(FUZZ_TARGETS)

distclean:
	rm -rf build

help:
	@sed -n '2,13p' Makefile
