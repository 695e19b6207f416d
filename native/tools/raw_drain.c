/*
 * raw_drain.c - the two C baselines the observer's ingest rate is compared against.
 *
 *   raw-drain --socket PATH --expect TOTAL [--mode recvmmsg|recvmsg] [--passcred 1] [--timestamps 0|1]
 *             [--timeout-ms 30000]
 *   raw-drain --udp IP:PORT --expect TOTAL [--idle-ms MS] [--timeout-ms 30000]
 *
 * --udp binds a UDP socket instead (IPv4 literal, or [IPv6]:PORT; SO_RCVBUF 1 MiB requested, as the observer's
 * UDP listener) and reads it in recvmmsg batches of 64 into 65-byte buffers (room for the largest secure
 * datagram and one more byte), counting only. UDP senders do not block when the queue is full (the kernel drops),
 * so --idle-ms MS ends the run, with status 0, once MS pass without a datagram after the first one.
 *
 * Binds a Unix datagram socket at PATH (a stale socket file there is replaced; any other file
 * is refused), turns on SO_PASSCRED (unless --passcred 0) and, with --timestamps 1, SO_TIMESTAMPNS
 * (the kernel stamps each datagram, as it does for the observer), asks for SO_RCVBUF 1 MiB, prints
 * "ready" on stdout and then reads until TOTAL datagrams were received:
 *
 *   recvmmsg  batches of 64 datagrams, each with its own 33-byte buffer and its own cmsg buffer
 *             for SCM_CREDENTIALS; datagrams are only counted. The practical limit of a receiver.
 *   recvmsg   one recvmsg per datagram into a 33-byte buffer with credentials, then what the
 *             reference observer does per datagram: length check, credentials present and uid
 *             equal to ours, VLP decode (CRC-32C). The reference's design.
 *
 * Both wait in poll() and then read non-blocking until the queue is empty. The clock runs from
 * the return of the call that delivered the first datagram to the one that delivered the last.
 * Prints one line and exits 0:
 *   drain mode=M frames=COUNT elapsed_ns=E rate=FRAMES_PER_SECOND calls=C cpu_ns=U
 * (C = receive calls that returned datagrams, so COUNT / C is the mean batch actually read;
 * U = user + system CPU this process used from "ready" to the end, so U / COUNT is the receiver's
 * CPU cost per datagram: the figure that stays comparable when senders and receiver share cores)
 * Exit 1 (same line, COUNT so far) if TOTAL is not reached within --timeout-ms of "ready", if
 * more than TOTAL arrive, or on a socket error; exit 2 on a usage error. In recvmsg mode,
 * datagrams that fail a check are still counted and reported on stderr.
 */
#include "tool_util.h"

#include "varta/udp.h"
#include "varta/vlp.h"

#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#define BATCH 64u
#define DATAGRAM_ROOM (VARTA_FRAME_BYTES + 1u) /* one spare byte exposes an overlong datagram */
#define UDP_DATAGRAM_ROOM 65u                  /* the largest secure datagram (64) + 1 */
#define RCVBUF_BYTES (1 << 20)

enum mode { MODE_RECVMMSG, MODE_RECVMSG };

struct options {
    const char *socket_path;
    const char *udp;
    uint64_t idle_ms;
    uint64_t expect;
    enum mode mode;
    uint64_t passcred;
    uint64_t timestamps; /* SO_TIMESTAMPNS, as the observer's sockets have: what the kernel's stamp costs */
    uint64_t timeout_ms;
};

/* A control buffer sized and aligned for one SCM_CREDENTIALS and one SCM_TIMESTAMPNS message. */
union cred_cmsg {
    struct cmsghdr align;
    char bytes[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(struct timespec))];
};

struct counts {
    uint64_t datagrams;
    uint64_t first_ns;
    uint64_t last_ns;
    uint64_t calls;    /* receive calls that returned datagrams: frames/calls = mean batch */
    uint64_t rejected; /* recvmsg mode: wrong length, no or foreign credentials, decode error */
};

#define TOOL "raw-drain"
static const char USAGE[] = "--socket PATH | --udp IP:PORT --expect TOTAL [--mode recvmmsg|recvmsg] [--passcred 0|1] [--timestamps 0|1] [--idle-ms MS] [--timeout-ms 30000]";

static void usage(const char *why)
{
    tool_usage_exit(TOOL, USAGE, why);
}

