/*
 * replay.c - the per-identity replay table (replay.h): a fixed pool of entries and a linear-probing index
 * with backward-shift deletion (no tombstones, so probes stay short however often identities expire).
 */
#include "varta/replay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX_BYTES 8u
#define INDEX_SLOTS (2u * VARTA_REPLAY_CAPACITY)
#define INDEX_MASK (INDEX_SLOTS - 1u)
#define EMPTY (-1)

_Static_assert((INDEX_SLOTS & INDEX_MASK) == 0, "index slots are a power of two");

struct varta_replay_entry {
    uint32_t pid;
    int32_t next_free;
    uint8_t current[PREFIX_BYTES];
    uint8_t previous[PREFIX_BYTES];
    uint32_t current_counter;
    uint32_t previous_counter;
    int has_previous;
    int has_regular;
    int has_terminal;
    uint64_t max_regular_nonce;
    uint64_t max_terminal_timestamp;
    uint64_t last_seen_ns;
};

/* Time from then to now; 0 if now is earlier (a receive time is never trusted to be monotonic). */
static uint64_t elapsed(uint64_t now_ns, uint64_t then_ns)
{
    return now_ns > then_ns ? now_ns - then_ns : 0;
}

static uint32_t home_slot(uint32_t pid)
{
    return (pid * 2654435769u) >> 21 & INDEX_MASK; /* Fibonacci hashing: the top 11 bits */
}

int varta_replay_init(struct varta_replay_table *t, uint64_t restart_gap_ns)
{
    memset(t, 0, sizeof(*t));
    t->entries = calloc(VARTA_REPLAY_CAPACITY, sizeof(*t->entries));
    t->index = malloc(INDEX_SLOTS * sizeof(*t->index));
    if (t->entries == NULL || t->index == NULL) {
        varta_replay_free(t);
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < INDEX_SLOTS; i++) {
        t->index[i] = EMPTY;
    }
    for (uint32_t i = 0; i < VARTA_REPLAY_CAPACITY; i++) {
        t->entries[i].next_free = i + 1 < VARTA_REPLAY_CAPACITY ? (int32_t)(i + 1) : EMPTY;
    }
    t->free_head = 0;
    t->restart_gap_ns = restart_gap_ns;
    return 0;
}

/* The index slot holding pid, or the empty slot where it would go. */
static uint32_t find_slot(const struct varta_replay_table *t, uint32_t pid)
{
    uint32_t slot = home_slot(pid);
    while (t->index[slot] != EMPTY && t->entries[t->index[slot]].pid != pid) {
        slot = (slot + 1) & INDEX_MASK;
    }
    return slot;
}

/* Removes the entry at index slot (backward-shift deletion) and frees the entry. */
static void remove_slot(struct varta_replay_table *t, uint32_t slot)
{
    const int32_t entry = t->index[slot];
    t->entries[entry].next_free = t->free_head;
    t->free_head = entry;
    t->size--;
    uint32_t hole = slot;
    uint32_t next = (slot + 1) & INDEX_MASK;
    while (t->index[next] != EMPTY) {
        const uint32_t home = home_slot(t->entries[t->index[next]].pid);
        /* move next into the hole unless its home lies cyclically in (hole, next] */
        const int stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
        if (!stays) {
            t->index[hole] = t->index[next];
            hole = next;
        }
        next = (next + 1) & INDEX_MASK;
    }
    t->index[hole] = EMPTY;
}

static void sweep(struct varta_replay_table *t, uint64_t now_ns)
{
    t->last_sweep_ns = now_ns;
    for (uint32_t e = 0; e < VARTA_REPLAY_CAPACITY && t->size > 0; e++) {
        const struct varta_replay_entry *entry = &t->entries[e];
        if (entry->next_free != -2 || elapsed(now_ns, entry->last_seen_ns) < VARTA_REPLAY_TTL_NS) {
            continue; /* free, or alive */
        }
        remove_slot(t, find_slot(t, entry->pid));
        t->expired++;
    }
}

