/*
 * jni_secret.c - native behind SecretFile: the private-file checks and bounded read of secret_file.h.
 */
#include "jni_natives.h"
#include "jni_util.h"

#include "varta/secret_file.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

/*
 * Reads path into out (capacity = its length, at most VARTA_SECRET_MAX_BYTES); info[0..2] = mode, owner
 * uid, expected uid. Returns the byte count or a negative code (VARTA_SECRET_* or -errno).
 */
static jint secret_file_read(JNIEnv *env, jclass cls, jbyteArray path, jbyteArray out, jlongArray info)
{
    char buffer[PATH_MAX];
    const int copied = varta_jni_copy_path(env, path, buffer);
    if (copied != 0) {
        return copied;
    }
    uint8_t data[VARTA_SECRET_MAX_BYTES];
    jsize cap = (*env)->GetArrayLength(env, out);
    if (cap > VARTA_SECRET_MAX_BYTES) {
        cap = VARTA_SECRET_MAX_BYTES;
    }
    struct varta_secret_stat st;
    const int rc = varta_secret_file_read(buffer, data, (size_t)cap, &st);
    const jlong values[3] = { st.mode, st.uid, st.expected };
    (*env)->SetLongArrayRegion(env, info, 0, 3, values);
    if (rc > 0) {
        (*env)->SetByteArrayRegion(env, out, 0, rc, (const jbyte *)data);
    }
    memset(data, 0, sizeof(data));
    return rc;
}

static const JNINativeMethod METHODS[] = {
    { "secretFileRead", "([B[B[J)I", (void *)secret_file_read },
};

struct varta_jni_table varta_jni_secret_natives(void)
{
    return VARTA_JNI_TABLE(VARTA_JNI_NATIVES_CLASS, METHODS);
}
