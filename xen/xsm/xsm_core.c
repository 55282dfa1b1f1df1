/*
 * Which security module is active, and how another one takes over at
 * boot (see xsm/xsm.h).
 */
#include <xen/errno.h>
#include <xen/console.h>
#include <xsm/xsm.h>

const struct xsm_ops *xsm_ops = &xsm_dummy_ops;

/* Every hook slot of the table, for filling the ones a module left empty. */
#define XSM_HOOK_SLOTS ((sizeof(struct xsm_ops) - __builtin_offsetof(struct xsm_ops, domain_create)) / \
                        sizeof(void (*)(void)))

int xsm_register(struct xsm_ops *ops)
{
    void (**slot)(void);
    void (*const *dflt)(void);

    if (!ops)
        return -EINVAL;
    /* The table is a run of function pointers after the name. */
    slot = (void (**)(void))&ops->domain_create;
    dflt = (void (*const *)(void))&xsm_dummy_ops.domain_create;
    for (size_t i = 0; i < XSM_HOOK_SLOTS; i++)
        if (!slot[i])
            slot[i] = dflt[i];
    if (!ops->name)
        ops->name = "unnamed";
    __atomic_store_n(&xsm_ops, ops, __ATOMIC_RELEASE);
    printk("XSM: %s policy active\n", ops->name);
    return 0;
}