static void start_session(struct varta_replay_entry *e, const struct varta_replay_frame *f)
{
    memcpy(e->current, f->iv_prefix, PREFIX_BYTES);
    e->current_counter = f->iv_counter;
    e->has_previous = 0;
    e->has_regular = 0;
    e->has_terminal = 0;
}

static void advance_marks(struct varta_replay_entry *e, const struct varta_replay_frame *f, uint64_t now_ns)
{
    if (f->terminal) {
        if (!e->has_terminal || f->timestamp > e->max_terminal_timestamp) {
            e->max_terminal_timestamp = f->timestamp;
        }
        e->has_terminal = 1;
    } else {
        if (!e->has_regular || f->nonce > e->max_regular_nonce) {
            e->max_regular_nonce = f->nonce;
        }
        e->has_regular = 1;
    }
    e->last_seen_ns = now_ns;
}

static enum varta_replay_verdict check_known(const struct varta_replay_table *t, struct varta_replay_entry *e,
                                             const struct varta_replay_frame *f, uint64_t now_ns)
{
    if (memcmp(f->iv_prefix, e->current, PREFIX_BYTES) == 0) {
        if (f->iv_counter <= e->current_counter) {
            return VARTA_REPLAY_REFUSED;
        }
        e->current_counter = f->iv_counter;
    } else if (e->has_previous && memcmp(f->iv_prefix, e->previous, PREFIX_BYTES) == 0) {
        if (f->iv_counter <= e->previous_counter) {
            return VARTA_REPLAY_REFUSED;
        }
        e->previous_counter = f->iv_counter;
    } else {
        const int advances = f->terminal ? (!e->has_terminal || f->timestamp > e->max_terminal_timestamp)
                                         : (!e->has_regular || f->nonce > e->max_regular_nonce);
        if (advances) {
            memcpy(e->previous, e->current, PREFIX_BYTES);
            e->previous_counter = e->current_counter;
            e->has_previous = 1;
            memcpy(e->current, f->iv_prefix, PREFIX_BYTES);
            e->current_counter = f->iv_counter;
        } else if (!f->terminal && t->restart_gap_ns > 0 && elapsed(now_ns, e->last_seen_ns) >= t->restart_gap_ns) {
            start_session(e, f);
        } else {
            return VARTA_REPLAY_REFUSED;
        }
    }
    advance_marks(e, f, now_ns);
    return VARTA_REPLAY_ACCEPT;
}

enum varta_replay_verdict varta_replay_check(struct varta_replay_table *t, const struct varta_replay_frame *f,
                                             uint64_t now_ns)
{
    if (elapsed(now_ns, t->last_sweep_ns) >= VARTA_REPLAY_SWEEP_NS) {
        sweep(t, now_ns);
    }
    uint32_t slot = find_slot(t, f->pid);
    if (t->index[slot] != EMPTY) {
        return check_known(t, &t->entries[t->index[slot]], f, now_ns);
    }
    if (t->size == VARTA_REPLAY_CAPACITY) {
        sweep(t, now_ns);
        if (t->size == VARTA_REPLAY_CAPACITY) {
            return VARTA_REPLAY_TABLE_FULL;
        }
        slot = find_slot(t, f->pid);
    }
    const int32_t entry = t->free_head;
    struct varta_replay_entry *e = &t->entries[entry];
    t->free_head = e->next_free;
    e->next_free = -2; /* in use */
    e->pid = f->pid;
    start_session(e, f);
    advance_marks(e, f, now_ns);
    t->index[slot] = entry;
    t->size++;
    return VARTA_REPLAY_ACCEPT;
}

uint32_t varta_replay_size(const struct varta_replay_table *t)
{
    return t->size;
}

void varta_replay_free(struct varta_replay_table *t)
{
    free(t->entries);
    free(t->index);
    t->entries = NULL;
    t->index = NULL;
    t->size = 0;
}
