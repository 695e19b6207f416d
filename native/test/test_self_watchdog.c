/*
 * test_self_watchdog.c - the self-watchdog (self_watchdog.h, watchdog_thread.h):
 *   - judging a progress reading, with made-up times (no clock): asleep is never wedged, only oversleeping
 *     past the announced wake-up is; a stage over the deadline is named; an iteration over it is the loop;
 *   - the abort line's text;
 *   - the abort itself in a child process: SIGABRT after the line, also when stderr is a full pipe;
 *   - the thread in a child process over a block stuck in a stage: the child dies by SIGABRT naming the stage,
 *     and the stuck loop earned no WATCHDOG=1;
 *   - the thread over a sleeping block: WATCHDOG=1 and hardware kicks keep coming although the loop has
 *     been asleep for longer than the deadline.
 * Deadlines in the thread tests are checked as "happens eventually" (bounded by seconds), never as times.
 */
#include "varta/self_watchdog.h"
#include "varta/watchdog_thread.h"

#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000LL
#define SEC 1000000000LL

enum { STAGE_DRAIN = 1, STAGE_FLUSH = 3, STAGE_SLEEP = 5, STAGE_STOPPED = 6 };

static const struct varta_watch_rules RULES = { 1 * SEC, 50 * MS, STAGE_SLEEP, STAGE_STOPPED };

static struct varta_progress_view view(int stage, int64_t entered, int64_t iteration_start, int64_t sleep_until,
                                       int64_t iterations)
{
    struct varta_progress_view v = { stage, entered, iteration_start, sleep_until, iterations, 0 };
    return v;
}

static enum varta_watch_verdict verdict(struct varta_progress_view v, int64_t now)
{
    return varta_watch_judge(&v, now, &RULES).verdict;
}

static void judging(void)
{
    const int64_t t = 1000 * SEC;
    CHECK(verdict(view(STAGE_FLUSH, t, t, 0, 0), t + 100 * SEC) == VARTA_WATCH_IDLE,
          "before the first completed iteration nothing is judged");
    CHECK(verdict(view(STAGE_STOPPED, t, t, 0, 7), t + 100 * SEC) == VARTA_WATCH_IDLE, "a stopped loop");

    /* idle: asleep until the announced wake-up, however long that is, is alive */
    CHECK(verdict(view(STAGE_SLEEP, t, t - 5 * MS, t + SEC, 3), t + 900 * MS) == VARTA_WATCH_FRESH,
          "asleep before its wake-up");
    CHECK(verdict(view(STAGE_SLEEP, t, t - 5 * MS, t + 30 * SEC, 3), t + 20 * SEC) == VARTA_WATCH_FRESH,
          "a long announced sleep is not a wedge");
    CHECK(verdict(view(STAGE_SLEEP, t, t, t + SEC, 3), t + SEC + 50 * MS) == VARTA_WATCH_FRESH,
          "woken within the freshness window");
    CHECK(verdict(view(STAGE_SLEEP, t, t, t + SEC, 3), t + SEC + 51 * MS) == VARTA_WATCH_QUIET,
          "late waking: no evidence, not wedged");
    CHECK(verdict(view(STAGE_SLEEP, t, t, t + SEC, 3), t + 2 * SEC) == VARTA_WATCH_QUIET,
          "one deadline past the wake-up is still not over it");
    const struct varta_progress_view overslept = view(STAGE_SLEEP, t, t, t + SEC, 3);
    const struct varta_watch_judgement j1 = varta_watch_judge(&overslept, t + 2 * SEC + 1, &RULES);
    CHECK(j1.verdict == VARTA_WATCH_STAGE_WEDGED && j1.stage == STAGE_SLEEP && j1.stuck_ns == SEC + 1,
          "oversleeping by more than the deadline: verdict %d stuck %lld", j1.verdict, (long long)j1.stuck_ns);

    /* working */
    CHECK(verdict(view(STAGE_DRAIN, t, t, 0, 3), t + 50 * MS) == VARTA_WATCH_FRESH, "in a fresh iteration");
    CHECK(verdict(view(STAGE_FLUSH, t + 40 * MS, t, 0, 3), t + 60 * MS) == VARTA_WATCH_QUIET,
          "a long iteration: no fresh evidence");
    const struct varta_progress_view stuck = view(STAGE_FLUSH, t + 10 * MS, t, 0, 3);
    const struct varta_watch_judgement j2 = varta_watch_judge(&stuck, t + 10 * MS + SEC + 1, &RULES);
    CHECK(j2.verdict == VARTA_WATCH_STAGE_WEDGED && j2.stage == STAGE_FLUSH && j2.stuck_ns == SEC + 1,
          "a stage over the deadline is named: verdict %d stuck %lld", j2.verdict, (long long)j2.stuck_ns);
    const struct varta_progress_view slow = view(STAGE_FLUSH, t + 600 * MS, t, 0, 3);
    const struct varta_watch_judgement j3 = varta_watch_judge(&slow, t + 1100 * MS, &RULES);
    CHECK(j3.verdict == VARTA_WATCH_LOOP_WEDGED && j3.stuck_ns == 1100 * MS,
          "stages under the deadline, the iteration over it: verdict %d", j3.verdict);
    CHECK(verdict(view(STAGE_FLUSH, t, t, 0, 3), t - 5) == VARTA_WATCH_FRESH, "a reading newer than now");

    const struct varta_watch_rules never = { 0, 50 * MS, STAGE_SLEEP, STAGE_STOPPED };
    const struct varta_progress_view ancient = view(STAGE_FLUSH, t, t, 0, 3);
    CHECK(varta_watch_judge(&ancient, t + 1000 * SEC, &never).verdict == VARTA_WATCH_QUIET,
          "without a deadline nothing is wedged (pets and kicks only)");
}

