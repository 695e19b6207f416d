/*
 * test_secure.c - secure UDP below the sockets: the five secure vectors of vlp-test-vectors.json (both
 * seals byte for byte, the derived agent key and the three HKDF derivations), the HKDF check values of
 * VLP v0.2 wire format §8.4, opening both datagram formats, key files (content rules and private-file rules),
 * the classifier's decisions on hand-made datagrams, and that opening a shared-key datagram allocates nothing.
 */
#include "varta/crypto.h"
#include "varta/ingress_secure_udp.h"
#include "varta/secure_frame.h"
#include "varta/secure_keys.h"
#include "varta/vlp.h"

#include "json_scan.h"
#include "support.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static int hex_equals(const uint8_t *bytes, size_t len, const char *hex)
{
    uint8_t want[256];
    return json_unhex(hex, want, sizeof(want)) == len && memcmp(bytes, want, len) == 0;
}

static void shared_seal_vector(const char *at, const char *end, const char *id)
{
    char key_hex[80], iv_hex[40], plain_hex[80], wire_hex[160];
    json_string(at, end, "key_hex", key_hex, sizeof(key_hex));
    json_string(at, end, "iv_random_hex", iv_hex, sizeof(iv_hex));
    json_string(at, end, "plaintext_hex", plain_hex, sizeof(plain_hex));
    json_string(at, end, "expected_wire_hex", wire_hex, sizeof(wire_hex));
    uint8_t key[32], iv[8], plain[32], wire[VARTA_SECURE_SHARED_BYTES], opened[32];
    json_unhex(key_hex, key, 32);
    json_unhex(iv_hex, iv, 8);
    json_unhex(plain_hex, plain, 32);
    struct varta_aead sealer, opener;
    CHECK(varta_aead_init(&sealer, key, 1) == 0 && varta_aead_init(&opener, key, 0) == 0, "%s: contexts", id);
    CHECK(varta_secure_seal_shared(&sealer, iv, (uint32_t)json_number(at, end, "iv_counter", 99), plain, wire) == 0,
          "%s: seal", id);
    CHECK(hex_equals(wire, sizeof(wire), wire_hex), "%s: sealed bytes differ from the vector", id);
    struct varta_secure_parts parts;
    CHECK(varta_secure_parts(wire, sizeof(wire), &parts) && !parts.master, "%s: a 60-byte shared-key datagram", id);
    CHECK(varta_aead_open(&opener, parts.nonce, NULL, 0, parts.ciphertext, 32, parts.tag, opened) == 1
          && memcmp(opened, plain, 32) == 0, "%s: opens to the plaintext", id);
    wire[20] ^= 1;
    CHECK(varta_aead_open(&opener, parts.nonce, NULL, 0, parts.ciphertext, 32, parts.tag, opened) == 0,
          "%s: a flipped ciphertext bit fails the tag", id);
    varta_aead_free(&sealer);
    varta_aead_free(&opener);
}

