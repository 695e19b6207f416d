/*
 * test_uds_send.c - the client's UDS sends against a real bound AF_UNIX SOCK_DGRAM socket: a datagram arrives
 * whole; a receiver that does not read makes the non-blocking sender see EAGAIN (never block); a closed receiver
 * gives ECONNREFUSED, then ENOTCONN; a missing path ENOENT; a stale socket file ECONNREFUSED; a rebound path
 * connects again; paths that do not fit, are empty or hold a NUL are refused without a descriptor.
 */
#include "uds_send.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                                                                            \
    do {                                                                                                            \
        if (!(cond)) {                                                                                              \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);                               \
            fprintf(stderr, __VA_ARGS__);                                                                           \
            fprintf(stderr, "\n");                                                                                  \
            failures++;                                                                                             \
        }                                                                                                           \
    } while (0)

static int bind_receiver(const char *path)
{
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        perror("bind receiver");
        exit(2);
    }
    return fd;
}

static int open_path(const char *path)
{
    return varta_client_uds_open(path, strlen(path));
}

static void test_sends_arrive_whole(const char *path)
{
    const int rx = bind_receiver(path);
    const int fd = open_path(path);
    CHECK(fd >= 0, "open: %s", strerror(-fd));
    CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, "the socket is non-blocking");
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "the socket is close-on-exec");
    unsigned char frame[32];
    for (int i = 0; i < 32; i++) {
        frame[i] = (unsigned char)(i * 7);
    }
    CHECK(varta_client_uds_send(fd, frame, sizeof(frame)) == 32, "one 32-byte datagram");
    unsigned char got[64];
    const ssize_t n = recv(rx, got, sizeof(got), MSG_DONTWAIT);
    CHECK(n == 32 && memcmp(got, frame, 32) == 0, "received %zd bytes", n);
    varta_client_uds_close(fd);
    close(rx);
    unlink(path);
}

static void test_full_queue_is_eagain(const char *path)
{
    const int rx = bind_receiver(path);
    const int fd = open_path(path);
    unsigned char frame[32] = { 0 };
    int sent = 0;
    ssize_t rc = 0;
    for (int i = 0; i < 100000; i++) {
        rc = varta_client_uds_send(fd, frame, sizeof(frame));
        if (rc != 32) {
            break;
        }
        sent++;
    }
    CHECK(rc == -EAGAIN, "a receiver that does not read: EAGAIN after %d datagrams, got %zd", sent, rc);
    CHECK(sent > 0, "some datagrams were queued first");
    unsigned char got[64];
    CHECK(recv(rx, got, sizeof(got), MSG_DONTWAIT) == 32, "reading one makes room");
    CHECK(varta_client_uds_send(fd, frame, sizeof(frame)) == 32, "and the next send goes through");
    varta_client_uds_close(fd);
    close(rx);
    unlink(path);
}

static void test_observer_gone_and_back(const char *path)
{
    int rx = bind_receiver(path);
    const int fd = open_path(path);
    unsigned char frame[32] = { 0 };
    CHECK(varta_client_uds_send(fd, frame, sizeof(frame)) == 32, "sent while the receiver lives");
    close(rx); /* the socket file stays: a killed observer's stale file */
    ssize_t rc = varta_client_uds_send(fd, frame, sizeof(frame));
    CHECK(rc == -ECONNREFUSED, "peer closed: ECONNREFUSED, got %zd", rc);
    rc = varta_client_uds_send(fd, frame, sizeof(frame));
    CHECK(rc == -ENOTCONN || rc == -ECONNREFUSED, "then disconnected, got %zd", rc);
    varta_client_uds_close(fd);

    int again = open_path(path);
    CHECK(again == -ECONNREFUSED, "a stale socket file: ECONNREFUSED, got %d", again);
    unlink(path);
    again = open_path(path);
    CHECK(again == -ENOENT, "no file: ENOENT, got %d", again);

    rx = bind_receiver(path); /* the observer restarted */
    again = open_path(path);
    CHECK(again >= 0, "connects to the new receiver: %d", again);
    CHECK(varta_client_uds_send(again, frame, sizeof(frame)) == 32, "and sends");
    unsigned char got[64];
    CHECK(recv(rx, got, sizeof(got), MSG_DONTWAIT) == 32, "the new receiver has it");
    varta_client_uds_close(again);
    close(rx);
    unlink(path);
}

static void test_bad_paths(void)
{
    char longpath[200];
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = '\0';
    CHECK(open_path(longpath) == -ENAMETOOLONG, "a path longer than sun_path");
    CHECK(varta_client_uds_open("", 0) == -EINVAL, "an empty path");
    CHECK(varta_client_uds_open("/tmp/a\0b", 8) == -EINVAL, "a NUL inside the path");
    CHECK(varta_client_uds_send(-1, "x", 1) == -EBADF, "a closed descriptor");
}

int main(void)
{
    char dir[] = "/tmp/varta-client-test.XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    char path[128];
    snprintf(path, sizeof(path), "%s/observer.sock", dir);
    test_sends_arrive_whole(path);
    test_full_queue_is_eagain(path);
    test_observer_gone_and_back(path);
    test_bad_paths();
    rmdir(dir);
    if (failures != 0) {
        fprintf(stderr, "test_uds_send: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_uds_send: ok\n");
    return 0;
}
