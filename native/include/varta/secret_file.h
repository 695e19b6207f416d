/*
 * secret_file.h - read a small secret (bearer token, key) from a file only if the file is private:
 * the reference observer's secret-file rules, applied to the opened descriptor, never to the path.
 *
 *   open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)   leaf symlink -> VARTA_SECRET_SYMLINK
 *   fstat(fd)                                                     (no TOCTOU between check and read)
 *     not S_ISREG                                                 -> VARTA_SECRET_NOT_REGULAR
 *     mode & 077 != 0                                             -> VARTA_SECRET_INSECURE_MODE
 *     st_uid != getuid()                                          -> VARTA_SECRET_WRONG_OWNER
 *     st_size > cap                                               -> VARTA_SECRET_TOO_LARGE
 *   read up to cap bytes
 *
 * O_NONBLOCK keeps open() from blocking on a FIFO planted at the path (it is then refused as not
 * regular). Thread-safe; no global state.
 */
#ifndef VARTA_SECRET_FILE_H
#define VARTA_SECRET_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Custom negative codes, below any -errno value. */
#define VARTA_SECRET_SYMLINK (-10001)
#define VARTA_SECRET_NOT_REGULAR (-10002)
#define VARTA_SECRET_INSECURE_MODE (-10003)
#define VARTA_SECRET_WRONG_OWNER (-10004)
#define VARTA_SECRET_TOO_LARGE (-10005)

/* Largest secret file accepted (a token is 64 characters; key files hold a few lines). */
#define VARTA_SECRET_MAX_BYTES 4096

/* What fstat saw, filled whenever the file could be opened (for the error messages). */
struct varta_secret_stat {
    uint32_t mode;     /* st_mode & 07777 */
    uint32_t uid;      /* st_uid */
    uint32_t expected; /* getuid() */
};

/*
 * Reads the file at path into buf (at most cap bytes, cap <= VARTA_SECRET_MAX_BYTES) after the checks
 * above. Returns the number of bytes read (>= 0), a VARTA_SECRET_* code, or -errno.
 */
int varta_secret_file_read(const char *path, uint8_t *buf, size_t cap, struct varta_secret_stat *st);

#endif
