/*
 * vlp.h - VLP v0.2 frame decoding (the 32-byte heartbeat frame).
 *
 * Frame layout (all integers little-endian):
 *   0 u8[2] magic "VA" | 2 u8 version 0x02 | 3 u8 status | 4 u32 pid | 8 u64 timestamp
 *  16 u64 nonce | 24 u32 payload | 28 u32 crc32c over bytes 0..27
 *
 * Normative check order: magic, version, CRC-32C, status (>3), stall-on-wire (==3),
 * pid (0/1), timestamp (u64 max), nonce (u64 max requires Critical).
 */
#ifndef VARTA_VLP_H
#define VARTA_VLP_H

#include <stddef.h>
#include <stdint.h>

#define VARTA_FRAME_BYTES 32u
#define VARTA_VLP_VERSION 0x02u
#define VARTA_NONCE_TERMINAL UINT64_MAX

enum varta_status {
    VARTA_STATUS_OK = 0,
    VARTA_STATUS_DEGRADED = 1,
    VARTA_STATUS_CRITICAL = 2,
    VARTA_STATUS_STALL = 3
};

/** Decode errors, numbered in the normative check order (Java's DecodeError mirrors these). */
enum varta_decode_error {
    VARTA_DECODE_OK = 0,
    VARTA_DECODE_BAD_MAGIC = 1,
    VARTA_DECODE_BAD_VERSION = 2,
    VARTA_DECODE_BAD_CRC = 3,
    VARTA_DECODE_BAD_STATUS = 4,
    VARTA_DECODE_STALL_ON_WIRE = 5,
    VARTA_DECODE_BAD_PID = 6,
    VARTA_DECODE_BAD_TIMESTAMP = 7,
    VARTA_DECODE_BAD_NONCE = 8
};

struct varta_frame {
    uint8_t status;
    uint32_t pid;
    uint64_t timestamp;
    uint64_t nonce;
    uint32_t payload;
    uint32_t crc_computed; /* CRC over bytes 0..27 (valid once magic and version passed) */
    uint32_t crc_stored;
};

/** Decodes 32 bytes into out; returns VARTA_DECODE_OK or the first failing check. Thread-safe. */
enum varta_decode_error varta_vlp_decode(const uint8_t bytes[VARTA_FRAME_BYTES], struct varta_frame *out);

/** Encodes a frame (CRC computed) into 32 bytes. Thread-safe. */
void varta_vlp_encode(uint8_t status, uint32_t pid, uint64_t timestamp, uint64_t nonce, uint32_t payload,
                      uint8_t out[VARTA_FRAME_BYTES]);

/** Name of a decode error as the export file prints it ("BadMagic", ...); "Ok" for none. */
const char *varta_vlp_error_name(enum varta_decode_error error);

#endif
