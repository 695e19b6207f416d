/*
 * jni_files.c - the natives of nativeio.FileNatives: private_file.h (open or read a file under the
 * private-file rules) and file_ops.h (descriptor and directory-entry operations). Each returns >= 0 on
 * success and a VARTA_PRIVATE_* code or -errno on failure; none throws.
 */
#include "jni_natives.h"
#include "jni_util.h"

#include "varta/file_ops.h"
#include "varta/private_file.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define FILE_NATIVES_CLASS "io/varta/watch/nativeio/FileNatives"
#define INFO_LONGS 8
#define STAT_LONGS 4

static void put_info(JNIEnv *env, jlongArray out, const struct varta_private_info *info)
{
    const jlong values[INFO_LONGS] = {
        info->mode, info->uid, info->expected_uid, (jlong)info->nlink,
        info->size, (jlong)info->dev, (jlong)info->ino, info->created,
    };
    (*env)->SetLongArrayRegion(env, out, 0, INFO_LONGS, values);
}

static jint private_open(JNIEnv *env, jclass cls, jbyteArray path, jint how, jint checks, jint expected_uid,
    jlong max_bytes, jlongArray info)
{
    char buffer[PATH_MAX];
    const int copied = varta_jni_copy_path(env, path, buffer);
    if (copied != 0) {
        return copied;
    }
    const struct varta_private_rules rules = { (uint32_t)checks, (uint32_t)expected_uid, max_bytes };
    struct varta_private_info seen;
    const int rc = varta_private_open(buffer, how, &rules, &seen);
    put_info(env, info, &seen);
    return rc;
}

static jint private_read(JNIEnv *env, jclass cls, jbyteArray path, jint checks, jint expected_uid,
    jbyteArray out, jlongArray info)
{
    char buffer[PATH_MAX];
    const int copied = varta_jni_copy_path(env, path, buffer);
    if (copied != 0) {
        return copied;
    }
    uint8_t data[VARTA_PRIVATE_MAX_SECRET_BYTES];
    jsize cap = (*env)->GetArrayLength(env, out);
    if (cap > VARTA_PRIVATE_MAX_SECRET_BYTES) {
        cap = VARTA_PRIVATE_MAX_SECRET_BYTES;
    }
    const struct varta_private_rules rules = { (uint32_t)checks, (uint32_t)expected_uid, cap };
    struct varta_private_info seen;
    const int rc = varta_private_read(buffer, &rules, data, (size_t)cap, &seen);
    put_info(env, info, &seen);
    if (rc > 0) {
        (*env)->SetByteArrayRegion(env, out, 0, rc, (const jbyte *)data);
    }
    memset(data, 0, sizeof(data));
    return rc;
}

static jlong write_direct(JNIEnv *env, jclass cls, jint fd, jobject buffer, jint offset, jint length)
{
    uint8_t *base = (*env)->GetDirectBufferAddress(env, buffer);
    const jlong capacity = (*env)->GetDirectBufferCapacity(env, buffer);
    if (base == NULL || offset < 0 || length < 0 || (jlong)offset + length > capacity) {
        return -EINVAL;
    }
    return varta_file_write(fd, base + offset, (size_t)length);
}

static jlong pread_array(JNIEnv *env, jclass cls, jint fd, jbyteArray out, jlong position)
{
    const jsize len = (*env)->GetArrayLength(env, out);
    if (len == 0) {
        return 0;
    }
    uint8_t *data = malloc((size_t)len);
    if (data == NULL) {
        return -ENOMEM;
    }
    const int64_t rc = varta_file_pread(fd, data, (size_t)len, position);
    if (rc > 0) {
        (*env)->SetByteArrayRegion(env, out, 0, (jsize)rc, (const jbyte *)data);
    }
    free(data);
    return rc;
}

static jint datasync(JNIEnv *env, jclass cls, jint fd)
{
    return varta_file_datasync(fd);
}

static jint stat_fd(JNIEnv *env, jclass cls, jint fd, jlongArray out)
{
    struct varta_file_stat st;
    const int rc = varta_file_stat(fd, &st);
    if (rc == 0) {
        const jlong values[STAT_LONGS] = { st.size, (jlong)st.dev, (jlong)st.ino, (jlong)st.nlink };
        (*env)->SetLongArrayRegion(env, out, 0, STAT_LONGS, values);
    }
    return rc;
}

static jint truncate_fd(JNIEnv *env, jclass cls, jint fd, jlong size)
{
    return varta_file_truncate(fd, size);
}

static jint close_fd(JNIEnv *env, jclass cls, jint fd)
{
    return varta_file_close(fd);
}

/* Runs op on two copied paths. */
static jint with_two_paths(JNIEnv *env, jbyteArray a, jbyteArray b, int (*op)(const char *, const char *))
{
    char from[PATH_MAX];
    char to[PATH_MAX];
    int rc = varta_jni_copy_path(env, a, from);
    if (rc == 0) {
        rc = varta_jni_copy_path(env, b, to);
    }
    return rc != 0 ? rc : op(from, to);
}

/* Runs op on one copied path. */
static jint with_path(JNIEnv *env, jbyteArray a, int (*op)(const char *))
{
    char path[PATH_MAX];
    const int rc = varta_jni_copy_path(env, a, path);
    return rc != 0 ? rc : op(path);
}

static jint rename_path(JNIEnv *env, jclass cls, jbyteArray from, jbyteArray to)
{
    return with_two_paths(env, from, to, varta_file_rename);
}

static jint move_by_copy(JNIEnv *env, jclass cls, jbyteArray from, jbyteArray to)
{
    return with_two_paths(env, from, to, varta_file_move_by_copy);
}

static jint unlink_path(JNIEnv *env, jclass cls, jbyteArray path)
{
    return with_path(env, path, varta_file_unlink);
}

static jint sync_parent_dir(JNIEnv *env, jclass cls, jbyteArray path)
{
    return with_path(env, path, varta_file_sync_parent_dir);
}

static const JNINativeMethod METHODS[] = {
    { "privateOpen", "([BIIIJ[J)I", (void *)private_open },
    { "privateRead", "([BII[B[J)I", (void *)private_read },
    { "write", "(ILjava/nio/ByteBuffer;II)J", (void *)write_direct },
    { "pread", "(I[BJ)J", (void *)pread_array },
    { "datasync", "(I)I", (void *)datasync },
    { "stat", "(I[J)I", (void *)stat_fd },
    { "truncate", "(IJ)I", (void *)truncate_fd },
    { "close", "(I)I", (void *)close_fd },
    { "rename", "([B[B)I", (void *)rename_path },
    { "moveByCopy", "([B[B)I", (void *)move_by_copy },
    { "unlink", "([B)I", (void *)unlink_path },
    { "syncParentDir", "([B)I", (void *)sync_parent_dir },
};

struct varta_jni_table varta_jni_files_natives(void)
{
    return VARTA_JNI_TABLE(FILE_NATIVES_CLASS, METHODS);
}