static void master_seal_vector(const char *at, const char *end, const char *id)
{
    char master_hex[80], agent_hex[80], iv_hex[40], plain_hex[80], wire_hex[160];
    json_string(at, end, "master_key_hex", master_hex, sizeof(master_hex));
    json_string(at, end, "derived_agent_key_hex", agent_hex, sizeof(agent_hex));
    json_string(at, end, "iv_random_hex", iv_hex, sizeof(iv_hex));
    json_string(at, end, "plaintext_hex", plain_hex, sizeof(plain_hex));
    json_string(at, end, "expected_wire_hex", wire_hex, sizeof(wire_hex));
    const uint32_t pid = (uint32_t)json_number(at, end, "agent_pid", 0);
    uint8_t master[32], iv[8], plain[32], agent[32], wire[VARTA_SECURE_MASTER_BYTES], opened[32];
    json_unhex(master_hex, master, 32);
    json_unhex(iv_hex, iv, 8);
    json_unhex(plain_hex, plain, 32);
    struct varta_agent_kdf kdf;
    struct varta_aead sealer, opener;
    CHECK(varta_agent_kdf_init(&kdf, master) == 0, "%s: kdf", id);
    CHECK(varta_agent_kdf_derive(&kdf, pid, agent) == 0 && hex_equals(agent, 32, agent_hex),
          "%s: derived agent key differs", id);
    CHECK(varta_aead_init(&sealer, master, 1) == 0 && varta_aead_init(&opener, agent, 0) == 0, "%s: contexts", id);
    CHECK(varta_secure_seal_master(&kdf, &sealer, pid, iv, (uint32_t)json_number(at, end, "iv_counter", 99), plain,
                                   wire) == 0, "%s: seal", id);
    CHECK(hex_equals(wire, sizeof(wire), wire_hex), "%s: sealed bytes differ from the vector", id);
    struct varta_secure_parts parts;
    CHECK(varta_secure_parts(wire, sizeof(wire), &parts) && parts.master && parts.clear_pid == pid,
          "%s: a 64-byte master-key datagram", id);
    CHECK(varta_aead_open(&opener, parts.nonce, parts.aad, parts.aad_len, parts.ciphertext, 32, parts.tag, opened)
          == 1 && memcmp(opened, plain, 32) == 0, "%s: opens with K_agent and the pid as AAD", id);
    CHECK(varta_aead_open(&opener, parts.nonce, NULL, 0, parts.ciphertext, 32, parts.tag, opened) == 0,
          "%s: without the AAD the tag fails", id);
    varta_agent_kdf_free(&kdf);
    varta_aead_free(&sealer);
    varta_aead_free(&opener);
}

static void kdf_vector(const char *at, const char *end, const char *id, const char *ikm_key, const char *out_key)
{
    char ikm_hex[80], info_hex[80], out_hex[80];
    json_string(at, end, ikm_key, ikm_hex, sizeof(ikm_hex));
    json_string(at, end, "info_hex", info_hex, sizeof(info_hex));
    json_string(at, end, out_key, out_hex, sizeof(out_hex));
    uint8_t ikm[64], info[64], out[64];
    const size_t ikm_len = json_unhex(ikm_hex, ikm, sizeof(ikm));
    const size_t info_len = json_unhex(info_hex, info, sizeof(info));
    const size_t out_len = strlen(out_hex) / 2;
    CHECK(varta_hkdf_sha256(ikm, ikm_len, info, info_len, out, out_len) == 0 && hex_equals(out, out_len, out_hex),
          "%s: HKDF output differs", id);
    if (strcmp(ikm_key, "master_key_hex") == 0) {
        struct varta_agent_kdf kdf;
        uint8_t agent[32];
        varta_agent_kdf_init(&kdf, ikm);
        CHECK(varta_agent_kdf_derive(&kdf, (uint32_t)json_number(at, end, "agent_id", 0), agent) == 0
              && hex_equals(agent, 32, out_hex), "%s: the observer's derivation (extract once, expand) differs", id);
        varta_agent_kdf_free(&kdf);
    }
}

static void secure_vectors(const char *path)
{
    char *json = json_read_file(path);
    const char *section = strstr(json, "\"secure_frame_vectors\"");
    int count = 0;
    for (const char *at = json_next_id(section, NULL); at; at = json_next_id(at + 1, NULL)) {
        const char *end = json_next_id(at + 1, NULL);
        char id[80], kind[40];
        json_string(at, end, "id", id, sizeof(id));
        json_string(at, end, "kind", kind, sizeof(kind));
        if (strcmp(kind, "shared_key_seal") == 0) {
            shared_seal_vector(at, end, id);
        } else if (strcmp(kind, "master_key_seal") == 0) {
            master_seal_vector(at, end, id);
        } else if (strcmp(kind, "kdf_agent_key") == 0) {
            kdf_vector(at, end, id, "master_key_hex", "expected_okm_hex");
        } else if (strcmp(kind, "kdf_iv_prefix") == 0) {
            kdf_vector(at, end, id, "session_salt_hex", "expected_iv_prefix_hex");
        } else if (strcmp(kind, "kdf_epoch_key") == 0) {
            kdf_vector(at, end, id, "agent_key_hex", "expected_okm_hex");
        } else {
            CHECK(0, "%s: unknown kind %s", id, kind);
        }
        count++;
    }
    CHECK(count == 5, "%d secure vectors, expected 5", count);
    free(json);
}

