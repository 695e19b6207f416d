/*
 * test_private_file.c - the private-file rules (private_file.h) on real files in a private temp directory:
 * secrets (a good 0600 file, a leaf symlink, loose modes, a directory, a FIFO that must not block, an oversized
 * file, a missing file), append logs (create 0600, open existing, hard link, dangling symlink, FIFO, a created
 * file refused and removed, an existing one refused and kept), create-new, and permission denied (as root: in
 * a child that gives up root).
 */
#include "varta/private_file.h"

#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];

static void path_for(const char *label, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", dir, label);
}

static void write_file(const char *path, const char *content, size_t len, mode_t mode)
{
    const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, content, len) != (ssize_t)len || close(fd) != 0 || chmod(path, mode) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static const char TOKEN[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";

static void secrets(void)
{
    char good[128], link[128], loose[128], sub[128], fifo[128], big[128], missing[128];
    path_for("good", good, sizeof(good));
    path_for("link", link, sizeof(link));
    path_for("loose", loose, sizeof(loose));
    path_for("sub", sub, sizeof(sub));
    path_for("fifo", fifo, sizeof(fifo));
    path_for("big", big, sizeof(big));
    path_for("missing", missing, sizeof(missing));
    const struct varta_private_rules secret = {
        VARTA_PRIVATE_CHECK_MODE | VARTA_PRIVATE_CHECK_OWNER, (uint32_t)getuid(), 0,
    };
    uint8_t buf[VARTA_PRIVATE_MAX_SECRET_BYTES];
    struct varta_private_info info;

    write_file(good, TOKEN, strlen(TOKEN), 0600);
    int rc = varta_private_read(good, &secret, buf, sizeof(buf), &info);
    CHECK(rc == (int)strlen(TOKEN), "good file: rc %d", rc);
    CHECK(rc > 0 && memcmp(buf, TOKEN, strlen(TOKEN)) == 0, "good file: content");
    CHECK(info.mode == 0600 && info.uid == (uint32_t)getuid() && info.expected_uid == (uint32_t)getuid(),
        "good file: info");

    CHECK(symlink(good, link) == 0, "symlink: errno %d", errno);
    rc = varta_private_read(link, &secret, buf, sizeof(buf), &info);
    CHECK(rc == VARTA_PRIVATE_SYMLINK, "symlink to a good file: rc %d", rc);

    write_file(loose, TOKEN, strlen(TOKEN), 0644);
    rc = varta_private_read(loose, &secret, buf, sizeof(buf), &info);
    CHECK(rc == VARTA_PRIVATE_INSECURE_MODE && info.mode == 0644, "mode 0644: rc %d mode %o", rc, info.mode);
    CHECK(chmod(loose, 0640) == 0, "chmod");
    rc = varta_private_read(loose, &secret, buf, sizeof(buf), &info);
    CHECK(rc == VARTA_PRIVATE_INSECURE_MODE, "mode 0640 (group read): rc %d", rc);
    CHECK(chmod(loose, 0400) == 0, "chmod");
    rc = varta_private_read(loose, &secret, buf, sizeof(buf), &info);
    CHECK(rc == (int)strlen(TOKEN), "mode 0400 is stricter than 0600: rc %d", rc);

    CHECK(mkdir(sub, 0700) == 0, "mkdir");
    rc = varta_private_read(sub, &secret, buf, sizeof(buf), &info);
    CHECK(rc == VARTA_PRIVATE_NOT_REGULAR, "directory: rc %d", rc);

    CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
    rc = varta_private_read(fifo, &secret, buf, sizeof(buf), &info);
    CHECK(rc == VARTA_PRIVATE_NOT_REGULAR, "fifo (no writer, must not block): rc %d", rc);

    static char large[VARTA_PRIVATE_MAX_SECRET_BYTES + 1];
    memset(large, 'a', sizeof(large));
    write_file(big, large, sizeof(large), 0600);
    rc = varta_private_read(big, &secret, buf, sizeof(buf), &info);
    CHECK(rc == VARTA_PRIVATE_TOO_LARGE, "4097-byte file: rc %d", rc);
    rc = varta_private_read(good, &secret, buf, 10, &info);
    CHECK(rc == VARTA_PRIVATE_TOO_LARGE, "file larger than the caller's buffer: rc %d", rc);

    rc = varta_private_read(missing, &secret, buf, sizeof(buf), &info);
    CHECK(rc == -ENOENT, "missing file: rc %d", rc);

    unlink(good);
    unlink(link);
    unlink(loose);
    rmdir(sub);
    unlink(fifo);
    unlink(big);
}

static void append_logs(void)
{
    char log[128], other[128], dangling[128], nowhere[128], fifo[128], sub[128], mine[128];
    path_for("log", log, sizeof(log));
    path_for("other", other, sizeof(other));
    path_for("dangling", dangling, sizeof(dangling));
    path_for("nowhere", nowhere, sizeof(nowhere));
    path_for("fifo2", fifo, sizeof(fifo));
    path_for("sub2", sub, sizeof(sub));
    path_for("mine", mine, sizeof(mine));
    const struct varta_private_rules rules = {
        VARTA_PRIVATE_CHECK_OWNER | VARTA_PRIVATE_CHECK_ONE_LINK, (uint32_t)getuid(), 0,
    };
    struct varta_private_info info;

    const mode_t old_umask = umask(0);
    int fd = varta_private_open(log, VARTA_PRIVATE_OPEN_APPEND, &rules, &info);
    umask(old_umask);
    CHECK(fd >= 0 && info.created == 1 && info.size == 0, "append creates: fd %d created %d", fd, info.created);
    CHECK(info.mode == 0600, "created with mode 0600 even under umask 0: %o", info.mode);
    CHECK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "close-on-exec");
    CHECK(fd >= 0 && write(fd, "a\n", 2) == 2, "write");
    close(fd);

    fd = varta_private_open(log, VARTA_PRIVATE_OPEN_APPEND, &rules, &info);
    CHECK(fd >= 0 && info.created == 0 && info.size == 2 && info.nlink == 1, "append opens existing: fd %d", fd);
    CHECK(fd >= 0 && write(fd, "b\n", 2) == 2, "append write");
    char back[8] = { 0 };
    CHECK(fd >= 0 && pread(fd, back, sizeof(back), 0) == 4 && memcmp(back, "a\nb\n", 4) == 0, "appended, readable");
    close(fd);

    fd = varta_private_open(log, VARTA_PRIVATE_OPEN_CREATE_NEW, &rules, &info);
    CHECK(fd == -EEXIST, "create-new over an existing file: %d", fd);

    CHECK(link(log, other) == 0, "link");
    fd = varta_private_open(log, VARTA_PRIVATE_OPEN_APPEND, &rules, &info);
    CHECK(fd == VARTA_PRIVATE_LINK_COUNT && info.nlink == 2, "two hard links: rc %d", fd);
    unlink(other);

    CHECK(symlink(nowhere, dangling) == 0, "symlink");
    fd = varta_private_open(dangling, VARTA_PRIVATE_OPEN_APPEND, &rules, &info);
    CHECK(fd == VARTA_PRIVATE_SYMLINK, "dangling symlink: rc %d", fd);
    CHECK(!exists(nowhere), "the symlink's target was not created");

    CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
    fd = varta_private_open(fifo, VARTA_PRIVATE_OPEN_APPEND, &rules, &info);
    CHECK(fd == VARTA_PRIVATE_NOT_REGULAR, "fifo for append (must not block): rc %d", fd);
    CHECK(mkdir(sub, 0700) == 0, "mkdir");
    fd = varta_private_open(sub, VARTA_PRIVATE_OPEN_APPEND, &rules, &info);
    CHECK(fd == VARTA_PRIVATE_NOT_REGULAR, "directory for append: rc %d", fd);

    const struct varta_private_rules foreign = { VARTA_PRIVATE_CHECK_OWNER, (uint32_t)getuid() + 4242, 0 };
    fd = varta_private_open(mine, VARTA_PRIVATE_OPEN_APPEND, &foreign, &info);
    CHECK(fd == VARTA_PRIVATE_WRONG_OWNER && info.expected_uid == (uint32_t)getuid() + 4242,
        "created file of the wrong owner: rc %d", fd);
    CHECK(!exists(mine), "a file created and refused is removed again");
    fd = varta_private_open(log, VARTA_PRIVATE_OPEN_APPEND, &foreign, &info);
    CHECK(fd == VARTA_PRIVATE_WRONG_OWNER, "existing file of the wrong owner: rc %d", fd);
    CHECK(exists(log), "an existing file refused is kept");

    unlink(log);
    unlink(dangling);
    unlink(fifo);
    rmdir(sub);
}

