/*
 * frame_record.c - a decoded VLP frame into a ring record (see frame_record.h).
 */
#include "varta/frame_record.h"

void varta_frame_record_decode(const uint8_t bytes[VARTA_FRAME_BYTES], struct varta_ring_record *rec)
{
    struct varta_frame frame;
    const enum varta_decode_error error = varta_vlp_decode(bytes, &frame);
    rec->timestamp = frame.timestamp;
    rec->nonce = frame.nonce;
    rec->frame_pid = frame.pid;
    rec->payload = frame.payload;
    rec->status = frame.status;
    rec->decode_error = (uint8_t)error;
    if (error == VARTA_DECODE_OK) {
        rec->kind = VARTA_KIND_BEAT;
        return;
    }
    rec->kind = VARTA_KIND_DECODE_ERROR;
    if (error == VARTA_DECODE_BAD_CRC) {
        rec->detail_a = frame.crc_computed;
        rec->detail_b = frame.crc_stored;
    } else if (error == VARTA_DECODE_BAD_STATUS) {
        rec->detail_a = frame.status;
    }
}