/* VLP v0.2 wire format §8.4: master 00..1f, pids 42 and 2, derived one after the other on one context. */
static void hkdf_check_values(void)
{
    uint8_t master[32], key[32];
    for (int i = 0; i < 32; i++) {
        master[i] = (uint8_t)i;
    }
    struct varta_agent_kdf kdf;
    CHECK(varta_agent_kdf_init(&kdf, master) == 0, "kdf init");
    CHECK(varta_agent_kdf_derive(&kdf, 42, key) == 0
          && hex_equals(key, 32, "61f5951b2bf1905d5053df0abb027002cba62da1f16d93c6552ff61cb65f2599"), "K_agent(42)");
    CHECK(varta_agent_kdf_derive(&kdf, 2, key) == 0
          && hex_equals(key, 32, "db292f5843a0737aec785a9df270561b343d06e5fe8f89fce72f0869ba77afd5"), "K_agent(2)");
    CHECK(varta_agent_kdf_derive(&kdf, 42, key) == 0
          && hex_equals(key, 32, "61f5951b2bf1905d5053df0abb027002cba62da1f16d93c6552ff61cb65f2599"),
          "K_agent(42) again: the info of one derivation does not leak into the next");
    varta_agent_kdf_free(&kdf);
    uint8_t salt[16], prefix[8];
    for (int i = 0; i < 16; i++) {
        salt[i] = (uint8_t)(i + 1);
    }
    const uint8_t info[] = "varta-iv-prefix-v1\0\x07\0\0\0"; /* 19 + 4 bytes, plus the literal's NUL */
    CHECK(varta_hkdf_sha256(salt, 16, info, sizeof(info) - 1, prefix, 8) == 0
          && hex_equals(prefix, 8, "9fee777f36be69ce"), "IV prefix (salt 01..10, index 7)");
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    unlink(path);
    const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write %s", path);
    fchmod(fd, mode);
    close(fd);
}

#define KEY_A "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY_B "FFEEDDCCBBAA99887766554433221100FFEEDDCCBBAA99887766554433221100"

static int add(struct varta_secure_keys *keys, const char *name, const char *text, mode_t mode, int kind,
               struct varta_key_error *err)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    write_file(path, text, mode);
    return varta_secure_keys_add_file(keys, path, kind, (uint32_t)getuid(), err);
}

