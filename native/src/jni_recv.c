/*
 * jni_recv.c - natives behind Receiver: start/stop the native receiver thread over N listener
 * sockets, the consumer's sleep/kick, and the drained-through watermark. The handle is the struct
 * pointer as a jlong (always > 0).
 */
#include "jni_natives.h"

#include "varta/ingress.h"
#include "varta/recv.h"
#include "varta/ring.h"

#include <errno.h>
#include <stdint.h>

/*
 * Reads the four per-listener arrays (equal lengths, 1..VARTA_RECV_MAX_INGRESS) into configs. A context is
 * the handle of the listener's native state (secure UDP: SecureUdpNatives.keysNew), 0 for none.
 */
static jint read_configs(JNIEnv *env, jintArray fds, jintArray transports, jintArray origins, jlongArray contexts,
                         jint uid, struct varta_ingress_config *configs)
{
    const jsize count = (*env)->GetArrayLength(env, fds);
    if (count <= 0 || count > (jsize)VARTA_RECV_MAX_INGRESS || (*env)->GetArrayLength(env, transports) != count
        || (*env)->GetArrayLength(env, origins) != count || (*env)->GetArrayLength(env, contexts) != count) {
        return -EINVAL;
    }
    jint fd[VARTA_RECV_MAX_INGRESS];
    jint transport[VARTA_RECV_MAX_INGRESS];
    jint origin[VARTA_RECV_MAX_INGRESS];
    jlong context[VARTA_RECV_MAX_INGRESS];
    (*env)->GetIntArrayRegion(env, fds, 0, count, fd);
    (*env)->GetIntArrayRegion(env, transports, 0, count, transport);
    (*env)->GetIntArrayRegion(env, origins, 0, count, origin);
    (*env)->GetLongArrayRegion(env, contexts, 0, count, context);
    for (jsize i = 0; i < count; i++) {
        if (transport[i] < 0 || transport[i] > UINT8_MAX || origin[i] < 0 || origin[i] > UINT8_MAX) {
            return -EINVAL;
        }
        configs[i] = (struct varta_ingress_config){
            .fd = fd[i], .transport = (uint8_t)transport[i], .origin = (uint8_t)origin[i],
            .observer_uid = (uint32_t)uid, .context = (void *)(intptr_t)context[i],
        };
    }
    return count;
}

/* Returns the handle (> 0) or -errno; -EINVAL if the buffer is not direct or too small. */
static jlong receiver_start(JNIEnv *env, jclass cls, jintArray fds, jintArray transports, jintArray origins,
                            jlongArray contexts, jobject region, jint capacity, jint uid)
{
    if (capacity <= 0 || !varta_ring_capacity_valid((uint32_t)capacity)) {
        return -EINVAL;
    }
    void *base = (*env)->GetDirectBufferAddress(env, region);
    const jlong size = (*env)->GetDirectBufferCapacity(env, region);
    if (base == NULL || size < (jlong)varta_ring_region_bytes((uint32_t)capacity)) {
        return -EINVAL;
    }
    struct varta_ingress_config configs[VARTA_RECV_MAX_INGRESS];
    const jint count = read_configs(env, fds, transports, origins, contexts, uid, configs);
    if (count < 0) {
        return count;
    }
    struct varta_ingress ingresses[VARTA_RECV_MAX_INGRESS];
    int rc = 0;
    jint ready = 0;
    for (; rc == 0 && ready < count; ready++) {
        rc = varta_ingress_init(&ingresses[ready], &configs[ready]);
    }
    struct varta_receiver *receiver = NULL;
    if (rc == 0) {
        rc = varta_receiver_start(ingresses, (unsigned)count, base, (uint32_t)capacity, &receiver);
    }
    if (rc != 0) {
        for (jint i = 0; i < ready; i++) {
            varta_ingress_destroy(&ingresses[i]);
        }
        return (jlong)rc;
    }
    return (jlong)(intptr_t)receiver;
}

static jint receiver_wait(JNIEnv *env, jclass cls, jlong handle, jlong timeout_nanos)
{
    return varta_receiver_wait((struct varta_receiver *)(intptr_t)handle, (int64_t)timeout_nanos);
}

static void receiver_kick(JNIEnv *env, jclass cls, jlong handle)
{
    varta_receiver_kick((struct varta_receiver *)(intptr_t)handle);
}

static jlong receiver_drained_through(JNIEnv *env, jclass cls, jlong handle)
{
    return (jlong)varta_receiver_drained_through((struct varta_receiver *)(intptr_t)handle);
}

static void receiver_stop(JNIEnv *env, jclass cls, jlong handle)
{
    varta_receiver_stop((struct varta_receiver *)(intptr_t)handle);
}

static const JNINativeMethod METHODS[] = {
    { "receiverStart", "([I[I[I[JLjava/nio/ByteBuffer;II)J", (void *)receiver_start },
    { "receiverWait", "(JJ)I", (void *)receiver_wait },
    { "receiverKick", "(J)V", (void *)receiver_kick },
    { "receiverDrainedThrough", "(J)J", (void *)receiver_drained_through },
    { "receiverStop", "(J)V", (void *)receiver_stop },
};

struct varta_jni_table varta_jni_recv_natives(void)
{
    return VARTA_JNI_TABLE(VARTA_JNI_NATIVES_CLASS, METHODS);
}
