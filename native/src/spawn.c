/*
 * spawn.c - one child without a shell: PATH lookup in the child's environment, posix_spawn with a
 * clean signal state and every other descriptor closed, then a pidfd (spawn.h).
 */
#include "varta/spawn.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The value of the first PATH= entry of envp (what getenv would return in the child), or NULL. */
static const char *child_path(const char *const envp[])
{
    for (size_t i = 0; envp[i] != NULL; i++) {
        if (strncmp(envp[i], "PATH=", 5) == 0) {
            return envp[i] + 5;
        }
    }
    return NULL;
}

/* execvp's rule: these errors mean "not in this directory", try the next one. */
static int try_next_directory(int err)
{
    return err == ENOENT || err == ENOTDIR || err == ESTALE || err == ENODEV || err == ETIMEDOUT
        || err == ENAMETOOLONG || err == ELOOP;
}

static int spawn_searching(pid_t *pid, const char *name, const posix_spawn_file_actions_t *actions,
                           const posix_spawnattr_t *attr, const char *const argv[], const char *const envp[])
{
    char *const *args = (char *const *)argv;
    char *const *env = (char *const *)envp;
    if (strchr(name, '/') != NULL) {
        return -posix_spawn(pid, name, actions, attr, args, env);
    }
    const char *search = child_path(envp);
    if (search == NULL) {
        search = VARTA_SPAWN_DEFAULT_PATH;
    }
    const size_t name_len = strlen(name);
    int saw_eacces = 0;
    for (const char *dir = search;;) {
        const char *end = strchrnul(dir, ':');
        const size_t dir_len = (size_t)(end - dir);
        char candidate[PATH_MAX];
        int rc = ENAMETOOLONG;
        if (dir_len + 1 + name_len < sizeof(candidate)) {
            size_t at = 0;
            if (dir_len > 0) { /* an empty entry is the current directory, as in execvp */
                memcpy(candidate, dir, dir_len);
                candidate[dir_len] = '/';
                at = dir_len + 1;
            }
            memcpy(candidate + at, name, name_len + 1);
            rc = posix_spawn(pid, candidate, actions, attr, args, env);
            if (rc == 0) {
                return 0;
            }
        }
        if (rc == EACCES) {
            saw_eacces = 1;
        } else if (!try_next_directory(rc)) {
            return -rc;
        }
        if (*end == '\0') {
            break;
        }
        dir = end + 1;
    }
    return saw_eacces ? -EACCES : -ENOENT;
}

int varta_spawn(const char *const argv[], const char *const envp[], int stdout_fd, int stderr_fd,
                pid_t *pid, int *pidfd)
{
    if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0' || envp == NULL) {
        return -EINVAL;
    }
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    int rc = -posix_spawnattr_init(&attr);
    if (rc != 0) {
        return rc;
    }
    rc = -posix_spawn_file_actions_init(&actions);
    if (rc != 0) {
        posix_spawnattr_destroy(&attr);
        return rc;
    }
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    /* The calling JVM thread may block signals or ignore some (SIG_IGN survives exec): the child starts
     * with neither. */
    if (rc == 0) {
        rc = -posix_spawnattr_setsigmask(&attr, &none);
    }
    if (rc == 0) {
        rc = -posix_spawnattr_setsigdefault(&attr, &all);
    }
    if (rc == 0) {
        rc = -posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    if (rc == 0 && stdout_fd >= 0) {
        rc = -posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
    }
    if (rc == 0 && stderr_fd >= 0) {
        rc = -posix_spawn_file_actions_adddup2(&actions, stderr_fd, STDERR_FILENO);
    }
    if (rc == 0) {
        rc = -posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    }
    pid_t child = 0;
    if (rc == 0) {
        rc = spawn_searching(&child, argv[0], &actions, &attr, argv, envp);
    }
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        return rc;
    }
    /* No one else reaps our children (the JVM waits only for its own), so the pid cannot be reused
     * before this pidfd is open: the zombie holds it. */
    const int fd = (int)syscall(SYS_pidfd_open, child, 0);
    if (fd < 0) {
        const int err = errno;
        kill(child, SIGKILL);
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
        }
        return -err;
    }
    *pid = child;
    *pidfd = fd;
    return 0;
}
