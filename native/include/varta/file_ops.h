/*
 * file_ops.h - descriptor and directory-entry operations the JVM's FileChannel cannot do safely, or at
 * all, on a descriptor opened by private_file.h: write from native memory, pread, fdatasync, fstat,
 * ftruncate, close; rename, unlink, fsync of a file's directory, and the copy that replaces a rename
 * across devices.
 *
 * Every function returns >= 0 on success and -errno on failure, retries EINTR where retrying is right,
 * and is thread-safe (no global state).
 */
#ifndef VARTA_FILE_OPS_H
#define VARTA_FILE_OPS_H

#include <stddef.h>
#include <stdint.h>

/* What fstat says about an open descriptor. */
struct varta_file_stat {
    int64_t size;
    uint64_t dev;
    uint64_t ino;
    uint64_t nlink;
};

/* One write(2): the bytes written (short when the disk or RLIMIT_FSIZE runs out midway) or -errno. */
int64_t varta_file_write(int fd, const void *buf, size_t len);

/* pread(2) until len bytes or end of file: the bytes read or -errno. */
int64_t varta_file_pread(int fd, void *buf, size_t len, int64_t offset);

int varta_file_datasync(int fd);

int varta_file_stat(int fd, struct varta_file_stat *out);

int varta_file_truncate(int fd, int64_t size);

/* close(2), not retried on EINTR (the descriptor is gone either way on Linux). */
int varta_file_close(int fd);

int varta_file_rename(const char *from, const char *to);

int varta_file_unlink(const char *path);

/* fsyncs the directory holding path ("." for a bare name), making a create, rename or unlink durable. */
int varta_file_sync_parent_dir(const char *path);

/*
 * The fallback for rename(from, to) failing with EXDEV: creates `to` new (0600, O_EXCL, never through a
 * symlink), copies the regular file `from` (opened without following a symlink) into it, fdatasyncs and
 * closes it, then unlinks `from`. On failure a `to` this call created is removed and `from` is kept.
 */
int varta_file_move_by_copy(const char *from, const char *to);

#endif
