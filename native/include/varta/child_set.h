/*
 * child_set.h - a fixed-capacity set of child processes watched by one thread, without a thread per
 * child: every child is a pidfd in one epoll set (plus its stdout/stderr pipes when captured), so
 * a thousand outstanding children cost a thousand descriptors, not a thousand threads.
 *
 *   spawn  -> varta_spawn (spawn.h) -> slot; pidfd (and pipes) added to the epoll set
 *   wait   -> epoll_wait(timeout) -> pipe readable: read at most 4096 bytes, count them
 *                                 -> pidfd readable: waitid(P_PIDFD, WNOHANG), drain what the pipes
 *                                    still hold, close, free the slot, report one exit record
 *   kill   -> pidfd_send_signal(SIGKILL): no race with pid reuse (the pidfd names this child)
 *   kick   -> wakes a wait from any thread (eventfd)
 *
 * Capture keeps only lengths: at most capture_bytes of stdout and stderr together are counted per
 * child; anything beyond is read (so the child never blocks on a full pipe), discarded and flagged
 * as truncated. Content is never kept.
 *
 * Threads: one owner thread calls create, spawn, kill, wait and destroy; varta_child_set_kick may be
 * called from any thread between create and destroy.
 */
#ifndef VARTA_CHILD_SET_H
#define VARTA_CHILD_SET_H

#include <stdint.h>
#include <sys/types.h>

/** Largest capacity accepted. */
#define VARTA_CHILD_SET_MAX_CAPACITY (1u << 20)
/** Bytes read from one pipe per readiness event (the reference drains 4096 per child per tick). */
#define VARTA_CHILD_READ_CHUNK 4096u
/** Upper bound on what is drained from one pipe when its child is reaped (a grandchild may keep writing). */
#define VARTA_CHILD_FINAL_DRAIN_BYTES (1u << 20)

/** How a child ended (the waitid si_code), or a negative errno when it could not be reaped. */
#define VARTA_CHILD_EXITED 1 /* CLD_EXITED: status = exit code */
#define VARTA_CHILD_KILLED 2 /* CLD_KILLED: status = signal */
#define VARTA_CHILD_DUMPED 3 /* CLD_DUMPED: status = signal, core dumped */

/** One finished child, as reported by varta_child_set_wait. */
struct varta_child_exit {
    uint32_t slot;        /* as returned by spawn; free again once reported */
    int32_t pid;
    int32_t code;         /* VARTA_CHILD_EXITED / _KILLED / _DUMPED, or -errno of a failed waitid */
    int32_t status;       /* exit code or signal number (0 when code < 0) */
    uint64_t duration_ns; /* CLOCK_MONOTONIC from spawn to reap */
    uint32_t stdout_len;  /* counted bytes (capture only) */
    uint32_t stderr_len;
    uint32_t truncated;   /* 1 when output beyond capture_bytes was discarded */
};

struct varta_child_set;

/**
 * capacity: most children alive at once (1..VARTA_CHILD_SET_MAX_CAPACITY); capture_bytes: bytes of
 * stdout+stderr counted per child when a spawn asks for capture. Returns 0 and *out, or -errno.
 */
int varta_child_set_create(uint32_t capacity, uint32_t capture_bytes, struct varta_child_set **out);

/**
 * Closes every descriptor and frees the set. Children still alive are neither killed nor reaped:
 * kill them and wait for their exits first (shutdown does).
 */
void varta_child_set_destroy(struct varta_child_set *set);

/**
 * Spawns argv with envp (spawn.h rules), capturing stdout/stderr when capture != 0.
 * Returns 0 and sets *slot and *pid, -EAGAIN when the set is full, or the spawn's -errno.
 */
int varta_child_set_spawn(struct varta_child_set *set, const char *const argv[], const char *const envp[],
                          int capture, uint32_t *slot, pid_t *pid);

/**
 * Sends SIGKILL to the child in slot if it is still pid. Returns 0 (also when it already exited but
 * was not reaped yet), -ESRCH when the slot does not hold that pid, or -errno.
 */
int varta_child_set_kill(struct varta_child_set *set, uint32_t slot, pid_t pid);

/**
 * Waits up to timeout_ns (negative: no limit; 0: just poll) for readiness, services every ready pipe
 * and reaps every exited child, writing up to max exit records into out. Returns the number of
 * records (0 on timeout or after a kick), or -errno. EINTR returns 0.
 */
int varta_child_set_wait(struct varta_child_set *set, int64_t timeout_ns, struct varta_child_exit *out,
                         uint32_t max);

/** Wakes the owner thread from varta_child_set_wait. Any thread. */
void varta_child_set_kick(struct varta_child_set *set);

/** Children spawned and not yet reported. Owner thread. */
uint32_t varta_child_set_live(const struct varta_child_set *set);

#endif
