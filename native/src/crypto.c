/*
 * crypto.c - ChaCha20-Poly1305 contexts and HKDF-SHA256 through the libcrypto table (crypto.h).
 */
#include "varta/crypto.h"

#include "varta/openssl.h"

#include <errno.h>
#include <string.h>

#define AGENT_INFO_PREFIX "varta-agent-v1"
#define AGENT_INFO_BYTES (sizeof(AGENT_INFO_PREFIX) + 4u) /* the prefix, its NUL, u32le(pid) */

int varta_crypto_load(const char *soname, char *why, size_t why_len)
{
    return varta_openssl_load(soname, why, why_len);
}

void varta_wipe(void *bytes, size_t len)
{
    explicit_bzero(bytes, len);
}

int varta_aead_init(struct varta_aead *aead, const uint8_t key[VARTA_AEAD_KEY_BYTES], int encrypt)
{
    memset(aead, 0, sizeof(*aead));
    const struct varta_openssl *ssl = varta_openssl();
    if (ssl == NULL) {
        return VARTA_CRYPTO_ERR_UNAVAILABLE;
    }
    EVP_CIPHER *cipher = ssl->EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
    EVP_CIPHER_CTX *ctx = cipher != NULL ? ssl->EVP_CIPHER_CTX_new() : NULL;
    if (ctx == NULL) {
        ssl->EVP_CIPHER_free(cipher);
        ssl->ERR_clear_error();
        return cipher == NULL ? VARTA_CRYPTO_ERR_FAILED : -ENOMEM;
    }
    if (ssl->EVP_CipherInit_ex2(ctx, cipher, key, NULL, encrypt ? 1 : 0, NULL) != 1) {
        ssl->EVP_CIPHER_CTX_free(ctx);
        ssl->EVP_CIPHER_free(cipher);
        ssl->ERR_clear_error();
        return VARTA_CRYPTO_ERR_FAILED;
    }
    aead->ctx = ctx;
    aead->cipher = cipher;
    aead->encrypt = encrypt ? 1 : 0;
    return 0;
}

int varta_aead_rekey(struct varta_aead *aead, const uint8_t key[VARTA_AEAD_KEY_BYTES])
{
    const struct varta_openssl *ssl = varta_openssl();
    if (ssl == NULL || aead->ctx == NULL) {
        return VARTA_CRYPTO_ERR_UNAVAILABLE;
    }
    if (ssl->EVP_CipherInit_ex2(aead->ctx, NULL, key, NULL, aead->encrypt, NULL) != 1) {
        ssl->ERR_clear_error();
        return VARTA_CRYPTO_ERR_FAILED;
    }
    return 0;
}

/* Sets the nonce (which restarts the one-time Poly1305 key) and feeds the AAD. */
static int start(const struct varta_openssl *ssl, struct varta_aead *aead, const uint8_t *nonce, const uint8_t *aad,
                 size_t aad_len)
{
    int n = 0;
    if (ssl->EVP_CipherInit_ex2(aead->ctx, NULL, NULL, nonce, aead->encrypt, NULL) != 1) {
        return 0;
    }
    return aad_len == 0 || ssl->EVP_CipherUpdate(aead->ctx, NULL, &n, aad, (int)aad_len) == 1;
}

int varta_aead_open(struct varta_aead *aead, const uint8_t nonce[VARTA_AEAD_NONCE_BYTES], const uint8_t *aad,
                    size_t aad_len, const uint8_t *ciphertext, size_t len, const uint8_t tag[VARTA_AEAD_TAG_BYTES],
                    uint8_t *out)
{
    const struct varta_openssl *ssl = varta_openssl();
    if (ssl == NULL || aead->ctx == NULL || aead->encrypt) {
        return 0;
    }
    int n = 0;
    int tail = 0;
    const int ok = start(ssl, aead, nonce, aad, aad_len)
        && ssl->EVP_CipherUpdate(aead->ctx, out, &n, ciphertext, (int)len) == 1
        && ssl->EVP_CIPHER_CTX_ctrl(aead->ctx, EVP_CTRL_AEAD_SET_TAG, (int)VARTA_AEAD_TAG_BYTES, (void *)tag) == 1
        && ssl->EVP_CipherFinal_ex(aead->ctx, out + n, &tail) == 1;
    if (!ok) {
        ssl->OPENSSL_cleanse(out, len);
        return 0;
    }
    return 1;
}

int varta_aead_seal(struct varta_aead *aead, const uint8_t nonce[VARTA_AEAD_NONCE_BYTES], const uint8_t *aad,
                    size_t aad_len, const uint8_t *plaintext, size_t len, uint8_t *ciphertext,
                    uint8_t tag[VARTA_AEAD_TAG_BYTES])
{
    const struct varta_openssl *ssl = varta_openssl();
    if (ssl == NULL || aead->ctx == NULL) {
        return VARTA_CRYPTO_ERR_UNAVAILABLE;
    }
    int n = 0;
    int tail = 0;
    const int ok = aead->encrypt && start(ssl, aead, nonce, aad, aad_len)
        && ssl->EVP_CipherUpdate(aead->ctx, ciphertext, &n, plaintext, (int)len) == 1
        && ssl->EVP_CipherFinal_ex(aead->ctx, ciphertext + n, &tail) == 1
        && ssl->EVP_CIPHER_CTX_ctrl(aead->ctx, EVP_CTRL_AEAD_GET_TAG, (int)VARTA_AEAD_TAG_BYTES, tag) == 1;
    if (!ok) {
        ssl->ERR_clear_error();
        return VARTA_CRYPTO_ERR_FAILED;
    }
    return 0;
}

