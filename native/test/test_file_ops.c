/*
 * test_file_ops.c - file_ops.h on real files: write, pread, stat, truncate, datasync, rename, unlink,
 * directory fsync, move by copy; ENOSPC from /dev/full; a short write and then EFBIG past RLIMIT_FSIZE.
 */
#include "varta/file_ops.h"

#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void path_for(const char *label, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", dir, label);
}

static int open_new(const char *path)
{
    const int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "cannot create %s\n", path);
        exit(2);
    }
    return fd;
}

static void descriptor_ops(void)
{
    char a[128];
    path_for("a", a, sizeof(a));
    const int fd = open_new(a);
    CHECK(varta_file_write(fd, "line one\nline", 13) == 13, "write");
    struct varta_file_stat st;
    CHECK(varta_file_stat(fd, &st) == 0 && st.size == 13 && st.nlink == 1 && st.ino != 0, "stat");
    CHECK(varta_file_truncate(fd, 9) == 0, "truncate");
    CHECK(varta_file_write(fd, "two\n", 4) == 4, "append after truncate");
    char back[32] = { 0 };
    CHECK(varta_file_pread(fd, back, sizeof(back), 0) == 13 && memcmp(back, "line one\ntwo\n", 13) == 0,
        "truncate then append continues at the new end: %s", back);
    CHECK(varta_file_pread(fd, back, 4, 9) == 4 && memcmp(back, "two\n", 4) == 0, "pread at an offset");
    CHECK(varta_file_datasync(fd) == 0, "datasync");
    CHECK(varta_file_close(fd) == 0, "close");
    CHECK(varta_file_write(fd, "x", 1) == -EBADF, "write after close: EBADF");
    CHECK(varta_file_datasync(-1) == -EBADF, "datasync of -1: EBADF");
    unlink(a);
}

static void names(void)
{
    char a[128], b[128], c[128];
    path_for("a", a, sizeof(a));
    path_for("b", b, sizeof(b));
    path_for("c", c, sizeof(c));
    int fd = open_new(a);
    CHECK(varta_file_write(fd, "payload\n", 8) == 8, "write");
    close(fd);
    CHECK(varta_file_rename(a, b) == 0 && access(a, F_OK) != 0 && access(b, F_OK) == 0, "rename");
    CHECK(varta_file_rename(a, b) == -ENOENT, "rename of a missing file: ENOENT");
    CHECK(varta_file_sync_parent_dir(b) == 0, "sync the parent of a full path");
    CHECK(varta_file_sync_parent_dir("bare-name") == 0, "sync the parent of a bare name (cwd)");
    CHECK(varta_file_sync_parent_dir("/etc") == 0, "sync the parent of a top-level name (/)");
    CHECK(varta_file_sync_parent_dir("/nonexistent-dir/x") == -ENOENT, "missing directory: ENOENT");

    CHECK(varta_file_move_by_copy(b, c) == 0, "move by copy");
    CHECK(access(b, F_OK) != 0, "source unlinked");
    struct stat st;
    CHECK(stat(c, &st) == 0 && (st.st_mode & 07777) == 0600 && st.st_size == 8, "copy is 0600 with the content");
    fd = open_new(b);
    close(fd);
    CHECK(varta_file_move_by_copy(c, b) == -EEXIST, "move by copy onto an existing name: EEXIST");
    CHECK(access(c, F_OK) == 0, "source kept after a failed copy");
    CHECK(varta_file_move_by_copy(a, c) == -ENOENT, "move by copy of a missing file: ENOENT");
    CHECK(varta_file_unlink(b) == 0 && varta_file_unlink(b) == -ENOENT, "unlink, then ENOENT");
    CHECK(varta_file_unlink(dir) == -EISDIR || varta_file_unlink(dir) == -EPERM, "unlink of a directory fails");
    unlink(c);
}

static void disk_full(void)
{
    const int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        printf("disk full: skipped, no /dev/full\n");
        return;
    }
    CHECK(varta_file_write(fd, "x\n", 2) == -ENOSPC, "/dev/full: ENOSPC");
    close(fd);
}

static void file_size_limit(void)
{
    char limited[128];
    path_for("limited", limited, sizeof(limited));
    struct rlimit saved;
    CHECK(getrlimit(RLIMIT_FSIZE, &saved) == 0, "getrlimit");
    signal(SIGXFSZ, SIG_IGN);
    const struct rlimit small = { 10, saved.rlim_max };
    CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0, "setrlimit");
    const int fd = open_new(limited);
    CHECK(varta_file_write(fd, "0123456789abcdef", 16) == 10, "short write up to RLIMIT_FSIZE");
    CHECK(varta_file_write(fd, "x", 1) == -EFBIG, "then EFBIG");
    CHECK(varta_file_truncate(fd, 4) == 0, "shrinking is allowed");
    CHECK(setrlimit(RLIMIT_FSIZE, &saved) == 0, "restore the limit");
    signal(SIGXFSZ, SIG_DFL);
    close(fd);
    unlink(limited);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/varta-fileops-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    descriptor_ops();
    names();
    disk_full();
    file_size_limit();
    rmdir(dir);
    return check_summary("test_file_ops");
}
