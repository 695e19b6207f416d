/*
 * test_spawn.c - the no-shell spawn (spawn.h) with real children: PATH is looked up in the child's
 * environment, not ours; only the given environment reaches the child; descriptors >= 3 are closed;
 * blocked or ignored signals are not inherited; stdout can be redirected; errors come back as -errno.
 */
#include "varta/spawn.h"

#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static const char *const CLEAN_ENV[] = { "PATH=/usr/bin:/bin", NULL };

/* Spawns and waits through the pidfd; returns the spawn's rc; code and status get si_code and si_status. */
static int run(const char *const argv[], const char *const envp[], int out_fd, int *code, int *status)
{
    pid_t pid = 0;
    int pidfd = -1;
    const int rc = varta_spawn(argv, envp, out_fd, -1, &pid, &pidfd);
    if (rc != 0) {
        return rc;
    }
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    while (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR) {
    }
    close(pidfd);
    *code = si.si_code;
    *status = si.si_status;
    return 0;
}

/* Runs /bin/sh -c script with env; returns the exit status, or -1000 - signal, or the spawn rc. */
static int sh(const char *script, const char *const envp[])
{
    const char *const argv[] = { "/bin/sh", "-c", script, NULL };
    int code = 0;
    int status = 0;
    const int rc = run(argv, envp, -1, &code, &status);
    if (rc != 0) {
        return rc;
    }
    return code == CLD_EXITED ? status : -1000 - status;
}

int main(void)
{
    int code = 0;
    int status = 0;

    const char *const absolute[] = { "/bin/true", NULL };
    CHECK(run(absolute, CLEAN_ENV, -1, &code, &status) == 0 && code == CLD_EXITED && status == 0,
          "absolute path runs: code %d status %d", code, status);

    /* Our own PATH leads nowhere: the lookup must use the child's PATH. */
    setenv("PATH", "/nonexistent-varta", 1);
    const char *const bare[] = { "true", NULL };
    int rc = run(bare, CLEAN_ENV, -1, &code, &status);
    CHECK(rc == 0 && code == CLD_EXITED && status == 0, "bare name found in the child's PATH: rc %d", rc);

    const char *const nowhere_env[] = { "PATH=/nonexistent-varta:/also-missing", NULL };
    rc = run(bare, nowhere_env, -1, &code, &status);
    CHECK(rc == -ENOENT, "bare name not in the child's PATH: rc %d", rc);

    const char *const no_path_env[] = { "VARTA_PID=7", NULL };
    rc = run(bare, no_path_env, -1, &code, &status);
    CHECK(rc == 0 && status == 0, "no PATH in the child's environment: default " VARTA_SPAWN_DEFAULT_PATH " (rc %d)",
          rc);

    const char *const missing[] = { "/nonexistent-varta/prog", NULL };
    CHECK(run(missing, CLEAN_ENV, -1, &code, &status) == -ENOENT, "missing absolute program: -ENOENT");

    const char *const empty[] = { "", NULL };
    CHECK(run(empty, CLEAN_ENV, -1, &code, &status) == -EINVAL, "empty argv[0]: -EINVAL");

    /* A non-executable file earlier in PATH: EACCES is remembered, the search goes on, and is the result
     * when nothing else is found. */
    char dir[] = "/tmp/varta-spawn-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char file[128];
    snprintf(file, sizeof(file), "%s/varta-noexec", dir);
    const int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0 && write(fd, "#!/bin/sh\n", 10) == 10 && close(fd) == 0, "write %s", file);
    char path_entry[160];
    snprintf(path_entry, sizeof(path_entry), "PATH=%s:/usr/bin:/bin", dir);
    const char *const noexec_env[] = { path_entry, NULL };
    const char *const noexec[] = { "varta-noexec", NULL };
    CHECK(run(noexec, noexec_env, -1, &code, &status) == -EACCES, "non-executable only candidate: -EACCES");
    const char *const true_after[] = { "true", NULL };
    CHECK(run(true_after, noexec_env, -1, &code, &status) == 0 && status == 0, "later PATH entries still searched");
    unlink(file);
    rmdir(dir);

    /* Only envp reaches the child. */
    const char *const pid_env[] = { "PATH=/usr/bin:/bin", "VARTA_PID=4242", NULL };
    setenv("VARTA_TEST_SECRET", "s3cret", 1);
    CHECK(sh("test \"$VARTA_PID\" = 4242 && test -z \"${VARTA_TEST_SECRET+x}\" && test -z \"${HOME+x}\"",
             pid_env) == 0, "child environment is exactly envp");

    /* Descriptors >= 3 are closed in the child, even without O_CLOEXEC; stdio stays. */
    const int devnull = open("/dev/null", O_RDONLY);
    CHECK(devnull >= 0 && dup2(devnull, 100) == 100, "dup2 to fd 100");
    CHECK((fcntl(100, F_GETFD) & FD_CLOEXEC) == 0, "fd 100 is not close-on-exec");
    CHECK(sh("test ! -e /proc/self/fd/100 && test -e /proc/self/fd/1 && test -e /proc/self/fd/2", CLEAN_ENV) == 0,
          "fd 100 closed in the child, stdio kept");
    close(100);
    close(devnull);

    /* A blocked and an ignored signal in the spawning thread: the child gets neither. */
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    CHECK(pthread_sigmask(SIG_BLOCK, &block, NULL) == 0, "block SIGTERM");
    CHECK(sh("kill -TERM $$; exit 7", CLEAN_ENV) == -1000 - SIGTERM, "SIGTERM not blocked in the child");
    pthread_sigmask(SIG_UNBLOCK, &block, NULL);
    signal(SIGUSR1, SIG_IGN);
    CHECK(sh("kill -USR1 $$; exit 7", CLEAN_ENV) == -1000 - SIGUSR1, "SIGUSR1 not ignored in the child");
    signal(SIGUSR1, SIG_DFL);

    /* stdout redirected to a pipe. */
    int fds[2];
    CHECK(pipe2(fds, O_CLOEXEC) == 0, "pipe");
    const char *const hello[] = { "/bin/sh", "-c", "printf hello", NULL };
    CHECK(run(hello, CLEAN_ENV, fds[1], &code, &status) == 0 && status == 0, "printf through the pipe");
    close(fds[1]);
    char got[16] = { 0 };
    CHECK(read(fds[0], got, sizeof(got) - 1) == 5 && strcmp(got, "hello") == 0, "pipe got '%s'", got);
    close(fds[0]);

    /* Arguments are passed literally: no shell sees them. */
    const char *const literal[] = { "/bin/sh", "-c", "test \"$1\" = '$(touch /tmp/varta-spawn-x)' && test ! -e /tmp/varta-spawn-x",
                                    "sh", "$(touch /tmp/varta-spawn-x)", NULL };
    CHECK(run(literal, CLEAN_ENV, -1, &code, &status) == 0 && status == 0, "argument reached the child literally");

    return check_summary("test_spawn");
}
