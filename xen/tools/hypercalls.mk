# Hypercall prototypes and dispatch macros, generated from the definitions
# file for the configured architecture and features.  Included by the
# top-level Makefile; see docs/hypercall-table.md.
#
# Inputs: O (build directory).  The generator evaluates the definitions
# file's #if lines itself from autoconf.h, so no compiler is needed here.

HYPERCALL_DEFS   := xen/include/hypercall-defs.txt
HYPERCALL_GEN    := xen/tools/gen-hypercalls.py
HYPERCALL_HEADER := $(O)/include/generated/hypercall-defs.h
HYPERCALL_PYTHON ?= $(if $(PYTHON),$(PYTHON),/usr/bin/python3)

$(HYPERCALL_HEADER): $(HYPERCALL_DEFS) $(HYPERCALL_GEN) $(O)/include/generated/autoconf.h
	@mkdir -p $(dir $@)
	$(HYPERCALL_PYTHON) $(HYPERCALL_GEN) --config $(O)/include/generated/autoconf.h \
		-o $@ $(HYPERCALL_DEFS)

GENERATED_HEADERS += $(HYPERCALL_HEADER)
