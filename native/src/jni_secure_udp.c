/*
 * jni_secure_udp.c - the natives of nativeio.SecureUdpNatives: resolve libcrypto (crypto.h) and build,
 * read and free a secure listener's key set (secure_keys.h). Key files are read here, natively: only their
 * paths come from Java and only codes and counts go back, so no key byte ever reaches the Java heap.
 */
#include "jni_natives.h"
#include "jni_util.h"

#include "varta/crypto.h"
#include "varta/secure_keys.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#define SECURE_UDP_NATIVES_CLASS "io/varta/watch/nativeio/SecureUdpNatives"
#define DETAIL_LONGS 5
#define WHY_BYTES 512

/* soname: a library name or path (bytes, no NUL). why[0] gets the reason on failure. Returns 0 or a code. */
static jint crypto_load(JNIEnv *env, jclass cls, jbyteArray soname, jobjectArray why)
{
    char name[PATH_MAX];
    const int copied = varta_jni_copy_path(env, soname, name);
    if (copied != 0) {
        return copied;
    }
    char reason[WHY_BYTES];
    const int rc = varta_crypto_load(name, reason, sizeof(reason));
    if (rc != 0 && (*env)->GetArrayLength(env, why) > 0) {
        jstring text = (*env)->NewStringUTF(env, reason);
        if (text != NULL) {
            (*env)->SetObjectArrayElement(env, why, 0, text);
            (*env)->DeleteLocalRef(env, text);
        }
    }
    return rc;
}

static jlong keys_new(JNIEnv *env, jclass cls, jlong restart_gap_nanos)
{
    struct varta_secure_keys *keys = NULL;
    const int rc = varta_secure_keys_new(restart_gap_nanos > 0 ? (uint64_t)restart_gap_nanos : 0, &keys);
    return rc != 0 ? (jlong)rc : (jlong)(intptr_t)keys;
}

/* detail (DETAIL_LONGS) gets line, detail, mode, owner uid, expected uid. Returns keys added or a code. */
static jint keys_add_file(JNIEnv *env, jclass cls, jlong handle, jbyteArray path, jint kind, jint uid,
                          jlongArray detail)
{
    char buffer[PATH_MAX];
    const int copied = varta_jni_copy_path(env, path, buffer);
    if (copied != 0) {
        return copied;
    }
    struct varta_key_error err;
    const int rc = varta_secure_keys_add_file((struct varta_secure_keys *)(intptr_t)handle, buffer, kind,
                                              (uint32_t)uid, &err);
    const jlong values[DETAIL_LONGS] = { err.line, err.detail, err.info.mode, err.info.uid, err.info.expected_uid };
    (*env)->SetLongArrayRegion(env, detail, 0, DETAIL_LONGS, values);
    return rc;
}

static jlong keys_attempts(JNIEnv *env, jclass cls, jlong handle)
{
    return (jlong)varta_secure_keys_attempts((const struct varta_secure_keys *)(intptr_t)handle);
}

static void keys_free(JNIEnv *env, jclass cls, jlong handle)
{
    varta_secure_keys_free((struct varta_secure_keys *)(intptr_t)handle);
}

static const JNINativeMethod METHODS[] = {
    { "cryptoLoad", "([B[Ljava/lang/String;)I", (void *)crypto_load },
    { "keysNew", "(J)J", (void *)keys_new },
    { "keysAddFile", "(J[BII[J)I", (void *)keys_add_file },
    { "keysAttempts", "(J)J", (void *)keys_attempts },
    { "keysFree", "(J)V", (void *)keys_free },
};

struct varta_jni_table varta_jni_secure_udp_natives(void)
{
    return VARTA_JNI_TABLE(SECURE_UDP_NATIVES_CLASS, METHODS);
}
