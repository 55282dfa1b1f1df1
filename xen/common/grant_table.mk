# Grant tables (docs/grant-tables.md), included by xen/common/build.mk.
# Built for both architectures; grant_table_op is dispatched where the
# configuration has CONFIG_GRANT_TABLE (the arm32/arm64 columns call
# do_grant_table_op(); x86 HVM still goes to the hvm_grant_table_op() stub).
obj-y += xen/common/grant_table.o
