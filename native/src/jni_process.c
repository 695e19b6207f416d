/*
 * jni_process.c - natives of ProcessNatives, behind nativeio.ChildSet: the pidfd child set of
 * child_set.h. The handle is the struct pointer as a jlong (always > 0).
 *
 * Exit records go to Java as VARTA_JNI_EXIT_FIELDS longs each:
 *   [0] slot  [1] pid  [2] code (VARTA_CHILD_EXITED/_KILLED/_DUMPED or -errno)  [3] status
 *   [4] duration_ns  [5] stdout_len  [6] stderr_len  [7] truncated (0/1)
 */
#include "jni_natives.h"

#include "varta/child_set.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VARTA_JNI_PROCESS_CLASS "io/varta/watch/nativeio/ProcessNatives"
#define VARTA_JNI_EXIT_FIELDS 8
#define EXITS_PER_CALL 256

static jlong child_set_create(JNIEnv *env, jclass cls, jint capacity, jint capture_bytes)
{
    if (capacity <= 0 || capture_bytes < 0) {
        return -EINVAL;
    }
    struct varta_child_set *set = NULL;
    const int rc = varta_child_set_create((uint32_t)capacity, (uint32_t)capture_bytes, &set);
    return rc != 0 ? (jlong)rc : (jlong)(intptr_t)set;
}

static void child_set_destroy(JNIEnv *env, jclass cls, jlong handle)
{
    varta_child_set_destroy((struct varta_child_set *)(intptr_t)handle);
}

/*
 * Copies a byte[][] into one allocation: a NULL-terminated pointer array followed by the strings.
 * Returns 0 and *out (free() it), -EINVAL for an element containing NUL or a null element, -ENOMEM.
 */
static int copy_strings(JNIEnv *env, jobjectArray array, char ***out)
{
    const jsize n = (*env)->GetArrayLength(env, array);
    size_t bytes = sizeof(char *) * ((size_t)n + 1);
    for (jsize i = 0; i < n; i++) {
        jbyteArray element = (jbyteArray)(*env)->GetObjectArrayElement(env, array, i);
        if (element == NULL) {
            return -EINVAL;
        }
        bytes += (size_t)(*env)->GetArrayLength(env, element) + 1;
        (*env)->DeleteLocalRef(env, element);
    }
    char **strings = malloc(bytes);
    if (strings == NULL) {
        return -ENOMEM;
    }
    char *text = (char *)(strings + n + 1);
    for (jsize i = 0; i < n; i++) {
        jbyteArray element = (jbyteArray)(*env)->GetObjectArrayElement(env, array, i);
        const jsize len = (*env)->GetArrayLength(env, element);
        (*env)->GetByteArrayRegion(env, element, 0, len, (jbyte *)text);
        (*env)->DeleteLocalRef(env, element);
        text[len] = '\0';
        if (memchr(text, '\0', (size_t)len) != NULL) {
            free(strings);
            return -EINVAL;
        }
        strings[i] = text;
        text += len + 1;
    }
    strings[n] = NULL;
    *out = strings;
    return 0;
}

/* out[0] = slot, out[1] = pid. Returns 0 or -errno (-EINVAL for an empty argv or a NUL byte). */
static jint child_set_spawn(JNIEnv *env, jclass cls, jlong handle, jobjectArray argv, jobjectArray envp,
                            jboolean capture, jintArray out)
{
    if ((*env)->GetArrayLength(env, argv) == 0) {
        return -EINVAL;
    }
    char **args = NULL;
    char **environment = NULL;
    int rc = copy_strings(env, argv, &args);
    if (rc == 0) {
        rc = copy_strings(env, envp, &environment);
    }
    uint32_t slot = 0;
    pid_t pid = 0;
    if (rc == 0) {
        rc = varta_child_set_spawn((struct varta_child_set *)(intptr_t)handle, (const char *const *)args,
                                   (const char *const *)environment, capture == JNI_TRUE, &slot, &pid);
    }
    free(args);
    free(environment);
    if (rc == 0) {
        const jint values[2] = { (jint)slot, (jint)pid };
        (*env)->SetIntArrayRegion(env, out, 0, 2, values);
    }
    return rc;
}

static jint child_set_kill(JNIEnv *env, jclass cls, jlong handle, jint slot, jint pid)
{
    if (slot < 0) {
        return -ESRCH;
    }
    return varta_child_set_kill((struct varta_child_set *)(intptr_t)handle, (uint32_t)slot, (pid_t)pid);
}

/* Fills exits with up to exits.length / VARTA_JNI_EXIT_FIELDS records; returns the count or -errno. */
static jint child_set_wait(JNIEnv *env, jclass cls, jlong handle, jlong timeout_nanos, jlongArray exits)
{
    jsize max = (*env)->GetArrayLength(env, exits) / VARTA_JNI_EXIT_FIELDS;
    if (max > EXITS_PER_CALL) {
        max = EXITS_PER_CALL;
    }
    struct varta_child_exit records[EXITS_PER_CALL];
    const int n = varta_child_set_wait((struct varta_child_set *)(intptr_t)handle, (int64_t)timeout_nanos, records,
                                       (uint32_t)max);
    for (int i = 0; i < n; i++) {
        const jlong values[VARTA_JNI_EXIT_FIELDS] = {
            records[i].slot, records[i].pid, records[i].code, records[i].status, (jlong)records[i].duration_ns,
            records[i].stdout_len, records[i].stderr_len, records[i].truncated,
        };
        (*env)->SetLongArrayRegion(env, exits, i * VARTA_JNI_EXIT_FIELDS, VARTA_JNI_EXIT_FIELDS, values);
    }
    return n;
}

static void child_set_kick(JNIEnv *env, jclass cls, jlong handle)
{
    varta_child_set_kick((struct varta_child_set *)(intptr_t)handle);
}

/* {VARTA_CHILD_EXITED, _KILLED, _DUMPED, VARTA_JNI_EXIT_FIELDS, EXITS_PER_CALL, VARTA_CHILD_SET_MAX_CAPACITY} */
static jintArray process_constants(JNIEnv *env, jclass cls)
{
    const jint values[6] = {
        VARTA_CHILD_EXITED, VARTA_CHILD_KILLED, VARTA_CHILD_DUMPED, VARTA_JNI_EXIT_FIELDS, EXITS_PER_CALL,
        (jint)VARTA_CHILD_SET_MAX_CAPACITY,
    };
    jintArray array = (*env)->NewIntArray(env, 6);
    if (array != NULL) {
        (*env)->SetIntArrayRegion(env, array, 0, 6, values);
    }
    return array;
}

static const JNINativeMethod METHODS[] = {
    { "childSetCreate", "(II)J", (void *)child_set_create },
    { "childSetDestroy", "(J)V", (void *)child_set_destroy },
    { "childSetSpawn", "(J[[B[[BZ[I)I", (void *)child_set_spawn },
    { "childSetKill", "(JII)I", (void *)child_set_kill },
    { "childSetWait", "(JJ[J)I", (void *)child_set_wait },
    { "childSetKick", "(J)V", (void *)child_set_kick },
    { "processConstants", "()[I", (void *)process_constants },
};

struct varta_jni_table varta_jni_process_natives(void)
{
    return VARTA_JNI_TABLE(VARTA_JNI_PROCESS_CLASS, METHODS);
}
