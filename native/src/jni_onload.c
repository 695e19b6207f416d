/*
 * jni_onload.c - the library's only exported symbol: registers every table of jni_natives.h on its
 * class. On any failure, everything registered so far is unregistered and loading fails.
 */
#include "jni_natives.h"

#include <stddef.h>

__attribute__((visibility("default"))) jint JNI_OnLoad(JavaVM *vm, void *reserved);

static void unregister_all(JNIEnv *env, const struct varta_jni_table *tables, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        jclass cls = (*env)->FindClass(env, tables[i].class_name);
        if (cls == NULL) {
            (*env)->ExceptionClear(env);
            continue;
        }
        (*env)->UnregisterNatives(env, cls);
        (*env)->DeleteLocalRef(env, cls);
    }
}

jint JNI_OnLoad(JavaVM *vm, void *reserved)
{
    JNIEnv *env = NULL;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    /* Constants first: NativeLibrary's ABI check is the first call into the library. */
    const struct varta_jni_table tables[] = {
        varta_jni_constants_natives(),
        varta_jni_uds_natives(),
        varta_jni_recv_natives(),
        varta_jni_clock_natives(),
        varta_jni_files_natives(),
        varta_jni_supervision_natives(),
        varta_jni_process_natives(),
        varta_jni_udp_natives(),
        varta_jni_secure_udp_natives(),
        varta_jni_proc_natives(),
    };
    const size_t count = sizeof(tables) / sizeof(tables[0]);
    for (size_t i = 0; i < count; i++) {
        jclass cls = (*env)->FindClass(env, tables[i].class_name);
        const int ok = cls != NULL
            && (*env)->RegisterNatives(env, cls, tables[i].methods, tables[i].count) == 0;
        if (cls != NULL) {
            (*env)->DeleteLocalRef(env, cls);
        }
        if (!ok) {
            unregister_all(env, tables, i + 1);
            return JNI_ERR;
        }
    }
    return JNI_VERSION_1_8;
}
