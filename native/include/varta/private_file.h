/*
 * private_file.h - open a file only if it is private: the reference observer's file-safety rules,
 * applied to the opened descriptor (fstat), never to the path. The one home of these rules for secrets
 * (token, key files, recovery exec file), the export file and the audit log; the caller picks the rules
 * and how the file is opened.
 *
 *   open(path, O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | ...)
 *     leaf is a symlink                              -> VARTA_PRIVATE_SYMLINK
 *     FIFO, socket or directory (open fails)         -> VARTA_PRIVATE_NOT_REGULAR
 *   fstat(fd)                                        (no race between the check and the use)
 *     not S_ISREG                                    -> VARTA_PRIVATE_NOT_REGULAR
 *     CHECK_MODE:     mode & 077 != 0                -> VARTA_PRIVATE_INSECURE_MODE
 *     CHECK_OWNER:    st_uid != expected_uid         -> VARTA_PRIVATE_WRONG_OWNER
 *     CHECK_ONE_LINK: st_nlink != 1                  -> VARTA_PRIVATE_LINK_COUNT
 *     CHECK_SIZE:     st_size > max_bytes            -> VARTA_PRIVATE_TOO_LARGE
 *
 * O_NONBLOCK keeps open() from blocking on a FIFO planted at the path. When open() itself fails in a
 * way a non-regular file causes (ELOOP, ENXIO, EISDIR), the leaf is classified through an O_PATH
 * descriptor (which opens nothing), so a symlink or a FIFO gets its rule's code instead of an errno.
 *
 * Thread-safe; no global state.
 */
#ifndef VARTA_PRIVATE_FILE_H
#define VARTA_PRIVATE_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Rule failures: custom negative codes below any -errno value (and apart from uds.h's -4001..). */
#define VARTA_PRIVATE_SYMLINK (-10001)
#define VARTA_PRIVATE_NOT_REGULAR (-10002)
#define VARTA_PRIVATE_INSECURE_MODE (-10003)
#define VARTA_PRIVATE_WRONG_OWNER (-10004)
#define VARTA_PRIVATE_TOO_LARGE (-10005)
#define VARTA_PRIVATE_LINK_COUNT (-10006)

/* Rules beyond "regular file, not a symlink" (always applied). */
#define VARTA_PRIVATE_CHECK_MODE 0x1u     /* mode & 077 == 0: 0600 or stricter */
#define VARTA_PRIVATE_CHECK_OWNER 0x2u    /* owned by expected_uid */
#define VARTA_PRIVATE_CHECK_ONE_LINK 0x4u /* exactly one hard link */
#define VARTA_PRIVATE_CHECK_SIZE 0x8u     /* at most max_bytes */

/* How the file is opened. Writable modes open O_RDWR | O_APPEND (the tail can be read back). */
#define VARTA_PRIVATE_OPEN_READ 0       /* an existing file, read-only */
#define VARTA_PRIVATE_OPEN_APPEND 1     /* create it new (0600, O_EXCL), else open the existing file */
#define VARTA_PRIVATE_OPEN_CREATE_NEW 2 /* create it new (0600, O_EXCL) or fail with -EEXIST */

/* Largest secret read by varta_private_read (a token is 64 characters; key files hold a few lines). */
#define VARTA_PRIVATE_MAX_SECRET_BYTES 4096

struct varta_private_rules {
    uint32_t checks;       /* VARTA_PRIVATE_CHECK_* bits */
    uint32_t expected_uid; /* owner for CHECK_OWNER: the caller passes getuid() */
    int64_t max_bytes;     /* limit for CHECK_SIZE */
};

/* What fstat saw, filled as far as the file could be examined (for the error messages). */
struct varta_private_info {
    uint32_t mode;         /* st_mode & 07777 */
    uint32_t uid;          /* st_uid */
    uint32_t expected_uid; /* rules->expected_uid */
    uint64_t nlink;
    int64_t size;
    uint64_t dev;
    uint64_t ino;
    int created;           /* 1 if this call created the file */
};

/*
 * Opens path as `how` says and applies the rules to the descriptor. Returns the descriptor (close-on-exec;
 * writable modes append), a VARTA_PRIVATE_* code or -errno. A file this call created and then refused is
 * unlinked again (only if the path still names it).
 */
int varta_private_open(const char *path, int how, const struct varta_private_rules *rules,
    struct varta_private_info *info);

/*
 * Opens path read-only with the rules, reads it whole into buf (cap <= VARTA_PRIVATE_MAX_SECRET_BYTES;
 * a file larger than cap is VARTA_PRIVATE_TOO_LARGE whatever the rules say) and closes it. Returns the
 * byte count, a VARTA_PRIVATE_* code or -errno.
 */
int varta_private_read(const char *path, const struct varta_private_rules *rules, uint8_t *buf, size_t cap,
    struct varta_private_info *info);

#endif
