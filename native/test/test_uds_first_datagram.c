/*
 * test_uds_first_datagram.c - a frame sent in the instant after bind() already carries the sender's
 * credentials and its arrival time: SO_PASSCRED and SO_TIMESTAMPNS must be on before bind.
 *
 * Deterministic: this executable defines chmod(), which the statically linked varta_core calls right
 * after its bind() (to set the exact mode). Our chmod sends one datagram to the new socket first, then
 * does the real chmod. Options set after bind would give that datagram uid 65534 and pid 0 (the kernel
 * attaches credentials at send time only if the receiver asked for them by then) and a timestamp taken
 * when it is read instead of when it was queued.
 */
#include "varta/uds.h"

#include "support.h"

#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int armed;
static int sent;
static int64_t sent_realtime_ns;

static int64_t realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int chmod(const char *path, mode_t mode)
{
    if (armed) {
        armed = 0;
        struct sockaddr_un addr = unix_address(path);
        const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        const char frame[32] = "first frame after bind";
        sent = fd >= 0 && sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&addr, sizeof(addr)) == 32;
        sent_realtime_ns = realtime_ns();
        if (fd >= 0) {
            close(fd);
        }
    }
    return (int)syscall(SYS_fchmodat, AT_FDCWD, path, mode, 0);
}

int main(void)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/varta-test-first-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    char path[128];
    snprintf(path, sizeof(path), "%s/first.sock", dir);
    struct varta_uds_bound b;
    armed = 1;
    const int fd = varta_uds_bind(path, 0600, 0, &b);
    CHECK(fd >= 0, "bind returned %d", fd);
    CHECK(sent, "the datagram went out between bind and chmod");
    usleep(20000); /* a timestamp taken at read time would now be 20 ms after the send */

    uint8_t data[64];
    union {
        struct cmsghdr align;
        uint8_t bytes[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(struct timespec))];
    } control;
    struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.bytes,
                          .msg_controllen = sizeof(control.bytes) };
    const ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
    CHECK(n == 32, "received the datagram (%zd)", n);
    int have_cred = 0;
    int have_stamp = 0;
    struct ucred cred = { 0, 0, 0 };
    int64_t stamp_ns = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); n > 0 && c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
            memcpy(&cred, CMSG_DATA(c), sizeof(cred));
            have_cred = 1;
        } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof(ts));
            stamp_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
            have_stamp = 1;
        }
    }
    CHECK(have_cred && cred.uid == getuid() && cred.pid == getpid(),
          "credentials of the sender (uid %u pid %d), not of nobody", (unsigned)cred.uid, (int)cred.pid);
    CHECK(have_stamp && stamp_ns <= sent_realtime_ns, "stamped when queued (%lld ns after the send returned)",
          (long long)(stamp_ns - sent_realtime_ns));
    if (fd >= 0) {
        varta_uds_unlink_if_ours(path, b.dev, b.ino);
        close(fd);
    }
    rmdir(dir);
    return check_summary("test_uds_first_datagram");
}