static void abort_lines(void)
{
    char line[160];
    const struct varta_watch_judgement stage = { VARTA_WATCH_STAGE_WEDGED, STAGE_FLUSH, 1000123456 };
    size_t n = varta_watch_format_abort(&stage, "flush", 4 * SEC, line, sizeof(line));
    CHECK(n == strlen(line) && strcmp(line, "varta-watch stage 'flush' wedged for >1000123456ns; aborting\n") == 0,
          "stage line: %s", line);
    const struct varta_watch_judgement loop = { VARTA_WATCH_LOOP_WEDGED, STAGE_DRAIN, 4100 * MS };
    n = varta_watch_format_abort(&loop, "drain", 4 * SEC, line, sizeof(line));
    CHECK(strcmp(line, "varta-watch poll loop wedged for >4s; aborting\n") == 0 && n == strlen(line),
          "loop line: %s", line);
    const struct varta_watch_judgement fresh = { VARTA_WATCH_FRESH, STAGE_DRAIN, 0 };
    CHECK(varta_watch_format_abort(&fresh, "drain", SEC, line, sizeof(line)) == 0, "no line when alive");
    char tiny[8];
    CHECK(varta_watch_format_abort(&stage, "flush", SEC, tiny, sizeof(tiny)) == 7 && strlen(tiny) == 7, "truncated");
}

