/*
 * recv.c - the receiver thread (see recv.h): one frame's way from the socket into the ring.
 *
 *   epoll_wait(socket, stop) -> while the ring has free slots:
 *     recvmmsg(min(free, 64)) -> per datagram: credentials, length, VLP decode -> one record
 *     -> store-release tail -> full fence -> wake the consumer if it said it sleeps
 *
 * A full ring stops the reading (the kernel queue pushes back on senders); nothing already read
 * is ever dropped.
 */
#include "varta/recv.h"

#include "varta/clock.h"
#include "varta/ring_access.h"
#include "varta/vlp.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CONTROL_BYTES (CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * VARTA_RECV_MAX_RIGHTS))
#define STALL_BACKOFF_MIN_NS 50000L
#define STALL_BACKOFF_MAX_NS 1000000L
#define IO_ERROR_BACKOFF_NS 1000000L
/* At stop, how long the final drain may wait for the consumer to free ring slots. */
#define FINAL_DRAIN_LIMIT_NS 1000000000ULL

union control_buffer {
    struct cmsghdr align;
    uint8_t bytes[CONTROL_BYTES];
};

struct varta_receiver {
    int fd;
    int wake_fd;
    int stop_fd;
    int epoll_fd;
    uint32_t observer_uid;
    struct varta_ring ring;
    pthread_t thread;
    atomic_int stopping;
    uint64_t final_drain_deadline_ns; /* receiver thread only: set when it starts the final drain */
    struct mmsghdr messages[VARTA_RECV_BATCH];
    struct iovec iov[VARTA_RECV_BATCH];
    uint8_t buffers[VARTA_RECV_BATCH][VARTA_RECV_BUFFER_BYTES];
    union control_buffer control[VARTA_RECV_BATCH];
};

static void sleep_ns(long ns)
{
    struct timespec ts = { .tv_sec = 0, .tv_nsec = ns };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Reads the ancillary data of one datagram; closes every descriptor a peer attached. */
static int read_credentials(struct msghdr *msg, struct ucred *cred)
{
    int have = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level != SOL_SOCKET) {
            continue;
        }
        if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
            memcpy(cred, CMSG_DATA(c), sizeof(*cred));
            have = 1;
        } else if (c->cmsg_type == SCM_RIGHTS) {
            const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            const uint8_t *data = CMSG_DATA(c);
            for (size_t i = 0; i < count; i++) {
                int passed;
                memcpy(&passed, data + i * sizeof(int), sizeof(int));
                close(passed);
            }
        }
    }
    return have;
}

/* Classifies one received datagram into exactly one record. */
static void write_record(const struct varta_receiver *r, struct mmsghdr *m, const uint8_t *bytes,
                         uint64_t recv_ns, struct varta_ring_record *rec)
{
    struct ucred cred;
    const int have_cred = read_credentials(&m->msg_hdr, &cred);
    memset(rec, 0, sizeof(*rec));
    rec->recv_ns = recv_ns;
    rec->transport = VARTA_TRANSPORT_UDS;
    rec->datagram_len = m->msg_len;
    rec->peer_pid = have_cred ? cred.pid : 0;
    rec->peer_uid = have_cred ? cred.uid : UINT32_MAX;
    rec->origin = have_cred && cred.pid != 0 ? VARTA_ORIGIN_KERNEL_ATTESTED : VARTA_ORIGIN_SOCKET_MODE_ONLY;
    if (m->msg_hdr.msg_flags & MSG_CTRUNC) {
        rec->kind = VARTA_KIND_CTRUNC;
    } else if (!have_cred) {
        rec->kind = VARTA_KIND_NO_CREDENTIALS;
    } else if (cred.uid != r->observer_uid) {
        rec->kind = VARTA_KIND_UID_MISMATCH;
    } else if (m->msg_len != VARTA_FRAME_BYTES) {
        rec->kind = VARTA_KIND_WRONG_LENGTH;
    } else {
        struct varta_frame frame;
        const enum varta_decode_error error = varta_vlp_decode(bytes, &frame);
        rec->timestamp = frame.timestamp;
        rec->nonce = frame.nonce;
        rec->frame_pid = frame.pid;
        rec->payload = frame.payload;
        rec->status = frame.status;
        rec->decode_error = (uint8_t)error;
        if (error == VARTA_DECODE_OK) {
            rec->kind = VARTA_KIND_BEAT;
        } else {
            rec->kind = VARTA_KIND_DECODE_ERROR;
            if (error == VARTA_DECODE_BAD_CRC) {
                rec->detail_a = frame.crc_computed;
                rec->detail_b = frame.crc_stored;
            } else if (error == VARTA_DECODE_BAD_STATUS) {
                rec->detail_a = frame.status;
            }
        }
    }
}

