/*
 * secret_file.c - private-file checks on the opened descriptor, then a bounded read (secret_file.h).
 */
#include "varta/secret_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int close_keep_errno(int fd, int rc)
{
    const int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int varta_secret_file_read(const char *path, uint8_t *buf, size_t cap, struct varta_secret_stat *out)
{
    memset(out, 0, sizeof(*out));
    out->expected = (uint32_t)getuid();
    if (cap > VARTA_SECRET_MAX_BYTES) {
        cap = VARTA_SECRET_MAX_BYTES;
    }
    int fd;
    do {
        fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return errno == ELOOP ? VARTA_SECRET_SYMLINK : -errno;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        return close_keep_errno(fd, -errno);
    }
    out->mode = (uint32_t)(st.st_mode & 07777);
    out->uid = (uint32_t)st.st_uid;
    if (!S_ISREG(st.st_mode)) {
        return close_keep_errno(fd, VARTA_SECRET_NOT_REGULAR);
    }
    if ((st.st_mode & 077) != 0) {
        return close_keep_errno(fd, VARTA_SECRET_INSECURE_MODE);
    }
    if (st.st_uid != getuid()) {
        return close_keep_errno(fd, VARTA_SECRET_WRONG_OWNER);
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > cap) {
        return close_keep_errno(fd, VARTA_SECRET_TOO_LARGE);
    }
    size_t total = 0;
    while (total < cap) {
        const ssize_t n = read(fd, buf + total, cap - total);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return close_keep_errno(fd, -errno);
        }
        if (n == 0) {
            break;
        }
        total += (size_t)n;
    }
    close(fd);
    return (int)total;
}
