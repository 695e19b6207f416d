/*
 * openssl.c - dlopen of libcrypto and the function table (openssl.h). The handle is never closed: the
 * table lives as long as the process.
 */
#include "varta/openssl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define MIN_VERSION 0x30000000UL

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static struct varta_openssl table;
static _Atomic(const struct varta_openssl *) published;

#define RESOLVE(name)                                                       \
    do {                                                                    \
        void *symbol = dlsym(handle, #name);                                \
        if (symbol == NULL) {                                               \
            snprintf(why, why_len, "%s has no %s", soname, #name);          \
            return VARTA_OPENSSL_ERR_SYMBOL;                                \
        }                                                                   \
        memcpy(&loaded->name, &symbol, sizeof(symbol));                     \
    } while (0)

static int resolve(void *handle, const char *soname, struct varta_openssl *loaded, char *why, size_t why_len)
{
    RESOLVE(OpenSSL_version_num);
    RESOLVE(OPENSSL_cleanse);
    RESOLVE(ERR_clear_error);
    RESOLVE(EVP_CIPHER_fetch);
    RESOLVE(EVP_CIPHER_free);
    RESOLVE(EVP_CIPHER_CTX_new);
    RESOLVE(EVP_CIPHER_CTX_free);
    RESOLVE(EVP_CipherInit_ex2);
    RESOLVE(EVP_CipherUpdate);
    RESOLVE(EVP_CipherFinal_ex);
    RESOLVE(EVP_CIPHER_CTX_ctrl);
    RESOLVE(EVP_KDF_fetch);
    RESOLVE(EVP_KDF_free);
    RESOLVE(EVP_KDF_CTX_new);
    RESOLVE(EVP_KDF_CTX_free);
    RESOLVE(EVP_KDF_CTX_set_params);
    RESOLVE(EVP_KDF_derive);
    RESOLVE(OSSL_PARAM_construct_utf8_string);
    RESOLVE(OSSL_PARAM_construct_octet_string);
    RESOLVE(OSSL_PARAM_construct_int);
    RESOLVE(OSSL_PARAM_construct_end);
    const unsigned long version = loaded->OpenSSL_version_num();
    if (version < MIN_VERSION) {
        snprintf(why, why_len, "%s is OpenSSL version 0x%lx, 3.0 or later is needed", soname, version);
        return VARTA_OPENSSL_ERR_VERSION;
    }
    return 0;
}

int varta_openssl_load(const char *soname, char *why, size_t why_len)
{
    if (why_len > 0) {
        why[0] = '\0';
    }
    if (atomic_load_explicit(&published, memory_order_acquire) != NULL) {
        return 0;
    }
    if (soname == NULL) {
        soname = VARTA_CRYPTO_DEFAULT_SONAME;
    }
    pthread_mutex_lock(&load_lock);
    int rc = 0;
    if (atomic_load_explicit(&published, memory_order_relaxed) == NULL) {
        void *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) {
            const char *error = dlerror();
            snprintf(why, why_len, "%s", error != NULL ? error : soname);
            rc = VARTA_OPENSSL_ERR_LOAD;
        } else {
            struct varta_openssl loaded;
            memset(&loaded, 0, sizeof(loaded));
            rc = resolve(handle, soname, &loaded, why, why_len);
            if (rc == 0) {
                table = loaded;
                atomic_store_explicit(&published, &table, memory_order_release);
            } else {
                dlclose(handle);
            }
        }
    }
    pthread_mutex_unlock(&load_lock);
    return rc;
}

const struct varta_openssl *varta_openssl(void)
{
    return atomic_load_explicit(&published, memory_order_acquire);
}
