/*
 * jni_proc.c - ProcNatives: a process's /proc identity (proc_identity.h) for the observer thread,
 * without allocating: results go into the caller's long[].
 */
#include "jni_natives.h"

#include "varta/proc_identity.h"

#define VARTA_JNI_PROC_CLASS "io/varta/watch/nativeio/ProcNatives"
#define PROC_ROOT "/proc"

/* out[0] = start time, out[1] = namespace inode (VARTA_PROC_UNKNOWN where not read); returns the
 * VARTA_PROC_* code, or -1 if out is too short. */
static jint proc_identity(JNIEnv *env, jclass cls, jint pid, jlongArray out)
{
    if ((*env)->GetArrayLength(env, out) < 2) {
        return -1;
    }
    int64_t start_time = VARTA_PROC_UNKNOWN;
    int64_t ns_inode = VARTA_PROC_UNKNOWN;
    const int code = varta_proc_identity(PROC_ROOT, (uint32_t)pid, &start_time, &ns_inode);
    const jlong fields[2] = { (jlong)start_time, (jlong)ns_inode };
    (*env)->SetLongArrayRegion(env, out, 0, 2, fields);
    return code;
}

static jlong proc_start_time(JNIEnv *env, jclass cls, jint pid)
{
    return (jlong)varta_proc_start_time(PROC_ROOT, (uint32_t)pid);
}

static jlong proc_own_ns_inode(JNIEnv *env, jclass cls)
{
    return (jlong)varta_proc_own_ns_inode(PROC_ROOT);
}

static jintArray proc_constants(JNIEnv *env, jclass cls)
{
    const jint values[4] = { VARTA_PROC_PRESENT, VARTA_PROC_GONE, VARTA_PROC_PARTIAL, VARTA_PROC_UNKNOWN };
    jintArray array = (*env)->NewIntArray(env, 4);
    if (array != NULL) {
        (*env)->SetIntArrayRegion(env, array, 0, 4, values);
    }
    return array;
}

static const JNINativeMethod METHODS[] = {
    { "identity", "(I[J)I", (void *)proc_identity },
    { "startTime", "(I)J", (void *)proc_start_time },
    { "ownNsInode", "()J", (void *)proc_own_ns_inode },
    { "constants", "()[I", (void *)proc_constants },
};

struct varta_jni_table varta_jni_proc_natives(void)
{
    return VARTA_JNI_TABLE(VARTA_JNI_PROC_CLASS, METHODS);
}
