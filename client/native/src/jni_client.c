/*
 * jni_client.c - the JNI glue of libvarta_client.so: one table for io.varta.client.UdsNatives, registered from
 * JNI_OnLoad (no Java_* symbol names; only JNI_OnLoad is exported). Natives return -errno, never throw.
 */
#include "uds_send.h"

#include <errno.h>
#include <jni.h>
#include <stdint.h>

#define NATIVES_CLASS "io/varta/client/UdsNatives"

/* The errno values the Java side (io.varta.client.Errno) names; it compares them by name at load. */
#define ERRNO_ROW(name) { #name, name }
static const struct {
    const char *name;
    int value;
} errno_table[] = {
    ERRNO_ROW(EPERM),        ERRNO_ROW(ENOENT),       ERRNO_ROW(EINTR),        ERRNO_ROW(EBADF),
    ERRNO_ROW(EAGAIN),       ERRNO_ROW(ENOMEM),       ERRNO_ROW(EACCES),       ERRNO_ROW(ENOTDIR),
    ERRNO_ROW(EINVAL),       ERRNO_ROW(ENFILE),       ERRNO_ROW(EMFILE),       ERRNO_ROW(EPIPE),
    ERRNO_ROW(ENAMETOOLONG), ERRNO_ROW(ELOOP),        ERRNO_ROW(ENOTSOCK),     ERRNO_ROW(EDESTADDRREQ),
    ERRNO_ROW(EMSGSIZE),     ERRNO_ROW(EPROTOTYPE),   ERRNO_ROW(EAFNOSUPPORT), ERRNO_ROW(EADDRINUSE),
    ERRNO_ROW(EADDRNOTAVAIL), ERRNO_ROW(ENETDOWN),    ERRNO_ROW(ENETUNREACH),  ERRNO_ROW(ECONNRESET),
    ERRNO_ROW(ENOBUFS),      ERRNO_ROW(EISCONN),      ERRNO_ROW(ENOTCONN),     ERRNO_ROW(ECONNREFUSED),
    ERRNO_ROW(EHOSTDOWN),    ERRNO_ROW(EHOSTUNREACH),
};
#define ERRNO_COUNT ((jsize)(sizeof(errno_table) / sizeof(errno_table[0])))

static jint abi_version(JNIEnv *env, jclass cls)
{
    return VARTA_CLIENT_ABI_VERSION;
}

static jobjectArray errno_names(JNIEnv *env, jclass cls)
{
    const jclass string = (*env)->FindClass(env, "java/lang/String");
    if (string == NULL) {
        return NULL;
    }
    const jobjectArray names = (*env)->NewObjectArray(env, ERRNO_COUNT, string, NULL);
    for (jsize i = 0; names != NULL && i < ERRNO_COUNT; i++) {
        const jstring name = (*env)->NewStringUTF(env, errno_table[i].name);
        if (name == NULL) {
            return NULL;
        }
        (*env)->SetObjectArrayElement(env, names, i, name);
        (*env)->DeleteLocalRef(env, name);
    }
    return names;
}

static jintArray errno_values(JNIEnv *env, jclass cls)
{
    const jintArray values = (*env)->NewIntArray(env, ERRNO_COUNT);
    for (jsize i = 0; values != NULL && i < ERRNO_COUNT; i++) {
        const jint v = errno_table[i].value;
        (*env)->SetIntArrayRegion(env, values, i, 1, &v);
    }
    return values;
}

static jlong buffer_address(JNIEnv *env, jclass cls, jobject buffer)
{
    return (jlong)(intptr_t)(*env)->GetDirectBufferAddress(env, buffer);
}

static jint uds_open(JNIEnv *env, jclass cls, jbyteArray path)
{
    char bytes[256];
    const jsize len = (*env)->GetArrayLength(env, path);
    if (len <= 0 || (size_t)len > sizeof(bytes)) {
        return len <= 0 ? -EINVAL : -ENAMETOOLONG;
    }
    (*env)->GetByteArrayRegion(env, path, 0, len, (jbyte *)bytes);
    return varta_client_uds_open(bytes, (size_t)len);
}

static jint uds_send(JNIEnv *env, jclass cls, jint fd, jlong address, jint length)
{
    if (address == 0 || length < 0) {
        return -EINVAL;
    }
    return (jint)varta_client_uds_send(fd, (const void *)(intptr_t)address, (size_t)length);
}

static jint uds_close(JNIEnv *env, jclass cls, jint fd)
{
    return varta_client_uds_close(fd);
}

static const JNINativeMethod methods[] = {
    { "abiVersion", "()I", (void *)abi_version },
    { "errnoNames", "()[Ljava/lang/String;", (void *)errno_names },
    { "errnoValues", "()[I", (void *)errno_values },
    { "address", "(Ljava/nio/ByteBuffer;)J", (void *)buffer_address },
    { "open", "([B)I", (void *)uds_open },
    { "send", "(IJI)I", (void *)uds_send },
    { "close", "(I)I", (void *)uds_close },
};

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    JNIEnv *env = NULL;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    const jclass cls = (*env)->FindClass(env, NATIVES_CLASS);
    if (cls == NULL) {
        return JNI_ERR;
    }
    if ((*env)->RegisterNatives(env, cls, methods, (jint)(sizeof(methods) / sizeof(methods[0]))) != 0) {
        return JNI_ERR;
    }
    (*env)->DeleteLocalRef(env, cls);
    return JNI_VERSION_1_8;
}
