/*
 * notify.c - sd_notify datagrams (notify.h).
 */
#include "varta/notify.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

int varta_notify_address(const char *value, size_t len, struct sockaddr_un *out, socklen_t *out_len)
{
    if (value == NULL || len == 0 || memchr(value, '\0', len) != NULL) {
        return -EINVAL;
    }
    memset(out, 0, sizeof(*out));
    out->sun_family = AF_UNIX;
    if (value[0] == '@') {
        if (len == 1) {
            return -EINVAL;
        }
        if (len > sizeof(out->sun_path)) { /* "\0" + name: the '@' becomes the leading NUL */
            return -ENAMETOOLONG;
        }
        memcpy(out->sun_path + 1, value + 1, len - 1);
        *out_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
        return 0;
    }
    if (value[0] != '/') {
        return -EAFNOSUPPORT;
    }
    if (len >= sizeof(out->sun_path)) {
        return -ENAMETOOLONG;
    }
    memcpy(out->sun_path, value, len);
    *out_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
    return 0;
}

int varta_notify_open(const char *value, size_t len)
{
    struct sockaddr_un addr;
    socklen_t addr_len = 0;
    const int parsed = varta_notify_address(value, len, &addr, &addr_len);
    if (parsed != 0) {
        return parsed;
    }
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -errno;
    }
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

int varta_notify_send(int fd, const char *message, size_t len)
{
    ssize_t n;
    do {
        n = send(fd, message, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return -errno;
    }
    return (size_t)n == len ? 0 : -EMSGSIZE;
}
