/*
 * proc_identity.c - see proc_identity.h. The Java reader it replaces on the observer thread built
 * path strings, an input stream and an exception for every missing file (a few kB of garbage per new
 * pid, ~6 us); this one formats the path on the stack and issues open/read/close and readlink only.
 */
#include "varta/proc_identity.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define START_TIME_FIELD 22
/* A stat line is a few hundred bytes; field 22 sits well inside the first 1 KiB (the command name is
 * at most 64 bytes). */
#define STAT_BYTES 1024
#define PATH_BYTES 4096
#define LINK_BYTES 64
#define MAX_DIGITS 19 /* fits an int64_t */

/* Reads up to `room` bytes of root/<pid>/<leaf>; returns the count, -1 if it cannot be opened
 * (*gone set when it does not exist) or read. */
static ssize_t read_small(const char *root, const char *pid, const char *leaf, char *buf, size_t room, int *gone)
{
    char path[PATH_BYTES];
    const int n = snprintf(path, sizeof(path), "%s/%s/%s", root, pid, leaf);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        return -1;
    }
    const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *gone = errno == ENOENT || errno == ESRCH;
        return -1;
    }
    size_t length = 0;
    while (length < room) {
        const ssize_t got = read(fd, buf + length, room - length);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            close(fd);
            return -1;
        }
        if (got == 0) {
            break;
        }
        length += (size_t)got;
    }
    close(fd);
    return (ssize_t)length;
}

int64_t varta_proc_parse_start_time(const char *stat, size_t length)
{
    size_t i = length;
    while (i > 0 && stat[i - 1] != ')') {
        i--;
    }
    if (i == 0) {
        return VARTA_PROC_UNKNOWN;
    }
    int field = 2;
    while (i < length) {
        while (i < length && stat[i] == ' ') {
            i++;
        }
        if (i >= length) {
            break;
        }
        field++;
        if (field == START_TIME_FIELD) {
            int64_t value = 0;
            int digits = 0;
            while (i < length && stat[i] >= '0' && stat[i] <= '9' && digits < MAX_DIGITS) {
                value = value * 10 + (stat[i] - '0');
                digits++;
                i++;
            }
            const int ended = i >= length || stat[i] == ' ' || stat[i] == '\n';
            return digits > 0 && ended ? value : VARTA_PROC_UNKNOWN;
        }
        while (i < length && stat[i] != ' ') {
            i++;
        }
    }
    return VARTA_PROC_UNKNOWN;
}

int64_t varta_proc_parse_ns_link(const char *link, size_t length)
{
    static const char prefix[] = "pid:[";
    const size_t prefix_length = sizeof(prefix) - 1;
    if (length < prefix_length + 2 || link[length - 1] != ']') {
        return VARTA_PROC_UNKNOWN;
    }
    for (size_t i = 0; i < prefix_length; i++) {
        if (link[i] != prefix[i]) {
            return VARTA_PROC_UNKNOWN;
        }
    }
    int64_t value = 0;
    const size_t end = length - 1;
    if (end - prefix_length > MAX_DIGITS) {
        return VARTA_PROC_UNKNOWN;
    }
    for (size_t i = prefix_length; i < end; i++) {
        if (link[i] < '0' || link[i] > '9') {
            return VARTA_PROC_UNKNOWN;
        }
        value = value * 10 + (link[i] - '0');
    }
    return value;
}

static int64_t read_start_time(const char *root, const char *pid, int *gone)
{
    char stat[STAT_BYTES];
    const ssize_t length = read_small(root, pid, "stat", stat, sizeof(stat), gone);
    return length < 0 ? VARTA_PROC_UNKNOWN : varta_proc_parse_start_time(stat, (size_t)length);
}

static int64_t read_ns_inode(const char *root, const char *pid)
{
    char path[PATH_BYTES];
    char link[LINK_BYTES];
    const int n = snprintf(path, sizeof(path), "%s/%s/ns/pid", root, pid);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        return VARTA_PROC_UNKNOWN;
    }
    const ssize_t length = readlink(path, link, sizeof(link));
    if (length <= 0 || (size_t)length >= sizeof(link)) {
        return VARTA_PROC_UNKNOWN;
    }
    return varta_proc_parse_ns_link(link, (size_t)length);
}

int varta_proc_identity(const char *root, uint32_t pid, int64_t *start_time, int64_t *ns_inode)
{
    char name[16];
    snprintf(name, sizeof(name), "%u", (unsigned)pid);
    int gone = 0;
    *start_time = read_start_time(root, name, &gone);
    if (gone) {
        *ns_inode = VARTA_PROC_UNKNOWN; /* no process: its namespace link is not there either */
        return VARTA_PROC_GONE;
    }
    *ns_inode = read_ns_inode(root, name);
    if (*start_time != VARTA_PROC_UNKNOWN && *ns_inode != VARTA_PROC_UNKNOWN) {
        return VARTA_PROC_PRESENT;
    }
    char path[PATH_BYTES];
    const int n = snprintf(path, sizeof(path), "%s/%s", root, name);
    return n > 0 && (size_t)n < sizeof(path) && access(path, F_OK) == 0 ? VARTA_PROC_PARTIAL : VARTA_PROC_GONE;
}

int64_t varta_proc_start_time(const char *root, uint32_t pid)
{
    char name[16];
    snprintf(name, sizeof(name), "%u", (unsigned)pid);
    int gone = 0;
    return read_start_time(root, name, &gone);
}

int64_t varta_proc_own_ns_inode(const char *root)
{
    return read_ns_inode(root, "self");
}
