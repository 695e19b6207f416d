/*
 * jni_uds.c - natives behind UdsListener: bind, unlink-if-ours, close, counters, strerror.
 */
#include "jni_natives.h"
#include "jni_util.h"

#include "varta/uds.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* out[0..3] = dev, ino, granted rcvbuf, detail errno (probe or lock). Returns the fd or a negative code. */
static jint uds_bind(JNIEnv *env, jclass cls, jbyteArray path, jint mode, jint rcvbuf, jlongArray out)
{
    char buffer[PATH_MAX];
    int rc = varta_jni_copy_path(env, path, buffer);
    struct varta_uds_bound bound;
    memset(&bound, 0, sizeof(bound));
    if (rc == 0) {
        rc = varta_uds_bind(buffer, (unsigned)mode, rcvbuf, &bound);
    }
    const jlong values[4] = { (jlong)bound.dev, (jlong)bound.ino, bound.granted_rcvbuf, bound.detail_errno };
    (*env)->SetLongArrayRegion(env, out, 0, 4, values);
    return rc;
}

static jint uds_unlink_if_ours(JNIEnv *env, jclass cls, jbyteArray path, jlong dev, jlong ino)
{
    char buffer[PATH_MAX];
    const int rc = varta_jni_copy_path(env, path, buffer);
    return rc != 0 ? rc : varta_uds_unlink_if_ours(buffer, (uint64_t)dev, (uint64_t)ino);
}

static jint close_fd(JNIEnv *env, jclass cls, jint fd)
{
    return close(fd) == 0 || errno == EINTR ? 0 : -errno;
}

static jlong dir_fsync_failures(JNIEnv *env, jclass cls)
{
    return (jlong)varta_uds_dir_fsync_failures();
}

static jstring str_error(JNIEnv *env, jclass cls, jint err)
{
    char buffer[256];
    const char *text = strerror_r(err, buffer, sizeof(buffer)); /* GNU variant (_GNU_SOURCE) */
    return (*env)->NewStringUTF(env, text);
}

static const JNINativeMethod METHODS[] = {
    { "udsBind", "([BII[J)I", (void *)uds_bind },
    { "udsUnlinkIfOurs", "([BJJ)I", (void *)uds_unlink_if_ours },
    { "closeFd", "(I)I", (void *)close_fd },
    { "udsBindDirFsyncFailures", "()J", (void *)dir_fsync_failures },
    { "strerror", "(I)Ljava/lang/String;", (void *)str_error },
};

struct varta_jni_table varta_jni_uds_natives(void)
{
    return VARTA_JNI_TABLE(VARTA_JNI_NATIVES_CLASS, METHODS);
}
