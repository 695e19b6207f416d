/*
 * uds.h - the observer's Unix-domain datagram socket: bind with stale-socket recovery,
 * exact file mode, kernel credentials, and an unlink-only-if-ours close.
 *
 * Every function returns 0 / a file descriptor on success and a negative value on failure:
 * either -errno, or one of the VARTA_UDS_ERR_* codes below. The custom codes live at
 * -4001.. so they never collide with an errno (Linux errno values stay below 200).
 */
#ifndef VARTA_UDS_H
#define VARTA_UDS_H

#include <stdint.h>

/** EADDRINUSE and the path is not a socket (or became one that is not): the file is left untouched. */
#define VARTA_UDS_ERR_NOT_A_SOCKET (-4001)
/** EADDRINUSE and a connect() probe to the socket succeeded: another observer is live. */
#define VARTA_UDS_ERR_LIVE_OBSERVER (-4002)
/** The stale socket was replaced by a different socket while we probed it; the caller may retry. */
#define VARTA_UDS_ERR_PATH_CHANGED (-4003)
/** The connect() probe failed with an errno other than ECONNREFUSED/ENOENT (in detail_errno). */
#define VARTA_UDS_ERR_PROBE_FAILED (-4004)
/** After chmod the path is not a socket with exactly the requested mode (someone raced us). */
#define VARTA_UDS_ERR_MODE_MISMATCH (-4005)
/** The takeover lock file could not be opened or locked (errno in detail_errno; 0: not a regular file). */
#define VARTA_UDS_ERR_LOCK_FAILED (-4006)

/** Appended to the socket path to name the lock that serialises takeovers of a stale socket. */
#define VARTA_UDS_LOCK_SUFFIX ".lock"

/** What a successful bind produced. */
struct varta_uds_bound {
    int fd;                 /* non-blocking, close-on-exec, SO_PASSCRED and SO_TIMESTAMPNS on (since before bind) */
    uint64_t dev;           /* st_dev of the socket file */
    uint64_t ino;           /* st_ino of the socket file */
    int granted_rcvbuf;     /* SO_RCVBUF read back, 0 if not requested or not granted */
    int detail_errno;       /* errno behind VARTA_UDS_ERR_PROBE_FAILED or _LOCK_FAILED, else 0 */
};

/**
 * Binds an AF_UNIX SOCK_DGRAM socket at path with file mode `mode` (e.g. 0600), replacing a
 * stale socket file (under a flock on path + VARTA_UDS_LOCK_SUFFIX, a file it creates when first
 * needed and leaves in place), and sets SO_RCVBUF to rcvbuf when rcvbuf > 0. Thread-safe and safe
 * against other processes binding the same path at once: exactly one of them wins, the others get
 * VARTA_UDS_ERR_LIVE_OBSERVER (see uds.c). On failure out->detail_errno may be set; no socket file of
 * ours is left behind.
 */
int varta_uds_bind(const char *path, unsigned mode, int rcvbuf, struct varta_uds_bound *out);

/**
 * Unlinks path only if it is still the socket file (dev, ino) we bound; a missing file is not
 * an error. Returns 0, or -errno of lstat/unlink. Any thread.
 */
int varta_uds_unlink_if_ours(const char *path, uint64_t dev, uint64_t ino);

/** Times a parent-directory fsync after bind failed in this process. Any thread. */
uint64_t varta_uds_dir_fsync_failures(void);

#endif
