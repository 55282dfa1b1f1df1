/* SPDX-License-Identifier: MIT */
/*
 * xsm/flask_op.h - argument block of the xsm_op hypercall when the FLASK
 * security module is active.
 *
 * Written for this project from the published Xen 4.17 ABI (command
 * numbers, structure tags, member names and layouts); wording is ours.
 * Every call passes one struct xen_flask_op; cmd selects the member of
 * the union that carries the payload.
 */

#ifndef XEN_PUBLIC_XSM_FLASK_OP_H
#define XEN_PUBLIC_XSM_FLASK_OP_H

#include "../event_channel.h"

/* Checked on every call; anything else fails with -ENOSYS. */
#define XEN_FLASK_INTERFACE_VERSION 1

/* FLASK_LOAD: replace the policy with a binary policy image. */
struct xen_flask_load {
    XEN_GUEST_HANDLE(char) buffer;      /* in */
    uint32_t size;                      /* in: bytes in buffer */
};
typedef struct xen_flask_load xen_flask_load_t;

/* FLASK_SETENFORCE: 0 = permissive, 1 = enforcing. */
struct xen_flask_setenforce {
    uint32_t enforcing;
};
typedef struct xen_flask_setenforce xen_flask_setenforce_t;

/*
 * FLASK_CONTEXT_TO_SID: context string in, sid out.
 * FLASK_SID_TO_CONTEXT: sid in, context string out; size is the buffer
 * length on input and the string length on output.
 */
struct xen_flask_sid_context {
    uint32_t sid;
    uint32_t size;
    XEN_GUEST_HANDLE(char) context;
};
typedef struct xen_flask_sid_context xen_flask_sid_context_t;

/* FLASK_ACCESS: evaluate a permission request against the policy. */
struct xen_flask_access {
    uint32_t ssid;                      /* in: source sid */
    uint32_t tsid;                      /* in: target sid */
    uint32_t tclass;                    /* in: security class */
    uint32_t req;                       /* in: requested permission bits */
    uint32_t allowed;                   /* out */
    uint32_t audit_allow;               /* out */
    uint32_t audit_deny;                /* out */
    uint32_t seqno;                     /* out: policy sequence number */
};
typedef struct xen_flask_access xen_flask_access_t;

/* FLASK_CREATE, FLASK_RELABEL, FLASK_MEMBER: compute a derived sid. */
struct xen_flask_transition {
    uint32_t ssid;                      /* in */
    uint32_t tsid;                      /* in */
    uint32_t tclass;                    /* in */
    uint32_t newsid;                    /* out */
};
typedef struct xen_flask_transition xen_flask_transition_t;

/* FLASK_USER was withdrawn in interface 0x00040800; kept for old builds. */
#if __XEN_INTERFACE_VERSION__ < 0x00040800
struct xen_flask_userlist {
    uint32_t start_sid;
    uint32_t size;
    union {
        XEN_GUEST_HANDLE(char) user;
        XEN_GUEST_HANDLE(uint32) sids;
    } u;
};
#endif

/*
 * FLASK_GETBOOL / FLASK_SETBOOL: a boolean is named either by bool_id or,
 * when bool_id is ~0, by the name string.
 */
struct xen_flask_boolean {
    uint32_t bool_id;                   /* in/out */
    uint8_t enforcing;                  /* out: value in force */
    uint8_t pending;                    /* out: value after the next commit */
    uint8_t new_value;                  /* in (SETBOOL) */
    uint8_t commit;                     /* in (SETBOOL): commit immediately */
    uint32_t size;                      /* in: name buffer size; out: length */
    XEN_GUEST_HANDLE(char) name;        /* in/out */
};
typedef struct xen_flask_boolean xen_flask_boolean_t;

/* FLASK_GETAVC_THRESHOLD / FLASK_SETAVC_THRESHOLD. */
struct xen_flask_setavc_threshold {
    uint32_t threshold;
};
typedef struct xen_flask_setavc_threshold xen_flask_setavc_threshold_t;

/* FLASK_AVC_HASHSTATS: access vector cache hash table occupancy. */
struct xen_flask_hash_stats {
    uint32_t entries;
    uint32_t buckets_used;
    uint32_t buckets_total;
    uint32_t max_chain_len;
};
typedef struct xen_flask_hash_stats xen_flask_hash_stats_t;

