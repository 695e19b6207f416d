/*
 * uds_send.c - see uds_send.h.
 */
#include "uds_send.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int varta_client_uds_open(const char *path, size_t len)
{
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    if (len == 0 || memchr(path, '\0', len) != NULL) {
        return -EINVAL;
    }
    if (len >= sizeof(addr.sun_path)) {
        return -ENAMETOOLONG;
    }
    memcpy(addr.sun_path, path, len);
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    const socklen_t addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
    int rc;
    do {
        rc = connect(fd, (const struct sockaddr *)&addr, addr_len);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        const int err = errno;
        close(fd);
        return -err;
    }
    return fd;
}

ssize_t varta_client_uds_send(int fd, const void *buf, size_t len)
{
    ssize_t sent;
    do {
        sent = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent < 0 ? -errno : sent;
}

int varta_client_uds_close(int fd)
{
    return close(fd) == 0 ? 0 : -errno;
}