static struct options parse_args(int argc, char **argv)
{
    struct options o = { .mode = MODE_RECVMMSG, .passcred = 1, .timeout_ms = 30000 };
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        if (i + 1 >= argc) {
            usage("missing value after the last flag");
        }
        const char *value = argv[++i];
        if (strcmp(flag, "--socket") == 0) {
            o.socket_path = value;
        } else if (strcmp(flag, "--expect") == 0) {
            o.expect = tool_flag_u64(TOOL, USAGE, flag, value, 1, UINT64_MAX / 2);
        } else if (strcmp(flag, "--mode") == 0) {
            if (strcmp(value, "recvmmsg") == 0) {
                o.mode = MODE_RECVMMSG;
            } else if (strcmp(value, "recvmsg") == 0) {
                o.mode = MODE_RECVMSG;
            } else {
                usage("--mode is recvmmsg or recvmsg");
            }
        } else if (strcmp(flag, "--passcred") == 0) {
            o.passcred = tool_flag_u64(TOOL, USAGE, flag, value, 0, 1);
        } else if (strcmp(flag, "--timestamps") == 0) {
            o.timestamps = tool_flag_u64(TOOL, USAGE, flag, value, 0, 1);
        } else if (strcmp(flag, "--udp") == 0) {
            o.udp = value;
        } else if (strcmp(flag, "--idle-ms") == 0) {
            o.idle_ms = tool_flag_u64(TOOL, USAGE, flag, value, 0, 3600000);
        } else if (strcmp(flag, "--timeout-ms") == 0) {
            o.timeout_ms = tool_flag_u64(TOOL, USAGE, flag, value, 1, 3600000);
        } else {
            fprintf(stderr, "raw-drain: unknown flag '%s'\n", flag);
            usage(NULL);
        }
    }
    struct sockaddr_un probe;
    if ((o.socket_path == NULL) == (o.udp == NULL) || o.expect == 0) {
        usage("--expect and one of --socket and --udp are required");
    }
    if (o.socket_path != NULL && tool_unix_addr(o.socket_path, &probe) != 0) {
        usage("--socket path is empty or longer than sun_path");
    }
    if (o.udp != NULL && o.mode != MODE_RECVMMSG) {
        usage("--udp reads with recvmmsg only");
    }
    return o;
}

/* Binds the UDP socket of --udp IP:PORT or [IPv6]:PORT. */
static int open_udp(const struct options *o)
{
    char host[64];
    const char *colon = strrchr(o->udp, ':');
    size_t len = colon != NULL ? (size_t)(colon - o->udp) : 0;
    const char *start = o->udp;
    if (len >= 2 && start[0] == '[' && start[len - 1] == ']') {
        start++;
        len -= 2;
    }
    uint64_t port = 0;
    struct varta_ip ip;
    memset(&ip, 0, sizeof(ip));
    if (colon == NULL || len == 0 || len >= sizeof(host) || tool_parse_u64(colon + 1, 0, 65535, &port) != 0) {
        usage("--udp wants IP:PORT or [IPv6]:PORT");
    }
    memcpy(host, start, len);
    host[len] = '\0';
    ip.family = strchr(host, ':') != NULL ? AF_INET6 : AF_INET;
    if (inet_pton(ip.family, host, ip.bytes) != 1) {
        usage("--udp wants a literal IP address");
    }
    struct varta_udp_bound bound;
    const int fd = varta_udp_bind(&ip, (uint16_t)port, RCVBUF_BYTES, &bound);
    if (fd < 0) {
        fprintf(stderr, "raw-drain: bind %s: %s\n", o->udp, strerror(-fd));
        return -1;
    }
    return fd;
}

/* Binds the receive socket; replaces a stale socket file, refuses to remove anything else. */
static int open_socket(const struct options *o)
{
    struct stat st;
    if (lstat(o->socket_path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "raw-drain: %s exists and is not a socket; not replacing it\n", o->socket_path);
            return -1;
        }
        unlink(o->socket_path);
    }
    struct sockaddr_un addr;
    tool_unix_addr(o->socket_path, &addr);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || bind(fd, (const struct sockaddr *)&addr, sizeof(addr)) != 0) {
        fprintf(stderr, "raw-drain: bind %s: %s\n", o->socket_path, strerror(errno));
        return -1;
    }
    int on = (int)o->passcred;
    if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) != 0) {
        fprintf(stderr, "raw-drain: SO_PASSCRED: %s\n", strerror(errno));
        return -1;
    }
    int stamp = (int)o->timestamps;
    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &stamp, sizeof(stamp)) != 0) {
        fprintf(stderr, "raw-drain: SO_TIMESTAMPNS: %s\n", strerror(errno));
        return -1;
    }
    int rcvbuf = RCVBUF_BYTES;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) != 0) {
        fprintf(stderr, "raw-drain: SO_RCVBUF: %s (continuing with the default)\n", strerror(errno));
    }
    return fd;
}

static void note_received(struct counts *c, uint64_t datagrams)
{
    uint64_t now = tool_mono_ns();
    if (c->datagrams == 0) {
        c->first_ns = now;
    }
    c->last_ns = now;
    c->datagrams += datagrams;
    c->calls++;
}

/* recvmmsg mode: reads batches until the queue is empty; returns 0, or -1 with errno set. */
static int drain_batches(int fd, struct mmsghdr *msgs, union cred_cmsg *cmsgs, struct counts *c)
{
    for (;;) {
        int got = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT | MSG_CMSG_CLOEXEC, NULL);
        if (got < 0) {
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        }
        note_received(c, (uint64_t)got);
        for (int i = 0; i < got; i++) {
            msgs[i].msg_hdr.msg_controllen = sizeof(cmsgs[i].bytes); /* the kernel shrank it */
        }
    }
}

