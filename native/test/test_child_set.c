/*
 * test_child_set.c - the pidfd child set (child_set.h) with real children: exit codes, SIGKILL through
 * the pidfd, capture counting (lengths only, combined cap, truncation, no blocking on a chatty child),
 * capacity, kicks, records beyond max, and a few hundred children reaped by this one thread.
 */
#include "varta/child_set.h"

#include "support.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const ENV[] = { "PATH=/usr/bin:/bin", NULL };

/* Waits (no time limit) until count exit records arrived; returns how many did (stops on an error). */
static int collect(struct varta_child_set *set, struct varta_child_exit *out, int count)
{
    int got = 0;
    while (got < count) {
        const int n = varta_child_set_wait(set, -1, out + got, (uint32_t)(count - got));
        if (n < 0) {
            fprintf(stderr, "wait: %d\n", n);
            return got;
        }
        got += n;
    }
    return got;
}

static int spawn_sh(struct varta_child_set *set, const char *script, int capture, uint32_t *slot, pid_t *pid)
{
    const char *const argv[] = { "/bin/sh", "-c", script, NULL };
    return varta_child_set_spawn(set, argv, ENV, capture, slot, pid);
}

int main(void)
{
    struct varta_child_set *set = NULL;
    CHECK(varta_child_set_create(0, 8, &set) == -EINVAL, "capacity 0 refused");
    CHECK(varta_child_set_create(4, 8, &set) == 0, "create");
    struct varta_child_exit exits[400];
    uint32_t slot = 0;
    pid_t pid = 0;

    const char *const truth[] = { "true", NULL };
    CHECK(varta_child_set_spawn(set, truth, ENV, 0, &slot, &pid) == 0 && pid > 0, "spawn true");
    CHECK(varta_child_set_live(set) == 1, "one live child");
    CHECK(collect(set, exits, 1) == 1, "true reaped");
    CHECK(exits[0].slot == slot && exits[0].pid == pid, "record names the slot and pid");
    CHECK(exits[0].code == VARTA_CHILD_EXITED && exits[0].status == 0, "exit 0: code %d status %d", exits[0].code,
          exits[0].status);
    CHECK(exits[0].stdout_len == 0 && exits[0].stderr_len == 0 && exits[0].truncated == 0, "no capture");
    CHECK(varta_child_set_live(set) == 0, "slot freed");

    CHECK(spawn_sh(set, "exit 3", 0, &slot, &pid) == 0, "spawn exit 3");
    CHECK(collect(set, exits, 1) == 1 && exits[0].code == VARTA_CHILD_EXITED && exits[0].status == 3, "exit 3");

    const char *const sleeper[] = { "sleep", "30", NULL };
    CHECK(varta_child_set_spawn(set, sleeper, ENV, 0, &slot, &pid) == 0, "spawn sleep");
    CHECK(varta_child_set_kill(set, slot, pid + 1) == -ESRCH, "kill with the wrong pid refused");
    CHECK(varta_child_set_wait(set, 0, exits, 4) == 0, "a sleeping child is not reported");
    CHECK(varta_child_set_kill(set, slot, pid) == 0, "kill");
    CHECK(collect(set, exits, 1) == 1 && exits[0].code == VARTA_CHILD_KILLED && exits[0].status == SIGKILL,
          "killed by SIGKILL: code %d status %d", exits[0].code, exits[0].status);
    CHECK(varta_child_set_kill(set, slot, pid) == -ESRCH, "kill after the reap refused");

    /* Capture: 5 + 3 bytes fit the 8-byte cap exactly. */
    CHECK(spawn_sh(set, "printf 12345; printf abc >&2", 1, &slot, &pid) == 0, "spawn capture");
    CHECK(collect(set, exits, 1) == 1, "capture child reaped");
    CHECK(exits[0].stdout_len == 5 && exits[0].stderr_len == 3 && exits[0].truncated == 0,
          "lengths 5/3, not truncated: %u/%u/%u", exits[0].stdout_len, exits[0].stderr_len, exits[0].truncated);

    CHECK(spawn_sh(set, "printf 123456789", 1, &slot, &pid) == 0, "spawn 9 bytes");
    CHECK(collect(set, exits, 1) == 1 && exits[0].stdout_len == 8 && exits[0].truncated == 1,
          "9 bytes: 8 counted, truncated: %u/%u", exits[0].stdout_len, exits[0].truncated);

    /* Far more than a pipe holds: the child must not block on a full pipe. */
    CHECK(spawn_sh(set, "head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2", 1, &slot, &pid) == 0,
          "spawn chatty");
    CHECK(collect(set, exits, 1) == 1 && exits[0].code == VARTA_CHILD_EXITED && exits[0].status == 0,
          "chatty child finished");
    CHECK(exits[0].stdout_len + exits[0].stderr_len == 8 && exits[0].truncated == 1, "chatty: 8 counted, truncated");

    /* Capacity. */
    uint32_t slots[4];
    pid_t pids[4];
    for (int i = 0; i < 4; i++) {
        CHECK(varta_child_set_spawn(set, sleeper, ENV, 0, &slots[i], &pids[i]) == 0, "spawn sleeper %d", i);
    }
    CHECK(varta_child_set_spawn(set, truth, ENV, 0, &slot, &pid) == -EAGAIN, "full set: -EAGAIN");
    for (int i = 0; i < 4; i++) {
        CHECK(varta_child_set_kill(set, slots[i], pids[i]) == 0, "kill sleeper %d", i);
    }
    /* Four exits pending, at most one record per call. */
    int one_at_a_time = 0;
    while (varta_child_set_live(set) > 0) {
        const int n = varta_child_set_wait(set, -1, exits, 1);
        CHECK(n == 0 || n == 1, "max 1 honoured: %d", n);
        one_at_a_time += n > 0 ? n : 0;
    }
    CHECK(one_at_a_time == 4, "all four sleepers reaped one record at a time");

    /* A kick wakes a wait that has nothing else to wait for. */
    varta_child_set_kick(set);
    CHECK(varta_child_set_wait(set, -1, exits, 4) == 0, "kick wakes the waiter");

    const char *const missing[] = { "varta-no-such-program", NULL };
    CHECK(varta_child_set_spawn(set, missing, ENV, 1, &slot, &pid) == -ENOENT, "missing program: -ENOENT");
    CHECK(varta_child_set_live(set) == 0, "a failed spawn holds no slot");
    varta_child_set_destroy(set);

    /* Many children, one thread. */
    enum { MANY = 300 };
    CHECK(varta_child_set_create(MANY, 0, &set) == 0, "create %d", MANY);
    for (int i = 0; i < MANY; i++) {
        CHECK(varta_child_set_spawn(set, truth, ENV, 0, &slot, &pid) == 0, "spawn %d", i);
    }
    CHECK(collect(set, exits, MANY) == MANY, "all %d reaped", MANY);
    int clean = 0;
    for (int i = 0; i < MANY; i++) {
        clean += exits[i].code == VARTA_CHILD_EXITED && exits[i].status == 0;
    }
    CHECK(clean == MANY, "%d of %d exited 0", clean, MANY);
    CHECK(varta_child_set_live(set) == 0, "none left");
    varta_child_set_destroy(set);
    return check_summary("test_child_set");
}
