/*
 * test_proc_identity.c - the native /proc identity reader: our own process is present and matches
 * itself, a pid that cannot exist is gone, a fixture directory laid out like /proc exercises the
 * parser (a command name holding ") " and a missing or odd namespace link).
 */
#include "varta/proc_identity.h"

#include "support.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[64];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
}

static void own_process_is_present(void)
{
    int64_t start = 0;
    int64_t ns = 0;
    CHECK(varta_proc_identity("/proc", (uint32_t)getpid(), &start, &ns) == VARTA_PROC_PRESENT, "present");
    CHECK(start > 0, "start time read (%lld)", (long long)start);
    CHECK(ns > 0, "namespace inode read (%lld)", (long long)ns);
    CHECK(ns == varta_proc_own_ns_inode("/proc"), "same namespace as self");
    CHECK(start == varta_proc_start_time("/proc", (uint32_t)getpid()), "start time alone matches");
}

static void missing_pid_is_gone(void)
{
    int64_t start = 0;
    int64_t ns = 0;
    CHECK(varta_proc_identity("/proc", 0xFFFFFFF0u, &start, &ns) == VARTA_PROC_GONE, "gone");
    CHECK(start == VARTA_PROC_UNKNOWN && ns == VARTA_PROC_UNKNOWN, "nothing read");
    CHECK(varta_proc_start_time("/proc", 0xFFFFFFF0u) == VARTA_PROC_UNKNOWN, "no start time");
}

static void fixture_is_parsed_after_the_last_parenthesis(void)
{
    char path[160];
    snprintf(path, sizeof(path), "%s/4242", root);
    CHECK(mkdir(path, 0700) == 0, "fixture dir");
    snprintf(path, sizeof(path), "%s/4242/stat", root);
    char line[512] = "4242 (evil) 1 2 3 (x) S";
    for (int field = 4; field <= 21; field++) {
        char word[16];
        snprintf(word, sizeof(word), " %d", field * 10);
        strcat(line, word);
    }
    strcat(line, " 987654321 4096 77\n");
    write_file(path, line);
    int64_t start = 0;
    int64_t ns = 0;
    CHECK(varta_proc_identity(root, 4242, &start, &ns) == VARTA_PROC_PARTIAL, "no ns link: partial");
    CHECK(start == 987654321, "start time after the last ')' (%lld)", (long long)start);
    CHECK(ns == VARTA_PROC_UNKNOWN, "no namespace inode");

    snprintf(path, sizeof(path), "%s/4242/ns", root);
    CHECK(mkdir(path, 0700) == 0, "ns dir");
    snprintf(path, sizeof(path), "%s/4242/ns/pid", root);
    CHECK(symlink("pid:[4026531836]", path) == 0, "ns link");
    CHECK(varta_proc_identity(root, 4242, &start, &ns) == VARTA_PROC_PRESENT, "present");
    CHECK(ns == 4026531836LL, "namespace inode (%lld)", (long long)ns);
}

static void malformed_inputs_are_unknown(void)
{
    const char *no_paren = "4242 evil S 1 2";
    CHECK(varta_proc_parse_start_time(no_paren, strlen(no_paren)) == VARTA_PROC_UNKNOWN, "no ')'");
    const char *too_short = "4242 (a) S 1 2 3";
    CHECK(varta_proc_parse_start_time(too_short, strlen(too_short)) == VARTA_PROC_UNKNOWN, "too few fields");
    CHECK(varta_proc_parse_ns_link("pid:[4026531836]", 16) == 4026531836LL, "pid link");
    CHECK(varta_proc_parse_ns_link("net:[4026531836]", 16) == VARTA_PROC_UNKNOWN, "other namespace");
    CHECK(varta_proc_parse_ns_link("pid:[]", 6) == VARTA_PROC_UNKNOWN, "empty");
    CHECK(varta_proc_parse_ns_link("pid:[12a]", 9) == VARTA_PROC_UNKNOWN, "not a number");
    CHECK(varta_proc_parse_ns_link("pid:[99999999999999999999]", 26) == VARTA_PROC_UNKNOWN, "too long");
}

int main(void)
{
    snprintf(root, sizeof(root), "/tmp/varta-test-proc-XXXXXX");
    if (mkdtemp(root) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    own_process_is_present();
    missing_pid_is_gone();
    fixture_is_parsed_after_the_last_parenthesis();
    malformed_inputs_are_unknown();
    const char *leftovers[] = { "4242/ns/pid", "4242/ns", "4242/stat", "4242" };
    for (size_t i = 0; i < sizeof(leftovers) / sizeof(leftovers[0]); i++) {
        char path[160];
        snprintf(path, sizeof(path), "%s/%s", root, leftovers[i]);
        if (remove(path) != 0) {
            fprintf(stderr, "cannot remove %s: %s\n", path, strerror(errno));
        }
    }
    rmdir(root);
    return check_summary("test_proc_identity");
}
