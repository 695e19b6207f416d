/*
 * jni_ring.c - Natives.ringLayout(): the ring.h constants, so Java can assert its mirror
 * (RingDescriptor) against what this library was compiled with.
 */
#include "jni_natives.h"

#include "varta/ring.h"

/*
 * Order of the array (RingLayoutTest lists the same order): RECORD_BYTES, the 15 record offsets
 * from RECV_NS to RESERVED, TRAILER_TAIL, TRAILER_HEAD, TRAILER_CONSUMER_WAITING,
 * TRAILER_FULL_STALLS, TRAILER_BYTES, CACHE_PAIR, MIN_CAPACITY, MAX_CAPACITY, the 7 kinds from
 * BEAT to IO_ERROR, TRANSPORT_UDS, TRANSPORT_UDP.
 */
static const jint LAYOUT[] = {
    VARTA_RING_RECORD_BYTES,
    VARTA_RING_OFF_RECV_NS, VARTA_RING_OFF_TIMESTAMP, VARTA_RING_OFF_NONCE, VARTA_RING_OFF_FRAME_PID,
    VARTA_RING_OFF_PAYLOAD, VARTA_RING_OFF_PEER_PID, VARTA_RING_OFF_PEER_UID, VARTA_RING_OFF_KIND,
    VARTA_RING_OFF_STATUS, VARTA_RING_OFF_DECODE_ERROR, VARTA_RING_OFF_TRANSPORT, VARTA_RING_OFF_DATAGRAM_LEN,
    VARTA_RING_OFF_DETAIL_A, VARTA_RING_OFF_DETAIL_B, VARTA_RING_OFF_RESERVED,
    VARTA_RING_TRAILER_TAIL, VARTA_RING_TRAILER_HEAD, VARTA_RING_TRAILER_CONSUMER_WAITING,
    VARTA_RING_TRAILER_FULL_STALLS, VARTA_RING_TRAILER_BYTES, VARTA_RING_CACHE_PAIR,
    VARTA_RING_MIN_CAPACITY, VARTA_RING_MAX_CAPACITY,
    VARTA_KIND_BEAT, VARTA_KIND_DECODE_ERROR, VARTA_KIND_WRONG_LENGTH, VARTA_KIND_NO_CREDENTIALS,
    VARTA_KIND_UID_MISMATCH, VARTA_KIND_CTRUNC, VARTA_KIND_IO_ERROR,
    VARTA_TRANSPORT_UDS, VARTA_TRANSPORT_UDP,
};

static jintArray ring_layout(JNIEnv *env, jclass cls)
{
    const jsize n = (jsize)(sizeof(LAYOUT) / sizeof(LAYOUT[0]));
    jintArray out = (*env)->NewIntArray(env, n);
    if (out != NULL) {
        (*env)->SetIntArrayRegion(env, out, 0, n, LAYOUT);
    }
    return out;
}

static const JNINativeMethod METHODS[] = {
    { "ringLayout", "()[I", (void *)ring_layout },
};

struct varta_jni_table varta_jni_ring_natives(void)
{
    return VARTA_JNI_TABLE(VARTA_JNI_NATIVES_CLASS, METHODS);
}
