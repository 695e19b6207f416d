/*
 * secure_frame.h - the secure UDP datagrams around a 32-byte VLP frame (VLP v0.2 wire format §8.2/8.3),
 * all integers little-endian; the length alone says which one it is:
 *
 *   shared key, 60 bytes:  0 iv_random[8] | 8 iv_counter u32 | 12 ciphertext[32] | 44 tag[16]
 *                          nonce = bytes 0..12, AAD empty
 *   master key, 64 bytes:  0 agent_pid u32 | 4 iv_random[8] | 12 iv_counter u32 | 16 ciphertext[32] | 48 tag[16]
 *                          nonce = bytes 4..16, AAD = bytes 0..4, key = K_agent(agent_pid) (crypto.h);
 *                          the opened frame's pid must equal agent_pid
 *
 * The observer opens them in its classifier (ingress_secure_udp.c); the sender tool and the tests seal them.
 * Thread-safe apart from the contexts passed in (one thread at a time each).
 */
#ifndef VARTA_SECURE_FRAME_H
#define VARTA_SECURE_FRAME_H

#include "varta/crypto.h"
#include "varta/vlp.h"

#include <stddef.h>
#include <stdint.h>

#define VARTA_SECURE_SHARED_BYTES 60u
#define VARTA_SECURE_MASTER_BYTES 64u
#define VARTA_IV_PREFIX_BYTES 8u

/** Where the parts of a secure datagram are (pointers into the datagram). */
struct varta_secure_parts {
    const uint8_t *nonce;      /* 12 bytes: iv_random || u32le(iv_counter) */
    const uint8_t *aad;        /* master key: the clear pid; NULL for shared key */
    size_t aad_len;
    const uint8_t *ciphertext; /* VARTA_FRAME_BYTES */
    const uint8_t *tag;        /* VARTA_AEAD_TAG_BYTES */
    const uint8_t *iv_prefix;  /* == nonce */
    uint32_t iv_counter;
    uint32_t clear_pid;        /* master key: agent_pid; 0 for shared key */
    int master;                /* 1 for the 64-byte format */
};

/** Splits a datagram of len bytes; returns 1 for 60 or 64 bytes, 0 for any other length. */
int varta_secure_parts(const uint8_t *bytes, size_t len, struct varta_secure_parts *parts);

/** Seals frame into a 60-byte shared-key datagram with an encrypting context. Returns 0 or a crypto code. */
int varta_secure_seal_shared(struct varta_aead *sealer, const uint8_t iv_prefix[VARTA_IV_PREFIX_BYTES],
                             uint32_t iv_counter, const uint8_t frame[VARTA_FRAME_BYTES],
                             uint8_t out[VARTA_SECURE_SHARED_BYTES]);

/**
 * Seals frame into a 64-byte master-key datagram for agent_pid: derives K_agent(agent_pid) with kdf and
 * rekeys the encrypting context sealer with it. Returns 0 or a crypto code.
 */
int varta_secure_seal_master(struct varta_agent_kdf *kdf, struct varta_aead *sealer, uint32_t agent_pid,
                             const uint8_t iv_prefix[VARTA_IV_PREFIX_BYTES], uint32_t iv_counter,
                             const uint8_t frame[VARTA_FRAME_BYTES], uint8_t out[VARTA_SECURE_MASTER_BYTES]);

/** u32 little-endian at p. */
static inline uint32_t varta_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/** Stores v little-endian at p. */
static inline void varta_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

#endif
