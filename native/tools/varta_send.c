/*
 * varta_send.c - `varta-send SOCKET_PATH ITEM...`: a separate sender process for black-box tests.
 *
 * Items, sent in order over one connected AF_UNIX datagram socket with blocking sends:
 *   hex:<hexbytes>                                 raw datagram of any length (hex: alone = empty)
 *   beat:<ok|degraded|critical|N>:<nonce>[:<payload>]   valid frame, pid = getpid(),
 *                                                  timestamp = CLOCK_MONOTONIC ns
 *   beatpid:<pid>:<status>:<nonce>[:<payload>]     same, claiming another pid
 *   sleep:<ms>                                     pause
 *   fd:                                            one beat frame with /dev/null attached (SCM_RIGHTS)
 * <nonce> is a decimal u64 or `max` (2^64-1). Exit 0 when everything was sent, 1 with a message.
 */
#include "varta/clock.h"
#include "varta/vlp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_DATAGRAM 65536

static const char *item;

static void fail(const char *what)
{
    fprintf(stderr, "varta-send: %s: %s\n", item != NULL ? item : "setup", what);
    exit(1);
}

static uint64_t parse_u64(const char *text, uint64_t max)
{
    if (strcmp(text, "max") == 0) {
        return max;
    }
    char *end = NULL;
    errno = 0;
    const unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v > max) {
        fail("bad number");
    }
    return (uint64_t)v;
}

static uint8_t parse_status(const char *text)
{
    if (strcmp(text, "ok") == 0) {
        return VARTA_STATUS_OK;
    }
    if (strcmp(text, "degraded") == 0) {
        return VARTA_STATUS_DEGRADED;
    }
    if (strcmp(text, "critical") == 0) {
        return VARTA_STATUS_CRITICAL;
    }
    return (uint8_t)parse_u64(text, 255);
}

static size_t parse_hex(const char *text, uint8_t *out)
{
    const size_t len = strlen(text);
    if (len % 2 != 0 || len / 2 > MAX_DATAGRAM) {
        fail("hex needs an even number of digits (at most 64 KiB)");
    }
    for (size_t i = 0; i < len / 2; i++) {
        unsigned int byte;
        if (sscanf(text + 2 * i, "%2x", &byte) != 1) {
            fail("bad hex digit");
        }
        out[i] = (uint8_t)byte;
    }
    return len / 2;
}

/* "<status>:<nonce>[:<payload>]" into a frame claiming pid. */
static void parse_beat(char *spec, uint32_t pid, uint8_t frame[VARTA_FRAME_BYTES])
{
    char *save = NULL;
    const char *status = strtok_r(spec, ":", &save);
    const char *nonce = strtok_r(NULL, ":", &save);
    const char *payload = strtok_r(NULL, ":", &save);
    if (status == NULL || nonce == NULL || strtok_r(NULL, ":", &save) != NULL) {
        fail("expected <status>:<nonce>[:<payload>]");
    }
    varta_vlp_encode(parse_status(status), pid, varta_clock_monotonic_ns(), parse_u64(nonce, UINT64_MAX),
                     payload != NULL ? (uint32_t)parse_u64(payload, UINT32_MAX) : 0u, frame);
}

static void send_bytes(int fd, const uint8_t *bytes, size_t len, int attach_fd)
{
    struct iovec iov = { .iov_base = (void *)bytes, .iov_len = len };
    union {
        struct cmsghdr align;
        uint8_t buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (attach_fd >= 0) {
        memset(&control, 0, sizeof(control));
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof(control.buf);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &attach_fd, sizeof(int));
    }
    ssize_t sent;
    do {
        sent = sendmsg(fd, &msg, 0);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) {
        fail(strerror(errno));
    }
    if ((size_t)sent != len) {
        fail("short send");
    }
}

static int connect_socket(const char *path)
{
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(addr.sun_path)) {
        fail("socket path too long");
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        fprintf(stderr, "varta-send: cannot connect to %s: %s\n", path, strerror(errno));
        exit(1);
    }
    return fd;
}

static void send_item(int fd, char *spec, uint8_t *buffer)
{
    uint8_t frame[VARTA_FRAME_BYTES];
    if (strncmp(spec, "hex:", 4) == 0) {
        send_bytes(fd, buffer, parse_hex(spec + 4, buffer), -1);
    } else if (strncmp(spec, "beat:", 5) == 0) {
        parse_beat(spec + 5, (uint32_t)getpid(), frame);
        send_bytes(fd, frame, sizeof(frame), -1);
    } else if (strncmp(spec, "beatpid:", 8) == 0) {
        char *rest = strchr(spec + 8, ':');
        if (rest == NULL) {
            fail("expected beatpid:<pid>:<status>:<nonce>[:<payload>]");
        }
        *rest = '\0';
        const uint32_t pid = (uint32_t)parse_u64(spec + 8, UINT32_MAX);
        parse_beat(rest + 1, pid, frame);
        send_bytes(fd, frame, sizeof(frame), -1);
    } else if (strncmp(spec, "sleep:", 6) == 0) {
        const uint64_t ms = parse_u64(spec + 6, 3600000u);
        struct timespec ts = { .tv_sec = (time_t)(ms / 1000u), .tv_nsec = (long)(ms % 1000u) * 1000000L };
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    } else if (strcmp(spec, "fd:") == 0) {
        const int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (devnull < 0) {
            fail(strerror(errno));
        }
        varta_vlp_encode(VARTA_STATUS_OK, (uint32_t)getpid(), varta_clock_monotonic_ns(), 0, 0, frame);
        send_bytes(fd, frame, sizeof(frame), devnull);
        close(devnull);
    } else {
        fail("unknown item (hex:, beat:, beatpid:, sleep:, fd:)");
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: varta-send SOCKET_PATH ITEM...\n");
        return 1;
    }
    const int fd = connect_socket(argv[1]);
    uint8_t *buffer = malloc(MAX_DATAGRAM);
    if (buffer == NULL) {
        fail("out of memory");
    }
    for (int i = 2; i < argc; i++) {
        item = argv[i];
        char *spec = strdup(argv[i]);
        if (spec == NULL) {
            fail("out of memory");
        }
        send_item(fd, spec, buffer);
        free(spec);
    }
    free(buffer);
    close(fd);
    return 0;
}
