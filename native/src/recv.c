/*
 * recv.c - the receiver thread (see recv.h): one transport-agnostic batch loop from N sockets into
 * the one ring.
 *
 *   epoll_wait(ingress sockets, stop) -> round robin over the ready sockets, one batch each:
 *     recvmmsg(min(free slots, 64)) -> per datagram: common fields, arrival time, the ingress's
 *     classify() -> one record -> datagrams_read, store-release tail -> full fence -> wake the
 *     consumer if it said it sleeps until the next record, or if it batches and the ring is now
 *     at least half full (ring.h, consumer_waiting)
 *   until every ready socket came back short (drained).
 *
 * A full ring stops the reading (the kernel queues push back on senders); nothing already read is
 * ever dropped. What a transport does with a datagram lives behind struct varta_ingress; nothing
 * here knows about credentials, addresses or keys.
 *
 * Wake-ups. A consumer that sleeps until the next record (CONSUMER_SLEEPING) is woken by every
 * publication, as it asked. While records flow, the consumer batches instead (CONSUMER_BATCHING):
 * it sleeps on its own timer for at most a millisecond (io.varta.watch.ingress.Receiver owns that
 * policy) and the receiver wakes it early only when a publication leaves the ring half full, so the
 * ring never fills for want of a wake-up. The receiver keeps no timer and no deferred state: a
 * batching consumer costs it nothing at all.
 *
 * Receive time (record recv_ns). Every ingress socket has SO_TIMESTAMPNS on since before its bind,
 * so the kernel stamps each datagram with CLOCK_REALTIME when it queues it. A receiver that was not
 * scheduled for a while and then reads a burst therefore still sees beats 20 ms apart as 20 ms
 * apart, instead of giving the whole batch one read time. After each recvmmsg the loop samples both
 * clocks (arrival_clock.h) and moves each stamp to CLOCK_MONOTONIC with the current difference:
 * exact, unless the wall clock was stepped between the arrival and the sample. The result is then
 * clamped into bounds that hold whatever the wall clock did:
 *   - upper: the batch's own CLOCK_MONOTONIC sample (the datagram was read by then);
 *   - lower: the start of the last recvmmsg on this socket that came back short. That call found
 *     the queue empty at some moment after it started, and the queue is FIFO, so every datagram
 *     read later was queued after that start.
 * A step detector compares each sample with the previous one. A forward step makes stamps taken
 * before it convert too early (they would look older than they are and could make a stall look
 * due): recv_ns leans late by the sum of forward steps seen since the socket's last drain. (Steps
 * seen before that drain cannot concern a datagram read after it: they happened before the drain
 * started, which is before the datagram was queued.) A datagram without a timestamp (it cannot
 * happen on our sockets, but the cmsg is not guaranteed) gets the batch's sample.
 *
 * Drained-through watermark (varta_receiver_drained_through). Before declaring a stall for a
 * deadline D, the observer must know that nothing queued before D still waits unread in a socket
 * or in an unpublished batch. The receiver keeps, per socket,
 *   - sequence: odd from just before a recvmmsg on the socket until that batch's records are
 *     published (a seq_cst increment before, a release increment after). Per socket, not per
 *     receiver: a flood on one socket keeps the receiver inside batches nearly all the time, and an
 *     idle socket must still count as drained meanwhile;
 *   - drained_at: the start of the last recvmmsg that came back short, stored (release)
 *     after that batch was published. Sound: everything queued before it was read by that call or
 *     earlier ones, and published.
 *   - stamps_through: the largest "stamp minus doubt" of a datagram read and published
 *     (release after the publication). Sound: the kernel stamps a datagram before it queues it, and
 *     the queue is FIFO, so having read a datagram stamped t means everything queued before t was
 *     read before it or with it. The doubt is the sum of backward steps seen since the socket's last
 *     drain (a backward step makes older stamps convert too late) plus the step tolerance.
 * The query samples now, polls every socket with a zero timeout, issues a full fence, then reads
 * each socket's sequence (acquire):
 *   - a socket that polled empty while its sequence is even is drained through now. Proof: a datagram
 *     queued before now was, at the poll, either still queued (the poll would have seen it) or
 *     already dequeued by a recvmmsg. That recvmmsg made the sequence odd before it dequeued (seq_cst
 *     increment, then the syscall); the poll observed the dequeue and the fence orders our read of
 *     sequence after it, so we read that odd value or a later one. Sequence only grows, so reading
 *     an even value means that batch finished, and the acquire makes its records visible.
 *   - any other socket is drained through max(drained_at, stamps_through), both sound on their own.
 * T = the minimum over sockets (<= now). A receiver that is not scheduled keeps T where it was
 * (verdicts wait instead of being invented); under a sustained flood the stamps keep T moving
 * (verdicts are late by the queue's latency, never blocked for good). A full ring stops the
 * reading and so holds T back until the consumer drains, which is what it should do.
 * What this relies on outside C11: the kernel's dequeue is ordered after the odd increment (the
 * increment is a locked instruction and the syscall follows it) and the poll's read of the queue
 * before our fence. Known gap: a wall-clock step between a socket's bind and the receiver's first
 * clock sample (milliseconds at start-up) is not seen.
 */
