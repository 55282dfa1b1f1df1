#!/bin/bash
# Host test of the arm64 boot device tree code (xen/arch/arm/bootfdt.c)
# under AddressSanitizer and UBSan, against the host's libfdt: a full
# device tree, Xen's /chosen command line rules, malformed properties one
# kind at a time, a memory map overflow, truncated blobs and random byte
# corruption.  Every blob sits in a heap block of exactly its size, so a
# read one byte too far is an ASan error rather than silent luck.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
cd "$TOP"

command -v gcc >/dev/null || { echo "SKIP: no gcc"; exit 77; }
command -v dtc >/dev/null || { echo "SKIP: no dtc (device-tree-compiler)"; exit 77; }
# libfdt1 for the host's own architecture (libfdt-dev may be the arm64 one).
LIBFDT=/usr/lib/$(gcc -print-multiarch)/libfdt.so.1
[ -f "$LIBFDT" ] && [ -f /usr/include/libfdt.h ] || { echo "SKIP: no host libfdt"; exit 77; }

OUT=$BUILD/tests/arm64-fdt-parse
mkdir -p "$OUT"

# ---------------------------------------------------------------- trees
cat >"$OUT/full.dts" <<'EOS'
/dts-v1/;
/memreserve/ 0x48000000 0x10000;
/ {
    model = "test,board";
    #address-cells = <2>;
    #size-cells = <2>;
    interrupt-parent = <&gic>;
    aliases { serial0 = "/soc/uart@1000"; };
    chosen {
        #address-cells = <2>;
        #size-cells = <1>;
        stdout-path = "serial0:115200n8";
        xen,xen-bootargs = "dom0_mem=512M loglvl=all";
        bootargs = "console=hvc0 root=/dev/vda";
        u-boot,version = "U-Boot 2099.01";
        module@50000000 {
            compatible = "multiboot,kernel", "multiboot,module";
            reg = <0x0 0x50000000 0x100000>;
            bootargs = "earlyprintk";
        };
        module@52000000 {
            compatible = "multiboot,ramdisk", "multiboot,module";
            reg = <0x0 0x52000000 0x200000>;
        };
        module@54000000 {
            compatible = "xen,xsm-policy", "multiboot,module";
            reg = <0x0 0x54000000 0x1000>;
        };
    };
    cpus {
        #address-cells = <1>;
        #size-cells = <0>;
        cpu@0 { device_type = "cpu"; reg = <0>; };
        cpu@1 { device_type = "cpu"; reg = <1>; };
        cpu@2 { device_type = "cpu"; reg = <2>; status = "disabled"; };
        cpu-map { };
    };
    psci { compatible = "arm,psci-1.0", "arm,psci-0.2", "arm,psci"; method = "smc"; };
    intc@1000 { compatible = "arm,gic-v3"; status = "disabled"; reg = <0 0x1000 0 0x10000>, <0 0x20000 0 0x20000>; };
    gic: intc@8000000 {
        compatible = "arm,gic-v3";
        interrupt-controller;
        #interrupt-cells = <3>;
        #redistributor-regions = <2>;
        redistributor-stride = <0x0 0x40000>;
        reg = <0x0 0x8000000 0x0 0x10000>, <0x0 0x80a0000 0x0 0x100000>,
              <0x0 0x9000000 0x0 0x20000>, <0x0 0x8010000 0x0 0x10000>;
    };
    timer {
        compatible = "arm,armv8-timer", "arm,armv7-timer";
        interrupts = <1 13 4>, <1 14 4>, <1 11 4>, <1 10 4>;
    };
    memory@40000000 {
        device_type = "memory";
        reg = <0x0 0x40000000 0x0 0x40000000>, <0x1 0x00000000 0x0 0x80000000>;
    };
    memory@200000000 {
        device_type = "memory";
        reg = <0x2 0x0 0x0 0x10000000>;
        status = "disabled";
    };
    reserved-memory {
        #address-cells = <2>;
        #size-cells = <2>;
        ranges;
        fw@7f000000 { reg = <0x0 0x7f000000 0x0 0x100000>; no-map; };
        cma { size = <0x0 0x1000000>; };
    };
    soc {
        compatible = "simple-bus";
        #address-cells = <1>;
        #size-cells = <1>;
        ranges = <0x0 0x0 0x9000000 0x100000>;
        uart@2000 { compatible = "arm,pl011", "arm,primecell"; reg = <0x2000 0x1000>;
                    interrupts = <0 7 4>; };
        uart@1000 { compatible = "arm,pl011", "arm,primecell"; reg = <0x1000 0x1000>;
                    interrupts = <0 1 4>; };
    };
};
EOS

