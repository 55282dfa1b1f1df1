# Event channels (docs/event-channels.md), included by xen/common/build.mk:
# the core and the event_channel_op hypercall, the 2-level and the FIFO
# port ABIs.  Built for both architectures (the arch's upcall delivery is
# xen/arch/<arch>/evtchn.c where it differs from the default).
obj-y += xen/common/event_channel.o
obj-y += xen/common/event_2l.o
obj-y += xen/common/event_fifo.o
