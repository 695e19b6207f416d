/*
 * uds.c - bind/unlink of the observer's Unix-domain datagram socket (see uds.h).
 *
 * Why a lock + chmod + lstat verify is enough in a JVM (the reference instead proves that the
 * process is still single-threaded before it touches the umask):
 *
 *  - umask is process-wide. We set it to ~mode & 0777 only for the bind() call and only while
 *    holding umask_lock, so two binds of ours never interleave their umask windows, and the
 *    window is a few microseconds long. The JVM itself never calls umask(); other Java threads
 *    create files only through open(2)/mkdir(2), which read the umask but do not change it.
 *  - The umask only matters for the instant the socket file is created. Whatever the umask was
 *    at that instant (even if something outside our lock had changed it), the chmod(path, mode)
 *    that follows sets the exact mode, and the lstat() after it verifies that the path is a
 *    socket with exactly that mode before the bind is reported as successful. So the final mode
 *    never depends on a umask race; at worst the file briefly had a *narrower* mode than asked.
 *  - A peer that managed to connect during a too-wide window would still be filtered per
 *    datagram: the receiver checks the kernel-attached credentials against the observer's uid.
 *
 * The remaining effect of the window on other threads is that a file they create during those
 * microseconds gets our restrictive umask; the observer binds at startup, before other threads
 * of the application create files, so this is documented rather than prevented.
 *
 * Socket options before bind. SO_PASSCRED and SO_TIMESTAMPNS are set on the unbound socket: the
 * kernel decides at send time whether a datagram carries credentials and a timestamp, by looking at
 * the receiving socket's flags then. A frame sent in the instant after bind() to a socket that only
 * got SO_PASSCRED afterwards arrives with uid 65534 (overflowuid) and pid 0, and one that only got
 * SO_TIMESTAMPNS afterwards is stamped when it is read instead of when it was queued.
 *
 * Taking over a stale socket. Several observers may start at once over the socket file of a dead
 * one. Probing, re-checking (dev, ino) and unlinking are separate system calls, so without
 * coordination one process could unlink the socket another had just bound (two "winners", one of
 * them unreachable), and a loser could see EADDRINUSE from its second bind. So a bind that finds the
 * path in use takes an exclusive flock on "<path>.lock" before it probes, and holds it until it has
 * either bound or given up. Under the lock it loops: lstat + probe (a live socket: another observer
 * runs, give up), re-check (dev, ino) right before unlink (whoever does not take the lock - an old
 * observer, an operator - may still have replaced the file), unlink, bind; a bind that then fails
 * with EADDRINUSE means someone bound the free path without needing the lock, so the loop probes
 * that socket (live: give up). Exactly one process ends up bound; every other one reports the live
 * observer.
 * The lock file: created on first need with mode 0600 (O_NOFOLLOW: a symlink there is refused,
 * O_CLOEXEC, O_NONBLOCK against a FIFO planted there; it must be a regular file), next to the
 * socket, by the observer's uid; never removed by varta-watch, because removing a lock file that
 * another process has open and waits on would let a third one lock a new file at the same name.
 * An operator may remove it while no observer is starting. A clean bind (the path is free) does not
 * touch it. Whoever can write the socket's directory can create it, hold it, or replace the socket
 * itself: the directory must be trusted either way.
 */
#include "varta/uds.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Rounds of probe-unlink-bind under the takeover lock before giving up (each needs a new socket). */
#define TAKEOVER_ATTEMPTS 8

static pthread_mutex_t umask_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint64_t dir_fsync_failures;

uint64_t varta_uds_dir_fsync_failures(void)
{
    return atomic_load_explicit(&dir_fsync_failures, memory_order_relaxed);
}

static int socket_address(const char *path, struct sockaddr_un *addr, socklen_t *len)
{
    const size_t n = strlen(path);
    if (n == 0) {
        return -EINVAL;
    }
    if (n >= sizeof(addr->sun_path)) {
        return -ENAMETOOLONG;
    }
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    memcpy(addr->sun_path, path, n + 1);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
    return 0;
}

/* bind() with the umask narrowed to the requested mode, serialized across the process. */
static int bind_under_umask(int fd, const struct sockaddr_un *addr, socklen_t len, unsigned mode)
{
    pthread_mutex_lock(&umask_lock);
    const mode_t previous = umask((mode_t)(~mode & 0777u));
    const int rc = bind(fd, (const struct sockaddr *)addr, len);
    const int err = errno;
    umask(previous);
    pthread_mutex_unlock(&umask_lock);
    return rc == 0 ? 0 : -err;
}

/* connect() from a throw-away unbound datagram socket: sends nothing, tells live from stale. */
static int probe_live(const struct sockaddr_un *addr, socklen_t len)
{
    const int probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (probe < 0) {
        return -errno;
    }
    const int rc = connect(probe, (const struct sockaddr *)addr, len);
    const int err = errno;
    close(probe);
    return rc == 0 ? 0 : -err;
}

/*
 * The path is in use. Returns 0 when the path is free again (stale socket unlinked, or it
 * vanished), else the reason not to touch it. Called with the takeover lock held.
 */
