/*
 * test_vectors.c - every CRC and frame vector of vlp-test-vectors.json through the C CRC and decoder.
 * Secure vectors are only counted here; test_secure.c checks them through the libcrypto path.
 *
 * The vector file is read in place (argv[1]); a minimal scanner pulls "key": "value" pairs in order.
 */
#include "varta/crc32c.h"
#include "varta/vlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
        exit(2);
    }
    text[size] = '\0';
    fclose(f);
    return text;
}

/* Copies the string value of "key" found at or after *cursor (not beyond limit) into out. */
static int string_value(const char *from, const char *limit, const char *key, char *out, size_t out_len)
{
    char pattern[64];
    snprintf(pattern, sizeof(pattern), "\"%s\":", key);
    const char *at = strstr(from, pattern);
    if (!at || (limit && at >= limit)) {
        return 0;
    }
    at += strlen(pattern);
    while (*at == ' ') {
        at++;
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

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n && i < cap; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    return n;
}

/* Returns the start of the next object with "id" in the given array section. */
static const char *next_id(const char *from, const char *limit)
{
    const char *at = strstr(from, "\"id\":");
    return (at && (!limit || at < limit)) ? at : NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s vlp-test-vectors.json\n", argv[0]);
        return 2;
    }
    char *json = read_file(argv[1]);
    const char *crc_section = strstr(json, "\"crc32c_vectors\"");
    const char *frame_section = strstr(json, "\"frame_vectors\"");
    const char *secure_section = strstr(json, "\"secure_frame_vectors\"");
    CHECK(crc_section && frame_section && secure_section, "vector sections missing");
    if (!crc_section || !frame_section || !secure_section) {
        return 1;
    }

    int crc_count = 0, frame_count = 0, secure_count = 0;
    char id[128], hex[256], expected[64];
    uint8_t bytes[128];

    for (const char *at = next_id(crc_section, frame_section); at; at = next_id(at + 1, frame_section)) {
        string_value(at, frame_section, "id", id, sizeof(id));
        string_value(at, frame_section, "input_hex", hex, sizeof(hex));
        string_value(at, frame_section, "expected_crc_hex", expected, sizeof(expected));
        size_t n = unhex(hex, bytes, sizeof(bytes));
        uint32_t want = (uint32_t)strtoul(expected, NULL, 16);
        CHECK(varta_crc32c_table(bytes, n) == want, "%s: table crc", id);
        CHECK(varta_crc32c(bytes, n) == want, "%s: dispatched crc", id);
        if (varta_crc32c_hw_available()) {
            CHECK(varta_crc32c_hw(bytes, n) == want, "%s: hw crc", id);
        }
        crc_count++;
    }

    for (const char *at = next_id(frame_section, secure_section); at; at = next_id(at + 1, secure_section)) {
        const char *end = next_id(at + 1, secure_section);
        if (!end) {
            end = secure_section;
        }
        string_value(at, end, "id", id, sizeof(id));
        if (!string_value(at, end, "expected_wire_hex", hex, sizeof(hex))) {
            string_value(at, end, "wire_hex", hex, sizeof(hex));
        }
        string_value(at, end, "expected_decode_error", expected, sizeof(expected));
        CHECK(unhex(hex, bytes, sizeof(bytes)) == VARTA_FRAME_BYTES, "%s: frame is not 32 bytes", id);
        struct varta_frame frame;
        enum varta_decode_error error = varta_vlp_decode(bytes, &frame);
        if (expected[0] == '\0') {
            CHECK(error == VARTA_DECODE_OK, "%s: expected ok, got %s", id, varta_vlp_error_name(error));
            uint8_t again[VARTA_FRAME_BYTES];
            varta_vlp_encode(frame.status, frame.pid, frame.timestamp, frame.nonce, frame.payload, again);
            CHECK(memcmp(again, bytes, VARTA_FRAME_BYTES) == 0, "%s: re-encode differs", id);
        } else {
            CHECK(strcmp(varta_vlp_error_name(error), expected) == 0, "%s: expected %s, got %s", id, expected,
                  varta_vlp_error_name(error));
        }
        frame_count++;
    }

    for (const char *at = next_id(secure_section, NULL); at; at = next_id(at + 1, NULL)) {
        secure_count++;
    }

    printf("crc vectors: %d, frame vectors: %d, secure vectors (checked by test_secure): %d\n", crc_count,
           frame_count, secure_count);
    CHECK(crc_count == 5 && frame_count == 15 && secure_count == 5, "unexpected vector counts");
    free(json);
    return failures ? 1 : 0;
}