static void key_files(void)
{
    struct varta_secure_keys *keys = NULL;
    struct varta_key_error err;
    CHECK(varta_secure_keys_new(500000000, &keys) == 0, "new");
    CHECK(add(keys, "k1", "  " KEY_A "  \r\n", 0600, VARTA_KEY_FILE_PRIMARY, &err) == 1, "a trimmed key line");
    CHECK(keys->shared_count == 1 && keys->shared[0][31] == 0x1f, "key A parsed");
    CHECK(add(keys, "k2", "# rotation\n\n" KEY_B "\n  # old\n" KEY_A "\n", 0400, VARTA_KEY_FILE_ACCEPTED, &err) == 2,
          "comments and blank lines skipped, upper case accepted");
    CHECK(keys->shared_count == 3 && keys->shared[1][0] == 0xff, "accepted keys appended after the primary");
    CHECK(add(keys, "k3", KEY_A "\n" KEY_B "\n", 0600, VARTA_KEY_FILE_PRIMARY, &err) == VARTA_KEY_ERR_COUNT
          && err.detail == 2, "--key-file holds exactly one key");
    CHECK(add(keys, "k4", "# nothing\n\n", 0600, VARTA_KEY_FILE_ACCEPTED, &err) == VARTA_KEY_ERR_NONE, "no key");
    CHECK(add(keys, "k5", "\n" KEY_A "0\n", 0600, VARTA_KEY_FILE_ACCEPTED, &err) == VARTA_KEY_ERR_LENGTH
          && err.line == 2 && err.detail == 65, "65 characters on line 2");
    CHECK(add(keys, "k6", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1dxe1f\n", 0600,
              VARTA_KEY_FILE_PRIMARY, &err) == VARTA_KEY_ERR_CHARACTER && err.line == 1 && err.detail == 61,
          "a non-hex character at column 61");
    CHECK(add(keys, "k7", KEY_A "\n", 0644, VARTA_KEY_FILE_MASTER, &err) == VARTA_PRIVATE_INSECURE_MODE
          && err.info.mode == 0644, "mode 0644 is refused");
    char target[128], link[128];
    snprintf(target, sizeof(target), "%s/k1", dir);
    snprintf(link, sizeof(link), "%s/link", dir);
    unlink(link);
    CHECK(symlink(target, link) == 0, "symlink");
    CHECK(varta_secure_keys_add_file(keys, link, VARTA_KEY_FILE_MASTER, (uint32_t)getuid(), &err)
          == VARTA_PRIVATE_SYMLINK, "a symlink is refused");
    CHECK(varta_secure_keys_add_file(keys, target, VARTA_KEY_FILE_MASTER, (uint32_t)getuid() + 1, &err)
          == VARTA_PRIVATE_WRONG_OWNER && err.info.expected_uid == (uint32_t)getuid() + 1, "another owner is refused");
    CHECK(add(keys, "k8", KEY_B "\n", 0600, VARTA_KEY_FILE_MASTER, &err) == 1 && keys->has_master, "master key");
    CHECK(add(keys, "k9", KEY_B "\n", 0600, VARTA_KEY_FILE_MASTER, &err) == VARTA_KEY_ERR_COUNT, "one master key");
    char many[VARTA_KEYS_MAX_SHARED * 66 + 1] = "";
    for (unsigned i = 0; i < VARTA_KEYS_MAX_SHARED; i++) {
        strcat(many, KEY_A "\n");
    }
    CHECK(add(keys, "k10", many, 0600, VARTA_KEY_FILE_ACCEPTED, &err) == VARTA_KEY_ERR_TOO_MANY
          && err.detail == 3 + VARTA_KEYS_MAX_SHARED, "at most 16 shared keys in all");
    CHECK(keys->shared_count == 3, "nothing added by a refused file");
    varta_secure_keys_free(keys);
}

/* The classifier on hand-made datagrams, called directly (the sockets are test_udp's and test_secure_udp's). */
struct classifier {
    struct varta_secure_keys *keys;
    struct varta_ingress ingress;
    struct varta_aead sealer;
    struct varta_agent_kdf kdf;
    uint64_t now;
};

static void classifier_open(struct classifier *c, unsigned shared, int master)
{
    memset(c, 0, sizeof(*c));
    varta_secure_keys_new(1000000000, &c->keys);
    for (unsigned k = 0; k < shared; k++) {
        for (int i = 0; i < 32; i++) {
            c->keys->shared[k][i] = (uint8_t)(i + 16 * k);
        }
    }
    c->keys->shared_count = shared;
    if (master) {
        memset(c->keys->master, 0x5a, 32);
        c->keys->has_master = 1;
    }
    CHECK(varta_ingress_secure_udp_init(&c->ingress, -1, VARTA_ORIGIN_NETWORK_UNVERIFIED, c->keys) == 0, "init");
    const uint8_t last[32] = { 0 };
    varta_aead_init(&c->sealer, shared > 0 ? c->keys->shared[shared - 1] : last, 1);
    if (master) {
        varta_agent_kdf_init(&c->kdf, c->keys->master);
    }
    c->now = 1000000000000ULL;
}

