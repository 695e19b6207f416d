/*
 * test_secret_file.c - the secret-file rules (secret_file.h) on real files in a private temp directory:
 * a good 0600 file, a leaf symlink, mode 0644, a directory, a FIFO (must not block), an oversized file,
 * and a missing file.
 */
#include "varta/secret_file.h"

#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static const char TOKEN[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/varta-secret-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    char good[128], link[128], loose[128], sub[128], fifo[128], big[128], missing[128];
    path_for("good", good, sizeof(good));
    path_for("link", link, sizeof(link));
    path_for("loose", loose, sizeof(loose));
    path_for("sub", sub, sizeof(sub));
    path_for("fifo", fifo, sizeof(fifo));
    path_for("big", big, sizeof(big));
    path_for("missing", missing, sizeof(missing));

    uint8_t buf[VARTA_SECRET_MAX_BYTES];
    struct varta_secret_stat st;

    write_file(good, TOKEN, strlen(TOKEN), 0600);
    int rc = varta_secret_file_read(good, buf, sizeof(buf), &st);
    CHECK(rc == (int)strlen(TOKEN), "good file: rc %d", rc);
    CHECK(rc > 0 && memcmp(buf, TOKEN, strlen(TOKEN)) == 0, "good file: content");
    CHECK(st.mode == 0600 && st.uid == (uint32_t)getuid() && st.expected == (uint32_t)getuid(), "good file: stat");

    CHECK(symlink(good, link) == 0, "symlink: errno %d", errno);
    rc = varta_secret_file_read(link, buf, sizeof(buf), &st);
    CHECK(rc == VARTA_SECRET_SYMLINK, "symlink to a good file: rc %d", rc);

    write_file(loose, TOKEN, strlen(TOKEN), 0644);
    rc = varta_secret_file_read(loose, buf, sizeof(buf), &st);
    CHECK(rc == VARTA_SECRET_INSECURE_MODE, "mode 0644: rc %d", rc);
    CHECK(st.mode == 0644, "mode 0644 reported: %o", st.mode);
    CHECK(chmod(loose, 0640) == 0, "chmod");
    rc = varta_secret_file_read(loose, buf, sizeof(buf), &st);
    CHECK(rc == VARTA_SECRET_INSECURE_MODE, "mode 0640 (group read): rc %d", rc);
    CHECK(chmod(loose, 0400) == 0, "chmod");
    rc = varta_secret_file_read(loose, buf, sizeof(buf), &st);
    CHECK(rc == (int)strlen(TOKEN), "mode 0400 is stricter than 0600: rc %d", rc);

    CHECK(mkdir(sub, 0700) == 0, "mkdir");
    rc = varta_secret_file_read(sub, buf, sizeof(buf), &st);
    CHECK(rc == VARTA_SECRET_NOT_REGULAR, "directory: rc %d", rc);

    CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
    rc = varta_secret_file_read(fifo, buf, sizeof(buf), &st);
    CHECK(rc == VARTA_SECRET_NOT_REGULAR, "fifo (no writer, must not block): rc %d", rc);

    static char large[VARTA_SECRET_MAX_BYTES + 1];
    memset(large, 'a', sizeof(large));
    write_file(big, large, sizeof(large), 0600);
    rc = varta_secret_file_read(big, buf, sizeof(buf), &st);
    CHECK(rc == VARTA_SECRET_TOO_LARGE, "4097-byte file: rc %d", rc);

    rc = varta_secret_file_read(missing, buf, sizeof(buf), &st);
    CHECK(rc == -ENOENT, "missing file: rc %d", rc);

    unlink(good);
    unlink(link);
    unlink(loose);
    rmdir(sub);
    unlink(fifo);
    unlink(big);
    rmdir(dir);
    return check_summary("test_secret_file");
}
