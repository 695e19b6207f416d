/*
 * support.h - what the CTest programs share: the CHECK macro, the summary, socket addresses.
 */
#ifndef VARTA_TEST_SUPPORT_H
#define VARTA_TEST_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

static int check_failures;
static int check_count;

#define CHECK(cond, ...) do { check_count++; if (!(cond)) { check_failures++; \
    fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } \
    } while (0)

/* Prints "<name>: N checks, M failures" and returns the process exit code. */
static inline int check_summary(const char *name)
{
    printf("%s: %d checks, %d failures\n", name, check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}

/* An AF_UNIX address for path; exits the test (code 2) if it does not fit. */
static inline struct sockaddr_un unix_address(const char *path)
{
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    const size_t n = strlen(path);
    if (n >= sizeof(addr.sun_path)) {
        fprintf(stderr, "socket path too long: %s\n", path);
        exit(2);
    }
    memcpy(addr.sun_path, path, n + 1);
    return addr;
}

#endif