#include "varta/recv.h"

#include "varta/arrival_clock.h"
#include "varta/clock.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TIMESTAMP_CONTROL_BYTES CMSG_SPACE(sizeof(struct timespec))
#define STALL_BACKOFF_MIN_NS 50000L
#define STALL_BACKOFF_MAX_NS 1000000L
#define IO_ERROR_BACKOFF_NS 1000000L
/* At stop, how long the final drain may take (a full ring, or a flood that never lets a socket drain). */
#define FINAL_DRAIN_LIMIT_NS 1000000000ULL
#define STOP_EVENT UINT32_MAX

enum batch_result {
    BATCH_FULL,    /* read as many as asked for: the socket may hold more */
    BATCH_DRAINED, /* came back short: the socket was empty at some moment during the call (with
                    * MSG_DONTWAIT, an AF_UNIX datagram socket, or a UDP socket without IP_RECVERR,
                    * stops short of vlen only on an empty queue) */
    BATCH_STOPPED, /* the ring stayed full and the receiver is stopping */
    BATCH_FAILED   /* recvmmsg failed; an IO_ERROR record was published */
};

/* One ingress socket and what the loop keeps about it. */
struct ingress_slot {
    struct varta_ingress ingress;
    uint32_t read_bytes;         /* max_datagram_bytes + 1: a longer datagram shows as this length */
    uint32_t control_bytes;      /* the classifier's control room + the timestamp's */
    /* receiver thread only */
    uint64_t drained_since_ns;   /* start of the last recvmmsg that came back short (0: never) */
    uint64_t early_margin_ns;    /* forward wall-clock steps seen since then */
    uint64_t late_margin_ns;     /* backward wall-clock steps seen since then */
    /* written by the receiver thread, read by varta_receiver_drained_through */
    _Atomic uint64_t sequence;   /* odd while a batch of this socket is between recvmmsg and publication */
    _Atomic uint64_t drained_at_ns;     /* release / acquire */
    _Atomic uint64_t stamps_through_ns; /* release / acquire */
};

struct varta_receiver {
    int wake_fd;
    int stop_fd;
    int epoll_fd;
    unsigned count;
    struct varta_ring ring;
    pthread_t thread;
    atomic_int stopping;
    uint64_t final_drain_deadline_ns; /* receiver thread only: set when it starts the final drain */
    struct varta_step_detector steps; /* receiver thread only */
    struct ingress_slot slots[VARTA_RECV_MAX_INGRESS];
    struct mmsghdr messages[VARTA_RECV_BATCH];
    struct iovec iov[VARTA_RECV_BATCH];
    size_t data_stride;    /* largest read_bytes of any ingress */
    size_t control_stride; /* largest control_bytes, a multiple of the cmsghdr alignment */
    size_t name_stride;    /* largest name_bytes (0: no ingress wants source addresses) */
    uint8_t *data;         /* VARTA_RECV_BATCH * data_stride */
    uint8_t *control;      /* VARTA_RECV_BATCH * control_stride */
    uint8_t *names;        /* VARTA_RECV_BATCH * name_stride, or NULL */
};

