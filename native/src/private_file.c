/*
 * private_file.c - open a file and apply the private-file rules to its descriptor (private_file.h).
 */
#include "varta/private_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BASE_FLAGS (O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
#define WRITE_FLAGS (O_RDWR | O_APPEND)
#define NEW_FILE_MODE 0600
/* open-or-create retries when the file vanishes or appears between the two opens */
#define APPEND_ATTEMPTS 4

static int open_nointr(const char *path, int flags, mode_t mode)
{
    int fd;
    do {
        fd = open(path, flags, mode);
    } while (fd < 0 && errno == EINTR);
    return fd < 0 ? -errno : fd;
}

static void fill_info(const struct stat *st, struct varta_private_info *info)
{
    info->mode = (uint32_t)(st->st_mode & 07777);
    info->uid = (uint32_t)st->st_uid;
    info->nlink = (uint64_t)st->st_nlink;
    info->size = (int64_t)st->st_size;
    info->dev = (uint64_t)st->st_dev;
    info->ino = (uint64_t)st->st_ino;
}

/* open() failed: a symlink leaf (ELOOP) or a FIFO/socket/directory (ENXIO, EISDIR) gets its rule's code. */
static int classify_open_failure(const char *path, int rc, struct varta_private_info *info)
{
    if (rc != -ELOOP && rc != -ENXIO && rc != -EISDIR) {
        return rc;
    }
    const int probe = open_nointr(path, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
    if (probe < 0) {
        return rc;
    }
    struct stat st;
    const int stat_ok = fstat(probe, &st) == 0;
    close(probe);
    if (!stat_ok) {
        return rc;
    }
    fill_info(&st, info);
    if (S_ISLNK(st.st_mode)) {
        return VARTA_PRIVATE_SYMLINK;
    }
    return S_ISREG(st.st_mode) ? rc : VARTA_PRIVATE_NOT_REGULAR;
}

static int check_rules(const struct stat *st, const struct varta_private_rules *rules)
{
    if (!S_ISREG(st->st_mode)) {
        return VARTA_PRIVATE_NOT_REGULAR;
    }
    if ((rules->checks & VARTA_PRIVATE_CHECK_MODE) != 0 && (st->st_mode & 077) != 0) {
        return VARTA_PRIVATE_INSECURE_MODE;
    }
    if ((rules->checks & VARTA_PRIVATE_CHECK_OWNER) != 0 && st->st_uid != (uid_t)rules->expected_uid) {
        return VARTA_PRIVATE_WRONG_OWNER;
    }
    if ((rules->checks & VARTA_PRIVATE_CHECK_ONE_LINK) != 0 && st->st_nlink != 1) {
        return VARTA_PRIVATE_LINK_COUNT;
    }
    if ((rules->checks & VARTA_PRIVATE_CHECK_SIZE) != 0 && (st->st_size < 0 || st->st_size > rules->max_bytes)) {
        return VARTA_PRIVATE_TOO_LARGE;
    }
    return 0;
}

/* Removes a file this call created, but only while the path still names that very file. */
static void unlink_if_same(const char *path, const struct stat *created)
{
    struct stat now;
    if (lstat(path, &now) == 0 && now.st_dev == created->st_dev && now.st_ino == created->st_ino) {
        unlink(path);
    }
}

static int open_for(const char *path, int how, int *created)
{
    *created = 0;
    if (how == VARTA_PRIVATE_OPEN_READ) {
        return open_nointr(path, O_RDONLY | BASE_FLAGS, 0);
    }
    const int create_flags = WRITE_FLAGS | O_CREAT | O_EXCL | BASE_FLAGS;
    if (how == VARTA_PRIVATE_OPEN_CREATE_NEW) {
        const int fd = open_nointr(path, create_flags, NEW_FILE_MODE);
        *created = fd >= 0;
        return fd;
    }
    if (how != VARTA_PRIVATE_OPEN_APPEND) {
        return -EINVAL;
    }
    int fd = -EEXIST;
    for (int attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
        fd = open_nointr(path, create_flags, NEW_FILE_MODE);
        if (fd != -EEXIST) {
            *created = fd >= 0;
            return fd;
        }
        fd = open_nointr(path, WRITE_FLAGS | BASE_FLAGS, 0);
        if (fd != -ENOENT) {
            return fd;
        }
    }
    return fd;
}

int varta_private_open(const char *path, int how, const struct varta_private_rules *rules,
    struct varta_private_info *info)
{
    memset(info, 0, sizeof(*info));
    info->expected_uid = rules->expected_uid;
    int created;
    const int fd = open_for(path, how, &created);
    if (fd < 0) {
        return classify_open_failure(path, fd, info);
    }
    info->created = created;
    struct stat st;
    const int have_stat = fstat(fd, &st) == 0;
    int rc = have_stat ? 0 : -errno;
    if (have_stat) {
        fill_info(&st, info);
        rc = check_rules(&st, rules);
    }
    if (rc == 0) {
        return fd;
    }
    if (created && have_stat) {
        unlink_if_same(path, &st);
    }
    close(fd);
    return rc;
}

int varta_private_read(const char *path, const struct varta_private_rules *rules, uint8_t *buf, size_t cap,
    struct varta_private_info *info)
{
    if (cap > VARTA_PRIVATE_MAX_SECRET_BYTES) {
        cap = VARTA_PRIVATE_MAX_SECRET_BYTES;
    }
    struct varta_private_rules bounded = *rules;
    if ((bounded.checks & VARTA_PRIVATE_CHECK_SIZE) == 0 || bounded.max_bytes > (int64_t)cap) {
        bounded.checks |= VARTA_PRIVATE_CHECK_SIZE;
        bounded.max_bytes = (int64_t)cap;
    }
    const int fd = varta_private_open(path, VARTA_PRIVATE_OPEN_READ, &bounded, info);
    if (fd < 0) {
        return fd;
    }
    size_t total = 0;
    int rc = 0;
    while (total < cap) {
        const ssize_t n = read(fd, buf + total, cap - total);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            rc = -errno;
            break;
        }
        if (n == 0) {
            break;
        }
        total += (size_t)n;
    }
    close(fd);
    if (rc < 0) {
        memset(buf, 0, cap);
        return rc;
    }
    return (int)total;
}