/* Publishes records below tail; wakes the consumer only if it announced that it sleeps. */
static void publish(const struct varta_receiver *r, uint64_t tail)
{
    varta_ring_publish_tail(&r->ring, tail);
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(r->ring.consumer_waiting, memory_order_relaxed) == 1) {
        const uint64_t one = 1;
        ssize_t ignored = write(r->wake_fd, &one, sizeof(one));
        (void)ignored; /* EAGAIN means the counter is already non-zero: the consumer will wake */
    }
}

static void prepare_batch(struct varta_receiver *r, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        struct msghdr *h = &r->messages[i].msg_hdr;
        h->msg_name = NULL;
        h->msg_namelen = 0;
        h->msg_iov = &r->iov[i];
        h->msg_iovlen = 1;
        h->msg_control = r->control[i].bytes;
        h->msg_controllen = sizeof(r->control[i].bytes);
        h->msg_flags = 0;
        r->messages[i].msg_len = 0;
    }
}

/*
 * Waits for the consumer to free a slot. Counts one stall per full episode. Returns the free
 * slot count, or 0 if the receiver is stopping (during the final drain: once its deadline passed).
 */
static uint64_t wait_for_space(struct varta_receiver *r, uint64_t tail)
{
    long backoff = STALL_BACKOFF_MIN_NS;
    const uint64_t stalls = atomic_load_explicit(r->ring.full_stalls, memory_order_relaxed);
    atomic_store_explicit(r->ring.full_stalls, stalls + 1, memory_order_release);
    for (;;) {
        if (atomic_load_explicit(&r->stopping, memory_order_acquire)
            && (r->final_drain_deadline_ns == 0 || varta_clock_monotonic_ns() > r->final_drain_deadline_ns)) {
            return 0;
        }
        sleep_ns(backoff);
        if (backoff < STALL_BACKOFF_MAX_NS) {
            backoff = backoff * 2 > STALL_BACKOFF_MAX_NS ? STALL_BACKOFF_MAX_NS : backoff * 2;
        }
        const uint64_t head = varta_ring_load_head_acquire(&r->ring);
        const uint64_t free_slots = r->ring.capacity - (tail - head);
        if (free_slots > 0) {
            return free_slots;
        }
    }
}

/* Reads the socket until it is empty (or the receiver stops). */
static void drain_socket(struct varta_receiver *r)
{
    uint64_t tail = varta_ring_load_tail_relaxed(&r->ring);
    for (;;) {
        uint64_t free_slots = r->ring.capacity - (tail - varta_ring_load_head_acquire(&r->ring));
        if (free_slots == 0) {
            free_slots = wait_for_space(r, tail);
            if (free_slots == 0) {
                return;
            }
        }
        const unsigned want = free_slots < VARTA_RECV_BATCH ? (unsigned)free_slots : VARTA_RECV_BATCH;
        prepare_batch(r, want);
        const int got = recvmmsg(r->fd, r->messages, want, MSG_DONTWAIT | MSG_CMSG_CLOEXEC, NULL);
        if (got < 0) {
            const int err = errno;
            if (err == EINTR) {
                continue;
            }
            if (err == EAGAIN || err == EWOULDBLOCK) {
                return;
            }
            struct varta_ring_record *rec = varta_ring_slot(&r->ring, tail);
            memset(rec, 0, sizeof(*rec));
            rec->recv_ns = varta_clock_monotonic_ns();
            rec->kind = VARTA_KIND_IO_ERROR;
            rec->transport = VARTA_TRANSPORT_UDS;
            rec->origin = VARTA_ORIGIN_KERNEL_ATTESTED;
            rec->peer_uid = UINT32_MAX;
            rec->detail_a = (uint32_t)err;
            publish(r, ++tail);
            sleep_ns(IO_ERROR_BACKOFF_NS);
            return;
        }
        const uint64_t recv_ns = varta_clock_monotonic_ns();
        for (int i = 0; i < got; i++) {
            write_record(r, &r->messages[i], r->buffers[i], recv_ns, varta_ring_slot(&r->ring, tail + (uint64_t)i));
        }
        tail += (uint64_t)got;
        varta_ring_add_datagrams_read(&r->ring, (uint64_t)got);
        publish(r, tail);
        if ((unsigned)got < want) {
            return; /* socket drained; level-triggered epoll reports anything that arrives later */
        }
    }
}