static void sleep_ns(long ns)
{
    struct timespec ts = { .tv_sec = 0, .tv_nsec = ns };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/*
 * Publishes records below tail and wakes the consumer if it sleeps until the next record, or if it
 * batches and the ring is now at least half full (ring.h).
 */
static void publish(const struct varta_receiver *r, uint64_t tail)
{
    varta_ring_publish_tail(&r->ring, tail);
    atomic_thread_fence(memory_order_seq_cst);
    const int32_t waiting = atomic_load_explicit(r->ring.consumer_waiting, memory_order_relaxed);
    if (waiting == VARTA_RING_CONSUMER_SLEEPING
        || (waiting == VARTA_RING_CONSUMER_BATCHING
            && tail - varta_ring_load_head_acquire(&r->ring) >= r->ring.capacity / 2)) {
        const uint64_t one = 1;
        ssize_t ignored = write(r->wake_fd, &one, sizeof(one));
        (void)ignored; /* EAGAIN means the counter is already non-zero: the consumer will wake */
    }
}

/* sequence odd: a batch of this socket is in flight. seq_cst so the kernel's dequeue cannot come before it. */
static void enter_batch(struct ingress_slot *s)
{
    atomic_fetch_add_explicit(&s->sequence, 1, memory_order_seq_cst);
}

/* sequence even: the batch's records are published (release orders the publication before). */
static void leave_batch(struct ingress_slot *s)
{
    atomic_fetch_add_explicit(&s->sequence, 1, memory_order_release);
}

static void prepare_batch(struct varta_receiver *r, const struct ingress_slot *s, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        struct msghdr *h = &r->messages[i].msg_hdr;
        r->iov[i].iov_base = r->data + i * r->data_stride;
        r->iov[i].iov_len = s->read_bytes;
        h->msg_name = s->ingress.name_bytes > 0 ? r->names + i * r->name_stride : NULL;
        h->msg_namelen = s->ingress.name_bytes;
        h->msg_iov = &r->iov[i];
        h->msg_iovlen = 1;
        h->msg_control = r->control + i * r->control_stride;
        h->msg_controllen = s->control_bytes;
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

static const struct timespec *find_timestamp(const struct msghdr *h)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR((struct msghdr *)h, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS
            && c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
            return (const struct timespec *)(const void *)CMSG_DATA(c);
        }
    }
    return NULL;
}

/*
 * The record's recv_ns (see the top of this file), and the datagram's contribution to the socket's
 * stamps_through (raised in *stamps_through).
 */
static uint64_t arrival_time(const struct ingress_slot *s, const struct msghdr *h,
                             const struct varta_clock_pair *pair, uint64_t *stamps_through)
{
    const struct timespec *stamp = find_timestamp(h);
    if (stamp == NULL) {
        return pair->mono_ns;
    }
    const uint64_t converted = varta_arrival_monotonic_ns(stamp, pair);
    const uint64_t doubt = s->late_margin_ns + VARTA_CLOCK_STEP_TOLERANCE_NS;
    const uint64_t through = converted > doubt ? min_u64(converted - doubt, pair->mono_ns) : 0;
    *stamps_through = max_u64(*stamps_through, through);
    return max_u64(min_u64(converted + s->early_margin_ns, pair->mono_ns), s->drained_since_ns);
}

/* A wall-clock step concerns datagrams stamped before it: every socket's margins grow. */
static void note_step(struct varta_receiver *r, const struct varta_clock_step *step)
{
    if (step->forward_ns == 0 && step->backward_ns == 0) {
        return;
    }
    for (unsigned i = 0; i < r->count; i++) {
        r->slots[i].early_margin_ns += step->forward_ns;
        r->slots[i].late_margin_ns += step->backward_ns;
    }
}

