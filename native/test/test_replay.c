/*
 * test_replay.c - the secure UDP replay rules (replay.h) on their own: counters per prefix, one step of
 * prefix history, the high-water marks that guard an unknown prefix, the session-restart reset, expiry,
 * the full table failing closed, and the index staying consistent through many expiries.
 */
#include "varta/replay.h"
#include "varta/vlp.h"

#include "support.h"

#include <stdint.h>

#define SEC 1000000000ULL
#define GAP (500ULL * 1000000ULL) /* a --threshold-ms of 500 */

static const uint8_t PREFIX_A[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
static const uint8_t PREFIX_B[8] = { 2, 2, 2, 2, 2, 2, 2, 2 };
static const uint8_t PREFIX_C[8] = { 3, 3, 3, 3, 3, 3, 3, 3 };

static enum varta_replay_verdict beat(struct varta_replay_table *t, uint32_t pid, const uint8_t *prefix,
                                      uint32_t counter, uint64_t nonce, uint64_t now_ns)
{
    const struct varta_replay_frame f = {
        .pid = pid, .iv_prefix = prefix, .iv_counter = counter, .nonce = nonce, .timestamp = nonce * 10,
        .terminal = 0,
    };
    return varta_replay_check(t, &f, now_ns);
}

static enum varta_replay_verdict terminal(struct varta_replay_table *t, uint32_t pid, const uint8_t *prefix,
                                          uint32_t counter, uint64_t timestamp, uint64_t now_ns)
{
    const struct varta_replay_frame f = {
        .pid = pid, .iv_prefix = prefix, .iv_counter = counter, .nonce = VARTA_NONCE_TERMINAL,
        .timestamp = timestamp, .terminal = 1,
    };
    return varta_replay_check(t, &f, now_ns);
}

static void counters_must_advance_per_prefix(void)
{
    struct varta_replay_table t;
    varta_replay_init(&t, GAP);
    const uint64_t now = 100 * SEC;
    CHECK(beat(&t, 42, PREFIX_A, 5, 1, now) == VARTA_REPLAY_ACCEPT, "first frame of a sender, any counter");
    CHECK(beat(&t, 42, PREFIX_A, 5, 2, now) == VARTA_REPLAY_REFUSED, "the same counter again (a replay)");
    CHECK(beat(&t, 42, PREFIX_A, 4, 3, now) == VARTA_REPLAY_REFUSED, "a lower counter (reordered)");
    CHECK(beat(&t, 42, PREFIX_A, 6, 3, now) == VARTA_REPLAY_ACCEPT, "the next counter");
    CHECK(beat(&t, 43, PREFIX_A, 0, 1, now) == VARTA_REPLAY_ACCEPT, "another pid has its own state");
    CHECK(varta_replay_size(&t) == 2, "two identities");
    varta_replay_free(&t);
}

static void previous_prefix_is_remembered_one_step(void)
{
    struct varta_replay_table t;
    varta_replay_init(&t, GAP);
    const uint64_t now = 100 * SEC;
    beat(&t, 7, PREFIX_A, 10, 10, now);
    CHECK(beat(&t, 7, PREFIX_B, 0, 11, now) == VARTA_REPLAY_ACCEPT, "rotation to a new prefix with a higher nonce");
    CHECK(beat(&t, 7, PREFIX_A, 11, 12, now) == VARTA_REPLAY_ACCEPT, "a late frame on the previous prefix");
    CHECK(beat(&t, 7, PREFIX_A, 11, 13, now) == VARTA_REPLAY_REFUSED, "the previous prefix's counter advanced");
    CHECK(beat(&t, 7, PREFIX_B, 1, 14, now) == VARTA_REPLAY_ACCEPT, "the current prefix goes on");
    CHECK(beat(&t, 7, PREFIX_C, 0, 15, now) == VARTA_REPLAY_ACCEPT, "another rotation");
    CHECK(beat(&t, 7, PREFIX_A, 50, 16, now) == VARTA_REPLAY_ACCEPT,
          "a prefix two steps back is unknown again: accepted only because its nonce is the highest");
    CHECK(beat(&t, 7, PREFIX_B, 60, 5, now) == VARTA_REPLAY_REFUSED,
          "a dropped-out prefix with a lower nonce is a replay");
    varta_replay_free(&t);
}

static void new_prefix_must_carry_a_higher_nonce(void)
{
    struct varta_replay_table t;
    varta_replay_init(&t, GAP);
    const uint64_t now = 100 * SEC;
    beat(&t, 9, PREFIX_A, 0, 100, now);
    CHECK(beat(&t, 9, PREFIX_B, 0, 100, now + 1) == VARTA_REPLAY_REFUSED, "same nonce on a new prefix");
    CHECK(beat(&t, 9, PREFIX_B, 0, 99, now + 2) == VARTA_REPLAY_REFUSED, "lower nonce on a new prefix");
    CHECK(beat(&t, 9, PREFIX_B, 0, 101, now + 3) == VARTA_REPLAY_ACCEPT, "higher nonce on a new prefix");
    CHECK(terminal(&t, 9, PREFIX_C, 0, 500, now + 4) == VARTA_REPLAY_ACCEPT, "first terminal frame, new prefix");
    CHECK(terminal(&t, 9, PREFIX_A, 9, 500, now + 5) == VARTA_REPLAY_REFUSED,
          "a terminal frame on an unknown prefix needs a later timestamp");
    CHECK(terminal(&t, 9, PREFIX_A, 9, 501, now + 6) == VARTA_REPLAY_ACCEPT, "a later terminal timestamp");
    varta_replay_free(&t);
}

static void a_silent_sender_may_start_a_new_session(void)
{
    struct varta_replay_table t;
    varta_replay_init(&t, GAP);
    const uint64_t now = 100 * SEC;
    beat(&t, 11, PREFIX_A, 500, 500, now);
    CHECK(beat(&t, 11, PREFIX_B, 0, 1, now + GAP - 1) == VARTA_REPLAY_REFUSED,
          "a restart inside the gap is refused (a replay of an old session looks the same)");
    CHECK(beat(&t, 11, PREFIX_B, 0, 1, now + GAP) == VARTA_REPLAY_ACCEPT,
          "silent for the gap: a recycled pid or restarted agent starts a new session");
    CHECK(beat(&t, 11, PREFIX_B, 1, 2, now + GAP + 1) == VARTA_REPLAY_ACCEPT, "the new session goes on");
    CHECK(beat(&t, 11, PREFIX_A, 501, 501, now + GAP + 2) == VARTA_REPLAY_ACCEPT,
          "the old session's prefix is forgotten by the reset; its nonce is still higher");
    CHECK(beat(&t, 11, PREFIX_C, 0, 1, now + GAP + 3) == VARTA_REPLAY_REFUSED, "not silent now");
    terminal(&t, 11, PREFIX_A, 600, 1000, now + GAP + 4);
    CHECK(terminal(&t, 11, PREFIX_C, 0, 5, now + 10 * GAP) == VARTA_REPLAY_REFUSED,
          "a terminal frame never resets a sender");
    varta_replay_free(&t);
    struct varta_replay_table off;
    varta_replay_init(&off, 0);
    beat(&off, 12, PREFIX_A, 5, 5, now);
    CHECK(beat(&off, 12, PREFIX_B, 0, 1, now + 100 * SEC) == VARTA_REPLAY_REFUSED, "gap 0: no reset");
    varta_replay_free(&off);
}

static void a_full_table_refuses_new_senders_and_keeps_live_ones(void)
{
    struct varta_replay_table t;
    varta_replay_init(&t, GAP);
    const uint64_t now = 1000 * SEC;
    for (uint32_t pid = 2; pid < 2 + VARTA_REPLAY_CAPACITY; pid++) {
        CHECK(beat(&t, pid, PREFIX_A, 0, 1, now) == VARTA_REPLAY_ACCEPT, "sender %u admitted", pid);
    }
    CHECK(varta_replay_size(&t) == VARTA_REPLAY_CAPACITY, "table full");
    CHECK(beat(&t, 5000, PREFIX_A, 0, 1, now + SEC) == VARTA_REPLAY_TABLE_FULL, "the 1025th sender is refused");
    CHECK(beat(&t, 2, PREFIX_A, 1, 2, now + SEC) == VARTA_REPLAY_ACCEPT, "known senders go on");
    CHECK(beat(&t, 3, PREFIX_A, 0, 1, now + SEC) == VARTA_REPLAY_REFUSED, "and keep their replay state");
    /* 10 minutes later only pid 2 (and the newcomer) has beaten: the sweep frees the others */
    beat(&t, 2, PREFIX_A, 2, 3, now + VARTA_REPLAY_TTL_NS - SEC);
    CHECK(beat(&t, 5000, PREFIX_A, 0, 1, now + VARTA_REPLAY_TTL_NS) == VARTA_REPLAY_ACCEPT,
          "after the idle expiry the newcomer gets a slot");
    CHECK(varta_replay_size(&t) == 2, "only the live senders are left: %u", varta_replay_size(&t));
    CHECK(t.expired == VARTA_REPLAY_CAPACITY - 1, "expired %llu", (unsigned long long)t.expired);
    CHECK(beat(&t, 3, PREFIX_A, 0, 1, now + VARTA_REPLAY_TTL_NS) == VARTA_REPLAY_ACCEPT,
          "an expired sender starts afresh");
    CHECK(beat(&t, 2, PREFIX_A, 2, 4, now + VARTA_REPLAY_TTL_NS) == VARTA_REPLAY_REFUSED,
          "a live sender kept its counters through the sweep");
    varta_replay_free(&t);
}

/*
 * Insert, expire and look up many pids that share home slots; a model says which pids must still be known
 * (accepted within the TTL) and which must be forgotten (silent for the TTL plus a sweep interval). The probe
 * repeats counter 0 on one prefix: a known pid refuses it, an unknown one starts afresh with it.
 */
static void index_stays_consistent_through_expiry(void)
{
    struct varta_replay_table t;
    varta_replay_init(&t, 0);
    static uint64_t last_seen[65536];
    memset(last_seen, 0, sizeof(last_seen));
    uint64_t now = 10 * SEC;
    uint32_t state = 12345;
    int mismatches = 0;
    for (int round = 0; round < 200000; round++) {
        state = state * 1103515245u + 12345u;
        const uint32_t pid = 2 + (state >> 16) % 3000u * 2048u % 65000u;
        now += SEC / 2;
        const uint64_t idle = last_seen[pid] == 0 ? UINT64_MAX : now - last_seen[pid];
        const enum varta_replay_verdict v = beat(&t, pid, PREFIX_A, 0, 0, now);
        if (idle < VARTA_REPLAY_TTL_NS && v != VARTA_REPLAY_REFUSED) {
            mismatches++;
        }
        if (idle >= VARTA_REPLAY_TTL_NS + VARTA_REPLAY_SWEEP_NS && v == VARTA_REPLAY_REFUSED) {
            mismatches++;
        }
        if (v == VARTA_REPLAY_ACCEPT) {
            last_seen[pid] = now;
        }
    }
    CHECK(mismatches == 0, "%d lookups disagreed with the model", mismatches);
    CHECK(varta_replay_size(&t) <= VARTA_REPLAY_CAPACITY, "size within capacity");
    CHECK(t.expired > 0, "identities expired on the way");
    varta_replay_free(&t);
}

int main(void)
{
    counters_must_advance_per_prefix();
    previous_prefix_is_remembered_one_step();
    new_prefix_must_carry_a_higher_nonce();
    a_silent_sender_may_start_a_new_session();
    a_full_table_refuses_new_senders_and_keeps_live_ones();
    index_stays_consistent_through_expiry();
    return check_summary("test_replay");
}
