/*
 * crypto.h - the two primitives secure UDP needs, both OpenSSL's (openssl.h), none written here:
 *
 *   ChaCha20-Poly1305 (RFC 8439, IETF 12-byte nonce, 16-byte tag) in a context that holds its key: made once
 *   per key (varta_aead_init), then each datagram only sets its nonce, so opening or sealing one allocates
 *   nothing in this library or in OpenSSL's cipher path.
 *
 *   HKDF-SHA256 (RFC 5869, empty salt): the per-agent key of a master key, K = HKDF(master,
 *   "varta-agent-v1\0" || u32le(pid), 32) (VLP v0.2 wire format §8.3/8.4). varta_agent_kdf_init runs the
 *   extract step once (PRK = HMAC(32 zero bytes, master)); each derivation is then OpenSSL's HKDF in
 *   EXPAND_ONLY mode with that PRK, which by RFC 5869's definition gives the same key. OpenSSL's HKDF
 *   allocates internally per derivation (its HMAC context); this library allocates nothing.
 *
 * Every function needs a loaded table (varta_crypto_load) and returns VARTA_CRYPTO_ERR_UNAVAILABLE
 * otherwise. A context is used by one thread at a time; key material is wiped from this library's memory
 * (OPENSSL_cleanse) and OpenSSL frees its copies with cleansing.
 */
#ifndef VARTA_CRYPTO_H
#define VARTA_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define VARTA_AEAD_KEY_BYTES 32u
#define VARTA_AEAD_NONCE_BYTES 12u
#define VARTA_AEAD_TAG_BYTES 16u

/* Failures of varta_crypto_load, apart from any -errno (uds.h -4001.., private_file.h -10001..). */
#define VARTA_OPENSSL_ERR_LOAD (-12001)    /* dlopen failed (why: dlerror) */
#define VARTA_OPENSSL_ERR_SYMBOL (-12002)  /* a function is missing (why: its name) */
#define VARTA_OPENSSL_ERR_VERSION (-12003) /* older than OpenSSL 3.0 (why: the version number) */

/** The library resolved when the caller names none. */
#define VARTA_CRYPTO_DEFAULT_SONAME "libcrypto.so.3"

/**
 * Resolves libcrypto (openssl.h) from soname (NULL: VARTA_CRYPTO_DEFAULT_SONAME) unless it is loaded already.
 * Returns 0 or a VARTA_OPENSSL_ERR_* code with a NUL-terminated reason in why. Any thread.
 */
int varta_crypto_load(const char *soname, char *why, size_t why_len);

/** No libcrypto table is loaded (varta_crypto_load was not called or failed). */
#define VARTA_CRYPTO_ERR_UNAVAILABLE (-12010)
/** libcrypto refused an operation that cannot fail on valid input (init, derive, seal). */
#define VARTA_CRYPTO_ERR_FAILED (-12011)

/** A ChaCha20-Poly1305 context with its key set. */
struct varta_aead {
    void *ctx;    /* EVP_CIPHER_CTX */
    void *cipher; /* EVP_CIPHER, fetched once */
    int encrypt;
};

/** Sets up a context for key; encrypt 1 seals, 0 opens. Returns 0, -ENOMEM or a VARTA_CRYPTO_ERR_*. */
int varta_aead_init(struct varta_aead *aead, const uint8_t key[VARTA_AEAD_KEY_BYTES], int encrypt);

/** Replaces the key of a context (a derived agent key). Returns 0 or VARTA_CRYPTO_ERR_FAILED. */
int varta_aead_rekey(struct varta_aead *aead, const uint8_t key[VARTA_AEAD_KEY_BYTES]);

/**
 * Opens len bytes of ciphertext with the tag and aad (aad_len may be 0) into out (len bytes). Returns 1 if
 * the tag verified (constant time, OpenSSL's check), 0 if not (out is then wiped).
 */
int varta_aead_open(struct varta_aead *aead, const uint8_t nonce[VARTA_AEAD_NONCE_BYTES], const uint8_t *aad,
                    size_t aad_len, const uint8_t *ciphertext, size_t len, const uint8_t tag[VARTA_AEAD_TAG_BYTES],
                    uint8_t *out);

/** Seals len bytes of plaintext into ciphertext (len bytes) and tag. Returns 0 or VARTA_CRYPTO_ERR_FAILED. */
int varta_aead_seal(struct varta_aead *aead, const uint8_t nonce[VARTA_AEAD_NONCE_BYTES], const uint8_t *aad,
                    size_t aad_len, const uint8_t *plaintext, size_t len, uint8_t *ciphertext,
                    uint8_t tag[VARTA_AEAD_TAG_BYTES]);

/** Frees the context (OpenSSL cleanses the key schedule). Idempotent. */
void varta_aead_free(struct varta_aead *aead);

/** The per-agent key derivation of one master key. */
struct varta_agent_kdf {
    void *ctx;           /* EVP_KDF_CTX, HKDF-SHA256 in EXPAND_ONLY mode */
    uint8_t prk[32];     /* HKDF-Extract(salt = empty, IKM = master) */
};

/** Runs the extract step for master and prepares the expand context. Returns 0, -ENOMEM or VARTA_CRYPTO_ERR_*. */
int varta_agent_kdf_init(struct varta_agent_kdf *kdf, const uint8_t master[VARTA_AEAD_KEY_BYTES]);

/** K_agent(pid) into key. Returns 0 or VARTA_CRYPTO_ERR_FAILED. */
int varta_agent_kdf_derive(struct varta_agent_kdf *kdf, uint32_t pid, uint8_t key[VARTA_AEAD_KEY_BYTES]);

/** Frees the context and wipes the PRK. Idempotent. */
void varta_agent_kdf_free(struct varta_agent_kdf *kdf);

/**
 * One-shot HKDF-SHA256 with an empty salt (extract and expand): the IV-prefix derivation of a sender and the
 * check values of VLP v0.2 wire format §8.4. Returns 0 or a VARTA_CRYPTO_ERR_*.
 */
int varta_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *info, size_t info_len, uint8_t *out,
                      size_t out_len);

/** Wipes len bytes so the compiler cannot drop it (explicit_bzero). Any thread; no table needed. */
void varta_wipe(void *bytes, size_t len);

#endif