/*
 * A recvmmsg that started at started_ns came back short. Everything queued before started_ns is
 * read and published; later datagrams were queued after it, so only steps that may have happened
 * after it (this batch's own, `step`) still concern them.
 */
static void mark_drained(struct ingress_slot *s, uint64_t started_ns, const struct varta_clock_step *step)
{
    s->drained_since_ns = started_ns;
    s->early_margin_ns = step->forward_ns;
    s->late_margin_ns = step->backward_ns;
    atomic_store_explicit(&s->drained_at_ns, started_ns, memory_order_release);
}

static enum batch_result read_failed(struct varta_receiver *r, struct ingress_slot *s, unsigned index,
                                     uint64_t tail, int err)
{
    struct varta_ring_record *rec = varta_ring_slot(&r->ring, tail);
    memset(rec, 0, sizeof(*rec));
    rec->recv_ns = varta_clock_monotonic_ns();
    rec->kind = VARTA_KIND_IO_ERROR;
    rec->transport = s->ingress.transport;
    rec->origin = s->ingress.origin;
    rec->listener = (uint8_t)index;
    rec->peer_uid = UINT32_MAX;
    rec->detail_a = (uint32_t)err;
    publish(r, tail + 1);
    leave_batch(s);
    sleep_ns(IO_ERROR_BACKOFF_NS);
    return BATCH_FAILED;
}

/* Reads one batch from ingress `index` into the ring. */
static enum batch_result read_batch(struct varta_receiver *r, unsigned index)
{
    struct ingress_slot *s = &r->slots[index];
    const uint64_t tail = varta_ring_load_tail_relaxed(&r->ring);
    uint64_t free_slots = r->ring.capacity - (tail - varta_ring_load_head_acquire(&r->ring));
    if (free_slots == 0) {
        free_slots = wait_for_space(r, tail);
        if (free_slots == 0) {
            return BATCH_STOPPED;
        }
    }
    const unsigned want = free_slots < VARTA_RECV_BATCH ? (unsigned)free_slots : VARTA_RECV_BATCH;
    prepare_batch(r, s, want);
    const uint64_t started_ns = varta_clock_monotonic_ns();
    enter_batch(s);
    const int got = recvmmsg(s->ingress.fd, r->messages, want, MSG_DONTWAIT | MSG_CMSG_CLOEXEC, NULL);
    if (got < 0) {
        const int err = errno;
        if (err == EAGAIN || err == EWOULDBLOCK) {
            const struct varta_clock_step none = { 0, 0 };
            mark_drained(s, started_ns, &none);
            leave_batch(s);
            return BATCH_DRAINED;
        }
        if (err == EINTR) {
            leave_batch(s);
            return BATCH_FULL; /* try again */
        }
        return read_failed(r, s, index, tail, err);
    }
    struct varta_clock_pair pair;
    varta_clock_pair_sample(&pair);
    struct varta_clock_step step;
    varta_step_detector_update(&r->steps, &pair, &step);
    note_step(r, &step);

    uint64_t stamps_through = 0;
    for (int i = 0; i < got; i++) {
        const struct mmsghdr *m = &r->messages[i];
        struct varta_ring_record *rec = varta_ring_slot(&r->ring, tail + (uint64_t)i);
        memset(rec, 0, sizeof(*rec));
        rec->recv_ns = arrival_time(s, &m->msg_hdr, &pair, &stamps_through);
        rec->transport = s->ingress.transport;
        rec->origin = s->ingress.origin;
        rec->listener = (uint8_t)index;
        rec->datagram_len = m->msg_len;
        rec->peer_uid = UINT32_MAX;
        const struct varta_datagram datagram = {
            .bytes = r->iov[i].iov_base,
            .length = m->msg_len,
            .flags = m->msg_hdr.msg_flags,
            .header = &m->msg_hdr,
        };
        s->ingress.classify(&s->ingress, &datagram, rec);
    }
    varta_ring_add_datagrams_read(&r->ring, (uint64_t)got);
    publish(r, tail + (uint64_t)got);
    if ((unsigned)got < want) {
        mark_drained(s, started_ns, &step);
    }
    if (stamps_through > atomic_load_explicit(&s->stamps_through_ns, memory_order_relaxed)) {
        atomic_store_explicit(&s->stamps_through_ns, stamps_through, memory_order_release);
    }
    leave_batch(s);
    return (unsigned)got < want ? BATCH_DRAINED : BATCH_FULL;
}

