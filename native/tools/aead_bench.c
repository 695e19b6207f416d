/*
 * aead_bench.c - `aead-bench [--datagrams N]`: the secure classifier's cost per datagram, in process, no sockets:
 * the observer's classifier (ingress_secure_udp.c) on pre-sealed datagrams with 1 and with 4 shared keys (a
 * matching 60-byte datagram: every key is tried), with a master key (64-byte datagrams: 1 shared key, then the
 * agent's key, from the cache for 512 agents in turn or derived by HKDF for a new agent every datagram, and the
 * open), and a datagram no key opens; plus one bare ChaCha20-Poly1305 open and one HKDF agent-key derivation.
 * Prints one line per case: ns per datagram (median of 5 passes) and ns per AEAD trial.
 */
#include "tool_util.h"

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

#define TOOL "aead-bench"
#define PASSES 5
static const char USAGE[] = "[--datagrams N]";

static int compare(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a;
    const uint64_t y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static struct varta_secure_keys *keys_with(unsigned shared, int master)
{
    struct varta_secure_keys *keys = NULL;
    varta_secure_keys_new(1000000000, &keys);
    for (unsigned k = 0; k < shared; k++) {
        memset(keys->shared[k], 0x10 + (int)k, 32);
    }
    keys->shared_count = shared;
    if (master) {
        memset(keys->master, 0x77, 32);
        keys->has_master = 1;
    }
    return keys;
}

/* Median ns per datagram of classifying `count` datagrams of len bytes from `wire` (a fresh classifier per pass). */
static double classify_ns(struct varta_secure_keys *keys, const uint8_t *wire, size_t len, uint64_t count,
                          uint64_t *trials)
{
    uint64_t passes[PASSES];
    for (int p = 0; p < PASSES; p++) {
        struct varta_ingress ingress;
        if (varta_ingress_secure_udp_init(&ingress, -1, VARTA_ORIGIN_NETWORK_UNVERIFIED, keys) != 0) {
            fprintf(stderr, "aead-bench: classifier init failed\n");
            exit(1);
        }
        struct msghdr header;
        memset(&header, 0, sizeof(header));
        const uint64_t before = varta_secure_keys_attempts(keys);
        const uint64_t start = tool_mono_ns();
        for (uint64_t i = 0; i < count; i++) {
            const struct varta_datagram d = { .bytes = wire + i * len, .length = (uint32_t)len, .header = &header };
            struct varta_ring_record rec;
            memset(&rec, 0, sizeof(rec));
            rec.recv_ns = 1000000000000ULL + i;
            ingress.classify(&ingress, &d, &rec);
        }
        passes[p] = tool_mono_ns() - start;
        *trials = varta_secure_keys_attempts(keys) - before;
        varta_ingress_destroy(&ingress);
    }
    qsort(passes, PASSES, sizeof(passes[0]), compare);
    return (double)passes[PASSES / 2] / (double)count;
}

/*
 * count datagrams sealed with shared key k (or the master key), counters from 0: from 512 agents in turn (pids
 * 2..513), or with distinct_pids one new pid per datagram (with a master key: every agent key derived afresh).
 */
static uint8_t *seal(const struct varta_secure_keys *keys, int master, int distinct_pids, uint64_t count, size_t *len)
{
    struct varta_aead sealer;
    struct varta_agent_kdf kdf;
    varta_aead_init(&sealer, master ? keys->master : keys->shared[keys->shared_count - 1], 1);
    if (master) {
        varta_agent_kdf_init(&kdf, keys->master);
    }
    *len = master ? VARTA_SECURE_MASTER_BYTES : VARTA_SECURE_SHARED_BYTES;
    uint8_t *all = malloc(count * *len);
    const uint8_t prefix[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    for (uint64_t i = 0; i < count; i++) {
        uint8_t frame[VARTA_FRAME_BYTES];
        const uint32_t pid = 2 + (uint32_t)(distinct_pids ? i : i % 512);
        varta_vlp_encode(VARTA_STATUS_OK, pid, i, i + 1, 0, frame);
        if (master) {
            varta_secure_seal_master(&kdf, &sealer, pid, prefix, (uint32_t)i, frame, all + i * *len);
        } else {
            varta_secure_seal_shared(&sealer, prefix, (uint32_t)i, frame, all + i * *len);
        }
    }
    varta_aead_free(&sealer);
    if (master) {
        varta_agent_kdf_free(&kdf);
    }
    return all;
}

static void report(const char *name, double ns, uint64_t trials, uint64_t count)
{
    printf("%-52s %8.0f ns/datagram %8.0f ns/AEAD trial\n", name, ns, ns * (double)count / (double)trials);
}

int main(int argc, char **argv)
{
    uint64_t count = 200000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--datagrams") == 0 && i + 1 < argc) {
            count = tool_flag_u64(TOOL, USAGE, argv[i], argv[i + 1], 1000, 100000000);
            i++;
        } else {
            tool_usage_exit(TOOL, USAGE, "unknown argument");
        }
    }
    char why[256];
    if (varta_crypto_load(NULL, why, sizeof(why)) != 0) {
        fprintf(stderr, "aead-bench: %s\n", why);
        return 1;
    }
    size_t len;
    uint64_t trials;
    struct varta_secure_keys *one = keys_with(1, 0);
    uint8_t *wire = seal(one, 0, 0, count, &len);
    double ns = classify_ns(one, wire, len, count, &trials);
    report("60 B, 1 shared key (opens)", ns, trials, count);
    struct varta_secure_keys *four = keys_with(4, 0);
    uint8_t *wire4 = seal(four, 0, 0, count, &len);
    ns = classify_ns(four, wire4, len, count, &trials);
    report("60 B, 4 shared keys (the last opens; all 4 tried)", ns, trials, count);
    memset(wire4, 0xab, count * len);
    ns = classify_ns(four, wire4, len, count, &trials);
    report("60 B, 4 shared keys, garbage (no key opens)", ns, trials, count);
    struct varta_secure_keys *master = keys_with(1, 1);
    uint8_t *wirem = seal(master, 1, 0, count, &len);
    ns = classify_ns(master, wirem, len, count, &trials);
    report("64 B, 1 shared key + master key, 512 agents (opens)", ns, trials, count);
    uint8_t *wiren = seal(master, 1, 1, count, &len);
    ns = classify_ns(master, wiren, len, count, &trials);
    report("64 B, same, a new agent every datagram (HKDF each)", ns, trials, count);

    /* the primitives alone */
    struct varta_aead opener;
    varta_aead_init(&opener, one->shared[0], 0);
    uint8_t out[32];
    struct varta_secure_parts parts;
    uint64_t start = tool_mono_ns();
    for (uint64_t i = 0; i < count; i++) {
        varta_secure_parts(wire + i * VARTA_SECURE_SHARED_BYTES, VARTA_SECURE_SHARED_BYTES, &parts);
        varta_aead_open(&opener, parts.nonce, NULL, 0, parts.ciphertext, 32, parts.tag, out);
    }
    printf("%-52s %8.0f ns\n", "one ChaCha20-Poly1305 open (EVP, key preset)",
           (double)(tool_mono_ns() - start) / (double)count);
    struct varta_agent_kdf kdf;
    varta_agent_kdf_init(&kdf, master->master);
    uint8_t key[32];
    const uint64_t derivations = count / 10;
    start = tool_mono_ns();
    for (uint64_t i = 0; i < derivations; i++) {
        varta_agent_kdf_derive(&kdf, (uint32_t)(2 + i), key);
    }
    printf("%-52s %8.0f ns\n", "one HKDF-SHA256 agent-key derivation (EVP_KDF expand)",
           (double)(tool_mono_ns() - start) / (double)derivations);
    varta_agent_kdf_free(&kdf);
    varta_aead_free(&opener);
    free(wire);
    free(wire4);
    free(wirem);
    free(wiren);
    varta_secure_keys_free(one);
    varta_secure_keys_free(four);
    varta_secure_keys_free(master);
    return 0;
}
