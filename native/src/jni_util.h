/*
 * jni_util.h - helpers shared by the jni_*.c files (not part of varta_core).
 */
#ifndef VARTA_JNI_UTIL_H
#define VARTA_JNI_UTIL_H

#include <jni.h>
#include <limits.h>

/**
 * Copies a Java byte[] path (nativeio.PathBytes) into a NUL-terminated buffer, byte for byte.
 * Returns 0, -EINVAL for an empty path or an embedded NUL, -ENAMETOOLONG for PATH_MAX or more.
 */
int varta_jni_copy_path(JNIEnv *env, jbyteArray path, char out[PATH_MAX]);

#endif
