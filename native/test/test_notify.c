/*
 * test_notify.c - sd_notify datagrams (notify.h) to real listeners: a socket bound at a path and one bound
 * at an abstract name; address parsing edge cases; opening where nobody listens.
 */
#include "varta/notify.h"

#include "support.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static char dir[64];

static int listen_at(const struct sockaddr_un *addr, socklen_t len)
{
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (const struct sockaddr *)addr, len) != 0) {
        perror("listener");
        exit(2);
    }
    return fd;
}

static void expect_datagram(int listener, const char *want, const char *what)
{
    char got[64] = { 0 };
    const ssize_t n = recv(listener, got, sizeof(got) - 1, MSG_DONTWAIT);
    CHECK(n == (ssize_t)strlen(want) && memcmp(got, want, strlen(want)) == 0, "%s: got %zd bytes '%s'", what, n,
          n > 0 ? got : "");
}

static void path_listener(void)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/notify", dir);
    struct sockaddr_un addr = unix_address(path);
    const int listener = listen_at(&addr, sizeof(addr));
    const int fd = varta_notify_open(path, strlen(path));
    CHECK(fd >= 0, "open a path address: %d", fd);
    CHECK(varta_notify_send(fd, "READY=1\n", 8) == 0, "send READY");
    expect_datagram(listener, "READY=1\n", "path READY");
    CHECK(varta_notify_send(fd, "STOPPING=1\n", 11) == 0, "send STOPPING");
    expect_datagram(listener, "STOPPING=1\n", "path STOPPING");
    close(fd);
    close(listener);
    /* the socket file stays, nobody reads it any more: a stale address refuses */
    CHECK(varta_notify_open(path, strlen(path)) == -ECONNREFUSED, "stale socket file refuses");
    unlink(path);
    CHECK(varta_notify_open(path, strlen(path)) == -ENOENT, "missing socket file");
}

static void abstract_listener(void)
{
    char name[64];
    snprintf(name, sizeof(name), "@varta-test-notify-%ld", (long)getpid());
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path + 1, name + 1, strlen(name) - 1);
    const socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
    const int listener = listen_at(&addr, len);
    const int fd = varta_notify_open(name, strlen(name));
    CHECK(fd >= 0, "open an abstract address: %d", fd);
    CHECK(varta_notify_send(fd, "WATCHDOG=1\n", 11) == 0, "send WATCHDOG");
    expect_datagram(listener, "WATCHDOG=1\n", "abstract WATCHDOG");
    close(fd);
    close(listener);
    CHECK(varta_notify_open(name, strlen(name)) == -ECONNREFUSED, "abstract name nobody listens on");
}

static void addresses(void)
{
    struct sockaddr_un addr;
    socklen_t len = 0;
    CHECK(varta_notify_address("", 0, &addr, &len) == -EINVAL, "empty");
    CHECK(varta_notify_address("@", 1, &addr, &len) == -EINVAL, "@ alone");
    CHECK(varta_notify_address("/a\0b", 4, &addr, &len) == -EINVAL, "embedded NUL");
    CHECK(varta_notify_address("run/notify", 10, &addr, &len) == -EAFNOSUPPORT, "relative path");
    CHECK(varta_notify_address("vsock:2:1", 9, &addr, &len) == -EAFNOSUPPORT, "vsock address");
    char longest[sizeof(addr.sun_path) + 1];
    memset(longest, 'a', sizeof(longest));
    longest[0] = '/';
    CHECK(varta_notify_address(longest, sizeof(addr.sun_path), &addr, &len) == -ENAMETOOLONG, "path too long");
    CHECK(varta_notify_address(longest, sizeof(addr.sun_path) - 1, &addr, &len) == 0, "longest path fits");
    longest[0] = '@';
    CHECK(varta_notify_address(longest, sizeof(addr.sun_path), &addr, &len) == 0
          && len == offsetof(struct sockaddr_un, sun_path) + sizeof(addr.sun_path), "longest abstract name fits");
    CHECK(varta_notify_address(longest, sizeof(addr.sun_path) + 1, &addr, &len) == -ENAMETOOLONG,
          "abstract name too long");
    CHECK(varta_notify_address("@x", 2, &addr, &len) == 0 && addr.sun_path[0] == '\0' && addr.sun_path[1] == 'x'
          && len == offsetof(struct sockaddr_un, sun_path) + 2, "abstract name: leading NUL, no terminator");
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/varta-notify-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    addresses();
    path_listener();
    abstract_listener();
    rmdir(dir);
    return check_summary("test_notify");
}
