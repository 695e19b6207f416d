/*
 * test_tool_util.c - pins the flag parsing the bench tools (vlp-loadgen, raw-drain) rely on to
 * reject bad arguments with a usage error instead of running a benchmark with a wrong number.
 * Cheap on purpose: no processes, no sockets. argv[1] (the vectors path) is not used.
 */
#include "../tools/tool_util.h"

#include <stdio.h>

static int failures;

#define CHECK(cond) do { if (!(cond)) { failures++; fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static int parses(const char *text, uint64_t min, uint64_t max, uint64_t expected)
{
    uint64_t value = 0;
    return tool_parse_u64(text, min, max, &value) == 0 && value == expected;
}

static int rejects(const char *text, uint64_t min, uint64_t max)
{
    uint64_t value = 12345;
    return tool_parse_u64(text, min, max, &value) == -1 && value == 12345;
}

int main(void)
{
    CHECK(parses("0", 0, 10, 0));
    CHECK(parses("64", 1, 1024, 64));
    CHECK(parses("500000", 1, 1000000000, 500000));
    CHECK(parses("18446744073709551615", 0, UINT64_MAX, UINT64_MAX));

    CHECK(rejects(NULL, 0, 10));
    CHECK(rejects("", 0, 10));
    CHECK(rejects("-1", 0, 10));       /* strtoull would wrap this to UINT64_MAX */
    CHECK(rejects(" 1", 0, 10));       /* strtoull would skip the space */
    CHECK(rejects("+1", 0, 10));
    CHECK(rejects("1x", 0, 10));
    CHECK(rejects("1.5", 0, 10));
    CHECK(rejects("0", 1, 10));        /* below the minimum: --senders 0 */
    CHECK(rejects("11", 1, 10));       /* above the maximum */
    CHECK(rejects("18446744073709551616", 0, UINT64_MAX)); /* overflow (ERANGE) */

    struct sockaddr_un addr;
    char long_path[sizeof(addr.sun_path) + 1];
    memset(long_path, 'a', sizeof(long_path) - 1);
    long_path[sizeof(long_path) - 1] = '\0';
    CHECK(tool_unix_addr("/tmp/varta.sock", &addr) == 0 && addr.sun_family == AF_UNIX
          && strcmp(addr.sun_path, "/tmp/varta.sock") == 0);
    CHECK(tool_unix_addr("", &addr) == -1);
    CHECK(tool_unix_addr(long_path, &addr) == -1);
    long_path[sizeof(addr.sun_path) - 1] = '\0'; /* 107 characters + NUL: the longest that fits */
    CHECK(tool_unix_addr(long_path, &addr) == 0);

    uint64_t t0 = tool_mono_ns();
    CHECK(t0 > 0 && tool_mono_ns() >= t0);

    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("tool_util: all checks passed\n");
    return 0;
}
