/*
 * jni_constants.c - NativeConstants: the ring ABI version and every constant Java needs from C,
 * as {name, value} pairs. Java checks the ABI version and each public constant of RingDescriptor by
 * name right after loading the library (NativeLibrary), and reads error codes by name, so a
 * constant added or moved here can never be paired with the wrong Java field.
 *
 * Names: ring constants carry RingDescriptor's field names; errno values their C names; the codes
 * of uds.h and private_file.h their macro names without the VARTA_ prefix.
 */
#include "jni_natives.h"

#include "varta/ring.h"
#include "varta/private_file.h"
#include "varta/uds.h"

#include <errno.h>

struct named_constant {
    const char *name;
    jint value;
};

#define NAMED(name, value) { (name), (jint)(value) }

static const struct named_constant CONSTANTS[] = {
    NAMED("ABI_VERSION", VARTA_RING_ABI_VERSION),
    NAMED("RECORD_BYTES", VARTA_RING_RECORD_BYTES),
    NAMED("CACHE_PAIR", VARTA_RING_CACHE_PAIR),
    NAMED("OFF_RECV_NS", VARTA_RING_OFF_RECV_NS),
    NAMED("OFF_TIMESTAMP", VARTA_RING_OFF_TIMESTAMP),
    NAMED("OFF_NONCE", VARTA_RING_OFF_NONCE),
    NAMED("OFF_FRAME_PID", VARTA_RING_OFF_FRAME_PID),
    NAMED("OFF_PAYLOAD", VARTA_RING_OFF_PAYLOAD),
    NAMED("OFF_PEER_PID", VARTA_RING_OFF_PEER_PID),
    NAMED("OFF_PEER_UID", VARTA_RING_OFF_PEER_UID),
    NAMED("OFF_KIND", VARTA_RING_OFF_KIND),
    NAMED("OFF_STATUS", VARTA_RING_OFF_STATUS),
    NAMED("OFF_DECODE_ERROR", VARTA_RING_OFF_DECODE_ERROR),
    NAMED("OFF_TRANSPORT", VARTA_RING_OFF_TRANSPORT),
    NAMED("OFF_DATAGRAM_LEN", VARTA_RING_OFF_DATAGRAM_LEN),
    NAMED("OFF_DETAIL_A", VARTA_RING_OFF_DETAIL_A),
    NAMED("OFF_DETAIL_B", VARTA_RING_OFF_DETAIL_B),
    NAMED("OFF_ORIGIN", VARTA_RING_OFF_ORIGIN),
    NAMED("OFF_LISTENER", VARTA_RING_OFF_LISTENER),
    NAMED("OFF_SOURCE_PORT", VARTA_RING_OFF_SOURCE_PORT),
    NAMED("OFF_SOURCE_HASH", VARTA_RING_OFF_SOURCE_HASH),
    NAMED("TRAILER_TAIL", VARTA_RING_TRAILER_TAIL),
    NAMED("TRAILER_HEAD", VARTA_RING_TRAILER_HEAD),
    NAMED("TRAILER_CONSUMER_WAITING", VARTA_RING_TRAILER_CONSUMER_WAITING),
    NAMED("TRAILER_FULL_STALLS", VARTA_RING_TRAILER_FULL_STALLS),
    NAMED("TRAILER_DATAGRAMS_READ", VARTA_RING_TRAILER_DATAGRAMS_READ),
    NAMED("TRAILER_BYTES", VARTA_RING_TRAILER_BYTES),
    NAMED("CONSUMER_AWAKE", VARTA_RING_CONSUMER_AWAKE),
    NAMED("CONSUMER_SLEEPING", VARTA_RING_CONSUMER_SLEEPING),
    NAMED("CONSUMER_BATCHING", VARTA_RING_CONSUMER_BATCHING),
    NAMED("MIN_CAPACITY", VARTA_RING_MIN_CAPACITY),
    NAMED("MAX_CAPACITY", VARTA_RING_MAX_CAPACITY),
    NAMED("KIND_BEAT", VARTA_KIND_BEAT),
    NAMED("KIND_DECODE_ERROR", VARTA_KIND_DECODE_ERROR),
    NAMED("KIND_WRONG_LENGTH", VARTA_KIND_WRONG_LENGTH),
    NAMED("KIND_NO_CREDENTIALS", VARTA_KIND_NO_CREDENTIALS),
    NAMED("KIND_UID_MISMATCH", VARTA_KIND_UID_MISMATCH),
    NAMED("KIND_CTRUNC", VARTA_KIND_CTRUNC),
    NAMED("KIND_IO_ERROR", VARTA_KIND_IO_ERROR),
    NAMED("KIND_DECRYPT_FAILED", VARTA_KIND_DECRYPT_FAILED),
    NAMED("KIND_REPLAY_REFUSED", VARTA_KIND_REPLAY_REFUSED),
    NAMED("KIND_SENDER_TABLE_FULL", VARTA_KIND_SENDER_TABLE_FULL),
    NAMED("TRANSPORT_UDS", VARTA_TRANSPORT_UDS),
    NAMED("TRANSPORT_UDP", VARTA_TRANSPORT_UDP),
    NAMED("TRANSPORT_SECURE_UDP", VARTA_TRANSPORT_SECURE_UDP),
    NAMED("ORIGIN_NETWORK_UNVERIFIED", VARTA_ORIGIN_NETWORK_UNVERIFIED),
    NAMED("ORIGIN_SOCKET_MODE_ONLY", VARTA_ORIGIN_SOCKET_MODE_ONLY),
    NAMED("ORIGIN_OPERATOR_ATTESTED_TRANSPORT", VARTA_ORIGIN_OPERATOR_ATTESTED_TRANSPORT),
    NAMED("ORIGIN_KERNEL_ATTESTED", VARTA_ORIGIN_KERNEL_ATTESTED),
    NAMED("EADDRINUSE", EADDRINUSE),
    NAMED("ELOOP", ELOOP),
    NAMED("EPERM", EPERM),
    NAMED("UDS_ERR_NOT_A_SOCKET", VARTA_UDS_ERR_NOT_A_SOCKET),
    NAMED("UDS_ERR_LIVE_OBSERVER", VARTA_UDS_ERR_LIVE_OBSERVER),
    NAMED("UDS_ERR_PATH_CHANGED", VARTA_UDS_ERR_PATH_CHANGED),
    NAMED("UDS_ERR_PROBE_FAILED", VARTA_UDS_ERR_PROBE_FAILED),
    NAMED("UDS_ERR_MODE_MISMATCH", VARTA_UDS_ERR_MODE_MISMATCH),
    NAMED("UDS_ERR_LOCK_FAILED", VARTA_UDS_ERR_LOCK_FAILED),
    NAMED("ENOENT", ENOENT),
    NAMED("EXDEV", EXDEV),
    NAMED("EEXIST", EEXIST),
    NAMED("PRIVATE_SYMLINK", VARTA_PRIVATE_SYMLINK),
    NAMED("PRIVATE_NOT_REGULAR", VARTA_PRIVATE_NOT_REGULAR),
    NAMED("PRIVATE_INSECURE_MODE", VARTA_PRIVATE_INSECURE_MODE),
    NAMED("PRIVATE_WRONG_OWNER", VARTA_PRIVATE_WRONG_OWNER),
    NAMED("PRIVATE_TOO_LARGE", VARTA_PRIVATE_TOO_LARGE),
    NAMED("PRIVATE_LINK_COUNT", VARTA_PRIVATE_LINK_COUNT),
    NAMED("PRIVATE_CHECK_MODE", VARTA_PRIVATE_CHECK_MODE),
    NAMED("PRIVATE_CHECK_OWNER", VARTA_PRIVATE_CHECK_OWNER),
    NAMED("PRIVATE_CHECK_ONE_LINK", VARTA_PRIVATE_CHECK_ONE_LINK),
    NAMED("PRIVATE_CHECK_SIZE", VARTA_PRIVATE_CHECK_SIZE),
    NAMED("PRIVATE_OPEN_READ", VARTA_PRIVATE_OPEN_READ),
    NAMED("PRIVATE_OPEN_APPEND", VARTA_PRIVATE_OPEN_APPEND),
    NAMED("PRIVATE_OPEN_CREATE_NEW", VARTA_PRIVATE_OPEN_CREATE_NEW),
    NAMED("PRIVATE_MAX_SECRET_BYTES", VARTA_PRIVATE_MAX_SECRET_BYTES),
};