/* FLASK_AVC_CACHESTATS: per-CPU cache counters; cpu selects the CPU. */
struct xen_flask_cache_stats {
    uint32_t cpu;                       /* in */
    uint32_t lookups;
    uint32_t hits;
    uint32_t misses;
    uint32_t allocations;
    uint32_t reclaims;
    uint32_t frees;
};
typedef struct xen_flask_cache_stats xen_flask_cache_stats_t;

/*
 * FLASK_ADD_OCONTEXT / FLASK_DEL_OCONTEXT: label a range of pirqs, I/O
 * ports, MMIO pages or PCI devices.  ocon uses the policy's OCON_* order
 * (1 pirq, 2 ioport, 3 iomem, 4 pci device).
 */
struct xen_flask_ocontext {
    uint32_t ocon;
    uint32_t sid;
    uint64_t low, high;
};
typedef struct xen_flask_ocontext xen_flask_ocontext_t;

/* FLASK_GET_PEER_SID: label of the domain at the other end of a channel. */
struct xen_flask_peersid {
    evtchn_port_t evtchn;               /* in: local port */
    uint32_t sid;                       /* out */
};
typedef struct xen_flask_peersid xen_flask_peersid_t;

/* FLASK_RELABEL_DOMAIN: move a domain to a new sid. */
struct xen_flask_relabel {
    uint32_t domid;                     /* in */
    uint32_t sid;                       /* in */
};
typedef struct xen_flask_relabel xen_flask_relabel_t;

/* FLASK_DEVICETREE_LABEL: label (sid != 0) or unlabel a DT node path. */
struct xen_flask_devicetree_label {
    uint32_t sid;
    uint32_t length;                    /* bytes in path */
    XEN_GUEST_HANDLE(char) path;
};
typedef struct xen_flask_devicetree_label xen_flask_devicetree_label_t;

struct xen_flask_op {
    uint32_t cmd;
#define FLASK_LOAD              1
#define FLASK_GETENFORCE        2
#define FLASK_SETENFORCE        3
#define FLASK_CONTEXT_TO_SID    4
#define FLASK_SID_TO_CONTEXT    5
#define FLASK_ACCESS            6
#define FLASK_CREATE            7
#define FLASK_RELABEL           8
#define FLASK_USER              9       /* withdrawn */
#define FLASK_POLICYVERS        10
#define FLASK_GETBOOL           11
#define FLASK_SETBOOL           12
#define FLASK_COMMITBOOLS       13
#define FLASK_MLS               14
#define FLASK_DISABLE           15      /* withdrawn */
#define FLASK_GETAVC_THRESHOLD  16
#define FLASK_SETAVC_THRESHOLD  17
#define FLASK_AVC_HASHSTATS     18
#define FLASK_AVC_CACHESTATS    19
#define FLASK_MEMBER            20
#define FLASK_ADD_OCONTEXT      21
#define FLASK_DEL_OCONTEXT      22
#define FLASK_GET_PEER_SID      23
#define FLASK_RELABEL_DOMAIN    24
#define FLASK_DEVICETREE_LABEL  25
    uint32_t interface_version;         /* XEN_FLASK_INTERFACE_VERSION */
    union {
        xen_flask_load_t load;
        xen_flask_setenforce_t enforce;
        xen_flask_sid_context_t sid_context;            /* CONTEXT_TO_SID, SID_TO_CONTEXT */
        xen_flask_access_t access;
        xen_flask_transition_t transition;              /* CREATE, RELABEL, MEMBER */
#if __XEN_INTERFACE_VERSION__ < 0x00040800
        struct xen_flask_userlist userlist;
#endif
        xen_flask_boolean_t boolean;                    /* GETBOOL, SETBOOL */
        xen_flask_setavc_threshold_t setavc_threshold;
        xen_flask_hash_stats_t hash_stats;
        xen_flask_cache_stats_t cache_stats;
        xen_flask_ocontext_t ocontext;                  /* ADD/DEL_OCONTEXT */
        xen_flask_peersid_t peersid;
        xen_flask_relabel_t relabel;
        xen_flask_devicetree_label_t devicetree_label;
    } u;
};
typedef struct xen_flask_op xen_flask_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_flask_op_t);

#endif /* XEN_PUBLIC_XSM_FLASK_OP_H */
