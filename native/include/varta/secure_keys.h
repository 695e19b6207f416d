/*
 * secure_keys.h - what a secure UDP listener is configured with and keeps for as long as it lives: its keys,
 * read natively from key files so that no key byte ever reaches the JVM heap, its session-restart gap, and
 * the count of AEAD trials its classifier made (varta_secure_aead_attempts_total).
 *
 * Key files (VLP v0.2 wire format §8.6) are read with the private-file rules (private_file.h: not a symlink,
 * regular, mode 0600 or stricter, owned by the expected uid, at most VARTA_PRIVATE_MAX_SECRET_BYTES). Each
 * line is trimmed (spaces, tabs, CR); blank lines and lines starting with '#' are skipped; every other line
 * must be exactly 64 hex digits (either case) = one 32-byte key.
 *
 *   VARTA_KEY_FILE_PRIMARY   --key-file           exactly one key       (a shared key)
 *   VARTA_KEY_FILE_ACCEPTED  --accepted-key-file  one or more keys      (shared keys, for rotation)
 *   VARTA_KEY_FILE_MASTER    --master-key-file    exactly one key       (the master key)
 *
 * At most VARTA_KEYS_MAX_SHARED shared keys in all. Shared keys are tried in the order they were added
 * (primary first when it is added first), as the reference orders them.
 *
 * Every buffer that held key text or key bytes is wiped (explicit_bzero) before it is released, and
 * varta_secure_keys_free wipes the keys. Threads: building (new, add) on one thread; then the receiver
 * thread reads the keys once at ingress init and adds to the attempt count; any thread reads the count.
 */
#ifndef VARTA_SECURE_KEYS_H
#define VARTA_SECURE_KEYS_H

#include "varta/private_file.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define VARTA_KEY_BYTES 32u
#define VARTA_KEY_HEX_CHARS 64u
/** Most shared keys (--key-file plus --accepted-key-file), each tried on every datagram. */
#define VARTA_KEYS_MAX_SHARED 16u

#define VARTA_KEY_FILE_PRIMARY 0
#define VARTA_KEY_FILE_ACCEPTED 1
#define VARTA_KEY_FILE_MASTER 2

/* Content failures, apart from the private-file codes (-10001..) and -errno. */
#define VARTA_KEY_ERR_LENGTH (-11001)    /* a key line is not 64 characters: line, detail = its length */
#define VARTA_KEY_ERR_CHARACTER (-11002) /* a non-hex character: line, detail = its column (1-based) */
#define VARTA_KEY_ERR_NONE (-11003)      /* the file holds no key line */
#define VARTA_KEY_ERR_COUNT (-11004)     /* more than one key where exactly one is wanted: detail = count */
#define VARTA_KEY_ERR_TOO_MANY (-11005)  /* over VARTA_KEYS_MAX_SHARED shared keys: detail = the total */

/** Where a key file was refused: the line and detail of a content failure, what fstat saw for a rule. */
struct varta_key_error {
    uint32_t line;
    uint32_t detail;
    struct varta_private_info info;
};

struct varta_secure_keys {
    uint8_t shared[VARTA_KEYS_MAX_SHARED][VARTA_KEY_BYTES];
    unsigned shared_count;
    uint8_t master[VARTA_KEY_BYTES];
    int has_master;
    uint64_t restart_gap_ns;          /* replay: a silent sender's new session resets it after this */
    _Atomic uint64_t aead_attempts;   /* written by the receiver thread only (relaxed), read by anyone */
};

/** A listener's key set with no key yet. Returns 0 and *out, or -ENOMEM. */
int varta_secure_keys_new(uint64_t restart_gap_ns, struct varta_secure_keys **out);

/**
 * Reads path (kind: VARTA_KEY_FILE_*) under the secret rules for owner uid and adds its keys. Returns the
 * number of keys added, a VARTA_PRIVATE_* or VARTA_KEY_ERR_* code (err says where), or -errno. Nothing is
 * added on failure; a second master key file is VARTA_KEY_ERR_COUNT.
 */
int varta_secure_keys_add_file(struct varta_secure_keys *keys, const char *path, int kind, uint32_t uid,
                               struct varta_key_error *err);

/**
 * Parses key-file text into at most max keys. Returns the number of key lines (which may exceed max: only
 * the first max are stored) or VARTA_KEY_ERR_LENGTH / _CHARACTER (err->line, err->detail). Pure.
 */
int varta_key_parse(const uint8_t *text, size_t len, uint8_t (*keys)[VARTA_KEY_BYTES], unsigned max,
                    struct varta_key_error *err);

/** AEAD trials so far (relaxed). Any thread. */
uint64_t varta_secure_keys_attempts(const struct varta_secure_keys *keys);

/** Receiver thread: adds trials (the only writer). */
void varta_secure_keys_count_attempts(struct varta_secure_keys *keys, uint64_t trials);

/** Wipes and frees. NULL is fine. */
void varta_secure_keys_free(struct varta_secure_keys *keys);

#endif
