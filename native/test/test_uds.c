/*
 * test_uds.c - bind/close semantics of the observer socket (uds.h) on real files in a private
 * temp directory: clean bind, live observer, stale socket, regular file, unlink rules, dir fsync.
 */
#include "varta/uds.h"

#include "support.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char dir[64];

static void path_for(const char *label, char *out, size_t len)
{
    snprintf(out, len, "%s/%s.sock", dir, label);
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* A socket file whose socket is gone: bound, then closed without unlink. */
static void make_stale_socket(const char *path, int type)
{
    struct sockaddr_un addr = unix_address(path);
    const int fd = socket(AF_UNIX, type, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        perror("stale socket");
        exit(2);
    }
    close(fd);
}

static void close_bound(struct varta_uds_bound *b, const char *path)
{
    varta_uds_unlink_if_ours(path, b->dev, b->ino);
    close(b->fd);
}

static void clean_bind_creates_socket_with_exact_mode(void)
{
    char path[128];
    path_for("clean", path, sizeof(path));
    struct varta_uds_bound b;
    const int fd = varta_uds_bind(path, 0600, 0, &b);
    CHECK(fd >= 0 && fd == b.fd, "bind returned %d", fd);
    struct stat st;
    CHECK(lstat(path, &st) == 0 && S_ISSOCK(st.st_mode), "socket file exists");
    CHECK((st.st_mode & 07777) == 0600, "mode 0600, got %o", st.st_mode & 07777);
    CHECK(b.dev == (uint64_t)st.st_dev && b.ino == (uint64_t)st.st_ino, "dev/ino remembered");
    CHECK(b.granted_rcvbuf == 0, "no rcvbuf requested");
    close_bound(&b, path);
    CHECK(!exists(path), "unlinked on close");
}

static void requested_mode_and_rcvbuf_are_applied(void)
{
    char path[128];
    path_for("mode0640", path, sizeof(path));
    struct varta_uds_bound b;
    CHECK(varta_uds_bind(path, 0640, 65536, &b) >= 0, "bind");
    struct stat st;
    CHECK(lstat(path, &st) == 0 && (st.st_mode & 07777) == 0640, "mode 0640");
    CHECK(b.granted_rcvbuf >= 65536, "granted rcvbuf %d", b.granted_rcvbuf);
    close_bound(&b, path);
}

static void live_observer_is_not_replaced(void)
{
    char path[128];
    path_for("live", path, sizeof(path));
    struct varta_uds_bound first;
    struct varta_uds_bound second;
    CHECK(varta_uds_bind(path, 0600, 0, &first) >= 0, "first bind");
    CHECK(varta_uds_bind(path, 0600, 0, &second) == VARTA_UDS_ERR_LIVE_OBSERVER, "second bind refused as live");
    struct stat st;
    CHECK(lstat(path, &st) == 0 && (uint64_t)st.st_ino == first.ino, "first socket file untouched");
    close_bound(&first, path);
}

static void stale_socket_is_replaced(void)
{
    char path[128];
    path_for("stale", path, sizeof(path));
    make_stale_socket(path, SOCK_DGRAM);
    struct stat stale;
    lstat(path, &stale);
    const uint64_t fsync_failures = varta_uds_dir_fsync_failures();
    struct varta_uds_bound b;
    CHECK(varta_uds_bind(path, 0600, 0, &b) >= 0, "bind over stale socket");
    struct stat st;
    CHECK(lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 07777) == 0600, "new socket, mode 0600");
    CHECK((uint64_t)st.st_ino == b.ino, "path is our inode");
    CHECK(varta_uds_dir_fsync_failures() == fsync_failures, "dir fsync after stale recovery did not fail");
    close_bound(&b, path);
}

static void stale_stream_socket_is_replaced(void)
{
    char path[128];
    path_for("stale-stream", path, sizeof(path));
    make_stale_socket(path, SOCK_STREAM);
    struct varta_uds_bound b;
    CHECK(varta_uds_bind(path, 0600, 0, &b) >= 0, "bind over a stale stream socket file");
    close_bound(&b, path);
}