static struct varta_ring_record classify(struct classifier *c, const uint8_t *bytes, uint32_t len)
{
    struct msghdr header;
    memset(&header, 0, sizeof(header));
    const struct varta_datagram d = { .bytes = bytes, .length = len, .flags = 0, .header = &header };
    struct varta_ring_record rec;
    memset(&rec, 0, sizeof(rec));
    rec.recv_ns = c->now;
    c->now += 1000;
    c->ingress.classify(&c->ingress, &d, &rec);
    return rec;
}

static void classifier_close(struct classifier *c)
{
    varta_ingress_destroy(&c->ingress);
    varta_aead_free(&c->sealer);
    varta_agent_kdf_free(&c->kdf);
    varta_secure_keys_free(c->keys);
}

static const uint8_t PREFIX[8] = { 9, 8, 7, 6, 5, 4, 3, 2 };

static void classifier_decisions(void)
{
    struct classifier c;
    classifier_open(&c, 2, 1);
    uint8_t frame[VARTA_FRAME_BYTES], wire[VARTA_SECURE_MASTER_BYTES + 1];
    varta_vlp_encode(VARTA_STATUS_OK, 777, 5, 1, 0, frame);
    varta_secure_seal_shared(&c.sealer, PREFIX, 0, frame, wire);
    struct varta_ring_record r = classify(&c, wire, VARTA_SECURE_SHARED_BYTES);
    CHECK(r.kind == VARTA_KIND_BEAT && r.frame_pid == 777, "the second shared key opens it: kind %u", r.kind);
    CHECK(varta_secure_keys_attempts(c.keys) == 2,
          "both shared keys tried although the second matched, never the master key on 60 bytes: %llu",
          (unsigned long long)varta_secure_keys_attempts(c.keys));
    r = classify(&c, wire, VARTA_SECURE_SHARED_BYTES);
    CHECK(r.kind == VARTA_KIND_REPLAY_REFUSED && r.frame_pid == 777, "the same datagram again is a replay");
    CHECK(varta_secure_keys_attempts(c.keys) == 4, "two more trials");
    wire[59] ^= 0x80;
    CHECK(classify(&c, wire, VARTA_SECURE_SHARED_BYTES).kind == VARTA_KIND_DECRYPT_FAILED, "a bad tag");
    CHECK(classify(&c, wire, 61).kind == VARTA_KIND_WRONG_LENGTH, "61 bytes");
    CHECK(classify(&c, wire, 65).kind == VARTA_KIND_WRONG_LENGTH, "65 bytes (longer than 64)");
    CHECK(classify(&c, wire, 32).kind == VARTA_KIND_WRONG_LENGTH, "a plaintext frame on the secure listener");

    varta_vlp_encode(VARTA_STATUS_OK, 4000, 5, 1, 0, frame);
    varta_secure_seal_master(&c.kdf, &c.sealer, 4000, PREFIX, 0, frame, wire);
    const uint64_t before = varta_secure_keys_attempts(c.keys);
    r = classify(&c, wire, VARTA_SECURE_MASTER_BYTES);
    CHECK(r.kind == VARTA_KIND_BEAT && r.frame_pid == 4000, "a master-key datagram: kind %u", r.kind);
    CHECK(varta_secure_keys_attempts(c.keys) - before == 3, "64 bytes: both shared keys, then the master key");
    varta_vlp_encode(VARTA_STATUS_OK, 4000, 5, 2, 0, frame);
    varta_secure_seal_master(&c.kdf, &c.sealer, 4000, PREFIX, 1, frame, wire);
    CHECK(classify(&c, wire, VARTA_SECURE_MASTER_BYTES).kind == VARTA_KIND_BEAT,
          "the same agent's next datagram opens with its cached key");
    varta_vlp_encode(VARTA_STATUS_OK, 4001, 5, 1, 0, frame);
    varta_secure_seal_master(&c.kdf, &c.sealer, 4002, PREFIX, 0, frame, wire);
    CHECK(classify(&c, wire, VARTA_SECURE_MASTER_BYTES).kind == VARTA_KIND_DECRYPT_FAILED,
          "an opened pid that is not the clear pid is refused like a bad tag");
    varta_vlp_encode(VARTA_STATUS_OK, 4003, 5, 1, 0, frame);
    frame[3] = 3; /* status Stall, CRC not restamped: decodes as BadCrc */
    varta_secure_seal_master(&c.kdf, &c.sealer, 4003, PREFIX, 0, frame, wire);
    r = classify(&c, wire, VARTA_SECURE_MASTER_BYTES);
    CHECK(r.kind == VARTA_KIND_DECODE_ERROR && r.decode_error == VARTA_DECODE_BAD_CRC,
          "an authentic datagram that fails decoding is a decode error");
    varta_vlp_encode(VARTA_STATUS_OK, 4003, 5, 1, 0, frame);
    varta_secure_seal_master(&c.kdf, &c.sealer, 4003, PREFIX, 0, frame, wire);
    CHECK(classify(&c, wire, VARTA_SECURE_MASTER_BYTES).kind == VARTA_KIND_BEAT,
          "the decode error left no replay state: counter 0 is still new");
    classifier_close(&c);

    struct classifier none;
    classifier_open(&none, 1, 0);
    varta_vlp_encode(VARTA_STATUS_OK, 5000, 5, 1, 0, frame);
    memset(wire, 0, sizeof(wire));
    CHECK(classify(&none, wire, VARTA_SECURE_MASTER_BYTES).kind == VARTA_KIND_DECRYPT_FAILED,
          "64 bytes without a master key: only the shared keys, which fail");
    CHECK(varta_secure_keys_attempts(none.keys) == 1, "one trial");
    classifier_close(&none);
}

