/*
 * ingress_secure_udp.c - one secure UDP datagram into one record (see ingress_secure_udp.h).
 */
#include "varta/ingress_secure_udp.h"

#include "varta/crypto.h"
#include "varta/frame_record.h"
#include "varta/ingress_udp.h"
#include "varta/replay.h"
#include "varta/secure_frame.h"
#include "varta/udp.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/*
 * Derived agent keys, cached by pid. K_agent(pid) is a pure function of the master key and the pid, so the
 * datagrams of an agent seen before skip the HKDF (about 1.3 us and a dozen OpenSSL allocations each) and only
 * rekey the opening context. Direct-mapped on a multiplicative hash of the pid; a pid not in its slot derives and
 * takes the slot. The clear pid is not authenticated yet when its key is looked up: a forged pid can only evict
 * (it derives, as every datagram did before the cache), never plant a key, since a slot only ever holds the
 * derivation for its own pid. Keys are wiped when the listener closes.
 */
#define AGENT_KEY_SLOTS_LOG2 10u
#define AGENT_KEY_SLOTS (1u << AGENT_KEY_SLOTS_LOG2)

struct agent_key_slot {
    uint32_t pid;
    uint32_t valid;
    uint8_t key[VARTA_AEAD_KEY_BYTES];
};

struct secure_state {
    struct varta_secure_keys *keys;   /* the listener's: attempt count */
    struct varta_aead shared[VARTA_KEYS_MAX_SHARED];
    unsigned shared_count;
    int has_master;
    struct varta_agent_kdf master;
    struct varta_aead agent;          /* opening context, rekeyed with K_agent(pid) per 64-byte datagram */
    struct agent_key_slot agent_keys[AGENT_KEY_SLOTS];
    struct varta_replay_table replay;
};

/* K_agent(pid) into *key (pointing into the cache). Returns 0, or VARTA_CRYPTO_ERR_FAILED with the slot emptied. */
static int agent_key(struct secure_state *state, uint32_t pid, const uint8_t **key)
{
    struct agent_key_slot *slot = &state->agent_keys[(uint32_t)(pid * 2654435761u) >> (32u - AGENT_KEY_SLOTS_LOG2)];
    if (!slot->valid || slot->pid != pid) {
        slot->valid = 0;
        if (varta_agent_kdf_derive(&state->master, pid, slot->key) != 0) {
            varta_wipe(slot->key, sizeof(slot->key));
            return VARTA_CRYPTO_ERR_FAILED;
        }
        slot->pid = pid;
        slot->valid = 1;
    }
    *key = slot->key;
    return 0;
}

/* Tries every key on the datagram; the winning plaintext goes to plain. Returns 1 if one verified. */
static int open_datagram(struct secure_state *state, const struct varta_secure_parts *parts,
                         uint8_t plain[VARTA_FRAME_BYTES])
{
    uint8_t candidate[VARTA_FRAME_BYTES];
    int opened = 0;
    uint64_t trials = 0;
    for (unsigned i = 0; i < state->shared_count; i++) {
        trials++;
        /* shared keys never use AAD, also on a 64-byte datagram (VLP v0.2 wire format §12.4) */
        if (varta_aead_open(&state->shared[i], parts->nonce, NULL, 0, parts->ciphertext, VARTA_FRAME_BYTES,
                            parts->tag, candidate) && !opened) {
            memcpy(plain, candidate, VARTA_FRAME_BYTES);
            opened = 1;
        }
    }
    if (parts->master && state->has_master) {
        trials++;
        const uint8_t *key = NULL;
        const int keyed = agent_key(state, parts->clear_pid, &key) == 0 && varta_aead_rekey(&state->agent, key) == 0;
        if (keyed && varta_aead_open(&state->agent, parts->nonce, parts->aad, parts->aad_len, parts->ciphertext,
                                     VARTA_FRAME_BYTES, parts->tag, candidate)
            && !opened && varta_le32(candidate + 4) == parts->clear_pid) {
            memcpy(plain, candidate, VARTA_FRAME_BYTES);
            opened = 1;
        }
    }
    varta_wipe(candidate, sizeof(candidate));
    varta_secure_keys_count_attempts(state->keys, trials);
    return opened;
}