static void *receiver_main(void *arg)
{
    struct varta_receiver *r = arg;
    pthread_setname_np(pthread_self(), "varta-recv");
    struct epoll_event events[2];
    while (!atomic_load_explicit(&r->stopping, memory_order_acquire)) {
        const int n = epoll_wait(r->epoll_fd, events, 2, -1);
        if (n < 0) {
            if (errno != EINTR) {
                sleep_ns(IO_ERROR_BACKOFF_NS);
            }
            continue;
        }
        for (int i = 0; i < n; i++) {
            if (events[i].data.fd == r->fd) {
                drain_socket(r);
            }
        }
    }
    /* Final drain: datagrams already queued on the socket when the stop came are read and
     * published too (the consumer is still running), so a sender that got its send() through before
     * shutdown is accounted for. Bounded by FINAL_DRAIN_LIMIT_NS if the ring stays full. */
    r->final_drain_deadline_ns = varta_clock_monotonic_ns() + FINAL_DRAIN_LIMIT_NS;
    drain_socket(r);
    return NULL;
}

static void close_fds(struct varta_receiver *r)
{
    if (r->epoll_fd >= 0) {
        close(r->epoll_fd);
    }
    if (r->stop_fd >= 0) {
        close(r->stop_fd);
    }
    if (r->wake_fd >= 0) {
        close(r->wake_fd);
    }
}

int varta_receiver_start(int fd, void *ring_base, uint32_t capacity, uint32_t observer_uid,
                         struct varta_receiver **out)
{
    if (!varta_ring_capacity_valid(capacity) || ring_base == NULL || ((uintptr_t)ring_base & 63u) != 0) {
        return -EINVAL;
    }
    struct varta_receiver *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return -ENOMEM;
    }
    r->fd = fd;
    r->observer_uid = observer_uid;
    varta_ring_attach(&r->ring, ring_base, capacity);
    for (unsigned i = 0; i < VARTA_RECV_BATCH; i++) {
        r->iov[i].iov_base = r->buffers[i];
        r->iov[i].iov_len = VARTA_RECV_BUFFER_BYTES;
    }
    r->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    r->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    r->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    int rc = 0;
    if (r->wake_fd < 0 || r->stop_fd < 0 || r->epoll_fd < 0) {
        rc = -errno;
    }
    struct epoll_event ev = { .events = EPOLLIN };
    if (rc == 0) {
        ev.data.fd = fd;
        if (epoll_ctl(r->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            rc = -errno;
        }
    }
    if (rc == 0) {
        ev.data.fd = r->stop_fd;
        if (epoll_ctl(r->epoll_fd, EPOLL_CTL_ADD, r->stop_fd, &ev) != 0) {
            rc = -errno;
        }
    }
    if (rc == 0) {
        /* The receiver thread must not take process signals meant for the JVM's threads. */
        sigset_t all;
        sigset_t previous;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &previous);
        rc = -pthread_create(&r->thread, NULL, receiver_main, r);
        pthread_sigmask(SIG_SETMASK, &previous, NULL);
    }
    if (rc != 0) {
        close_fds(r);
        free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void varta_receiver_stop(struct varta_receiver *r)
{
    atomic_store_explicit(&r->stopping, 1, memory_order_release);
    const uint64_t one = 1;
    ssize_t ignored = write(r->stop_fd, &one, sizeof(one));
    (void)ignored;
    pthread_join(r->thread, NULL);
    close_fds(r);
    free(r);
}

int varta_receiver_wait(struct varta_receiver *r, int64_t timeout_ns)
{
    struct pollfd pfd = { .fd = r->wake_fd, .events = POLLIN };
    struct timespec ts;
    struct timespec *timeout = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = (time_t)(timeout_ns / 1000000000);
        ts.tv_nsec = (long)(timeout_ns % 1000000000);
        timeout = &ts;
    }
    const int n = ppoll(&pfd, 1, timeout, NULL);
    if (n < 0) {
        return errno == EINTR ? 1 : -errno;
    }
    if (n == 0) {
        return 0;
    }
    uint64_t count;
    ssize_t ignored = read(r->wake_fd, &count, sizeof(count));
    (void)ignored;
    return 1;
}

void varta_receiver_kick(struct varta_receiver *r)
{
    const uint64_t one = 1;
    ssize_t ignored = write(r->wake_fd, &one, sizeof(one));
    (void)ignored;
}

uint64_t varta_receiver_datagrams(const struct varta_receiver *r)
{
    return atomic_load_explicit(r->ring.datagrams_read, memory_order_acquire);
}