/* Waits up to 20 s for the child; returns its wait status, or -1 after killing it. */
static int reap(pid_t child)
{
    for (int i = 0; i < 2000; i++) {
        int status = 0;
        if (waitpid(child, &status, WNOHANG) == child) {
            return status;
        }
        const struct timespec ten_ms = { 0, 10 * MS };
        nanosleep(&ten_ms, NULL);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    return -1;
}

static size_t read_all(int fd, char *buf, size_t size)
{
    size_t got = 0;
    ssize_t n;
    while (got + 1 < size && (n = read(fd, buf + got, size - 1 - got)) > 0) {
        got += (size_t)n;
    }
    buf[got] = '\0';
    return got;
}

static void abort_raises_sigabrt(void)
{
    int err[2];
    CHECK(pipe(err) == 0, "pipe");
    const pid_t child = fork();
    if (child == 0) {
        dup2(err[1], STDERR_FILENO);
        varta_watch_abort("wedged\n", 7);
    }
    close(err[1]);
    const int status = reap(child);
    char text[64];
    read_all(err[0], text, sizeof(text));
    close(err[0]);
    CHECK(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "child ended by SIGABRT (%d)", status);
    CHECK(strcmp(text, "wedged\n") == 0, "the line came first: '%s'", text);
}

static void abort_with_full_stderr(void)
{
    int err[2];
    CHECK(pipe(err) == 0, "pipe");
    const pid_t child = fork();
    if (child == 0) {
        const int flags = fcntl(err[1], F_GETFL);
        fcntl(err[1], F_SETFL, flags | O_NONBLOCK);
        char chunk[4096];
        memset(chunk, 'x', sizeof(chunk));
        while (write(err[1], chunk, sizeof(chunk)) > 0) {
        }
        fcntl(err[1], F_SETFL, flags); /* blocking again, and full: a plain write would hang forever */
        dup2(err[1], STDERR_FILENO);
        varta_watch_abort("wedged\n", 7);
    }
    close(err[1]);
    const int status = reap(child); /* the pipe is never read while we wait */
    close(err[0]);
    CHECK(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
          "a full stderr pipe does not stop the abort (%d)", status);
}

static struct varta_loop_progress *new_block(void)
{
    struct varta_loop_progress *p = aligned_alloc(64, sizeof(*p));
    if (p == NULL) {
        exit(2);
    }
    memset(p, 0, sizeof(*p));
    return p;
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}

static struct varta_watchdog_config config_for(struct varta_loop_progress *p, int64_t deadline, int notify_fd,
                                               int hw_fd)
{
    struct varta_watchdog_config c;
    memset(&c, 0, sizeof(c));
    c.progress = p;
    c.rules.deadline_ns = deadline;
    c.rules.fresh_ns = 10 * MS;
    c.rules.sleep_stage = STAGE_SLEEP;
    c.rules.stopped_stage = STAGE_STOPPED;
    c.tick_ns = 10 * MS;
    c.notify_fd = notify_fd;
    c.pet_interval_ns = 20 * MS;
    c.hw_fd = hw_fd;
    c.kick_interval_ns = 20 * MS;
    strcpy(c.labels[STAGE_DRAIN], "drain");
    strcpy(c.labels[STAGE_FLUSH], "flush");
    strcpy(c.labels[STAGE_SLEEP], "sleep");
    return c;
}

static int count_datagrams(int fd, const char *want)
{
    int n = 0;
    char buf[64];
    ssize_t got;
    while ((got = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
        n += (size_t)got == strlen(want) && memcmp(buf, want, (size_t)got) == 0;
    }
    return n;
}

static void thread_aborts_a_stuck_stage(void)
{
    int err[2];
    int notify[2];
    CHECK(pipe(err) == 0 && socketpair(AF_UNIX, SOCK_DGRAM, 0, notify) == 0, "pipes");
    const pid_t child = fork();
    if (child == 0) {
        dup2(err[1], STDERR_FILENO);
        struct varta_loop_progress *p = new_block();
        const int64_t now = mono_ns();
        p->iteration_start_ns = now;
        p->iterations = 1;
        varta_progress_enter(p, STAGE_FLUSH, now); /* and never again */
        struct varta_watchdog_config c = config_for(p, 200 * MS, notify[1], -1);
        struct varta_watchdog *w = NULL;
        if (varta_watchdog_start(&c, &w) != 0) {
            _exit(3);
        }
        const struct timespec wait = { 20, 0 };
        nanosleep(&wait, NULL);
        _exit(0);
    }
    close(err[1]);
    close(notify[1]);
    const int status = reap(child);
    char text[256];
    read_all(err[0], text, sizeof(text));
    close(err[0]);
    CHECK(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "stuck loop aborted (%d)", status);
    CHECK(strncmp(text, "varta-watch stage 'flush' wedged for >", 38) == 0 && strstr(text, "ns; aborting\n") != NULL,
          "stage named: '%s'", text);
    const long long stuck = strtoll(text + 38, NULL, 10);
    CHECK(stuck > 200 * MS, "stuck longer than the deadline: %lld ns", stuck);
    CHECK(count_datagrams(notify[0], "WATCHDOG=1\n") <= 1, "a loop that does not move earns no WATCHDOG=1");
    close(notify[0]);
}

static void thread_pets_and_kicks_a_sleeping_loop(void)
{
    int notify[2];
    int hw[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, notify) == 0 && pipe(hw) == 0, "pipes");
    struct varta_loop_progress *p = new_block();
    const int64_t now = mono_ns();
    p->iteration_start_ns = now;
    p->sleep_until_ns = now + 60 * SEC; /* asleep far longer than the deadline, as announced */
    p->iterations = 1;
    varta_progress_enter(p, STAGE_SLEEP, now);
    struct varta_watchdog_config c = config_for(p, 100 * MS, notify[1], hw[1]);
    struct varta_watchdog *w = NULL;
    CHECK(varta_watchdog_start(&c, &w) == 0, "start");
    int pets = 0;
    for (int i = 0; i < 500 && pets < 3; i++) {
        struct pollfd pfd = { .fd = notify[0], .events = POLLIN };
        if (poll(&pfd, 1, 10) == 1) {
            pets += count_datagrams(notify[0], "WATCHDOG=1\n");
        }
    }
    CHECK(pets >= 3, "WATCHDOG=1 keeps coming for a sleeping loop: %d", pets);
    char kick = 'x';
    CHECK(read(hw[0], &kick, 1) == 1 && kick == '\0', "kicked with a zero byte");
    struct varta_watchdog_stats st;
    for (int i = 0; i < 500; i++) { /* the counter is bumped just after the send the peer already read */
        varta_watchdog_stats(w, &st);
        if (st.pets >= 3 && st.kicks >= 1) {
            break;
        }
        const struct timespec ten_ms = { 0, 10 * MS };
        nanosleep(&ten_ms, NULL);
    }
    CHECK(st.pets >= 3 && st.pet_failures == 0 && st.kicks >= 1 && st.kick_failures == 0 && st.ticks >= 1,
          "stats: pets %llu kicks %llu", (unsigned long long)st.pets, (unsigned long long)st.kicks);
    varta_watchdog_stop(w);
    close(notify[0]);
    close(notify[1]);
    close(hw[0]);
    close(hw[1]);
    free(p);
}

static void start_rejects_bad_configs(void)
{
    struct varta_loop_progress *p = new_block();
    struct varta_watchdog *w = NULL;
    struct varta_watchdog_config c = config_for(p, SEC, -1, -1);
    c.tick_ns = 0;
    CHECK(varta_watchdog_start(&c, &w) == -EINVAL, "zero tick");
    c = config_for((struct varta_loop_progress *)((char *)p + 8), SEC, -1, -1);
    CHECK(varta_watchdog_start(&c, &w) == -EINVAL, "misaligned block");
    free(p);
}

int main(void)
{
    judging();
    abort_lines();
    abort_raises_sigabrt();
    abort_with_full_stderr();
    thread_aborts_a_stuck_stage();
    thread_pets_and_kicks_a_sleeping_loop();
    start_rejects_bad_configs();
    return check_summary("test_self_watchdog");
}
