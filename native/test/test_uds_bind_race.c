/*
 * test_uds_bind_race.c - several observers starting at once over a stale socket: exactly one binds,
 * its socket is the one at the path (a datagram sent to the path reaches it), and every other one
 * is told that an observer is live (never "address in use", never a second winner on an unlinked
 * socket). Each round: a stale socket at the path, RACERS forked processes released together by
 * closing a pipe, each calling varta_uds_bind; the winner then waits for the parent's datagram.
 */
#include "varta/uds.h"

#include "support.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 1000
#define RACERS 3
#define WINNER_GOT_DATAGRAM 0
#define WINNER_TIMED_OUT 3
#define LOSER 4

static void make_stale_socket(const char *path)
{
    struct sockaddr_un addr = unix_address(path);
    const int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        perror("stale socket");
        exit(2);
    }
    close(fd);
}

/* Child: waits for the start, binds, reports its result code, and as the winner waits for a datagram. */
static void race(const char *path, int start_fd, int result_fd)
{
    char go;
    if (read(start_fd, &go, 1) != 0) {
        _exit(10);
    }
    struct varta_uds_bound b;
    const int32_t rc = varta_uds_bind(path, 0600, 0, &b);
    if (write(result_fd, &rc, sizeof(rc)) != (ssize_t)sizeof(rc)) {
        _exit(11);
    }
    if (rc < 0) {
        _exit(LOSER);
    }
    struct pollfd p = { .fd = rc, .events = POLLIN };
    _exit(poll(&p, 1, 10000) == 1 ? WINNER_GOT_DATAGRAM : WINNER_TIMED_OUT); /* exits without unlink: stale */
}

static int send_to(const char *path)
{
    struct sockaddr_un addr = unix_address(path);
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const int ok = fd >= 0 && sendto(fd, "x", 1, 0, (struct sockaddr *)&addr, sizeof(addr)) == 1;
    if (fd >= 0) {
        close(fd);
    }
    return ok;
}

int main(void)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/varta-test-race-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    char path[128];
    snprintf(path, sizeof(path), "%s/race.sock", dir);
    make_stale_socket(path);
    int no_single_winner = 0;
    int unreachable = 0;
    int wrong_loser_code = 0;
    for (int round = 0; round < ROUNDS; round++) {
        int start[2];
        int results[2];
        if (pipe(start) != 0 || pipe(results) != 0) {
            perror("pipe");
            return 2;
        }
        pid_t pids[RACERS];
        for (int i = 0; i < RACERS; i++) {
            pids[i] = fork();
            if (pids[i] == 0) {
                close(start[1]);
                close(results[0]);
                race(path, start[0], results[1]);
            }
        }
        close(start[0]);
        close(results[1]);
        close(start[1]); /* go */
        int winners = 0;
        for (int i = 0; i < RACERS; i++) {
            int32_t rc = 0;
            if (read(results[0], &rc, sizeof(rc)) != (ssize_t)sizeof(rc)) {
                rc = -EIO;
            }
            if (rc >= 0) {
                winners++;
            } else if (rc != VARTA_UDS_ERR_LIVE_OBSERVER) {
                if (wrong_loser_code++ < 5) {
                    fprintf(stderr, "round %d: a loser got %d, not LIVE_OBSERVER\n", round, (int)rc);
                }
            }
        }
        close(results[0]);
        if (winners != 1) {
            if (no_single_winner++ < 5) {
                fprintf(stderr, "round %d: %d winners\n", round, winners);
            }
            for (int i = 0; i < RACERS; i++) {
                kill(pids[i], SIGKILL); /* a winner on an unreachable socket would wait for nothing */
            }
        } else if (!send_to(path)) {
            unreachable++;
            for (int i = 0; i < RACERS; i++) {
                kill(pids[i], SIGKILL);
            }
        }
        int winner_status = -1;
        for (int i = 0; i < RACERS; i++) {
            int status = 0;
            waitpid(pids[i], &status, 0);
            if (WIFEXITED(status) && WEXITSTATUS(status) != LOSER) {
                winner_status = WEXITSTATUS(status);
            }
        }
        if (winners == 1 && winner_status != WINNER_GOT_DATAGRAM) {
            unreachable++;
        }
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode)) {
            make_stale_socket(path); /* keep every round starting from a stale socket */
        }
    }
    CHECK(no_single_winner == 0, "%d of %d rounds without exactly one winner", no_single_winner, ROUNDS);
    CHECK(unreachable == 0, "%d of %d rounds whose winner did not get the datagram sent to the path",
          unreachable, ROUNDS);
    CHECK(wrong_loser_code == 0, "%d losers not told that an observer is live", wrong_loser_code);
    unlink(path);
    char lock[160];
    snprintf(lock, sizeof(lock), "%s%s", path, VARTA_UDS_LOCK_SUFFIX);
    unlink(lock);
    rmdir(dir);
    return check_summary("test_uds_bind_race");
}