static void live_stream_socket_fails_the_probe(void)
{
    char path[128];
    path_for("live-stream", path, sizeof(path));
    struct sockaddr_un addr = unix_address(path);
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 && listen(fd, 1) == 0, "listening stream socket");
    struct varta_uds_bound b;
    CHECK(varta_uds_bind(path, 0600, 0, &b) == VARTA_UDS_ERR_PROBE_FAILED, "probe failure reported");
    CHECK(b.detail_errno == EPROTOTYPE, "probe errno EPROTOTYPE, got %d", b.detail_errno);
    CHECK(exists(path), "live stream socket file untouched");
    close(fd);
    unlink(path);
}

static void regular_file_is_preserved(void)
{
    char path[128];
    path_for("regular", path, sizeof(path));
    FILE *f = fopen(path, "w");
    fputs("do not delete", f);
    fclose(f);
    struct varta_uds_bound b;
    CHECK(varta_uds_bind(path, 0600, 0, &b) == VARTA_UDS_ERR_NOT_A_SOCKET, "regular file refused");
    char content[32] = { 0 };
    f = fopen(path, "r");
    CHECK(f != NULL && fread(content, 1, sizeof(content) - 1, f) == 13, "file still there");
    CHECK(strcmp(content, "do not delete") == 0, "content intact: %s", content);
    if (f) {
        fclose(f);
    }
    unlink(path);
}

static void close_after_file_removed_is_fine(void)
{
    char path[128];
    path_for("removed", path, sizeof(path));
    struct varta_uds_bound b;
    CHECK(varta_uds_bind(path, 0600, 0, &b) >= 0, "bind");
    unlink(path);
    CHECK(varta_uds_unlink_if_ours(path, b.dev, b.ino) == 0, "missing file is not an error");
    close(b.fd);
}

static void foreign_inode_is_not_unlinked(void)
{
    char path[128];
    path_for("foreign", path, sizeof(path));
    struct varta_uds_bound a;
    struct varta_uds_bound b;
    CHECK(varta_uds_bind(path, 0600, 0, &a) >= 0, "first bind");
    unlink(path);
    CHECK(varta_uds_bind(path, 0600, 0, &b) >= 0, "second bind on the freed path");
    CHECK(a.ino != b.ino, "different inodes");
    close_bound(&a, path);
    CHECK(exists(path), "first close left the foreign socket alone");
    close_bound(&b, path);
    CHECK(!exists(path), "second close unlinked its own socket");
}

static void dir_fsync_succeeds_on_a_normal_directory(void)
{
    char path[128];
    path_for("fsync", path, sizeof(path));
    const uint64_t before = varta_uds_dir_fsync_failures();
    struct varta_uds_bound b;
    CHECK(varta_uds_bind(path, 0600, 0, &b) >= 0, "bind");
    CHECK(varta_uds_dir_fsync_failures() == before, "no dir fsync failure");
    close_bound(&b, path);
}

static void overlong_path_is_rejected(void)
{
    char path[256];
    memset(path, 'x', sizeof(path));
    memcpy(path, "/tmp/", 5);
    path[200] = '\0';
    struct varta_uds_bound b;
    CHECK(varta_uds_bind(path, 0600, 0, &b) == -ENAMETOOLONG, "ENAMETOOLONG");
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/varta-test-uds-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    clean_bind_creates_socket_with_exact_mode();
    requested_mode_and_rcvbuf_are_applied();
    live_observer_is_not_replaced();
    stale_socket_is_replaced();
    stale_stream_socket_is_replaced();
    live_stream_socket_fails_the_probe();
    regular_file_is_preserved();
    close_after_file_removed_is_fine();
    foreign_inode_is_not_unlinked();
    dir_fsync_succeeds_on_a_normal_directory();
    overlong_path_is_rejected();
    rmdir(dir);
    return check_summary("test_uds");
}
