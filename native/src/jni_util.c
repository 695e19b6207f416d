/*
 * jni_util.c - helpers shared by the jni_*.c files (see jni_util.h).
 */
#include "jni_util.h"

#include <errno.h>
#include <string.h>

int varta_jni_copy_path(JNIEnv *env, jbyteArray path, char out[PATH_MAX])
{
    const jsize n = (*env)->GetArrayLength(env, path);
    if (n <= 0) {
        return -EINVAL;
    }
    if (n >= PATH_MAX) {
        return -ENAMETOOLONG;
    }
    (*env)->GetByteArrayRegion(env, path, 0, n, (jbyte *)out);
    out[n] = '\0';
    if (strlen(out) != (size_t)n) {
        return -EINVAL;
    }
    return 0;
}