# Xen's /chosen rules, one case each (see choose_cmdlines()).
chosen_tree() {     # name, chosen body
    cat >"$OUT/$1.dts" <<EOS
/dts-v1/;
/ {
    #address-cells = <2>;
    #size-cells = <2>;
    memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x10000000>; };
    chosen {
        #address-cells = <2>;
        #size-cells = <2>;
$2
    };
};
EOS
}
MOD='module@50000000 { compatible = "multiboot,module"; reg = <0x0 0x50000000 0x0 0x1000>;'
chosen_tree cmd-plain    'bootargs = "plain args";'
chosen_tree cmd-dom0     "bootargs = \"for dom0\"; $MOD }; module@51000000 { compatible = \"multiboot,module\"; reg = <0x0 0x51000000 0x0 0x1000>; };"
chosen_tree cmd-dom0args "bootargs = \"for xen\"; xen,dom0-bootargs = \"for dom0\"; $MOD };"
chosen_tree cmd-modargs  "bootargs = \"for xen\"; $MOD bootargs = \"own\"; };"
chosen_tree cmd-long     "bootargs = \"$(printf 'x%.0s' $(seq 1 1500))\";"

# Malformed entries: each must be skipped (and counted), nothing else lost.
cat >"$OUT/bad.dts" <<'EOS'
/dts-v1/;
/ {
    #address-cells = <2>;
    #size-cells = <2>;
    chosen {
        stdout-path = "/nonexistent";
        bootargs = [61 62 63];
        module@0 { compatible = "multiboot,module"; reg = <1 2>; };
    };
    memory@40000000 { device_type = "memory"; reg = <0 0x40000000 0 0x10000000 5>; };
    memory@1 { device_type = "memory"; reg = <0xffffffff 0xfffff000 0 0x2000>; };
    psci { compatible = "arm,psci-0.2"; };
    cpus { cpu@0 { device_type = [63 70 75]; }; };
    intc { compatible = "arm,gic-v3"; #redistributor-regions = <2>; reg = <0 0x8000000 0 0x10000>; };
    timer { compatible = "arm,armv8-timer"; interrupts = <1 13 4>; };
    soc {
        #address-cells = <1>;
        #size-cells = <1>;
        ranges = <0x0 0x0 0x9000000 0x1000>;
        uart@5000 { compatible = "arm,pl011"; reg = <0x5000 0x1000>; };
        uart@0 { compatible = "arm,pl011"; reg = <0x0 0x1000>; status = "disabled"; };
    };
    bus2 {
        #address-cells = <1>;
        #size-cells = <1>;
        uart@3000 { compatible = "arm,pl011"; reg = <0x3000 0x100>; };
    };
    wide {
        #address-cells = <3>;
        #size-cells = <1>;
        ranges;
        uart@1 { compatible = "arm,pl011"; reg = <1 0 0 0x100>; };
    };
};
EOS

# CPU nodes: 2-cell MPIDRs, Aff3, a non-affinity value, a duplicate, no reg.
cat >"$OUT/cpus.dts" <<'EOS'
/dts-v1/;
/ {
    #address-cells = <2>;
    #size-cells = <2>;
    cpus {
        #address-cells = <2>;
        #size-cells = <0>;
        cpu@0 { device_type = "cpu"; reg = <0x0 0x0>; };
        cpu@100000102 { device_type = "cpu"; reg = <0x1 0x102>; };
        cpu@1000000 { device_type = "cpu"; reg = <0x0 0x1000000>; };
        cpu@0-again { device_type = "cpu"; reg = <0x0 0x0>; };
        cpu@5 { device_type = "cpu"; };
        cpu@6 { device_type = "cpu"; reg = <0x0 0x6>; status = "disabled"; };
    };
};
EOS

# More RAM banks than boot_info holds.
{
    printf '/dts-v1/;\n/ {\n #address-cells = <2>;\n #size-cells = <2>;\n'
    printf ' memory@0 { device_type = "memory"; reg = <'
    for i in $(seq 0 199); do printf ' 0x%x 0x0 0x0 0x1000' $((i + 1)); done
    printf '>; };\n};\n'
} >"$OUT/many.dts"

for t in full cmd-plain cmd-dom0 cmd-dom0args cmd-modargs cmd-long bad many cpus; do
    dtc -q -I dts -O dtb -o "$OUT/$t.dtb" "$OUT/$t.dts"
done

# ---------------------------------------------------------------- harness
cat >"$OUT/harness.c" <<'EOS'
/* Generated by tests/boot/arm64-fdt-parse.t. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <xen/boot_info.h>
#include <xen/console.h>
#include <asm/bootfdt.h>

static char last_msg[512];
static int failures;
static const char *current = "";

int vprintk(const char *fmt, va_list ap)
{
    int n = vsnprintf(last_msg, sizeof(last_msg), fmt, ap);

    if (getenv("FDT_VERBOSE"))
        fputs(last_msg, stdout);
    return n;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintk(fmt, ap);
    va_end(ap);
    return n;
}

/* glibc 2.36 has no strlcpy; the hypervisor's xen/lib does. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

#define CHECK(cond) do {                                                    \
        if (!(cond)) {                                                      \
            printf("%s:%d: %s: check failed: %s\n",                         \
                   __FILE__, __LINE__, current, #cond);                     \
            failures++;                                                     \
        }                                                                   \
    } while (0)

#define STR_EQ(a, b) ((a) && (b) && !strcmp((a), (b)))

static const char *dir;

/* The blob in a heap block of exactly its size. */
static void *load(const char *name, size_t *size)
{
    char path[4096];
    FILE *f;
    void *buf;
    long len;

    snprintf(path, sizeof(path), "%s/%s.dtb", dir, name);
    f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET)) {
        printf("cannot read %s\n", path);
        exit(1);
    }
    buf = malloc((size_t)len);
    if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
        printf("cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    *size = (size_t)len;
    return buf;
}

