/*
 * tool_util.h - the little the bench tools (vlp_loadgen.c, raw_drain.c) share: strict number
 * parsing for their flags and the usage exit, the monotonic clock, and the AF_UNIX address of a path.
 *
 * Header-only on purpose: every tools/NAME.c becomes its own executable (native/CMakeLists.txt),
 * so shared code cannot live in a tools/NAME.c file. Not part of varta_core.
 */
#ifndef VARTA_TOOL_UTIL_H
#define VARTA_TOOL_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

/** Parses a whole decimal string into [min, max]; returns 0 on success, -1 otherwise. */
static inline int tool_parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
    if (text == NULL || text[0] < '0' || text[0] > '9') {
        return -1; /* also rejects "", "-1", " 1" that strtoull would accept */
    }
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max) {
        return -1;
    }
    *out = (uint64_t)value;
    return 0;
}

/** Prints "<tool>: <why>" (when why is set) and the usage line on stderr, then exits 2. */
__attribute__((noreturn)) static inline void tool_usage_exit(const char *tool, const char *usage_line,
                                                             const char *why)
{
    if (why) {
        fprintf(stderr, "%s: %s\n", tool, why);
    }
    fprintf(stderr, "usage: %s %s\n", tool, usage_line);
    exit(2);
}

/** A flag's number in [min, max], or a message naming the flag and the range and exit 2. */
static inline uint64_t tool_flag_u64(const char *tool, const char *usage_line, const char *flag, const char *text,
                                     uint64_t min, uint64_t max)
{
    uint64_t value = 0;
    if (tool_parse_u64(text, min, max, &value) != 0) {
        fprintf(stderr, "%s: %s wants an integer in [%llu, %llu], got '%s'\n", tool, flag, (unsigned long long)min,
                (unsigned long long)max, text ? text : "");
        tool_usage_exit(tool, usage_line, NULL);
    }
    return value;
}

/** CLOCK_MONOTONIC in nanoseconds (the clock the observer stamps records with). */
static inline uint64_t tool_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/** Fills addr for a filesystem socket path; returns -1 if the path does not fit sun_path. */
static inline int tool_unix_addr(const char *path, struct sockaddr_un *addr)
{
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof(addr->sun_path)) {
        return -1;
    }
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    memcpy(addr->sun_path, path, len + 1);
    return 0;
}

#endif
