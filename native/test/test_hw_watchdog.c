/*
 * test_hw_watchdog.c - every refusal of hw_watchdog.h on real files: a regular file (and nothing written to
 * it), /dev/null (a character device without the watchdog ioctls, never written to), a missing path, a FIFO
 * without a reader (refused at once, no hang), a directory. The accepting path needs a real watchdog
 * device (softdog); the Java integration test covers it where one can be loaded.
 */
#include "varta/hw_watchdog.h"

#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void regular_file(void)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/not-a-device", dir);
    const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0 && write(fd, "keep", 4) == 4, "create the file");
    close(fd);
    struct varta_hw_watchdog_info info;
    CHECK(varta_hw_watchdog_open(path, 30, &info) == VARTA_HW_ERR_NOT_CHAR, "regular file refused");
    CHECK(info.disarmed == 0, "nothing written to a regular file");
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == 4, "file untouched, size %lld", (long long)st.st_size);
    unlink(path);
}

static void dev_null(void)
{
    struct varta_hw_watchdog_info info;
    CHECK(varta_hw_watchdog_open("/dev/null", 30, &info) == VARTA_HW_ERR_GETTIMEOUT, "/dev/null refused");
    CHECK(info.error == ENOTTY, "WDIOC_GETTIMEOUT on /dev/null: errno %d", info.error);
    CHECK(info.disarmed == 0, "no magic close written to a device that is not a watchdog");
}

static void missing_path(void)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/missing", dir);
    struct varta_hw_watchdog_info info;
    CHECK(varta_hw_watchdog_open(path, 30, &info) == -ENOENT, "missing path");
}

static void fifo_without_reader(void)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/fifo", dir);
    CHECK(mkfifo(path, 0600) == 0, "mkfifo");
    struct varta_hw_watchdog_info info;
    CHECK(varta_hw_watchdog_open(path, 30, &info) == -ENXIO, "a FIFO without a reader is refused at once");
    unlink(path);
}

static void directory(void)
{
    struct varta_hw_watchdog_info info;
    CHECK(varta_hw_watchdog_open(dir, 30, &info) == -EISDIR, "directory");
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/varta-hwwd-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    regular_file();
    dev_null();
    missing_path();
    fifo_without_reader();
    directory();
    rmdir(dir);
    return check_summary("test_hw_watchdog");
}
