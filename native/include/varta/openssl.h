/*
 * openssl.h - the one place libcrypto (OpenSSL 3) is reached: resolved at run time with dlopen and only
 * when secure UDP is asked for, so libvarta_watch.so has no link-time dependency on OpenSSL and loads on a
 * host without it as long as no key is configured.
 *
 * The table's members are typed from OpenSSL's own headers (found by CMake's FindOpenSSL at build time),
 * so a call through the table is checked by the compiler exactly as a direct call would be. Only
 * crypto.c calls through it; nothing else includes OpenSSL headers (callers use crypto.h and varta_crypto_load).
 *
 * Thread-safe: varta_openssl_load serialises loading; the table is immutable once published.
 */
#ifndef VARTA_OPENSSL_H
#define VARTA_OPENSSL_H

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <stddef.h>

/* The failure codes of varta_openssl_load (VARTA_OPENSSL_ERR_*) are in crypto.h, the header the rest of the
 * library and the JNI glue include instead of this one. */
#include "varta/crypto.h"

#define VARTA_OPENSSL_FN(name) __typeof__(&name) name

/** The libcrypto functions this library calls. */
struct varta_openssl {
    VARTA_OPENSSL_FN(OpenSSL_version_num);
    VARTA_OPENSSL_FN(OPENSSL_cleanse);
    VARTA_OPENSSL_FN(ERR_clear_error);
    VARTA_OPENSSL_FN(EVP_CIPHER_fetch);
    VARTA_OPENSSL_FN(EVP_CIPHER_free);
    VARTA_OPENSSL_FN(EVP_CIPHER_CTX_new);
    VARTA_OPENSSL_FN(EVP_CIPHER_CTX_free);
    VARTA_OPENSSL_FN(EVP_CipherInit_ex2);
    VARTA_OPENSSL_FN(EVP_CipherUpdate);
    VARTA_OPENSSL_FN(EVP_CipherFinal_ex);
    VARTA_OPENSSL_FN(EVP_CIPHER_CTX_ctrl);
    VARTA_OPENSSL_FN(EVP_KDF_fetch);
    VARTA_OPENSSL_FN(EVP_KDF_free);
    VARTA_OPENSSL_FN(EVP_KDF_CTX_new);
    VARTA_OPENSSL_FN(EVP_KDF_CTX_free);
    VARTA_OPENSSL_FN(EVP_KDF_CTX_set_params);
    VARTA_OPENSSL_FN(EVP_KDF_derive);
    VARTA_OPENSSL_FN(OSSL_PARAM_construct_utf8_string);
    VARTA_OPENSSL_FN(OSSL_PARAM_construct_octet_string);
    VARTA_OPENSSL_FN(OSSL_PARAM_construct_int);
    VARTA_OPENSSL_FN(OSSL_PARAM_construct_end);
};

/**
 * Resolves libcrypto from `soname` (NULL: VARTA_CRYPTO_DEFAULT_SONAME) unless a table is already loaded
 * (then returns 0 whatever soname says). Returns 0 or a VARTA_OPENSSL_ERR_* code with a NUL-terminated
 * reason in why (dlerror text, the missing function, or the version). Any thread.
 */
int varta_openssl_load(const char *soname, char *why, size_t why_len);

/** The loaded table, or NULL before a successful varta_openssl_load. Any thread. */
const struct varta_openssl *varta_openssl(void);

#endif
