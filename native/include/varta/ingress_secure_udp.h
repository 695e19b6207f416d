/*
 * ingress_secure_udp.h - the secure UDP transport's classifier (see ingress.h), per datagram in the
 * reference's order (its feature list §2.3, VLP v0.2 wire format §8.6/8.7):
 *
 *   source (udp.h) -> length 60 or 64, else WRONG_LENGTH (a 65-byte read shows "longer")
 *   -> every shared key, in order, on the nonce/ciphertext/tag (empty AAD), and for 64 bytes with a master
 *      key also K_agent(clear pid) with the clear pid as AAD: all of them, whatever succeeded first, so the
 *      time taken does not tell which key matched; the first shared key that verifies wins, then the master
 *      key, whose opened frame must carry the clear pid. Trials are added to the keys' attempt count.
 *      Nothing verified -> DECRYPT_FAILED (no event)
 *   -> VLP decode of the plaintext -> DECODE_ERROR (an event; no replay state is created)
 *   -> replay rules keyed by the decoded pid (replay.h) -> BEAT, REPLAY_REFUSED or SENDER_TABLE_FULL
 *
 * The state (one opening context per shared key, the master key's derivation and an opening context for the
 * derived key, the replay table) is allocated once at init; classifying allocates nothing in this library
 * (OpenSSL's HKDF allocates internally per master-key derivation, crypto.h). Plaintext and derived keys are
 * wiped after use. Receiver thread only, except init and destroy.
 */
#ifndef VARTA_INGRESS_SECURE_UDP_H
#define VARTA_INGRESS_SECURE_UDP_H

#include "varta/ingress.h"
#include "varta/secure_keys.h"

#include <stdint.h>

/**
 * Fills *out for a bound UDP socket (udp.h) and a loaded libcrypto (openssl.h). keys must hold at least one
 * key, stays the caller's and must outlive the ingress (its attempt count is written by the classifier);
 * origin as for plaintext UDP. Returns 0, -EINVAL (origin, no key), -ENOMEM or a VARTA_CRYPTO_ERR_*.
 */
int varta_ingress_secure_udp_init(struct varta_ingress *out, int fd, uint8_t origin, struct varta_secure_keys *keys);

#endif
