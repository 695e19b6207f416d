/*
 * notify_listen.c - a stand-in for the service manager's end of sd_notify, for tests and for operators
 * checking what the observer announces.
 *
 *   notify-listen ADDRESS [--timeout-ms 60000]
 *
 * Binds a Unix datagram socket at ADDRESS, written as $NOTIFY_SOCKET is ("/path", or "@name" for a Linux
 * abstract name; a path must not exist yet), with SO_PASSCRED on as the service manager has it, prints "ready"
 * on stdout and then one line per datagram:
 *
 *   <CLOCK_MONOTONIC ns at receipt> <sender pid, 0 if unknown> <payload, with '\n' shown as \n and other bytes
 *   outside 0x20..0x7e (and '\\') as \xHH>
 *
 * The sender pid is the kernel's (SCM_CREDENTIALS): what systemd compares with MainPID under NotifyAccess=main.
 *
 * Exits 0 after printing a datagram that is exactly "STOPPING=1\n"; exits 1 when --timeout-ms passes first
 * or on a socket error; exits 2 on a usage error. A path socket is unlinked on every exit but SIGKILL.
 * CLOCK_MONOTONIC is System.nanoTime()'s clock on Linux, so a JVM test can compare the times with its own.
 */
#include "tool_util.h"

#include "varta/notify.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *USAGE = "ADDRESS [--timeout-ms N]";
static const char *bound_path;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void print_datagram(const unsigned char *data, size_t len, long pid)
{
    printf("%llu %ld ", (unsigned long long)tool_mono_ns(), pid);
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\n') {
            fputs("\\n", stdout);
        } else if (data[i] < 0x20 || data[i] > 0x7e || data[i] == '\\') {
            printf("\\x%02x", data[i]);
        } else {
            putchar(data[i]);
        }
    }
    putchar('\n');
}

static int finish(int fd, int code)
{
    close(fd);
    if (bound_path != NULL) {
        unlink(bound_path);
    }
    return code;
}

int main(int argc, char **argv)
{
    uint64_t timeout_ms = 60000;
    if (argc != 2 && argc != 4) {
        tool_usage_exit("notify-listen", USAGE, NULL);
    }
    if (argc == 4 && (strcmp(argv[2], "--timeout-ms") != 0 || tool_parse_u64(argv[3], 1, 86400000, &timeout_ms) != 0)) {
        tool_usage_exit("notify-listen", USAGE, "bad --timeout-ms");
    }
    struct sockaddr_un addr;
    socklen_t addr_len = 0;
    if (varta_notify_address(argv[1], strlen(argv[1]), &addr, &addr_len) != 0) {
        tool_usage_exit("notify-listen", USAGE, "ADDRESS must be /path or @name");
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (const struct sockaddr *)&addr, addr_len) != 0) {
        fprintf(stderr, "notify-listen: cannot bind %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    if (argv[1][0] == '/') {
        bound_path = argv[1];
    }
    const int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) != 0) {
        fprintf(stderr, "notify-listen: SO_PASSCRED: %s\n", strerror(errno));
        return finish(fd, 1);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    puts("ready");
    const uint64_t deadline = tool_mono_ns() + timeout_ms * 1000000ull;
    unsigned char buf[4096];
    while (!stop) {
        const uint64_t now = tool_mono_ns();
        if (now >= deadline) {
            fprintf(stderr, "notify-listen: no STOPPING=1 within %llu ms\n", (unsigned long long)timeout_ms);
            return finish(fd, 1);
        }
        struct pollfd p = { .fd = fd, .events = POLLIN };
        const uint64_t left_ms = (deadline - now) / 1000000ull + 1;
        const int n = poll(&p, 1, left_ms > 1000 ? 1000 : (int)left_ms);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "notify-listen: poll: %s\n", strerror(errno));
            return finish(fd, 1);
        }
        if (n <= 0) {
            continue;
        }
        union {
            struct cmsghdr align;
            char bytes[CMSG_SPACE(sizeof(struct ucred))];
        } control;
        struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.bytes,
                              .msg_controllen = sizeof(control.bytes) };
        const ssize_t got = recvmsg(fd, &msg, MSG_DONTWAIT);
        if (got < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            fprintf(stderr, "notify-listen: recv: %s\n", strerror(errno));
            return finish(fd, 1);
        }
        long pid = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                struct ucred cred;
                memcpy(&cred, CMSG_DATA(c), sizeof(cred));
                pid = (long)cred.pid;
            }
        }
        print_datagram(buf, (size_t)got, pid);
        if ((size_t)got == 11 && memcmp(buf, "STOPPING=1\n", 11) == 0) {
            return finish(fd, 0);
        }
    }
    return finish(fd, 0);
}
