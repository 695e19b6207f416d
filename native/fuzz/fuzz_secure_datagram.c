/*
 * fuzz_secure_datagram.c - libFuzzer target over the secure UDP classifier (ingress_secure_udp.c): the length
 * check, every key tried, the master-key derivation and inner-pid check, the decode and the replay table, with
 * the keys of the secure vectors (shared 00..1f twice rotated, master 00..1f), so the vectors' own datagrams
 * authenticate. An input is a program of operations, run on a fresh classifier:
 *
 *   op % 4 == 0  raw datagram: a length byte (L = b % 70), then L bytes (short input is zero-padded)
 *   op % 4 == 1  seal with shared key (b & 1): prefix[8] counter[4] frame[32], then classify
 *   op % 4 == 2  seal with the master key: flag (b & 1: a clear pid other than the frame's), prefix, counter, frame
 *   op % 4 == 3  advance the clock by u32le(4 bytes) milliseconds (expiry, sweeps, the restart gap)
 *
 * Invariants checked after every datagram: one record kind of the secure set; AEAD trials grow by exactly the
 * shared keys (plus one for a 64-byte datagram: the master key) and not at all for another length; a beat is a
 * frame the decoder accepts; a sealed datagram with a mismatched clear pid never authenticates with the master
 * key; a sealed datagram is never refused as undecryptable; the replay table never exceeds its capacity.
 */
#include "varta/crypto.h"
#include "varta/ingress_secure_udp.h"
#include "varta/secure_frame.h"
#include "varta/secure_keys.h"
#include "varta/vlp.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define SHARED_KEYS 2u
#define GAP_NS 500000000ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct varta_aead sealers[SHARED_KEYS];
static struct varta_aead master_sealer;
static struct varta_agent_kdf master_kdf;
static uint8_t shared_keys[SHARED_KEYS][32];
static uint8_t master_key[32];
static int ready;

static void setup(void)
{
    char why[256];
    if (varta_crypto_load(NULL, why, sizeof(why)) != 0) {
        fprintf(stderr, "libcrypto: %s\n", why);
        abort();
    }
    for (unsigned k = 0; k < SHARED_KEYS; k++) {
        for (int i = 0; i < 32; i++) {
            shared_keys[k][i] = (uint8_t)(i + 32 * k); /* key 0 = 00..1f, the vectors' key */
        }
        varta_aead_init(&sealers[k], shared_keys[k], 1);
    }
    for (int i = 0; i < 32; i++) {
        master_key[i] = (uint8_t)i;
    }
    varta_aead_init(&master_sealer, master_key, 1);
    varta_agent_kdf_init(&master_kdf, master_key);
    ready = 1;
}

struct reader {
    const uint8_t *at;
    size_t left;
};

static void take(struct reader *r, uint8_t *out, size_t n)
{
    const size_t have = r->left < n ? r->left : n;
    memcpy(out, r->at, have);
    memset(out + have, 0, n - have);
    r->at += have;
    r->left -= have;
}

static uint8_t take_byte(struct reader *r)
{
    uint8_t b;
    take(r, &b, 1);
    return b;
}

static int secure_kind(uint8_t kind)
{
    return kind == VARTA_KIND_BEAT || kind == VARTA_KIND_DECODE_ERROR || kind == VARTA_KIND_WRONG_LENGTH
        || kind == VARTA_KIND_DECRYPT_FAILED || kind == VARTA_KIND_REPLAY_REFUSED
        || kind == VARTA_KIND_SENDER_TABLE_FULL;
}

