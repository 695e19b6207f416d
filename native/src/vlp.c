/*
 * vlp.c - VLP v0.2 frame decode/encode in the normative check order (see vlp.h).
 */
#include "varta/vlp.h"

#include "varta/crc32c.h"

static uint32_t load_u32_le(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t load_u64_le(const uint8_t *p)
{
    return (uint64_t)load_u32_le(p) | ((uint64_t)load_u32_le(p + 4) << 32);
}

static void store_u32_le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void store_u64_le(uint8_t *p, uint64_t v)
{
    store_u32_le(p, (uint32_t)v);
    store_u32_le(p + 4, (uint32_t)(v >> 32));
}

enum varta_decode_error varta_vlp_decode(const uint8_t bytes[VARTA_FRAME_BYTES], struct varta_frame *out)
{
    out->status = bytes[3];
    out->pid = load_u32_le(bytes + 4);
    out->timestamp = load_u64_le(bytes + 8);
    out->nonce = load_u64_le(bytes + 16);
    out->payload = load_u32_le(bytes + 24);
    out->crc_stored = load_u32_le(bytes + 28);
    out->crc_computed = 0;

    if (bytes[0] != 0x56u || bytes[1] != 0x41u) {
        return VARTA_DECODE_BAD_MAGIC;
    }
    if (bytes[2] != VARTA_VLP_VERSION) {
        return VARTA_DECODE_BAD_VERSION;
    }
    out->crc_computed = varta_crc32c(bytes, 28);
    if (out->crc_computed != out->crc_stored) {
        return VARTA_DECODE_BAD_CRC;
    }
    if (out->status > VARTA_STATUS_STALL) {
        return VARTA_DECODE_BAD_STATUS;
    }
    if (out->status == VARTA_STATUS_STALL) {
        return VARTA_DECODE_STALL_ON_WIRE;
    }
    if (out->pid <= 1u) {
        return VARTA_DECODE_BAD_PID;
    }
    if (out->timestamp == UINT64_MAX) {
        return VARTA_DECODE_BAD_TIMESTAMP;
    }
    if (out->nonce == VARTA_NONCE_TERMINAL && out->status != VARTA_STATUS_CRITICAL) {
        return VARTA_DECODE_BAD_NONCE;
    }
    return VARTA_DECODE_OK;
}

void varta_vlp_encode(uint8_t status, uint32_t pid, uint64_t timestamp, uint64_t nonce, uint32_t payload,
                      uint8_t out[VARTA_FRAME_BYTES])
{
    out[0] = 0x56u;
    out[1] = 0x41u;
    out[2] = VARTA_VLP_VERSION;
    out[3] = status;
    store_u32_le(out + 4, pid);
    store_u64_le(out + 8, timestamp);
    store_u64_le(out + 16, nonce);
    store_u32_le(out + 24, payload);
    store_u32_le(out + 28, varta_crc32c(out, 28));
}

const char *varta_vlp_error_name(enum varta_decode_error error)
{
    switch (error) {
    case VARTA_DECODE_OK: return "Ok";
    case VARTA_DECODE_BAD_MAGIC: return "BadMagic";
    case VARTA_DECODE_BAD_VERSION: return "BadVersion";
    case VARTA_DECODE_BAD_CRC: return "BadCrc";
    case VARTA_DECODE_BAD_STATUS: return "BadStatus";
    case VARTA_DECODE_STALL_ON_WIRE: return "StallOnWire";
    case VARTA_DECODE_BAD_PID: return "BadPid";
    case VARTA_DECODE_BAD_TIMESTAMP: return "BadTimestamp";
    case VARTA_DECODE_BAD_NONCE: return "BadNonce";
    }
    return "Unknown";
}
