/*
 * spawn.h - start one child process without a shell and get a pidfd for it.
 *
 *   argv[0] containing '/'  -> used as given
 *   bare argv[0]            -> looked up in the PATH of envp (the child's environment, not ours);
 *                              "/bin:/usr/bin" when envp has no PATH, as execvp does
 *   posix_spawn (CLONE_VFORK: the calling thread waits only until the exec, and an exec failure is
 *   returned, not hidden in the child), with:
 *     - an empty signal mask and every signal at its default disposition;
 *     - stdout/stderr replaced by the given descriptors when they are >= 0 (else inherited);
 *     - every descriptor >= 3 closed in the child (posix_spawn_file_actions_addclosefrom_np), so the
 *       child sees none of the observer's sockets, pipes or files;
 *   then pidfd_open(pid): the caller reaps and kills through the pidfd, never through a bare pid.
 *
 * Thread-safe (no global state); may be called from any thread.
 */
#ifndef VARTA_SPAWN_H
#define VARTA_SPAWN_H

#include <sys/types.h>

/* PATH searched when the child's environment has none (glibc's _CS_PATH, as execvp uses). */
#define VARTA_SPAWN_DEFAULT_PATH "/bin:/usr/bin"

/**
 * Starts argv (NULL-terminated, argv[0] non-empty) with environment envp (NULL-terminated).
 * stdout_fd / stderr_fd: descriptors to install as the child's 1 and 2, or -1 to inherit ours.
 * On success returns 0 and sets *pid and *pidfd (O_CLOEXEC). On failure returns -errno:
 * -ENOENT / -EACCES / -ENOEXEC ... from the exec (after the whole PATH was tried), -EINVAL for an
 * empty argv[0], -ENAMETOOLONG, or the pidfd_open error (the child is then killed and reaped).
 */
int varta_spawn(const char *const argv[], const char *const envp[], int stdout_fd, int stderr_fd,
                pid_t *pid, int *pidfd);

#endif
