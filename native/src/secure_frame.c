/*
 * secure_frame.c - split and seal the 60- and 64-byte secure datagrams (secure_frame.h).
 */
#include "varta/secure_frame.h"

#include <string.h>

#define MASTER_PID_BYTES 4u

int varta_secure_parts(const uint8_t *bytes, size_t len, struct varta_secure_parts *parts)
{
    memset(parts, 0, sizeof(*parts));
    size_t at;
    if (len == VARTA_SECURE_SHARED_BYTES) {
        at = 0;
    } else if (len == VARTA_SECURE_MASTER_BYTES) {
        at = MASTER_PID_BYTES;
        parts->master = 1;
        parts->aad = bytes;
        parts->aad_len = MASTER_PID_BYTES;
        parts->clear_pid = varta_le32(bytes);
    } else {
        return 0;
    }
    parts->nonce = bytes + at;
    parts->iv_prefix = bytes + at;
    parts->iv_counter = varta_le32(bytes + at + VARTA_IV_PREFIX_BYTES);
    parts->ciphertext = bytes + at + VARTA_AEAD_NONCE_BYTES;
    parts->tag = parts->ciphertext + VARTA_FRAME_BYTES;
    return 1;
}

/* Writes iv_prefix || u32le(counter) at out, seals frame after it. */
static int seal_at(struct varta_aead *sealer, uint8_t *out, const uint8_t *aad, size_t aad_len,
                   const uint8_t iv_prefix[VARTA_IV_PREFIX_BYTES], uint32_t iv_counter,
                   const uint8_t frame[VARTA_FRAME_BYTES])
{
    memcpy(out, iv_prefix, VARTA_IV_PREFIX_BYTES);
    varta_put_le32(out + VARTA_IV_PREFIX_BYTES, iv_counter);
    uint8_t *ciphertext = out + VARTA_AEAD_NONCE_BYTES;
    return varta_aead_seal(sealer, out, aad, aad_len, frame, VARTA_FRAME_BYTES, ciphertext,
                           ciphertext + VARTA_FRAME_BYTES);
}

int varta_secure_seal_shared(struct varta_aead *sealer, const uint8_t iv_prefix[VARTA_IV_PREFIX_BYTES],
                             uint32_t iv_counter, const uint8_t frame[VARTA_FRAME_BYTES],
                             uint8_t out[VARTA_SECURE_SHARED_BYTES])
{
    return seal_at(sealer, out, NULL, 0, iv_prefix, iv_counter, frame);
}

int varta_secure_seal_master(struct varta_agent_kdf *kdf, struct varta_aead *sealer, uint32_t agent_pid,
                             const uint8_t iv_prefix[VARTA_IV_PREFIX_BYTES], uint32_t iv_counter,
                             const uint8_t frame[VARTA_FRAME_BYTES], uint8_t out[VARTA_SECURE_MASTER_BYTES])
{
    uint8_t key[VARTA_AEAD_KEY_BYTES];
    int rc = varta_agent_kdf_derive(kdf, agent_pid, key);
    if (rc == 0) {
        rc = varta_aead_rekey(sealer, key);
    }
    varta_wipe(key, sizeof(key));
    if (rc != 0) {
        return rc;
    }
    varta_put_le32(out, agent_pid);
    return seal_at(sealer, out + MASTER_PID_BYTES, out, MASTER_PID_BYTES, iv_prefix, iv_counter, frame);
}