static void classify_secure(const struct varta_ingress *ingress, const struct varta_datagram *d,
                            struct varta_ring_record *rec)
{
    struct secure_state *state = ingress->state;
    varta_udp_source(d->header, &rec->source_port, &rec->source_hash);
    struct varta_secure_parts parts;
    if (!varta_secure_parts(d->bytes, d->length, &parts)) {
        rec->kind = VARTA_KIND_WRONG_LENGTH;
        return;
    }
    uint8_t plain[VARTA_FRAME_BYTES];
    if (!open_datagram(state, &parts, plain)) {
        rec->kind = VARTA_KIND_DECRYPT_FAILED;
        return;
    }
    varta_frame_record_decode(plain, rec);
    varta_wipe(plain, sizeof(plain));
    if (rec->kind != VARTA_KIND_BEAT) {
        return; /* a decode error: reported, no replay state */
    }
    const struct varta_replay_frame frame = {
        .pid = rec->frame_pid,
        .iv_prefix = parts.iv_prefix,
        .iv_counter = parts.iv_counter,
        .nonce = rec->nonce,
        .timestamp = rec->timestamp,
        .terminal = rec->nonce == VARTA_NONCE_TERMINAL,
    };
    switch (varta_replay_check(&state->replay, &frame, rec->recv_ns)) {
    case VARTA_REPLAY_ACCEPT:
        break;
    case VARTA_REPLAY_TABLE_FULL:
        rec->kind = VARTA_KIND_SENDER_TABLE_FULL;
        break;
    default:
        rec->kind = VARTA_KIND_REPLAY_REFUSED;
        break;
    }
}

static void destroy_state(struct secure_state *state)
{
    for (unsigned i = 0; i < state->shared_count; i++) {
        varta_aead_free(&state->shared[i]);
    }
    if (state->has_master) {
        varta_agent_kdf_free(&state->master);
        varta_aead_free(&state->agent);
        varta_wipe(state->agent_keys, sizeof(state->agent_keys));
    }
    varta_replay_free(&state->replay);
    free(state);
}

static void destroy_secure(struct varta_ingress *ingress)
{
    destroy_state(ingress->state);
    ingress->state = NULL;
}

static int build_state(struct secure_state *state, struct varta_secure_keys *keys)
{
    state->keys = keys;
    int rc = varta_replay_init(&state->replay, keys->restart_gap_ns);
    for (unsigned i = 0; rc == 0 && i < keys->shared_count; i++) {
        rc = varta_aead_init(&state->shared[i], keys->shared[i], 0);
        if (rc == 0) {
            state->shared_count++;
        }
    }
    if (rc == 0 && keys->has_master) {
        rc = varta_agent_kdf_init(&state->master, keys->master);
        if (rc == 0) {
            uint8_t placeholder[VARTA_AEAD_KEY_BYTES] = { 0 }; /* replaced by K_agent(pid) before each use */
            rc = varta_aead_init(&state->agent, placeholder, 0);
            if (rc == 0) {
                state->has_master = 1;
            } else {
                varta_agent_kdf_free(&state->master);
            }
        }
    }
    return rc;
}

int varta_ingress_secure_udp_init(struct varta_ingress *out, int fd, uint8_t origin, struct varta_secure_keys *keys)
{
    if (!varta_ingress_udp_origin_valid(origin) || keys == NULL || (keys->shared_count == 0 && !keys->has_master)) {
        return -EINVAL;
    }
    struct secure_state *state = calloc(1, sizeof(*state));
    if (state == NULL) {
        return -ENOMEM;
    }
    const int rc = build_state(state, keys);
    if (rc != 0) {
        destroy_state(state);
        return rc;
    }
    memset(out, 0, sizeof(*out));
    out->fd = fd;
    out->transport = VARTA_TRANSPORT_SECURE_UDP;
    out->origin = origin;
    out->max_datagram_bytes = VARTA_SECURE_MASTER_BYTES;
    out->name_bytes = (uint16_t)sizeof(struct sockaddr_in6);
    out->control_bytes = 0;
    out->classify = classify_secure;
    out->destroy = destroy_secure;
    out->state = state;
    return 0;
}
