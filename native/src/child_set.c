/*
 * child_set.c - children as pidfds in one epoll set (child_set.h): spawn, count captured output,
 * reap, kill, all from one thread.
 *
 * epoll data of each registered descriptor: (slot << 2) | kind, kind 0 = pidfd, 1 = stdout pipe,
 * 2 = stderr pipe; the wake eventfd is WAKE_TOKEN. Level-triggered: whatever one wait leaves unread
 * (records beyond max, bytes beyond a chunk) is reported again by the next.
 */
#include "varta/child_set.h"

#include "varta/clock.h"
#include "varta/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define KIND_PIDFD 0u
#define KIND_STDOUT 1u
#define KIND_STDERR 2u
#define WAKE_TOKEN UINT64_MAX
#define EVENTS_PER_WAIT 256

struct child {
    pid_t pid; /* 0: free slot */
    int pidfd;
    int out_fd; /* -1: not captured, or closed at EOF */
    int err_fd;
    uint64_t start_ns;
    uint32_t out_len;
    uint32_t err_len;
    uint32_t truncated;
};

struct varta_child_set {
    uint32_t capacity;
    uint32_t capture_bytes;
    uint32_t live;
    uint32_t free_top;
    int epoll_fd;
    int wake_fd;
    uint32_t *free_stack;
    struct child *children;
    struct epoll_event events[EVENTS_PER_WAIT];
    uint8_t scratch[VARTA_CHILD_READ_CHUNK];
};

static uint64_t token(uint32_t slot, uint32_t kind)
{
    return ((uint64_t)slot << 2) | kind;
}

