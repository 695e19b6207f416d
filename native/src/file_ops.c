/*
 * file_ops.c - descriptor and directory-entry operations (file_ops.h).
 */
#include "varta/file_ops.h"

#include "varta/private_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_CHUNK 16384

int64_t varta_file_write(int fd, const void *buf, size_t len)
{
    ssize_t n;
    do {
        n = write(fd, buf, len);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : (int64_t)n;
}

int64_t varta_file_pread(int fd, void *buf, size_t len, int64_t offset)
{
    size_t total = 0;
    while (total < len) {
        const ssize_t n = pread(fd, (uint8_t *)buf + total, len - total, (off_t)(offset + (int64_t)total));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -errno;
        }
        if (n == 0) {
            break;
        }
        total += (size_t)n;
    }
    return (int64_t)total;
}

int varta_file_datasync(int fd)
{
    int rc;
    do {
        rc = fdatasync(fd);
    } while (rc != 0 && errno == EINTR);
    return rc == 0 ? 0 : -errno;
}

int varta_file_stat(int fd, struct varta_file_stat *out)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        return -errno;
    }
    out->size = (int64_t)st.st_size;
    out->dev = (uint64_t)st.st_dev;
    out->ino = (uint64_t)st.st_ino;
    out->nlink = (uint64_t)st.st_nlink;
    return 0;
}

int varta_file_truncate(int fd, int64_t size)
{
    int rc;
    do {
        rc = ftruncate(fd, (off_t)size);
    } while (rc != 0 && errno == EINTR);
    return rc == 0 ? 0 : -errno;
}

int varta_file_close(int fd)
{
    return close(fd) == 0 || errno == EINTR ? 0 : -errno;
}

int varta_file_rename(const char *from, const char *to)
{
    return rename(from, to) == 0 ? 0 : -errno;
}

int varta_file_unlink(const char *path)
{
    return unlink(path) == 0 ? 0 : -errno;
}

int varta_file_sync_parent_dir(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        strcpy(dir, ".");
    } else if (slash == path) {
        strcpy(dir, "/");
    } else {
        const size_t n = (size_t)(slash - path);
        if (n >= sizeof(dir)) {
            return -ENAMETOOLONG;
        }
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    int dfd;
    do {
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } while (dfd < 0 && errno == EINTR);
    if (dfd < 0) {
        return -errno;
    }
    const int rc = fsync(dfd) == 0 ? 0 : -errno;
    close(dfd);
    return rc;
}

/* Copies everything from `in` to the end of `out`. */
static int copy_all(int in, int out)
{
    uint8_t chunk[COPY_CHUNK];
    int64_t offset = 0;
    for (;;) {
        const int64_t got = varta_file_pread(in, chunk, sizeof(chunk), offset);
        if (got <= 0) {
            return (int)got;
        }
        for (int64_t done = 0; done < got;) {
            const int64_t n = varta_file_write(out, chunk + done, (size_t)(got - done));
            if (n <= 0) {
                return n == 0 ? -EIO : (int)n;
            }
            done += n;
        }
        offset += got;
    }
}

int varta_file_move_by_copy(const char *from, const char *to)
{
    const struct varta_private_rules any_regular = { 0, 0, 0 };
    struct varta_private_info info;
    const int in = varta_private_open(from, VARTA_PRIVATE_OPEN_READ, &any_regular, &info);
    if (in < 0) {
        return in;
    }
    const int out = varta_private_open(to, VARTA_PRIVATE_OPEN_CREATE_NEW, &any_regular, &info);
    if (out < 0) {
        close(in);
        return out;
    }
    int rc = copy_all(in, out);
    if (rc == 0) {
        rc = varta_file_datasync(out);
    }
    close(in);
    if (close(out) != 0 && rc == 0 && errno != EINTR) {
        rc = -errno;
    }
    if (rc == 0) {
        rc = varta_file_unlink(from);
    }
    if (rc != 0) {
        unlink(to);
    }
    return rc;
}