/* One batch per ready socket in turn, until each came back short: a flood on one socket cannot
 * keep the others unread. */
static void read_ready(struct varta_receiver *r, uint8_t *ready, unsigned pending)
{
    while (pending > 0 && !atomic_load_explicit(&r->stopping, memory_order_acquire)) {
        for (unsigned i = 0; i < r->count; i++) {
            if (ready[i] && read_batch(r, i) != BATCH_FULL) {
                ready[i] = 0;
                pending--;
            }
        }
    }
}

static void *receiver_main(void *arg)
{
    struct varta_receiver *r = arg;
    pthread_setname_np(pthread_self(), "varta-recv");
    struct epoll_event events[VARTA_RECV_MAX_INGRESS + 1];
    uint8_t ready[VARTA_RECV_MAX_INGRESS];
    while (!atomic_load_explicit(&r->stopping, memory_order_acquire)) {
        const int n = epoll_wait(r->epoll_fd, events, (int)r->count + 1, -1);
        if (n < 0) {
            if (errno != EINTR) {
                sleep_ns(IO_ERROR_BACKOFF_NS);
            }
            continue;
        }
        memset(ready, 0, sizeof(ready));
        unsigned pending = 0;
        for (int i = 0; i < n; i++) {
            const uint32_t index = events[i].data.u32;
            if (index != STOP_EVENT && !ready[index]) {
                ready[index] = 1;
                pending++;
            }
        }
        read_ready(r, ready, pending); /* level-triggered epoll reports anything that arrives later */
    }
    /* Final drain: datagrams already queued when the stop came are read and published too (the
     * consumer is still running), so a sender that got its send() through before shutdown is
     * accounted for. Bounded by FINAL_DRAIN_LIMIT_NS (a full ring, or a flood that never drains). */
    r->final_drain_deadline_ns = varta_clock_monotonic_ns() + FINAL_DRAIN_LIMIT_NS;
    for (unsigned i = 0; i < r->count; i++) {
        while (read_batch(r, i) == BATCH_FULL && varta_clock_monotonic_ns() < r->final_drain_deadline_ns) {
        }
    }
    return NULL;
}

static void release(struct varta_receiver *r)
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
    free(r->data);
    free(r->control);
    free(r->names);
    free(r);
}

static int timestamps_on(int fd)
{
    int on = 0;
    socklen_t len = sizeof(on);
    return getsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, &len) == 0 && on != 0;
}

/* Copies the ingresses and sizes the batch buffers for the largest of each need. */
static int adopt_ingresses(struct varta_receiver *r, const struct varta_ingress *ingresses, unsigned count)
{
    const size_t align = alignof(struct cmsghdr);
    for (unsigned i = 0; i < count; i++) {
        const struct varta_ingress *in = &ingresses[i];
        if (in->fd < 0 || in->classify == NULL || in->max_datagram_bytes == 0 || !timestamps_on(in->fd)) {
            return -EINVAL;
        }
        struct ingress_slot *s = &r->slots[i];
        s->ingress = *in;
        s->read_bytes = (uint32_t)in->max_datagram_bytes + 1u;
        s->control_bytes = (uint32_t)in->control_bytes + (uint32_t)TIMESTAMP_CONTROL_BYTES;
        r->data_stride = max_u64(r->data_stride, s->read_bytes);
        r->control_stride = max_u64(r->control_stride, (s->control_bytes + align - 1) / align * align);
        r->name_stride = max_u64(r->name_stride, in->name_bytes);
    }
    r->count = count;
    r->data = calloc(VARTA_RECV_BATCH, r->data_stride);
    r->control = calloc(VARTA_RECV_BATCH, r->control_stride); /* malloc alignment covers cmsghdr */
    r->names = r->name_stride > 0 ? calloc(VARTA_RECV_BATCH, r->name_stride) : NULL;
    if (r->data == NULL || r->control == NULL || (r->name_stride > 0 && r->names == NULL)) {
        return -ENOMEM;
    }
    return 0;
}

