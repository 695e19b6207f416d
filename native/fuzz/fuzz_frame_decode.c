/*
 * fuzz_frame_decode.c - libFuzzer target over the VLP decoder and the frame -> record step every transport
 * shares (vlp.c, frame_record.c): any 32 bytes decode to OK or exactly one error without a crash, an OK frame
 * satisfies the decoder's guarantees and re-encodes to the same bytes, and the record agrees with the decoder.
 * Built by ci/sanitize with clang (-fsanitize=fuzzer,address,undefined); corpus seeded from the vectors.
 */
#include "varta/frame_record.h"
#include "varta/vlp.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t bytes[VARTA_FRAME_BYTES] = { 0 };
    memcpy(bytes, data, size < sizeof(bytes) ? size : sizeof(bytes));
    struct varta_frame frame;
    const enum varta_decode_error error = varta_vlp_decode(bytes, &frame);
    if (error > VARTA_DECODE_BAD_NONCE) {
        abort();
    }
    struct varta_ring_record rec;
    memset(&rec, 0, sizeof(rec));
    varta_frame_record_decode(bytes, &rec);
    if (rec.decode_error != (uint8_t)error) {
        abort();
    }
    if (error != VARTA_DECODE_OK) {
        if (rec.kind != VARTA_KIND_DECODE_ERROR) {
            abort();
        }
        return 0;
    }
    if (rec.kind != VARTA_KIND_BEAT || frame.status > VARTA_STATUS_CRITICAL || frame.pid < 2
        || frame.timestamp == UINT64_MAX
        || (frame.nonce == VARTA_NONCE_TERMINAL && frame.status != VARTA_STATUS_CRITICAL)) {
        abort();
    }
    uint8_t again[VARTA_FRAME_BYTES];
    varta_vlp_encode(frame.status, frame.pid, frame.timestamp, frame.nonce, frame.payload, again);
    if (memcmp(again, bytes, sizeof(bytes)) != 0) {
        abort();
    }
    return 0;
}