static int watch(struct varta_child_set *set, int fd, uint64_t data)
{
    struct epoll_event ev = { .events = EPOLLIN };
    ev.data.u64 = data;
    return epoll_ctl(set->epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

static void close_watched(struct varta_child_set *set, int *fd)
{
    if (*fd >= 0) {
        epoll_ctl(set->epoll_fd, EPOLL_CTL_DEL, *fd, NULL);
        close(*fd);
        *fd = -1;
    }
}

static void close_quietly(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

int varta_child_set_create(uint32_t capacity, uint32_t capture_bytes, struct varta_child_set **out)
{
    if (capacity == 0 || capacity > VARTA_CHILD_SET_MAX_CAPACITY) {
        return -EINVAL;
    }
    struct varta_child_set *set = calloc(1, sizeof(*set));
    if (set == NULL) {
        return -ENOMEM;
    }
    set->capacity = capacity;
    set->capture_bytes = capture_bytes;
    set->children = calloc(capacity, sizeof(*set->children));
    set->free_stack = calloc(capacity, sizeof(*set->free_stack));
    set->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    set->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    int rc = 0;
    if (set->children == NULL || set->free_stack == NULL) {
        rc = -ENOMEM;
    } else if (set->epoll_fd < 0 || set->wake_fd < 0) {
        rc = -errno;
    } else {
        rc = watch(set, set->wake_fd, WAKE_TOKEN);
    }
    if (rc != 0) {
        if (set->epoll_fd >= 0) {
            close(set->epoll_fd);
        }
        if (set->wake_fd >= 0) {
            close(set->wake_fd);
        }
        free(set->children);
        free(set->free_stack);
        free(set);
        return rc;
    }
    for (uint32_t i = 0; i < capacity; i++) {
        set->free_stack[i] = capacity - 1 - i; /* slot 0 is handed out first */
    }
    set->free_top = capacity;
    *out = set;
    return 0;
}

void varta_child_set_destroy(struct varta_child_set *set)
{
    if (set == NULL) {
        return;
    }
    for (uint32_t i = 0; i < set->capacity; i++) {
        struct child *c = &set->children[i];
        if (c->pid != 0) {
            close_quietly(&c->pidfd);
            close_quietly(&c->out_fd);
            close_quietly(&c->err_fd);
        }
    }
    close(set->epoll_fd);
    close(set->wake_fd);
    free(set->children);
    free(set->free_stack);
    free(set);
}

static void release_slot(struct varta_child_set *set, uint32_t slot)
{
    struct child *c = &set->children[slot];
    close_watched(set, &c->pidfd);
    close_watched(set, &c->out_fd);
    close_watched(set, &c->err_fd);
    c->pid = 0;
    set->free_stack[set->free_top++] = slot;
    set->live--;
}

static int make_pipe(int fds[2])
{
    return pipe2(fds, O_CLOEXEC) == 0 ? 0 : -errno;
}

int varta_child_set_spawn(struct varta_child_set *set, const char *const argv[], const char *const envp[],
                          int capture, uint32_t *slot_out, pid_t *pid_out)
{
    if (set->free_top == 0) {
        return -EAGAIN;
    }
    int out_pipe[2] = { -1, -1 };
    int err_pipe[2] = { -1, -1 };
    int rc = 0;
    if (capture) {
        rc = make_pipe(out_pipe);
        if (rc == 0) {
            rc = make_pipe(err_pipe);
        }
    }
    pid_t pid = 0;
    int pidfd = -1;
    if (rc == 0) {
        rc = varta_spawn(argv, envp, out_pipe[1], err_pipe[1], &pid, &pidfd);
    }
    close_quietly(&out_pipe[1]); /* the child holds its own copies */
    close_quietly(&err_pipe[1]);
    if (rc == 0 && capture) {
        /* Only our read ends are non-blocking; the child's ends stay blocking as it expects. */
        if (fcntl(out_pipe[0], F_SETFL, O_NONBLOCK) != 0 || fcntl(err_pipe[0], F_SETFL, O_NONBLOCK) != 0) {
            rc = -errno;
        }
    }
    const uint32_t slot = set->free_stack[set->free_top - 1];
    if (rc == 0) {
        rc = watch(set, pidfd, token(slot, KIND_PIDFD));
    }
    if (rc == 0 && capture) {
        rc = watch(set, out_pipe[0], token(slot, KIND_STDOUT));
        if (rc == 0) {
            rc = watch(set, err_pipe[0], token(slot, KIND_STDERR));
        }
    }
    if (rc != 0) {
        if (pidfd >= 0) {
            /* Spawned but cannot be watched: do not leave it running unseen. */
            epoll_ctl(set->epoll_fd, EPOLL_CTL_DEL, pidfd, NULL);
            syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
            siginfo_t si;
            while (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR) {
            }
            close(pidfd);
        }
        if (out_pipe[0] >= 0) {
            epoll_ctl(set->epoll_fd, EPOLL_CTL_DEL, out_pipe[0], NULL);
        }
        close_quietly(&out_pipe[0]);
        close_quietly(&err_pipe[0]);
        return rc;
    }
    set->free_top--;
    set->live++;
    struct child *c = &set->children[slot];
    memset(c, 0, sizeof(*c));
    c->pid = pid;
    c->pidfd = pidfd;
    c->out_fd = out_pipe[0];
    c->err_fd = err_pipe[0];
    c->start_ns = varta_clock_monotonic_ns();
    *slot_out = slot;
    *pid_out = pid;
    return 0;
}

int varta_child_set_kill(struct varta_child_set *set, uint32_t slot, pid_t pid)
{
    if (slot >= set->capacity || set->children[slot].pid == 0 || set->children[slot].pid != pid) {
        return -ESRCH;
    }
    if (syscall(SYS_pidfd_send_signal, set->children[slot].pidfd, SIGKILL, NULL, 0) == 0) {
        return 0;
    }
    return errno == ESRCH ? 0 : -errno; /* ESRCH: it exited already; its reap is pending */
}

/* Counts n bytes of one stream against the child's combined capture limit. */
static void account(const struct varta_child_set *set, struct child *c, uint32_t kind, size_t n)
{
    const uint32_t used = c->out_len + c->err_len;
    const uint32_t room = set->capture_bytes > used ? set->capture_bytes - used : 0;
    const uint32_t take = n < room ? (uint32_t)n : room;
    if (kind == KIND_STDOUT) {
        c->out_len += take;
    } else {
        c->err_len += take;
    }
    if (n > take) {
        c->truncated = 1;
    }
}

/* Reads up to limit bytes from one pipe of c, counting them; closes the pipe at EOF or on an error. */
static void read_pipe(struct varta_child_set *set, struct child *c, uint32_t kind, size_t limit)
{
    int *fd = kind == KIND_STDOUT ? &c->out_fd : &c->err_fd;
    size_t done = 0;
    while (*fd >= 0 && done < limit) {
        const size_t want = limit - done < sizeof(set->scratch) ? limit - done : sizeof(set->scratch);
        const ssize_t n = read(*fd, set->scratch, want);
        if (n > 0) {
            account(set, c, kind, (size_t)n);
            done += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            close_watched(set, fd); /* EOF, or an error: nothing more to count */
        }
    }
}

/* Reaps slot if its child exited: fills *out and frees the slot. Returns 1 when reported, else 0. */
static int reap(struct varta_child_set *set, uint32_t slot, struct varta_child_exit *out)
{
    struct child *c = &set->children[slot];
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    int rc;
    do {
        rc = waitid((idtype_t)P_PIDFD, (id_t)c->pidfd, &si, WEXITED | WNOHANG);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0 && si.si_pid == 0) {
        return 0; /* not exited after all */
    }
    memset(out, 0, sizeof(*out));
    out->slot = slot;
    out->pid = c->pid;
    if (rc < 0) {
        out->code = -errno;
    } else {
        out->code = si.si_code;
        out->status = si.si_status;
        /* What the child wrote before it exited is in the pipes now: count it before reporting. */
        read_pipe(set, c, KIND_STDOUT, VARTA_CHILD_FINAL_DRAIN_BYTES);
        read_pipe(set, c, KIND_STDERR, VARTA_CHILD_FINAL_DRAIN_BYTES);
    }
    out->duration_ns = varta_clock_monotonic_ns() - c->start_ns;
    out->stdout_len = c->out_len;
    out->stderr_len = c->err_len;
    out->truncated = c->truncated;
    release_slot(set, slot);
    return 1;
}

int varta_child_set_wait(struct varta_child_set *set, int64_t timeout_ns, struct varta_child_exit *out,
                         uint32_t max)
{
    int timeout_ms = -1;
    if (timeout_ns >= 0) {
        const int64_t ms = timeout_ns / 1000000 + (timeout_ns % 1000000 != 0);
        timeout_ms = ms > INT_MAX ? INT_MAX : (int)ms;
    }
    const int n = epoll_wait(set->epoll_fd, set->events, EVENTS_PER_WAIT, timeout_ms);
    if (n < 0) {
        return errno == EINTR ? 0 : -errno;
    }
    uint32_t reported = 0;
    for (int i = 0; i < n; i++) {
        const uint64_t data = set->events[i].data.u64;
        if (data == WAKE_TOKEN) {
            uint64_t count;
            ssize_t ignored = read(set->wake_fd, &count, sizeof(count));
            (void)ignored;
            continue;
        }
        const uint32_t slot = (uint32_t)(data >> 2);
        const uint32_t kind = (uint32_t)(data & 3u);
        struct child *c = &set->children[slot];
        if (c->pid == 0) {
            continue; /* reaped earlier in this round */
        }
        if (kind == KIND_PIDFD) {
            if (reported < max && reap(set, slot, &out[reported])) {
                reported++;
            }
        } else {
            read_pipe(set, c, kind, VARTA_CHILD_READ_CHUNK);
        }
    }
    return (int)reported;
}

void varta_child_set_kick(struct varta_child_set *set)
{
    const uint64_t one = 1;
    ssize_t ignored = write(set->wake_fd, &one, sizeof(one));
    (void)ignored; /* EAGAIN: the counter is already non-zero, the owner wakes anyway */
}

uint32_t varta_child_set_live(const struct varta_child_set *set)
{
    return set->live;
}
