/*
 * frame_record.h - the step every transport shares once it holds a 32-byte VLP frame: decode it
 * (vlp.h) into the frame fields of a ring record, as a BEAT or a DECODE_ERROR.
 */
#ifndef VARTA_FRAME_RECORD_H
#define VARTA_FRAME_RECORD_H

#include "varta/ring_access.h"
#include "varta/vlp.h"

#include <stdint.h>

/**
 * Decodes bytes into record: timestamp, nonce, frame_pid, payload, status, decode_error, the
 * details of BadCrc/BadStatus, and kind BEAT or DECODE_ERROR. Leaves every other field alone.
 * Thread-safe.
 */
void varta_frame_record_decode(const uint8_t bytes[VARTA_FRAME_BYTES], struct varta_ring_record *record);

#endif