static struct boot_info bi;
static struct arm_boot_fdt out;

static bool parse(const void *fdt, size_t size)
{
    memset(&bi, 0, sizeof(bi));
    if (arm_fdt_validate(fdt, size))
        return false;
    arm_fdt_parse(fdt, 0x48000000, &bi, &out);
    return true;
}

static const struct boot_module *module(const char *kind)
{
    for (unsigned int i = 0; i < bi.nr_mods; i++)
        if (STR_EQ(bi.mods[i].kind, kind))
            return &bi.mods[i];
    return NULL;
}

static bool has_region(paddr_t start, paddr_t size, enum boot_mem_type type)
{
    for (unsigned int i = 0; i < bi.nr_mem; i++)
        if (bi.mem[i].start == start && bi.mem[i].size == size && bi.mem[i].type == type)
            return true;
    return false;
}

static void full_tree(void)
{
    size_t size;
    void *fdt = load("full", &size);
    const struct boot_module *m;

    current = "full";
    CHECK(parse(fdt, size));
    CHECK(out.size == size);
    CHECK(STR_EQ(out.model, "test,board"));
    CHECK(STR_EQ(out.uboot_version, "U-Boot 2099.01"));
    /* stdout-path through an alias with options, then the soc's ranges. */
    CHECK(out.uart_base == 0x9001000);
    CHECK(STR_EQ(out.uart_node, "uart@1000"));
    CHECK(out.uart_from_stdout_path);
    CHECK(out.uart_intid == 33);        /* SPI 1 */
    CHECK(out.psci == PSCI_CONDUIT_SMC);
    CHECK(bi.nr_cpus == 2);
    CHECK(bi.nr_mem == 4);
    CHECK(has_region(0x40000000, 0x40000000, BOOT_MEM_RAM));
    CHECK(has_region(0x100000000, 0x80000000, BOOT_MEM_RAM));
    CHECK(has_region(0x48000000, 0x10000, BOOT_MEM_RESERVED));
    CHECK(has_region(0x7f000000, 0x100000, BOOT_MEM_RESERVED));
    CHECK(STR_EQ(bi.cmdline, "dom0_mem=512M loglvl=all"));
    CHECK(STR_EQ(out.cmdline_source, "xen,xen-bootargs"));
    CHECK(bi.nr_mods == 4);
    CHECK((m = module("host-dtb")) && m->start == 0x48000000 && m->size == size);
    CHECK((m = module("kernel")) && m->start == 0x50000000 && m->size == 0x100000 &&
          STR_EQ(m->cmdline, "earlyprintk"));
    CHECK((m = module("ramdisk")) && m->start == 0x52000000 && m->size == 0x200000 &&
          !m->cmdline);
    CHECK((m = module("xsm-policy")) && m->start == 0x54000000);
    /* CPUs' MPIDRs, the enabled GICv3 (two redistributor regions; the
     * extra GICC-style entry is ignored), the hypervisor timer's PPI. */
    CHECK(out.nr_cpu_mpidrs == 2 && out.cpu_mpidr[0] == 0 && out.cpu_mpidr[1] == 1);
    CHECK(STR_EQ(out.gic.node, "intc@8000000"));
    CHECK(out.gic.dist_base == 0x8000000 && out.gic.dist_size == 0x10000);
    CHECK(out.gic.nr_rdist == 2);
    CHECK(out.gic.rdist_base[0] == 0x80a0000 && out.gic.rdist_size[0] == 0x100000);
    CHECK(out.gic.rdist_base[1] == 0x9000000 && out.gic.rdist_size[1] == 0x20000);
    CHECK(out.gic.rdist_stride == 0x40000);
    CHECK(out.timer_hyp_intid == 26);
    CHECK(out.bad_entries == 0);

    /* Without stdout-path: the first enabled PL011 in tree order. */
    current = "full, no stdout-path";
    {
        int chosen = fdt_path_offset(fdt, "/chosen");

        CHECK(chosen >= 0 && fdt_nop_property(fdt, chosen, "stdout-path") == 0);
        CHECK(parse(fdt, size));
        CHECK(out.uart_base == 0x9002000 && !out.uart_from_stdout_path);
        CHECK(out.uart_intid == 39);
    }
    free(fdt);
}

