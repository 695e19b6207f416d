/*
 * jni_onload.c - the library's only exported symbol: registers every native of
 * io.varta.watch.nativeio.Natives (no Java_* symbol names; -fvisibility=hidden hides the rest).
 */
#include "jni_natives.h"

#include <stddef.h>

#define NATIVES_CLASS "io/varta/watch/nativeio/Natives"

__attribute__((visibility("default"))) jint JNI_OnLoad(JavaVM *vm, void *reserved);

jint JNI_OnLoad(JavaVM *vm, void *reserved)
{
    JNIEnv *env = NULL;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    jclass natives = (*env)->FindClass(env, NATIVES_CLASS);
    if (natives == NULL) {
        return JNI_ERR;
    }
    const struct varta_jni_table tables[] = {
        varta_jni_ring_natives(),
        varta_jni_uds_natives(),
        varta_jni_recv_natives(),
        varta_jni_clock_natives(),
        varta_jni_secret_natives(),
    };
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        if ((*env)->RegisterNatives(env, natives, tables[i].methods, tables[i].count) != 0) {
            (*env)->UnregisterNatives(env, natives);
            (*env)->DeleteLocalRef(env, natives);
            return JNI_ERR;
        }
    }
    (*env)->DeleteLocalRef(env, natives);
    return JNI_VERSION_1_8;
}
