/*
 * Intrusive circular doubly linked lists.
 *
 * A struct list_node is embedded in each element; a list is a struct
 * list_node of its own (the sentinel) that points at the first and last
 * elements, or at itself when the list is empty.  Nothing here allocates
 * or locks: callers own both.
 */
#ifndef XEN_LIST_H
#define XEN_LIST_H

#include <xen/types.h>

#ifndef container_of
/* The structure of type `type` whose member `member` is at `ptr`. */
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - __builtin_offsetof(type, member)))
#endif

struct list_node {
    struct list_node *next, *prev;
};

/* Static initialiser of an empty list (or an unlinked node). */
#define LIST_NODE_INIT(name) { &(name), &(name) }
#define LIST_DEFINE(name) struct list_node name = LIST_NODE_INIT(name)

static inline void list_init(struct list_node *n)
{
    n->next = n;
    n->prev = n;
}

static inline bool list_is_empty(const struct list_node *head)
{
    return head->next == head;
}

/* True if the node sits on some list (nodes are re-initialised when removed). */
static inline bool list_is_linked(const struct list_node *n)
{
    return n->next != n;
}

static inline void list__link(struct list_node *n, struct list_node *prev,
                              struct list_node *next)
{
    n->prev = prev;
    n->next = next;
    prev->next = n;
    next->prev = n;
}

static inline void list_push_front(struct list_node *head, struct list_node *n)
{
    list__link(n, head, head->next);
}

static inline void list_push_back(struct list_node *head, struct list_node *n)
{
    list__link(n, head->prev, head);
}

/* Insert n right after pos (pos may be the sentinel). */
static inline void list_insert_after(struct list_node *pos, struct list_node *n)
{
    list__link(n, pos, pos->next);
}

/* Insert n right before pos (pos == sentinel appends). */
static inline void list_insert_before(struct list_node *pos, struct list_node *n)
{
    list__link(n, pos->prev, pos);
}

/* Unlink n from its list; n is left as an empty, unlinked node. */
static inline void list_remove(struct list_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    list_init(n);
}

static inline void list_move_back(struct list_node *head, struct list_node *n)
{
    list_remove(n);
    list_push_back(head, n);
}

/* Append every element of `from` to `to`, leaving `from` empty. */
static inline void list_splice_back(struct list_node *to, struct list_node *from)
{
    if (list_is_empty(from))
        return;
    from->next->prev = to->prev;
    to->prev->next = from->next;
    from->prev->next = to;
    to->prev = from->prev;
    list_init(from);
}

static inline struct list_node *list_front(const struct list_node *head)
{
    return list_is_empty(head) ? NULL : head->next;
}

static inline struct list_node *list_back(const struct list_node *head)
{
    return list_is_empty(head) ? NULL : head->prev;
}

/* Remove and return the first node, or NULL. */
static inline struct list_node *list_pop_front(struct list_node *head)
{
    struct list_node *n = list_front(head);

    if (n)
        list_remove(n);
    return n;
}

static inline size_t list_count(const struct list_node *head)
{
    size_t n = 0;

    for (const struct list_node *p = head->next; p != head; p = p->next)
        n++;
    return n;
}

#define list_entry(node, type, member) container_of(node, type, member)

/* The element holding the first / last node, or NULL when empty. */
#define list_front_entry(head, type, member) ({                          \
    struct list_node *n__ = list_front(head);                            \
    n__ ? list_entry(n__, type, member) : (type *)NULL; })
#define list_back_entry(head, type, member) ({                           \
    struct list_node *n__ = list_back(head);                             \
    n__ ? list_entry(n__, type, member) : (type *)NULL; })

/* Walk the nodes; the body must not remove `pos`. */
#define list_foreach(pos, head) \
    for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

/* Walk the elements; the body must not remove `pos`. */
#define list_foreach_entry(pos, head, member)                                \
    for ((pos) = list_entry((head)->next, __typeof__(*(pos)), member);      \
         &(pos)->member != (head);                                          \
         (pos) = list_entry((pos)->member.next, __typeof__(*(pos)), member))

/* Walk the elements; the body may remove (or free) `pos`, using `tmp`. */
#define list_foreach_entry_safe(pos, tmp, head, member)                      \
    for ((pos) = list_entry((head)->next, __typeof__(*(pos)), member),      \
         (tmp) = list_entry((pos)->member.next, __typeof__(*(pos)), member); \
         &(pos)->member != (head);                                          \
         (pos) = (tmp),                                                     \
         (tmp) = list_entry((tmp)->member.next, __typeof__(*(pos)), member))

#endif /* XEN_LIST_H */