static void cmdline_rules(void)
{
    static const struct {
        const char *tree, *ours, *kernel_cmdline;
        unsigned int mods;
    } cases[] = {
        { "cmd-plain",    "plain args", NULL,       1 },
        { "cmd-dom0",     "",           "for dom0", 3 },
        { "cmd-dom0args", "for xen",    "for dom0", 2 },
        { "cmd-modargs",  "for xen",    "own",      2 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t size;
        void *fdt = load(cases[i].tree, &size);
        const struct boot_module *k;

        current = cases[i].tree;
        CHECK(parse(fdt, size));
        CHECK(STR_EQ(bi.cmdline, cases[i].ours));
        CHECK(bi.nr_mods == cases[i].mods);
        k = module("kernel");
        if (cases[i].kernel_cmdline)
            CHECK(k && STR_EQ(k->cmdline, cases[i].kernel_cmdline));
        else
            CHECK(!k);
        CHECK(out.bad_entries == 0);
        CHECK(out.uart_base == 0 && out.psci == PSCI_CONDUIT_NONE);
        if (!strcmp(cases[i].tree, "cmd-dom0"))
            CHECK(module("ramdisk") && module("ramdisk")->start == 0x51000000);
        free(fdt);
    }

    current = "cmd-long";
    {
        size_t size;
        void *fdt = load("cmd-long", &size);

        CHECK(parse(fdt, size));
        CHECK(strlen(bi.cmdline) == BOOT_CMDLINE_MAX - 1);
        CHECK(out.bad_entries == 1);
        free(fdt);
    }
}

static void bad_tree(void)
{
    size_t size;
    void *fdt = load("bad", &size);

    current = "bad";
    CHECK(parse(fdt, size));
    CHECK(out.uart_base == 0);          /* none reachable and enabled */
    CHECK(out.psci == PSCI_CONDUIT_NONE);
    CHECK(bi.nr_cpus == 0);
    CHECK(bi.nr_mem == 1 && has_region(0x40000000, 0x10000000, BOOT_MEM_RAM));
    CHECK(STR_EQ(bi.cmdline, ""));
    CHECK(bi.nr_mods == 1);             /* just the blob itself */
    CHECK(out.gic.node == NULL);        /* no redistributor region */
    CHECK(out.timer_hyp_intid == 0);    /* no interrupt parent, one entry */
    /* stdout string ok but unusable target; unterminated bootargs; module
     * reg; memory reg length; wrapping region; psci method; device_type;
     * uart outside ranges; uart on a bus without ranges; 3-cell address. */
    CHECK(out.bad_entries >= 8);
    free(fdt);

    current = "cpus";
    fdt = load("cpus", &size);
    CHECK(parse(fdt, size));
    CHECK(bi.nr_cpus == 5);             /* enabled cpu nodes */
    CHECK(out.nr_cpu_mpidrs == 2);
    CHECK(out.cpu_mpidr[0] == 0 && out.cpu_mpidr[1] == 0x100000102ULL);
    CHECK(out.bad_entries == 3);        /* not an MPIDR, duplicate, no reg */
    free(fdt);

    current = "many";
    fdt = load("many", &size);
    CHECK(parse(fdt, size));
    CHECK(bi.nr_mem == BOOT_MEM_MAX);
    CHECK(out.bad_entries == 200 - BOOT_MEM_MAX);
    free(fdt);
}

static void validation(void)
{
    size_t size;
    void *fdt = load("full", &size);
    unsigned char *copy;

    current = "validate";
    CHECK(arm_fdt_validate(fdt, size) == NULL);
    CHECK(arm_fdt_validate(fdt, size - 1) != NULL);
    CHECK(arm_fdt_validate(NULL, size) != NULL);

    /* Every truncation, in a block of exactly that size. */
    for (size_t len = 0; len < size; len++) {
        copy = malloc(len ? len : 1);
        memcpy(copy, fdt, len);
        CHECK(arm_fdt_validate(copy, len) != NULL);
        free(copy);
    }

    copy = malloc(size);
    memcpy(copy, fdt, size);
    copy[0] ^= 0xff;
    CHECK(arm_fdt_validate(copy, size) != NULL);
    memcpy(copy, fdt, size);
    fdt_set_totalsize(copy, 0x7ffffff0);
    CHECK(arm_fdt_validate(copy, size) != NULL);
    memcpy(copy, fdt, size);
    fdt_set_off_dt_strings(copy, (uint32_t)size + 64);
    CHECK(arm_fdt_validate(copy, size) != NULL);
    /* Versions libfdt's header check takes but its full check crashes on. */
    for (uint32_t v = 2; v < 17; v++) {
        memcpy(copy, fdt, size);
        fdt_set_version(copy, v);
        fdt_set_last_comp_version(copy, v < 16 ? v : 16);
        CHECK(arm_fdt_validate(copy, size) != NULL);
    }
    free(copy);
    free(fdt);
}

/* Random corruption: whatever validation accepts must parse safely. */
static void fuzz(void)
{
    static const char *const trees[] = { "full", "bad", "cmd-dom0", "cpus" };
    unsigned long seed = 12345;
    unsigned int accepted = 0, runs = 0;

    current = "fuzz";
    for (size_t t = 0; t < sizeof(trees) / sizeof(trees[0]); t++) {
        size_t size;
        void *fdt = load(trees[t], &size);
        unsigned char *copy = malloc(size);

        for (int iter = 0; iter < 4000; iter++) {
            unsigned int flips;

            memcpy(copy, fdt, size);
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            flips = 1 + (unsigned int)(seed >> 60) % 8;
            for (unsigned int f = 0; f < flips; f++) {
                size_t at;

                seed = seed * 6364136223846793005UL + 1442695040888963407UL;
                at = (size_t)(seed >> 33) % size;
                /* Small values and 0xff hit lengths, offsets and counts. */
                copy[at] = (seed >> 20) & 1 ? (unsigned char)(seed >> 8) % 8 : 0xff;
            }
            runs++;
            if (parse(copy, size)) {
                accepted++;
                CHECK(bi.cmdline != NULL);
                CHECK(bi.nr_mem <= BOOT_MEM_MAX && bi.nr_mods <= BOOT_MODULES_MAX);
                CHECK(out.nr_cpu_mpidrs <= ARM_FDT_MAX_CPUS);
                CHECK(out.gic.nr_rdist <= GIC_MAX_RDIST_REGIONS);
                CHECK(!out.timer_hyp_intid ||
                      (out.timer_hyp_intid >= 16 && out.timer_hyp_intid < 32));
            }
        }
        free(copy);
        free(fdt);
    }
    printf("fuzz: %u corrupted blobs, %u passed validation and were parsed\n",
           runs, accepted);
}

int main(int argc, char **argv)
{
    dir = argc > 1 ? argv[1] : ".";
    full_tree();
    cmdline_rules();
    bad_tree();
    validation();
    fuzz();
    if (failures) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("arm64 device tree parser: all checks passed\n");
    return 0;
}
EOS

cat >"$OUT/host-shim.h" <<'EOS'
/* Generated by tests/boot/arm64-fdt-parse.t: what glibc 2.36 lacks. */
#include <stddef.h>
size_t strlcpy(char *dst, const char *src, size_t size);
EOS

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
# The parser and boot_info helpers as the hypervisor has them, but against
# the host C library and the host's libfdt (same version as Debian's arm64
# libfdt.a).  strlcpy comes from the harness: glibc 2.36 lacks it.
gcc -std=gnu11 -Wall -Wextra -Werror -O1 -g $SAN -fno-builtin \
    -include "$OUT/host-shim.h" \
    -Ixen/include -Ixen/arch/arm/include \
    xen/arch/arm/bootfdt.c xen/common/boot_info.c "$OUT/harness.c" \
    "$LIBFDT" -o "$OUT/fdt-parse"
"$OUT/fdt-parse" "$OUT"