/*
 * Master-key datagrams of 1000 agents (within the replay table's 1024 senders) twice round: hashed into the
 * derived-key cache's 1024 slots, a third or so of them share a slot and evict each other between the rounds, and
 * every datagram still opens, so a slot never answers with another pid's key.
 */
static void master_key_cache_never_mixes_agents(void)
{
    struct classifier c;
    classifier_open(&c, 0, 1);
    uint8_t frame[VARTA_FRAME_BYTES], wire[VARTA_SECURE_MASTER_BYTES];
    int beats = 0;
    for (uint32_t round = 0; round < 2; round++) {
        for (uint32_t pid = 10000; pid < 11000; pid++) {
            varta_vlp_encode(VARTA_STATUS_OK, pid, 5, 1 + round, 0, frame);
            varta_secure_seal_master(&c.kdf, &c.sealer, pid, PREFIX, round, frame, wire);
            beats += classify(&c, wire, VARTA_SECURE_MASTER_BYTES).kind == VARTA_KIND_BEAT;
        }
    }
    CHECK(beats == 2000, "1000 agents twice round: %d of 2000 opened", beats);
    classifier_close(&c);
}

/* OpenSSL's allocator, counted: CRYPTO_set_mem_functions works only before OpenSSL's first allocation. */
static atomic_long allocations;

static void *count_malloc(size_t n, const char *file, int line)
{
    atomic_fetch_add(&allocations, 1);
    return malloc(n);
}

static void *count_realloc(void *p, size_t n, const char *file, int line)
{
    atomic_fetch_add(&allocations, 1);
    return realloc(p, n);
}

static void count_free(void *p, const char *file, int line)
{
    free(p);
}

typedef int (*set_mem_functions_fn)(void *(*)(size_t, const char *, int),
                                    void *(*)(void *, size_t, const char *, int), void (*)(void *, const char *, int));