/* 1 if the message carries SCM_CREDENTIALS naming our own uid, as the reference requires. */
static int has_own_credentials(struct msghdr *msg, uid_t own_uid)
{
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS) {
            struct ucred cred;
            memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
            return cred.uid == own_uid;
        }
    }
    return 0;
}

/* recvmsg mode: one datagram per call, checked and decoded; returns 0, or -1 with errno set. */
static int drain_one_by_one(int fd, int need_credentials, struct counts *c)
{
    const uid_t own_uid = getuid();
    uint8_t data[DATAGRAM_ROOM];
    union cred_cmsg cmsg;
    struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
    for (;;) {
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cmsg.bytes,
                              .msg_controllen = sizeof(cmsg.bytes) };
        ssize_t len = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (len < 0) {
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        }
        note_received(c, 1);
        struct varta_frame frame;
        if (len != (ssize_t)VARTA_FRAME_BYTES || (msg.msg_flags & MSG_CTRUNC) != 0
            || (need_credentials && !has_own_credentials(&msg, own_uid))
            || varta_vlp_decode(data, &frame) != VARTA_DECODE_OK) {
            c->rejected++;
        }
    }
}

/* User + system CPU time this process has used so far, in ns. */
static uint64_t cpu_used_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000u
           + ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
}

static int remaining_ms(uint64_t deadline_ns)
{
    uint64_t now = tool_mono_ns();
    return now >= deadline_ns ? 0 : (int)((deadline_ns - now + 999999u) / 1000000u);
}

int main(int argc, char **argv)
{
    const struct options o = parse_args(argc, argv);
    const char *mode_name = o.mode == MODE_RECVMMSG ? "recvmmsg" : "recvmsg";
    int fd = o.udp != NULL ? open_udp(&o) : open_socket(&o);
    if (fd < 0) {
        return 1;
    }

    static uint8_t buffers[BATCH][UDP_DATAGRAM_ROOM];
    static union cred_cmsg cmsgs[BATCH];
    static struct iovec iovs[BATCH];
    static struct mmsghdr msgs[BATCH];
    for (unsigned i = 0; i < BATCH; i++) {
        iovs[i].iov_base = buffers[i];
        iovs[i].iov_len = o.udp != NULL ? UDP_DATAGRAM_ROOM : DATAGRAM_ROOM;
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_control = cmsgs[i].bytes;
        msgs[i].msg_hdr.msg_controllen = sizeof(cmsgs[i].bytes);
    }

    printf("ready\n");
    fflush(stdout);
    const uint64_t cpu_start_ns = cpu_used_ns();

    const uint64_t deadline_ns = tool_mono_ns() + o.timeout_ms * 1000000u;
    struct counts c = { 0 };
    int status = 0;
    while (c.datagrams < o.expect) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int wait_ms = remaining_ms(deadline_ns);
        if (o.idle_ms > 0 && c.datagrams > 0 && (uint64_t)wait_ms > o.idle_ms) {
            wait_ms = (int)o.idle_ms;
        }
        int ready = poll(&pfd, 1, wait_ms);
        if (ready == 0 && o.idle_ms > 0 && c.datagrams > 0 && remaining_ms(deadline_ns) > 0) {
            break; /* idle after the load: the run is over (UDP: what the kernel dropped never comes) */
        }
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready < 0) {
            fprintf(stderr, "raw-drain: poll: %s\n", strerror(errno));
            status = 1;
            break;
        }
        if (ready == 0) {
            fprintf(stderr, "raw-drain: timeout after %llu ms with %llu of %llu datagrams\n",
                    (unsigned long long)o.timeout_ms, (unsigned long long)c.datagrams,
                    (unsigned long long)o.expect);
            status = 1;
            break;
        }
        int rc = o.mode == MODE_RECVMMSG ? drain_batches(fd, msgs, cmsgs, &c)
                                         : drain_one_by_one(fd, o.passcred != 0, &c);
        if (rc != 0) {
            fprintf(stderr, "raw-drain: %s: %s\n", mode_name, strerror(errno));
            status = 1;
            break;
        }
    }
    if (c.datagrams > o.expect) {
        fprintf(stderr, "raw-drain: received %llu datagrams, more than the %llu expected\n",
                (unsigned long long)c.datagrams, (unsigned long long)o.expect);
        status = 1;
    }
    if (c.rejected != 0) {
        fprintf(stderr, "raw-drain: %llu datagrams failed the length/credential/decode checks\n",
                (unsigned long long)c.rejected);
    }
    const uint64_t cpu_ns = cpu_used_ns() - cpu_start_ns;
    close(fd);
    if (o.socket_path != NULL) {
        unlink(o.socket_path);
    }

    const uint64_t elapsed_ns = c.last_ns - c.first_ns;
    printf("drain mode=%s frames=%llu elapsed_ns=%llu rate=%.0f calls=%llu cpu_ns=%llu\n", mode_name,
           (unsigned long long)c.datagrams, (unsigned long long)elapsed_ns,
           elapsed_ns ? (double)c.datagrams * 1e9 / (double)elapsed_ns : 0.0, (unsigned long long)c.calls,
           (unsigned long long)cpu_ns);
    return status;
}