/* As root, a child that gives up root must get EACCES on a root-only file. */
static void permission_denied(void)
{
    if (getuid() != 0) {
        printf("permission denied: skipped, needs root to drop to uid 65534\n");
        return;
    }
    char locked[128];
    path_for("locked", locked, sizeof(locked));
    write_file(locked, "x", 1, 0600);
    CHECK(chmod(dir, 0755) == 0, "chmod dir");
    const pid_t child = fork();
    if (child == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0) {
            _exit(3);
        }
        const struct varta_private_rules rules = { 0, 65534, 0 };
        struct varta_private_info info;
        uint8_t buf[16];
        const int read_rc = varta_private_read(locked, &rules, buf, sizeof(buf), &info);
        const int append_rc = varta_private_open(locked, VARTA_PRIVATE_OPEN_APPEND, &rules, &info);
        _exit(read_rc == -EACCES && append_rc == -EACCES ? 0 : 1);
    }
    int status = 0;
    CHECK(child > 0 && waitpid(child, &status, 0) == child, "waitpid");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "uid 65534 gets -EACCES: status %d", status);
    chmod(dir, 0700);
    unlink(locked);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/varta-private-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    secrets();
    append_logs();
    permission_denied();
    rmdir(dir);
    return check_summary("test_private_file");
}
