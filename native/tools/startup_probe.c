/*
 * startup_probe.c - how long an observer takes to start: from exec to its socket being bound, and
 * from exec to the first beat being processed (its line in the export file).
 *
 *   startup-probe --socket PATH --export PATH [--timeout-ms 10000] -- COMMAND [ARG...]
 *
 * Forks and execs COMMAND (the observer, told to bind PATH and write its export file to the other
 * PATH), polls every 100 us for the socket, sends one valid VLP beat from this process's own pid as
 * soon as the socket accepts it, then polls the export file until it holds a "\tbeat\t" line. Prints
 *   startup bound_ns=B first_beat_ns=F
 * (both from just before exec, CLOCK_MONOTONIC), then stops the observer with SIGTERM and reaps it.
 * Polling costs this process a few percent of one core; the observer's own start is what is timed.
 * Exit 0 on success, 1 if the observer exits or the timeout passes first, 2 on a usage error.
 */
#include "tool_util.h"

#include "varta/vlp.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOOL "startup-probe"
#define POLL_US 100
static const char USAGE[] = "--socket PATH --export PATH [--timeout-ms 10000] -- COMMAND [ARG...]";

static void usage(const char *why)
{
    tool_usage_exit(TOOL, USAGE, why);
}

/* 1 when the export file holds a beat line. */
static int export_has_beat(const char *path)
{
    char buf[4096];
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    const ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) {
        return 0;
    }
    buf[n] = '\0';
    return strstr(buf, "\tbeat\t") != NULL;
}

/* 1 when one beat from our pid was sent to the socket at path. */
static int send_beat(const char *path)
{
    struct sockaddr_un addr;
    if (tool_unix_addr(path, &addr) != 0) {
        return 0;
    }
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return 0;
    }
    uint8_t frame[VARTA_FRAME_BYTES];
    varta_vlp_encode(VARTA_STATUS_OK, (uint32_t)getpid(), tool_mono_ns(), 1u, 0u, frame);
    const int ok = sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&addr, sizeof(addr)) == (ssize_t)sizeof(frame);
    close(fd);
    return ok;
}

static int stop(pid_t child, int code)
{
    kill(child, SIGTERM);
    int status = 0;
    waitpid(child, &status, 0);
    return code;
}

int main(int argc, char **argv)
{
    const char *socket_path = NULL;
    const char *export_path = NULL;
    uint64_t timeout_ms = 10000;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (i + 1 >= argc) {
            usage("missing value");
        }
        if (strcmp(argv[i], "--socket") == 0) {
            socket_path = argv[++i];
        } else if (strcmp(argv[i], "--export") == 0) {
            export_path = argv[++i];
        } else if (strcmp(argv[i], "--timeout-ms") == 0) {
            timeout_ms = tool_flag_u64(TOOL, USAGE, "--timeout-ms", argv[++i], 1, 3600000);
        } else {
            usage("unknown flag");
        }
    }
    if (socket_path == NULL || export_path == NULL || i >= argc) {
        usage("--socket, --export and a command are required");
    }
    const uint64_t start = tool_mono_ns();
    const pid_t child = fork();
    if (child < 0) {
        perror(TOOL ": fork");
        return 1;
    }
    if (child == 0) {
        execvp(argv[i], &argv[i]);
        perror(TOOL ": exec");
        _exit(127);
    }
    const uint64_t deadline = start + timeout_ms * 1000000u;
    uint64_t bound = 0;
    uint64_t first = 0;
    struct stat st;
    while (first == 0) {
        if (tool_mono_ns() > deadline) {
            fprintf(stderr, TOOL ": timed out (bound=%d)\n", bound != 0);
            return stop(child, 1);
        }
        int status = 0;
        if (waitpid(child, &status, WNOHANG) == child) {
            fprintf(stderr, TOOL ": the observer exited before its first beat\n");
            return 1;
        }
        if (bound == 0) {
            if (stat(socket_path, &st) == 0 && S_ISSOCK(st.st_mode) && send_beat(socket_path)) {
                bound = tool_mono_ns() - start;
            }
        } else if (export_has_beat(export_path)) {
            first = tool_mono_ns() - start;
        }
        usleep(POLL_US);
    }
    printf("startup bound_ns=%llu first_beat_ns=%llu\n", (unsigned long long)bound, (unsigned long long)first);
    return stop(child, 0);
}
