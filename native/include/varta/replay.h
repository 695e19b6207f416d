/*
 * replay.h - secure UDP replay protection, "generation B" of VLP v0.2 wire format §8.7: state per sender
 * identity, and the identity is the pid of the authenticated, decoded frame (never the UDP source address,
 * which a NAT or a restarted agent changes and an attacker can choose).
 *
 * Per identity: the current IV prefix and the previous one, each with the last counter accepted on it; the
 * highest regular nonce and the highest terminal timestamp accepted; when it was last accepted.
 *
 *   prefix == current             accept iff counter > current's last counter
 *   prefix == previous            accept iff counter > previous's last counter
 *   any other prefix (rotation,   accept iff the frame advances the high-water mark: a regular frame's
 *   new session)                  nonce > the highest regular nonce, a terminal frame's timestamp > the
 *                                 highest terminal timestamp; the prefix becomes current, current previous.
 *                                 A regular frame that does not advance, from an identity silent for at least
 *                                 the session-restart gap (--threshold-ms), is a recycled pid or a restarted
 *                                 agent: its state is reset to this frame (never for a terminal frame).
 *   anything else                 REFUSED (the datagram, or an older one, was seen: a replay or a reorder)
 *
 * Every accepted frame advances the high-water marks and its prefix's counter. Counters compare as plain
 * u32 (senders rotate the prefix before the counter wraps); the first counter seen on a prefix may be any
 * value.
 *
 * Capacity VARTA_REPLAY_CAPACITY identities. An identity idle for VARTA_REPLAY_TTL_NS expires; a sweep runs at
 * most every VARTA_REPLAY_SWEEP_NS (from varta_replay_check), and once more when a new identity finds the
 * table full; still full, the new identity is refused (TABLE_FULL) and no live state is evicted: fail closed.
 *
 * Fixed memory, allocated once in varta_replay_init; nothing is allocated per check. One thread (the receiver).
 */
#ifndef VARTA_REPLAY_H
#define VARTA_REPLAY_H

#include <stdint.h>

#define VARTA_REPLAY_CAPACITY 1024u
#define VARTA_REPLAY_TTL_NS (600ULL * 1000000000ULL)
#define VARTA_REPLAY_SWEEP_NS (60ULL * 1000000000ULL)

enum varta_replay_verdict {
    VARTA_REPLAY_ACCEPT = 0,
    VARTA_REPLAY_REFUSED = 1,
    VARTA_REPLAY_TABLE_FULL = 2
};

/** One authenticated, decoded frame as the replay rules see it. */
struct varta_replay_frame {
    uint32_t pid;
    const uint8_t *iv_prefix; /* 8 bytes */
    uint32_t iv_counter;
    uint64_t nonce;
    uint64_t timestamp;
    int terminal;             /* nonce == VARTA_NONCE_TERMINAL */
};

struct varta_replay_entry;
struct varta_replay_table {
    struct varta_replay_entry *entries; /* VARTA_REPLAY_CAPACITY */
    int32_t *index;                     /* open addressing, 2 * capacity slots: entry number or -1 */
    int32_t free_head;                  /* free entries, linked through their next_free */
    uint32_t size;
    uint64_t restart_gap_ns;
    uint64_t last_sweep_ns;
    uint64_t expired;                   /* identities dropped by sweeps so far */
};

/** Allocates the table. restart_gap_ns 0 disables the restart reset. Returns 0 or -ENOMEM. */
int varta_replay_init(struct varta_replay_table *table, uint64_t restart_gap_ns);

/** The verdict for frame at now_ns (CLOCK_MONOTONIC), updating the state when it is accepted. */
enum varta_replay_verdict varta_replay_check(struct varta_replay_table *table, const struct varta_replay_frame *frame,
                                             uint64_t now_ns);

/** Identities held. */
uint32_t varta_replay_size(const struct varta_replay_table *table);

/** Frees the table. Idempotent. */
void varta_replay_free(struct varta_replay_table *table);

#endif
