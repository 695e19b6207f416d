/*
 * pid_storm.c - many new agents, each a real process that beats once: what an observer pays for a pid
 * it has not seen before (the /proc identity read, a tracker slot), with kernel credentials that match.
 *
 *   pid-storm --socket PATH --processes N [--concurrency 64] [--hold-ms 20] [--rate 0]
 *
 * Forks N short-lived children, at most --concurrency alive at a time (and at most --rate forks per
 * second, 0 = as fast as it can). Each child sends one valid VLP beat (its own pid, nonce 1, status Ok)
 * on a Unix datagram socket, stays alive --hold-ms so that the observer can still read its /proc
 * identity, and exits. The parent reaps them and prints
 *   storm processes=N elapsed_ns=E rate=PROCESSES_PER_SECOND failed=F
 * Pids are only new while the kernel does not wrap them: N beyond /proc/sys/kernel/pid_max (minus the
 * pids in use) makes later children reuse pids. Exit 0 when every child sent its beat, 1 otherwise,
 * 2 on a usage error.
 */
#include "tool_util.h"

#include "varta/vlp.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TOOL "pid-storm"
static const char USAGE[] = "--socket PATH --processes N [--concurrency 64] [--hold-ms 20] [--rate 0]";

static void usage(const char *why)
{
    tool_usage_exit(TOOL, USAGE, why);
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* The child: one beat from its own pid, then alive for hold_ms. Exit 0 if the beat was sent. */
static int child(const struct sockaddr_un *addr, uint64_t hold_ms)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return 1;
    }
    uint8_t frame[VARTA_FRAME_BYTES];
    varta_vlp_encode(VARTA_STATUS_OK, (uint32_t)getpid(), tool_mono_ns(), 1u, 0u, frame);
    const ssize_t sent = sendto(fd, frame, sizeof(frame), 0, (const struct sockaddr *)addr, sizeof(*addr));
    close(fd);
    sleep_ns(hold_ms * 1000000u);
    return sent == (ssize_t)sizeof(frame) ? 0 : 1;
}

static uint64_t reap_one(int block)
{
    int status = 0;
    const pid_t pid = waitpid(-1, &status, block ? 0 : WNOHANG);
    if (pid <= 0) {
        return UINT64_MAX; /* none */
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *socket_path = NULL;
    uint64_t processes = 0;
    uint64_t concurrency = 64;
    uint64_t hold_ms = 20;
    uint64_t rate = 0;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) {
            usage("missing value");
        }
        const char *flag = argv[i];
        const char *value = argv[++i];
        if (strcmp(flag, "--socket") == 0) {
            socket_path = value;
        } else if (strcmp(flag, "--processes") == 0) {
            processes = tool_flag_u64(TOOL, USAGE, flag, value, 1, 100000000);
        } else if (strcmp(flag, "--concurrency") == 0) {
            concurrency = tool_flag_u64(TOOL, USAGE, flag, value, 1, 4096);
        } else if (strcmp(flag, "--hold-ms") == 0) {
            hold_ms = tool_flag_u64(TOOL, USAGE, flag, value, 0, 60000);
        } else if (strcmp(flag, "--rate") == 0) {
            rate = tool_flag_u64(TOOL, USAGE, flag, value, 0, 10000000);
        } else {
            usage("unknown flag");
        }
    }
    if (socket_path == NULL || processes == 0) {
        usage("--socket and --processes are required");
    }
    struct sockaddr_un addr;
    if (tool_unix_addr(socket_path, &addr) != 0) {
        usage("socket path too long");
    }
    const uint64_t start = tool_mono_ns();
    uint64_t started = 0;
    uint64_t alive = 0;
    uint64_t failed = 0;
    while (started < processes) {
        while (alive >= concurrency) {
            const uint64_t r = reap_one(1);
            if (r != UINT64_MAX) {
                failed += r;
                alive--;
            }
        }
        if (rate > 0) {
            const uint64_t due = start + started * 1000000000u / rate;
            const uint64_t now = tool_mono_ns();
            if (due > now) {
                sleep_ns(due - now);
            }
        }
        const pid_t pid = fork();
        if (pid < 0) {
            const uint64_t r = reap_one(1); /* out of processes: wait for one */
            if (r == UINT64_MAX) {
                perror(TOOL ": fork");
                return 1;
            }
            failed += r;
            alive--;
            continue;
        }
        if (pid == 0) {
            _exit(child(&addr, hold_ms));
        }
        started++;
        alive++;
        for (uint64_t r = reap_one(0); r != UINT64_MAX && alive > 0; r = reap_one(0)) {
            failed += r;
            alive--;
        }
    }
    while (alive > 0) {
        const uint64_t r = reap_one(1);
        if (r == UINT64_MAX) {
            break;
        }
        failed += r;
        alive--;
    }
    const uint64_t elapsed = tool_mono_ns() - start;
    printf("storm processes=%llu elapsed_ns=%llu rate=%.0f failed=%llu\n", (unsigned long long)processes,
           (unsigned long long)elapsed, (double)processes * 1e9 / (double)elapsed, (unsigned long long)failed);
    return failed == 0 ? 0 : 1;
}