void varta_aead_free(struct varta_aead *aead)
{
    const struct varta_openssl *ssl = varta_openssl();
    if (ssl != NULL && aead->ctx != NULL) {
        ssl->EVP_CIPHER_CTX_free(aead->ctx);
        ssl->EVP_CIPHER_free(aead->cipher);
    }
    aead->ctx = NULL;
    aead->cipher = NULL;
}

/* An HKDF-SHA256 context in `mode` with salt empty; key set to ikm. NULL on failure. */
static EVP_KDF_CTX *hkdf_context(const struct varta_openssl *ssl, int mode, const uint8_t *key, size_t key_len)
{
    EVP_KDF *kdf = ssl->EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = kdf != NULL ? ssl->EVP_KDF_CTX_new(kdf) : NULL;
    ssl->EVP_KDF_free(kdf); /* the context holds its own reference */
    if (ctx == NULL) {
        ssl->ERR_clear_error();
        return NULL;
    }
    OSSL_PARAM params[4];
    params[0] = ssl->OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    params[1] = ssl->OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    params[2] = ssl->OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, key_len);
    params[3] = ssl->OSSL_PARAM_construct_end();
    if (ssl->EVP_KDF_CTX_set_params(ctx, params) != 1) {
        ssl->EVP_KDF_CTX_free(ctx);
        ssl->ERR_clear_error();
        return NULL;
    }
    return ctx;
}

static int derive(const struct varta_openssl *ssl, EVP_KDF_CTX *ctx, const uint8_t *info, size_t info_len,
                  uint8_t *out, size_t out_len)
{
    OSSL_PARAM params[2];
    params[0] = ssl->OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
    params[1] = ssl->OSSL_PARAM_construct_end();
    if (ssl->EVP_KDF_derive(ctx, out, out_len, info_len > 0 ? params : params + 1) != 1) {
        ssl->ERR_clear_error();
        return VARTA_CRYPTO_ERR_FAILED;
    }
    return 0;
}

int varta_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *info, size_t info_len, uint8_t *out,
                      size_t out_len)
{
    const struct varta_openssl *ssl = varta_openssl();
    if (ssl == NULL) {
        return VARTA_CRYPTO_ERR_UNAVAILABLE;
    }
    EVP_KDF_CTX *ctx = hkdf_context(ssl, EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND, ikm, ikm_len);
    if (ctx == NULL) {
        return VARTA_CRYPTO_ERR_FAILED;
    }
    const int rc = derive(ssl, ctx, info, info_len, out, out_len);
    ssl->EVP_KDF_CTX_free(ctx);
    return rc;
}

int varta_agent_kdf_init(struct varta_agent_kdf *kdf, const uint8_t master[VARTA_AEAD_KEY_BYTES])
{
    memset(kdf, 0, sizeof(*kdf));
    const struct varta_openssl *ssl = varta_openssl();
    if (ssl == NULL) {
        return VARTA_CRYPTO_ERR_UNAVAILABLE;
    }
    EVP_KDF_CTX *extract = hkdf_context(ssl, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, master, VARTA_AEAD_KEY_BYTES);
    if (extract == NULL) {
        return VARTA_CRYPTO_ERR_FAILED;
    }
    int rc = derive(ssl, extract, NULL, 0, kdf->prk, sizeof(kdf->prk));
    ssl->EVP_KDF_CTX_free(extract);
    if (rc == 0) {
        kdf->ctx = hkdf_context(ssl, EVP_KDF_HKDF_MODE_EXPAND_ONLY, kdf->prk, sizeof(kdf->prk));
        rc = kdf->ctx != NULL ? 0 : VARTA_CRYPTO_ERR_FAILED;
    }
    if (rc != 0) {
        varta_wipe(kdf->prk, sizeof(kdf->prk));
    }
    return rc;
}

int varta_agent_kdf_derive(struct varta_agent_kdf *kdf, uint32_t pid, uint8_t key[VARTA_AEAD_KEY_BYTES])
{
    const struct varta_openssl *ssl = varta_openssl();
    if (ssl == NULL || kdf->ctx == NULL) {
        return VARTA_CRYPTO_ERR_UNAVAILABLE;
    }
    uint8_t info[AGENT_INFO_BYTES];
    memcpy(info, AGENT_INFO_PREFIX, sizeof(AGENT_INFO_PREFIX)); /* with its NUL */
    info[sizeof(AGENT_INFO_PREFIX) + 0] = (uint8_t)pid;
    info[sizeof(AGENT_INFO_PREFIX) + 1] = (uint8_t)(pid >> 8);
    info[sizeof(AGENT_INFO_PREFIX) + 2] = (uint8_t)(pid >> 16);
    info[sizeof(AGENT_INFO_PREFIX) + 3] = (uint8_t)(pid >> 24);
    return derive(ssl, kdf->ctx, info, sizeof(info), key, VARTA_AEAD_KEY_BYTES);
}

void varta_agent_kdf_free(struct varta_agent_kdf *kdf)
{
    const struct varta_openssl *ssl = varta_openssl();
    if (ssl != NULL && kdf->ctx != NULL) {
        ssl->EVP_KDF_CTX_free(kdf->ctx);
    }
    kdf->ctx = NULL;
    varta_wipe(kdf->prk, sizeof(kdf->prk));
}