/* Classifies one datagram and checks what holds for every datagram. */
static struct varta_ring_record classify(struct varta_ingress *ingress, struct varta_secure_keys *keys,
                                         const uint8_t *bytes, uint32_t len, uint64_t now)
{
    struct msghdr header;
    memset(&header, 0, sizeof(header));
    const struct varta_datagram d = { .bytes = bytes, .length = len, .flags = 0, .header = &header };
    struct varta_ring_record rec;
    memset(&rec, 0, sizeof(rec));
    rec.recv_ns = now;
    const uint64_t before = varta_secure_keys_attempts(keys);
    ingress->classify(ingress, &d, &rec);
    const uint64_t trials = varta_secure_keys_attempts(keys) - before;
    const uint64_t expected = len == VARTA_SECURE_SHARED_BYTES ? SHARED_KEYS
        : len == VARTA_SECURE_MASTER_BYTES ? SHARED_KEYS + 1 : 0;
    if (!secure_kind(rec.kind) || trials != expected) {
        abort();
    }
    if ((len != VARTA_SECURE_SHARED_BYTES && len != VARTA_SECURE_MASTER_BYTES) != (rec.kind == VARTA_KIND_WRONG_LENGTH)) {
        abort();
    }
    if (rec.kind == VARTA_KIND_BEAT && (rec.decode_error != 0 || rec.frame_pid < 2 || rec.status > 2)) {
        abort();
    }
    if (rec.kind == VARTA_KIND_DECODE_ERROR && rec.decode_error == 0) {
        abort();
    }
    return rec;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        setup();
    }
    struct varta_secure_keys *keys = NULL;
    if (varta_secure_keys_new(GAP_NS, &keys) != 0) {
        abort();
    }
    memcpy(keys->shared, shared_keys, sizeof(shared_keys));
    keys->shared_count = SHARED_KEYS;
    memcpy(keys->master, master_key, sizeof(master_key));
    keys->has_master = 1;
    struct varta_ingress ingress;
    if (varta_ingress_secure_udp_init(&ingress, -1, VARTA_ORIGIN_NETWORK_UNVERIFIED, keys) != 0) {
        abort();
    }
    struct reader r = { data, size };
    uint64_t now = 1000000000000ULL;
    unsigned steps = 0;
    while (r.left > 0 && steps++ < 256) {
        const uint8_t op = take_byte(&r);
        uint8_t wire[VARTA_SECURE_MASTER_BYTES + 6];
        uint8_t prefix[VARTA_IV_PREFIX_BYTES], counter[4], frame[VARTA_FRAME_BYTES];
        now += 1000;
        switch (op % 4) {
        case 0: {
            const uint32_t len = take_byte(&r) % 70u;
            take(&r, wire, len);
            classify(&ingress, keys, wire, len, now);
            break;
        }
        case 1: {
            const unsigned key = take_byte(&r) & 1u;
            take(&r, prefix, sizeof(prefix));
            take(&r, counter, sizeof(counter));
            take(&r, frame, sizeof(frame));
            if (varta_secure_seal_shared(&sealers[key], prefix, varta_le32(counter), frame, wire) != 0) {
                abort();
            }
            const struct varta_ring_record rec = classify(&ingress, keys, wire, VARTA_SECURE_SHARED_BYTES, now);
            if (rec.kind == VARTA_KIND_DECRYPT_FAILED || rec.kind == VARTA_KIND_WRONG_LENGTH) {
                abort(); /* sealed with a loaded key: always authentic */
            }
            break;
        }
        case 2: {
            const int mismatch = take_byte(&r) & 1;
            take(&r, prefix, sizeof(prefix));
            take(&r, counter, sizeof(counter));
            take(&r, frame, sizeof(frame));
            const uint32_t pid = varta_le32(frame + 4) + (mismatch ? 1u : 0u);
            if (varta_secure_seal_master(&master_kdf, &master_sealer, pid, prefix, varta_le32(counter), frame, wire)
                != 0) {
                abort();
            }
            const struct varta_ring_record rec = classify(&ingress, keys, wire, VARTA_SECURE_MASTER_BYTES, now);
            if (mismatch != (rec.kind == VARTA_KIND_DECRYPT_FAILED)) {
                abort(); /* an opened pid other than the clear pid is refused, a matching one never */
            }
            break;
        }
        default: {
            take(&r, counter, sizeof(counter));
            now += (uint64_t)varta_le32(counter) * 1000000ULL;
            break;
        }
        }
    }
    varta_ingress_destroy(&ingress);
    varta_secure_keys_free(keys);
    return 0;
}
