/*
 * hw_watchdog.c - hardware watchdog device checks, kick and magic close (hw_watchdog.h).
 */
#include "varta/hw_watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_byte(int fd, char byte)
{
    ssize_t n;
    do {
        n = write(fd, &byte, 1);
    } while (n < 0 && errno == EINTR);
    return n == 1 ? 0 : (n < 0 ? -errno : -EIO);
}

/* Closes a refused device; writes 'V' first only when it answered a watchdog ioctl. */
static int refuse(int fd, int is_watchdog, int code, struct varta_hw_watchdog_info *info)
{
    if (is_watchdog) {
        info->disarmed = write_byte(fd, 'V') == 0;
    }
    close(fd);
    return code;
}

int varta_hw_watchdog_open(const char *path, int min_timeout_secs, struct varta_hw_watchdog_info *info)
{
    memset(info, 0, sizeof(*info));
    int fd;
    do {
        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        return -errno;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        const int err = errno;
        close(fd);
        return -err;
    }
    if (!S_ISCHR(st.st_mode)) {
        return refuse(fd, 0, VARTA_HW_ERR_NOT_CHAR, info);
    }
    const int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
        const int err = errno;
        return refuse(fd, 0, -err, info);
    }
    /* Every watchdog driver answers WDIOC_GETSUPPORT (the core handles it): the test for "armed now". */
    struct watchdog_info ident;
    int is_watchdog = ioctl(fd, WDIOC_GETSUPPORT, &ident) == 0;
    int timeout = 0;
    if (ioctl(fd, WDIOC_GETTIMEOUT, &timeout) != 0) {
        info->error = errno;
        return refuse(fd, is_watchdog, VARTA_HW_ERR_GETTIMEOUT, info);
    }
    is_watchdog = 1;
    info->timeout_secs = timeout;
    if (timeout < min_timeout_secs) {
        int wanted = min_timeout_secs;
        if (ioctl(fd, WDIOC_SETTIMEOUT, &wanted) != 0) {
            info->error = errno;
            return refuse(fd, is_watchdog, VARTA_HW_ERR_SETTIMEOUT, info);
        }
        if (ioctl(fd, WDIOC_GETTIMEOUT, &timeout) != 0) {
            info->error = errno;
            return refuse(fd, is_watchdog, VARTA_HW_ERR_GETTIMEOUT, info);
        }
        info->timeout_secs = timeout;
        if (timeout < min_timeout_secs) {
            return refuse(fd, is_watchdog, VARTA_HW_ERR_TIMEOUT_TOO_LOW, info);
        }
    }
    return fd;
}

int varta_hw_watchdog_kick(int fd)
{
    return write_byte(fd, '\0');
}

int varta_hw_watchdog_close(int fd, int disarm)
{
    int rc = 0;
    if (disarm) {
        rc = write_byte(fd, 'V');
    }
    if (close(fd) != 0 && rc == 0) {
        rc = -errno;
    }
    return rc;
}
