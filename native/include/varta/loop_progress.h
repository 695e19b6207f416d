/*
 * loop_progress.h - the observer loop's published progress: one 64-byte block of native memory that the
 * Java observer thread writes (observer/LoopProgress) and the native watchdog thread (watchdog_thread.h)
 * and the heartbeat-file writer read. The layout lives here only: Java reads the offsets from
 * SupervisionNatives.constants().
 *
 * Protocol (one writer, the observer thread; any number of readers; all times CLOCK_MONOTONIC ns, the clock
 * of System.nanoTime() on Linux):
 *
 *   entering a stage   iteration_start_ns (only for the stage that begins an iteration) and
 *                      sleep_until_ns (only for the sleep stage: when the loop will be awake again at the
 *                      latest) are stored first, then stage_word = (now & ~15) | stage, with release order;
 *   ending an iteration observer_ns (the observer clock of that iteration), then iterations + 1 (release);
 *   leaving the loop   stage_word = (now & ~15) | the stopped stage.
 *
 * A reader loads stage_word with acquire order and then the other fields: what it reads is at least as new
 * as the stage it saw, never older, so a judgement built on it can only be more lenient than the truth
 * (never a false "wedged").
 */
#ifndef VARTA_LOOP_PROGRESS_H
#define VARTA_LOOP_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

/** Stage numbers live in the low 4 bits of stage_word: at most 16 stages. */
#define VARTA_PROGRESS_STAGE_BITS 4
#define VARTA_PROGRESS_STAGE_MASK ((int64_t)((1 << VARTA_PROGRESS_STAGE_BITS) - 1))
#define VARTA_PROGRESS_MAX_STAGES (1 << VARTA_PROGRESS_STAGE_BITS)
/** Size and required alignment of the block. */
#define VARTA_PROGRESS_BYTES 64

struct varta_loop_progress {
    int64_t stage_word;         /* (entered_ns & ~15) | stage */
    int64_t iteration_start_ns; /* when the current (or latest) iteration began */
    int64_t sleep_until_ns;     /* in the sleep stage: the announced wake-up */
    int64_t iterations;         /* completed iterations */
    int64_t observer_ns;        /* observer clock at the end of the latest completed iteration */
    int64_t reserved[3];
};

_Static_assert(sizeof(struct varta_loop_progress) == VARTA_PROGRESS_BYTES, "progress block is one cache line");

/** One consistent-enough reading of the block (see the protocol above). */
struct varta_progress_view {
    int stage;
    int64_t entered_ns;
    int64_t iteration_start_ns;
    int64_t sleep_until_ns;
    int64_t iterations;
    int64_t observer_ns;
};

/** Reads the block in the protocol's order. Any thread. */
static inline struct varta_progress_view varta_progress_read(const struct varta_loop_progress *p)
{
    struct varta_progress_view v;
    const int64_t word = __atomic_load_n(&p->stage_word, __ATOMIC_ACQUIRE);
    v.stage = (int)(word & VARTA_PROGRESS_STAGE_MASK);
    v.entered_ns = word & ~VARTA_PROGRESS_STAGE_MASK;
    v.iteration_start_ns = __atomic_load_n(&p->iteration_start_ns, __ATOMIC_RELAXED);
    v.sleep_until_ns = __atomic_load_n(&p->sleep_until_ns, __ATOMIC_RELAXED);
    v.iterations = __atomic_load_n(&p->iterations, __ATOMIC_ACQUIRE);
    v.observer_ns = __atomic_load_n(&p->observer_ns, __ATOMIC_RELAXED);
    return v;
}

/** The writer's side, for C tests and tools (Java writes the same words itself). Observer thread only. */
static inline void varta_progress_enter(struct varta_loop_progress *p, int stage, int64_t now_ns)
{
    __atomic_store_n(&p->stage_word, (now_ns & ~VARTA_PROGRESS_STAGE_MASK) | stage, __ATOMIC_RELEASE);
}

#endif
