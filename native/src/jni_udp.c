/*
 * jni_udp.c - the natives of nativeio.UdpNatives: bind a UDP listener socket (udp.h).
 */
#include "jni_natives.h"

#include "varta/udp.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#define UDP_NATIVES_CLASS "io/varta/watch/nativeio/UdpNatives"

/*
 * address: 4 bytes (IPv4) or 16 (IPv6). bound (16 bytes) gets the bound address (4 or 16 bytes used, as
 * given), out[0] the bound port, out[1] the granted SO_RCVBUF. Returns the fd or -errno.
 */
static jint udp_bind(JNIEnv *env, jclass cls, jbyteArray address, jint port, jint rcvbuf, jbyteArray bound,
                     jintArray out)
{
    const jsize len = (*env)->GetArrayLength(env, address);
    if ((len != 4 && len != 16) || port < 0 || port > 65535 || (*env)->GetArrayLength(env, bound) < 16
        || (*env)->GetArrayLength(env, out) < 2) {
        return -EINVAL;
    }
    struct varta_ip ip;
    memset(&ip, 0, sizeof(ip));
    ip.family = len == 4 ? AF_INET : AF_INET6;
    (*env)->GetByteArrayRegion(env, address, 0, len, (jbyte *)ip.bytes);
    struct varta_udp_bound result;
    const int rc = varta_udp_bind(&ip, (uint16_t)port, rcvbuf, &result);
    if (rc < 0) {
        return rc;
    }
    (*env)->SetByteArrayRegion(env, bound, 0, 16, (const jbyte *)result.address.bytes);
    const jint values[2] = { result.port, result.granted_rcvbuf };
    (*env)->SetIntArrayRegion(env, out, 0, 2, values);
    return rc;
}

static const JNINativeMethod METHODS[] = {
    { "udpBind", "([BII[B[I)I", (void *)udp_bind },
};

struct varta_jni_table varta_jni_udp_natives(void)
{
    return VARTA_JNI_TABLE(UDP_NATIVES_CLASS, METHODS);
}