#define CONSTANT_COUNT ((jsize)(sizeof(CONSTANTS) / sizeof(CONSTANTS[0])))

static jint abi_version(JNIEnv *env, jclass cls)
{
    return VARTA_RING_ABI_VERSION;
}

static jobjectArray names(JNIEnv *env, jclass cls)
{
    jclass string = (*env)->FindClass(env, "java/lang/String");
    if (string == NULL) {
        return NULL;
    }
    jobjectArray out = (*env)->NewObjectArray(env, CONSTANT_COUNT, string, NULL);
    for (jsize i = 0; out != NULL && i < CONSTANT_COUNT; i++) {
        jstring name = (*env)->NewStringUTF(env, CONSTANTS[i].name);
        if (name == NULL) {
            return NULL;
        }
        (*env)->SetObjectArrayElement(env, out, i, name);
        (*env)->DeleteLocalRef(env, name);
    }
    return out;
}

static jintArray values(JNIEnv *env, jclass cls)
{
    jint buffer[sizeof(CONSTANTS) / sizeof(CONSTANTS[0])];
    for (jsize i = 0; i < CONSTANT_COUNT; i++) {
        buffer[i] = CONSTANTS[i].value;
    }
    jintArray out = (*env)->NewIntArray(env, CONSTANT_COUNT);
    if (out != NULL) {
        (*env)->SetIntArrayRegion(env, out, 0, CONSTANT_COUNT, buffer);
    }
    return out;
}

static const JNINativeMethod METHODS[] = {
    { "abiVersion", "()I", (void *)abi_version },
    { "names", "()[Ljava/lang/String;", (void *)names },
    { "values", "()[I", (void *)values },
};

struct varta_jni_table varta_jni_constants_natives(void)
{
    return VARTA_JNI_TABLE("io/varta/watch/nativeio/NativeConstants", METHODS);
}
