/*
 * json_scan.h - the little JSON reading the vector tests need: the file read whole, "key": "string" and
 * "key": number pairs found in order inside one object, hex to bytes. Not a JSON parser: the vector file's
 * objects are flat and its keys unique per object.
 */
#ifndef VARTA_TEST_JSON_SCAN_H
#define VARTA_TEST_JSON_SCAN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The file as a NUL-terminated string; exits the test (code 2) if it cannot be read. */
static inline char *json_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    const long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
        exit(2);
    }
    text[size] = '\0';
    fclose(f);
    return text;
}

/* Where "key": starts its value at or after from (before limit, if set), or NULL. */
static inline const char *json_value_at(const char *from, const char *limit, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof(pattern), "\"%s\":", key);
    const char *at = strstr(from, pattern);
    if (!at || (limit && at >= limit)) {
        return NULL;
    }
    at += strlen(pattern);
    while (*at == ' ') {
        at++;
    }
    return at;
}

/* Copies the string value of key into out; returns 1, or 0 if absent (null gives ""). */
static inline int json_string(const char *from, const char *limit, const char *key, char *out, size_t out_len)
{
    const char *at = json_value_at(from, limit, key);
    if (!at) {
        return 0;
    }
    if (strncmp(at, "null", 4) == 0) {
        out[0] = '\0';
        return 1;
    }
    if (*at != '"') {
        return 0;
    }
    at++;
    size_t n = 0;
    while (at[n] && at[n] != '"' && n + 1 < out_len) {
        out[n] = at[n];
        n++;
    }
    out[n] = '\0';
    return 1;
}

/* The unsigned number value of key, or `fallback` if absent. */
static inline uint64_t json_number(const char *from, const char *limit, const char *key, uint64_t fallback)
{
    const char *at = json_value_at(from, limit, key);
    return at ? strtoull(at, NULL, 10) : fallback;
}

/* Hex to bytes (at most cap); returns the byte count of the whole string. */
static inline size_t json_unhex(const char *hex, uint8_t *out, size_t cap)
{
    const size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n && i < cap; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    return n;
}

/* The start of the next object's "id" after from (before limit, if set), or NULL. */
static inline const char *json_next_id(const char *from, const char *limit)
{
    const char *at = strstr(from, "\"id\":");
    return (at && (!limit || at < limit)) ? at : NULL;
}

#endif