static int hook_allocator(void)
{
    void *handle = dlopen(VARTA_CRYPTO_DEFAULT_SONAME, RTLD_NOW | RTLD_LOCAL);
    void *symbol = handle != NULL ? dlsym(handle, "CRYPTO_set_mem_functions") : NULL;
    set_mem_functions_fn set;
    memcpy(&set, &symbol, sizeof(set));
    return symbol != NULL && set(count_malloc, count_realloc, count_free) == 1;
}

static void opening_allocates_nothing(int hooked)
{
    if (!hooked) {
        printf("allocation check skipped: OpenSSL's allocator could not be hooked before its first use\n");
        return;
    }
    struct classifier c;
    classifier_open(&c, 4, 1);
    uint8_t frame[VARTA_FRAME_BYTES], sealed[200][VARTA_SECURE_SHARED_BYTES], master[VARTA_SECURE_MASTER_BYTES];
    for (uint32_t i = 0; i < 200; i++) {
        varta_vlp_encode(VARTA_STATUS_OK, 600 + i % 7, 5, 1 + i, 0, frame);
        varta_secure_seal_shared(&c.sealer, PREFIX, i, frame, sealed[i]);
    }
    varta_vlp_encode(VARTA_STATUS_OK, 900, 5, 1, 0, frame);
    varta_secure_seal_master(&c.kdf, &c.sealer, 900, PREFIX, 0, frame, master);
    classify(&c, sealed[0], VARTA_SECURE_SHARED_BYTES); /* warm up */
    const long before = atomic_load(&allocations);
    int beats = 0;
    for (uint32_t i = 1; i < 200; i++) {
        beats += classify(&c, sealed[i], VARTA_SECURE_SHARED_BYTES).kind == VARTA_KIND_BEAT;
        sealed[i][30] ^= 1;
        classify(&c, sealed[i], VARTA_SECURE_SHARED_BYTES); /* a failing tag */
    }
    const long shared = atomic_load(&allocations) - before;
    CHECK(beats == 199, "%d beats", beats);
    CHECK(shared == 0, "opening 398 shared-key datagrams with 4 keys allocated %ld times", shared);
    const long before_master = atomic_load(&allocations);
    CHECK(classify(&c, master, VARTA_SECURE_MASTER_BYTES).kind == VARTA_KIND_BEAT, "a new agent's master datagram");
    printf("OpenSSL allocations for a new agent's master-key datagram (its HKDF): %ld; per shared-key datagram: 0\n",
           atomic_load(&allocations) - before_master);
    varta_vlp_encode(VARTA_STATUS_OK, 900, 5, 2, 0, frame);
    varta_secure_seal_master(&c.kdf, &c.sealer, 900, PREFIX, 1, frame, master);
    const long before_known = atomic_load(&allocations);
    CHECK(classify(&c, master, VARTA_SECURE_MASTER_BYTES).kind == VARTA_KIND_BEAT, "the agent's next datagram");
    const long known = atomic_load(&allocations) - before_known;
    CHECK(known == 0, "a known agent's master-key datagram (cached key) allocated %ld times", known);
    classifier_close(&c);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s vlp-test-vectors.json\n", argv[0]);
        return 2;
    }
    const int hooked = hook_allocator();
    char why[256];
    const int loaded = varta_crypto_load(NULL, why, sizeof(why));
    if (loaded != 0) {
        fprintf(stderr, "libcrypto: %s\n", why);
        return 1;
    }
    char missing[256];
    CHECK(varta_crypto_load("libcrypto.so.99", missing, sizeof(missing)) == 0, "a loaded table is kept");
    snprintf(dir, sizeof(dir), "/tmp/varta-secure-XXXXXX");
    if (!mkdtemp(dir)) {
        return 2;
    }
    secure_vectors(argv[1]);
    hkdf_check_values();
    key_files();
    classifier_decisions();
    master_key_cache_never_mixes_agents();
    opening_allocates_nothing(hooked);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0, "cleanup");
    return check_summary("test_secure");
}
