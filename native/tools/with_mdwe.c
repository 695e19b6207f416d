/*
 * with_mdwe.c - runs a command under the kernel's memory-deny-write-execute policy, the policy systemd's
 * MemoryDenyWriteExecute=yes applies: no mapping may be writable and executable at once, and no mapping may
 * become executable later. Used to check, without systemd, whether a program tolerates that directive.
 *
 *   with-mdwe COMMAND [ARG...]
 *
 * Sets prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) (Linux 6.3+; inherited across fork and execve), then execs
 * COMMAND. Exits 3 if the kernel lacks the prctl (the caller should skip), 4 if COMMAND cannot be run, 2 on a
 * usage error; otherwise COMMAND's own status.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN (1UL << 0)
#endif

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: with-mdwe COMMAND [ARG...]\n");
        return 2;
    }
    if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0UL, 0UL, 0UL) != 0) {
        fprintf(stderr, "with-mdwe: prctl(PR_SET_MDWE): %s\n", strerror(errno));
        return 3;
    }
    execvp(argv[1], argv + 1);
    fprintf(stderr, "with-mdwe: %s: %s\n", argv[1], strerror(errno));
    return 4;
}
