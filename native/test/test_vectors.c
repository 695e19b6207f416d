/*
 * test_vectors.c - every CRC and frame vector of vlp-test-vectors.json through the C CRC and decoder.
 * Secure vectors are only counted here; test_secure.c checks them through the libcrypto path.
 *
 * The vector file is read in place (argv[1]) with the tests' minimal scanner (json_scan.h).
 */
#include "varta/crc32c.h"
#include "varta/vlp.h"

#include "json_scan.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s vlp-test-vectors.json\n", argv[0]);
        return 2;
    }
    char *json = json_read_file(argv[1]);
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

    for (const char *at = json_next_id(crc_section, frame_section); at; at = json_next_id(at + 1, frame_section)) {
        json_string(at, frame_section, "id", id, sizeof(id));
        json_string(at, frame_section, "input_hex", hex, sizeof(hex));
        json_string(at, frame_section, "expected_crc_hex", expected, sizeof(expected));
        size_t n = json_unhex(hex, bytes, sizeof(bytes));
        uint32_t want = (uint32_t)strtoul(expected, NULL, 16);
        CHECK(varta_crc32c_table(bytes, n) == want, "%s: table crc", id);
        CHECK(varta_crc32c(bytes, n) == want, "%s: dispatched crc", id);
        if (varta_crc32c_hw_available()) {
            CHECK(varta_crc32c_hw(bytes, n) == want, "%s: hw crc", id);
        }
        crc_count++;
    }

    for (const char *at = json_next_id(frame_section, secure_section); at; at = json_next_id(at + 1, secure_section)) {
        const char *end = json_next_id(at + 1, secure_section);
        if (!end) {
            end = secure_section;
        }
        json_string(at, end, "id", id, sizeof(id));
        if (!json_string(at, end, "expected_wire_hex", hex, sizeof(hex))) {
            json_string(at, end, "wire_hex", hex, sizeof(hex));
        }
        json_string(at, end, "expected_decode_error", expected, sizeof(expected));
        CHECK(json_unhex(hex, bytes, sizeof(bytes)) == VARTA_FRAME_BYTES, "%s: frame is not 32 bytes", id);
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

    for (const char *at = json_next_id(secure_section, NULL); at; at = json_next_id(at + 1, NULL)) {
        secure_count++;
    }

    printf("crc vectors: %d, frame vectors: %d, secure vectors (checked by test_secure): %d\n", crc_count,
           frame_count, secure_count);
    CHECK(crc_count == 5 && frame_count == 15 && secure_count == 5, "unexpected vector counts");
    free(json);
    return check_summary("test_vectors");
}