static int clear_stale_socket(const char *path, const struct sockaddr_un *addr, socklen_t len,
                              struct varta_uds_bound *out)
{
    struct stat before;
    if (lstat(path, &before) != 0) {
        return errno == ENOENT ? 0 : -errno;
    }
    if (!S_ISSOCK(before.st_mode)) {
        return VARTA_UDS_ERR_NOT_A_SOCKET;
    }
    const int probe = probe_live(addr, len);
    if (probe == 0) {
        return VARTA_UDS_ERR_LIVE_OBSERVER;
    }
    if (probe != -ECONNREFUSED && probe != -ENOENT) {
        out->detail_errno = -probe;
        return VARTA_UDS_ERR_PROBE_FAILED;
    }
    struct stat again;
    if (lstat(path, &again) != 0) {
        return errno == ENOENT ? 0 : -errno;
    }
    if (!S_ISSOCK(again.st_mode)) {
        return VARTA_UDS_ERR_NOT_A_SOCKET;
    }
    if (again.st_dev != before.st_dev || again.st_ino != before.st_ino) {
        return VARTA_UDS_ERR_PATH_CHANGED;
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        return -errno;
    }
    return 0;
}

/* Makes the new directory entry durable; a failure only degrades durability, so it is counted. */
static void fsync_parent_directory(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        strcpy(dir, ".");
    } else if (slash == path) {
        strcpy(dir, "/");
    } else {
        const size_t n = (size_t)(slash - path);
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    const int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0) {
        atomic_fetch_add_explicit(&dir_fsync_failures, 1, memory_order_relaxed);
    }
    if (dfd >= 0) {
        close(dfd);
    }
}

/* chmod to the exact mode, then prove with lstat that the path is a socket with that mode. */
static int set_exact_mode(const char *path, unsigned mode, struct stat *st)
{
    if (chmod(path, (mode_t)mode) != 0) {
        return -errno;
    }
    if (lstat(path, st) != 0) {
        return -errno;
    }
    if (!S_ISSOCK(st->st_mode) || (st->st_mode & 07777u) != mode) {
        return VARTA_UDS_ERR_MODE_MISMATCH;
    }
    return 0;
}

/* Options that must be on before bind (see the top of this file), and the receive buffer. */
static int configure_socket(int fd, int rcvbuf, struct varta_uds_bound *out)
{
    const int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) != 0
        || setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) != 0) {
        return -errno;
    }
    if (rcvbuf > 0) {
        int granted = 0;
        socklen_t granted_len = sizeof(granted);
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) == 0
            && getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &granted_len) == 0) {
            out->granted_rcvbuf = granted;
        }
    }
    return 0;
}

/* Opens and exclusively flocks "<path>.lock" (see the top of this file). Returns the fd or a code. */
static int lock_takeover(const char *path, struct varta_uds_bound *out)
{
    char lock_path[PATH_MAX];
    if ((size_t)snprintf(lock_path, sizeof(lock_path), "%s%s", path, VARTA_UDS_LOCK_SUFFIX) >= sizeof(lock_path)) {
        return -ENAMETOOLONG;
    }
    const int fd = open(lock_path, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
    if (fd < 0) {
        out->detail_errno = errno;
        return VARTA_UDS_ERR_LOCK_FAILED;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        out->detail_errno = 0; /* not a regular file */
        close(fd);
        return VARTA_UDS_ERR_LOCK_FAILED;
    }
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            out->detail_errno = errno;
            close(fd);
            return VARTA_UDS_ERR_LOCK_FAILED;
        }
    }
    return fd;
}

/* bind() said EADDRINUSE: replace a stale socket, under the takeover lock. Returns 0 once bound. */
static int take_over(int fd, const char *path, const struct sockaddr_un *addr, socklen_t len, unsigned mode,
                     struct varta_uds_bound *out)
{
    const int lock = lock_takeover(path, out);
    if (lock < 0) {
        return lock;
    }
    int rc = -EADDRINUSE;
    for (int attempt = 0; attempt < TAKEOVER_ATTEMPTS && rc == -EADDRINUSE; attempt++) {
        rc = clear_stale_socket(path, addr, len, out);
        if (rc == VARTA_UDS_ERR_PATH_CHANGED) {
            rc = -EADDRINUSE; /* replaced by someone outside the lock: look at the new one */
        } else if (rc == 0) {
            rc = bind_under_umask(fd, addr, len, mode); /* EADDRINUSE: bound by someone else meanwhile */
        }
    }
    close(lock); /* releases the flock */
    return rc == -EADDRINUSE ? VARTA_UDS_ERR_PATH_CHANGED : rc;
}

int varta_uds_bind(const char *path, unsigned mode, int rcvbuf, struct varta_uds_bound *out)
{
    memset(out, 0, sizeof(*out));
    out->fd = -1;
    if ((mode & ~0777u) != 0) {
        return -EINVAL;
    }
    struct sockaddr_un addr;
    socklen_t len;
    int rc = socket_address(path, &addr, &len);
    if (rc != 0) {
        return rc;
    }
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -errno;
    }
    rc = configure_socket(fd, rcvbuf, out);
    if (rc == 0) {
        rc = bind_under_umask(fd, &addr, len, mode);
        if (rc == -EADDRINUSE) {
            rc = take_over(fd, path, &addr, len, mode, out);
        }
    }
    if (rc != 0) {
        close(fd);
        return rc;
    }
    struct stat st;
    rc = set_exact_mode(path, mode, &st);
    if (rc != 0) {
        /* Remove the file only if it is a socket: a non-socket at the path was never ours. */
        struct stat now;
        if (lstat(path, &now) == 0 && S_ISSOCK(now.st_mode)) {
            unlink(path);
        }
        close(fd);
        return rc;
    }
    out->dev = (uint64_t)st.st_dev;
    out->ino = (uint64_t)st.st_ino;
    fsync_parent_directory(path);
    out->fd = fd;
    return fd;
}

int varta_uds_unlink_if_ours(const char *path, uint64_t dev, uint64_t ino)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        return errno == ENOENT ? 0 : -errno;
    }
    if ((uint64_t)st.st_dev != dev || (uint64_t)st.st_ino != ino) {
        return 0;
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        return -errno;
    }
    return 0;
}