static int watch(int epoll_fd, int fd, uint32_t index)
{
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = index };
    return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0 ? 0 : -errno;
}

int varta_receiver_start(const struct varta_ingress *ingresses, unsigned count, void *ring_base,
                         uint32_t capacity, struct varta_receiver **out)
{
    if (!varta_ring_capacity_valid(capacity) || ring_base == NULL || ((uintptr_t)ring_base & 63u) != 0
        || count == 0 || count > VARTA_RECV_MAX_INGRESS) {
        return -EINVAL;
    }
    struct varta_receiver *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return -ENOMEM;
    }
    r->wake_fd = -1;
    r->stop_fd = -1;
    r->epoll_fd = -1;
    varta_ring_attach(&r->ring, ring_base, capacity);
    int rc = adopt_ingresses(r, ingresses, count);
    if (rc == 0) {
        r->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        r->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        r->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (r->wake_fd < 0 || r->stop_fd < 0 || r->epoll_fd < 0) {
            rc = -errno;
        }
    }
    for (unsigned i = 0; rc == 0 && i < count; i++) {
        rc = watch(r->epoll_fd, r->slots[i].ingress.fd, i);
    }
    if (rc == 0) {
        rc = watch(r->epoll_fd, r->stop_fd, STOP_EVENT);
    }
    if (rc == 0) {
        struct varta_clock_pair pair;
        varta_clock_pair_sample(&pair);
        struct varta_clock_step ignored;
        varta_step_detector_update(&r->steps, &pair, &ignored); /* the reference for later steps */
        /* The receiver thread must not take process signals meant for the JVM's threads. */
        sigset_t all;
        sigset_t previous;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &previous);
        rc = -pthread_create(&r->thread, NULL, receiver_main, r);
        pthread_sigmask(SIG_SETMASK, &previous, NULL);
    }
    if (rc != 0) {
        release(r); /* the ingresses' state stays the caller's */
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
    for (unsigned i = 0; i < r->count; i++) {
        varta_ingress_destroy(&r->slots[i].ingress);
    }
    release(r);
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

uint64_t varta_receiver_drained_through(struct varta_receiver *r)
{
    struct pollfd fds[VARTA_RECV_MAX_INGRESS];
    const uint64_t now = varta_clock_monotonic_ns();
    for (unsigned i = 0; i < r->count; i++) {
        fds[i].fd = r->slots[i].ingress.fd;
        fds[i].events = POLLIN;
        fds[i].revents = 0;
    }
    int polled;
    do {
        polled = poll(fds, r->count, 0);
    } while (polled < 0 && errno == EINTR);
    atomic_thread_fence(memory_order_seq_cst); /* our reads of sequence come after the poll's reads */
    uint64_t through = now;
    for (unsigned i = 0; i < r->count; i++) {
        struct ingress_slot *s = &r->slots[i];
        const uint64_t sequence = atomic_load_explicit(&s->sequence, memory_order_acquire);
        if (polled >= 0 && fds[i].revents == 0 && (sequence & 1u) == 0) {
            continue; /* empty, and none of its batches in flight: drained through now */
        }
        const uint64_t own = max_u64(atomic_load_explicit(&s->drained_at_ns, memory_order_acquire),
                                     atomic_load_explicit(&s->stamps_through_ns, memory_order_acquire));
        through = min_u64(through, own);
    }
    return through;
}
