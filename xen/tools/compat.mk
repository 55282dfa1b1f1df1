# Compat (32-bit x86 guest) headers, generated from the public headers.
# Included by the top-level Makefile when ARCH=x86_64.
#
# One run of gen-compat.py compiles the public headers for i386 and for
# x86_64, compares the two layouts and writes every $(O)/include/compat/
# file; see docs/compat.md.  Files whose content did not change keep their
# timestamps, so editing a public header only rebuilds what really changed.

# Public headers an hvm32 guest's hypercalls use.  A header that does not
# exist (yet) is skipped by the generator, which says so.
COMPAT_PUBLIC := xen.h event_channel.h memory.h grant_table.h sched.h vcpu.h \
                 version.h features.h physdev.h platform.h hvm/hvm_op.h \
                 hvm/params.h xsm/flask_op.h

COMPAT_PRESENT := $(patsubst xen/include/public/%,%,\
                    $(wildcard $(addprefix xen/include/public/,$(COMPAT_PUBLIC))))
COMPAT_DIR     := $(O)/include/compat
COMPAT_STAMP   := $(COMPAT_DIR)/.generated
COMPAT_HEADERS := $(addprefix $(COMPAT_DIR)/,compat-base.h xlat.h $(COMPAT_PRESENT))
COMPAT_INPUTS  := $(shell find xen/include/public -name '*.h' 2>/dev/null) \
                  xen/include/compat-xlat.lst xen/tools/gen-compat.py xen/tools/compat.mk

$(COMPAT_STAMP): $(COMPAT_INPUTS)
	@mkdir -p $(COMPAT_DIR)
	$(PYTHON) xen/tools/gen-compat.py --cc $(CC) --include xen/include \
	    --list xen/include/compat-xlat.lst --out $(O)/include \
	    --manifest $(COMPAT_DIR)/manifest.json $(COMPAT_PUBLIC)
	@touch $@

# The headers are by-products of the stamp's recipe.
$(COMPAT_HEADERS): $(COMPAT_STAMP) ;

GENERATED_HEADERS += $(COMPAT_HEADERS)

.PHONY: compat-headers
compat-headers: $(COMPAT_HEADERS)
