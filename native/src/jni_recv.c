/*
 * jni_recv.c - natives behind Receiver: start/stop the native receiver thread, and the
 * consumer's sleep/kick. The handle is the struct pointer as a jlong (always > 0).
 */
#include "jni_natives.h"

#include "varta/recv.h"
#include "varta/ring.h"

#include <errno.h>
#include <stdint.h>

/* Returns the handle (> 0) or -errno; -EINVAL if the buffer is not direct or too small. */
static jlong receiver_start(JNIEnv *env, jclass cls, jint fd, jobject region, jint capacity, jint uid)
{
    if (capacity <= 0 || !varta_ring_capacity_valid((uint32_t)capacity)) {
        return -EINVAL;
    }
    void *base = (*env)->GetDirectBufferAddress(env, region);
    const jlong size = (*env)->GetDirectBufferCapacity(env, region);
    if (base == NULL || size < (jlong)varta_ring_region_bytes((uint32_t)capacity)) {
        return -EINVAL;
    }
    struct varta_receiver *receiver = NULL;
    const int rc = varta_receiver_start(fd, base, (uint32_t)capacity, (uint32_t)uid, &receiver);
    return rc != 0 ? (jlong)rc : (jlong)(intptr_t)receiver;
}

static jint receiver_wait(JNIEnv *env, jclass cls, jlong handle, jlong timeout_nanos)
{
    return varta_receiver_wait((struct varta_receiver *)(intptr_t)handle, (int64_t)timeout_nanos);
}

static void receiver_kick(JNIEnv *env, jclass cls, jlong handle)
{
    varta_receiver_kick((struct varta_receiver *)(intptr_t)handle);
}

static void receiver_stop(JNIEnv *env, jclass cls, jlong handle)
{
    varta_receiver_stop((struct varta_receiver *)(intptr_t)handle);
}

static const JNINativeMethod METHODS[] = {
    { "receiverStart", "(ILjava/nio/ByteBuffer;II)J", (void *)receiver_start },
    { "receiverWait", "(JJ)I", (void *)receiver_wait },
    { "receiverKick", "(J)V", (void *)receiver_kick },
    { "receiverStop", "(J)V", (void *)receiver_stop },
};

struct varta_jni_table varta_jni_recv_natives(void)
{
    return VARTA_JNI_TABLE(VARTA_JNI_NATIVES_CLASS, METHODS);
}
