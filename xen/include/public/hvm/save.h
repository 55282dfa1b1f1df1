/* SPDX-License-Identifier: MIT */
/*
 * hvm/save.h - the HVM context record stream (XEN_DOMCTL_gethvmcontext /
 * sethvmcontext): a sequence of (descriptor, record) pairs ended by an
 * END record.
 *
 * Written for this project from the published Xen 4.17 ABI: type codes
 * and record layouts are fixed by that ABI, the text is our own.  The
 * records themselves are in the architecture headers.
 */

#ifndef XEN_PUBLIC_HVM_SAVE_H
#define XEN_PUBLIC_HVM_SAVE_H

#if !defined(__GNUC__) || defined(__STRICT_ANSI__)
#error "hvm/save.h needs GNU C (anonymous unions, empty structs)"
#endif

#include "../xen.h"

/* Precedes every record. */
struct hvm_save_descriptor {
    uint16_t typecode;                  /* which record (HVM_SAVE_CODE) */
    uint16_t instance;                  /* e.g. the vCPU */
    uint32_t length;                    /* bytes following this descriptor */
};

/*
 * DECLARE_HVM_SAVE_TYPE(NAME, code, type) ties a record name to its type
 * and type code, both recoverable at compile time:
 *   HVM_SAVE_TYPE(NAME)    the record's C type
 *   HVM_SAVE_LENGTH(NAME)  its size
 *   HVM_SAVE_CODE(NAME)    its type code
 * The code is kept as the size of an array member, the type as another
 * member, of a dummy structure.  DECLARE_HVM_SAVE_TYPE_COMPAT also names
 * an older layout of the record, which restore converts with fix().
 */
#ifdef __XEN__
#define DECLARE_HVM_SAVE_TYPE_COMPAT(_x, _code, _type, _ctype, _fix)    \
    static inline int __HVM_SAVE_FIX_COMPAT_##_x(void *h, uint32_t size) \
    {                                                                   \
        return _fix(h, size);                                           \
    }                                                                   \
    struct __HVM_SAVE_TYPE_##_x { _type t; char c[_code]; char cpt[2]; }; \
    struct __HVM_SAVE_TYPE_COMPAT_##_x { _ctype t; }
/* Records without an older layout must never be "fixed". */
#define DECLARE_HVM_SAVE_TYPE(_x, _code, _type)                         \
    static inline int __HVM_SAVE_FIX_COMPAT_##_x(void *h, uint32_t size) \
    {                                                                   \
        (void)h;                                                        \
        (void)size;                                                     \
        __builtin_trap();                                               \
        return -1;                                                      \
    }                                                                   \
    struct __HVM_SAVE_TYPE_##_x { _type t; char c[_code]; char cpt[1]; }; \
    struct __HVM_SAVE_TYPE_COMPAT_##_x { _type t; }
#else
#define DECLARE_HVM_SAVE_TYPE_COMPAT(_x, _code, _type, _ctype, _fix)    \
    struct __HVM_SAVE_TYPE_##_x { _type t; char c[_code]; char cpt[2]; }
#define DECLARE_HVM_SAVE_TYPE(_x, _code, _type)                         \
    struct __HVM_SAVE_TYPE_##_x { _type t; char c[_code]; char cpt[1]; }
#endif

#define HVM_SAVE_TYPE(_x) __typeof__(((struct __HVM_SAVE_TYPE_##_x *)(0))->t)
#define HVM_SAVE_LENGTH(_x) (sizeof(HVM_SAVE_TYPE(_x)))
#define HVM_SAVE_CODE(_x) (sizeof(((struct __HVM_SAVE_TYPE_##_x *)(0))->c))

#ifdef __XEN__
/* The older layout (or the current one when there is none). */
#define HVM_SAVE_TYPE_COMPAT(_x) \
    __typeof__(((struct __HVM_SAVE_TYPE_COMPAT_##_x *)(0))->t)
#define HVM_SAVE_LENGTH_COMPAT(_x) (sizeof(HVM_SAVE_TYPE_COMPAT(_x)))
/* 1 when the record has an older layout to convert from. */
#define HVM_SAVE_HAS_COMPAT(_x) \
    (sizeof(((struct __HVM_SAVE_TYPE_##_x *)(0))->cpt) - 1)
/* Convert _size bytes at _dst from the older layout, in place. */
#define HVM_SAVE_FIX_COMPAT(_x, _dst, _size) \
    __HVM_SAVE_FIX_COMPAT_##_x(_dst, _size)
#endif

/* Type code 0 ends the stream. */
struct hvm_save_end {};
DECLARE_HVM_SAVE_TYPE(END, 0, struct hvm_save_end);

#if defined(__i386__) || defined(__x86_64__)
#include "../arch-x86/hvm/save.h"
#elif defined(__arm__) || defined(__aarch64__)
#include "../arch-arm/hvm/save.h"
#else
#error "no HVM save records for this architecture"
#endif

#endif /* XEN_PUBLIC_HVM_SAVE_H */
